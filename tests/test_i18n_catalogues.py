"""`i18n extract` and `i18n update` touch only the catalogues whose entries changed.

A translation commit should show the translator's work and nothing else: a file is rewritten only when one
of its entries changed, it keeps the header it has (whatever Babel version or translation tool wrote it),
and a new file's header names no tool version.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO, run_cli

MODULE = "global-supply-chains"
OLD_TITLE = "title: How global supply chains work and where decent work deficits arise"


def _content_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for part in ("modules", "curriculum", "templates"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "conf.py", root / "conf.py")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base"], cwd=root,
                   check=True)
    return root


def _changed(root: Path) -> set[str]:
    out = subprocess.run(["git", "status", "--porcelain"], cwd=root, check=True, capture_output=True, text=True)
    return {line[3:] for line in out.stdout.splitlines()}


@pytest.fixture
def root(tmp_path):
    return _content_copy(tmp_path)


def test_update_and_extract_on_unchanged_sources_write_nothing(root, capsys):
    for command in ("update", "extract"):
        code, out, err = run_cli(capsys, "i18n", command, "--root", str(root))
        assert code == 0, err
    assert _changed(root) == set()


def test_one_title_edit_changes_only_the_catalogues_that_hold_it(root, capsys):
    module = root / "modules" / f"{MODULE}.yml"
    text = module.read_text(encoding="utf-8")
    assert OLD_TITLE in text
    module.write_text(text.replace(OLD_TITLE, OLD_TITLE + " today"),
                      encoding="utf-8")
    for command in ("update", "extract"):
        code, out, err = run_cli(capsys, "i18n", command, "--root", str(root))
        assert code == 0, err
    languages = sorted(p.name for p in (root / "modules" / "locale").iterdir() if p.is_dir())
    assert languages  # the repository has translations to keep stable
    expected = {f"modules/{MODULE}.yml", f"modules/locale/{MODULE}.pot",
                *(f"modules/locale/{lang}/{MODULE}.po" for lang in languages)}
    assert _changed(root) == expected
    diff = subprocess.run(["git", "diff", "-U0", f"modules/locale/fr/{MODULE}.po"], cwd=root, check=True,
                          capture_output=True, text=True).stdout
    changed_lines = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert any("today" in line for line in changed_lines), diff
    assert all("msgid" in line or "#, fuzzy" in line for line in changed_lines), diff  # no header noise


def test_a_header_written_by_another_tool_is_kept(root, capsys):
    po = root / "modules" / "locale" / "fr" / f"{MODULE}.po"
    text = po.read_text(encoding="utf-8")
    header_end = text.index("\n\n") + 2
    header = text[:header_end].replace('"MIME-Version: 1.0\\n"\n',
                                       '"MIME-Version: 1.0\\n"\n"X-Generator: Poedit 3.4\\n"\n')
    header = header.replace("Generated-By: Babel", "Generated-By: Babel 99 was")
    po.write_text(header + text[header_end:], encoding="utf-8")
    before = po.read_bytes()
    code, out, err = run_cli(capsys, "i18n", "update", "--root", str(root))
    assert code == 0, err
    assert po.read_bytes() == before
    module = root / "modules" / f"{MODULE}.yml"
    module.write_text(module.read_text(encoding="utf-8").replace(OLD_TITLE, "title: Supply chains"),
                      encoding="utf-8")
    run_cli(capsys, "i18n", "update", "--root", str(root))
    after = po.read_text(encoding="utf-8")
    assert after.startswith(header) and 'msgid "Supply chains"' in after


def test_a_new_catalogue_names_no_tool_version(root, capsys):
    code, out, err = run_cli(capsys, "i18n", "extract", "--lang", "pt", "--root", str(root))
    assert code == 0, err
    new = root / "modules" / "locale" / "pt" / f"{MODULE}.po"
    header = new.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert '"Language: pt\\n"' in header and "Babel" not in header and "Generated-By" not in header
    from babel.messages.pofile import read_po

    with open(new, "rb") as handle:
        catalog = read_po(handle)
    assert catalog.locale_identifier == "pt" and len([m for m in catalog if m.id]) > 10
