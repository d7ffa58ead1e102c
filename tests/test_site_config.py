"""A user's conf.py: what it sets survives a pack's own settings, and the configuration a pack is built with
is written beside its sources, so that plain ``sphinx-build`` builds the same pages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from build_tools.cli import main

PACK = "sample.labour-inspectors.agriculture.hn.en.participant"
BRAND_COLOUR = "#0a5c36"
NOTE = "Conf-set note for every page"


def _build(root: Path) -> Path:
    assert main(["build", PACK, "--format", "html", "--root", str(root)]) == 0
    return root / "_build"


@pytest.fixture(scope="module")
def user_root(tmp_path_factory) -> Path:
    """The minimal repository, whose conf.py sets a theme option and a context value a sidebar block prints."""
    import shutil

    from tests.conftest import REPO, ROOTS

    root = tmp_path_factory.mktemp("conf") / "repo"
    shutil.copytree(ROOTS / "minimal", root)
    shutil.copytree(REPO / "templates", root / "templates")
    conf = (REPO / "conf.py").read_text(encoding="utf-8")
    conf = conf.replace('"navigation_with_keys": True,',
                        f'"navigation_with_keys": False,\n    "light_css_variables": {{"color-brand-primary": "{BRAND_COLOUR}"}},',
                        1)  # furo's entry comes first
    conf = conf.replace('html_context = {', 'html_context = {"course_note": "' + NOTE + '", ')
    conf = conf.replace('"sidebar/search.html",', '"sidebar/search.html", "sidebar/note.html",')
    assert conf.count(BRAND_COLOUR) == conf.count(NOTE) == conf.count("sidebar/note.html") == 1
    (root / "conf.py").write_text(conf, encoding="utf-8")
    (root / "templates/site/_templates/sidebar/note.html").write_text(
        '<p class="course-note">{{ course_note }}</p>\n', encoding="utf-8")
    _build(root)
    return root


def test_conf_theme_options_and_context_survive_the_pack_settings(user_root):
    site = user_root / "_build" / PACK / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 3
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if page.name in ("search.html", "genindex.html"):
            continue
        assert f"--color-brand-primary: {BRAND_COLOUR}" in html, page  # theme option from conf.py
        assert f'<p class="course-note">{NOTE}</p>' in html, page       # html_context value from conf.py
    conf = (user_root / "_build" / ".work" / PACK / "src" / "conf.py").read_text(encoding="utf-8")
    assert "'coursepack_languages_label': 'Languages'" in conf  # the pack's context merged with conf.py's
    assert "'course_note': " in conf


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in (".buildinfo", ".coursepack-started")}


@pytest.mark.parametrize("root_name", ["user", "project"])
def test_plain_sphinx_build_of_the_sources_builds_the_same_pages(root_name, user_root, minimal_root, tmp_path):
    root = user_root if root_name == "user" else minimal_root
    if root_name == "project":
        _build(root)
    work = root / "_build" / ".work" / PACK
    out = tmp_path / "plain"
    run = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "-d", str(tmp_path / "doctrees"),
                          str(work / "src"), str(out)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    built, plain = _files(root / "_build" / PACK / "site"), _files(out)
    assert sorted(built) == sorted(plain)
    assert [name for name in built if built[name] != plain[name]] == []


def test_a_broken_conf_py_is_reported_not_a_crash(minimal_root, capsys):
    conf = minimal_root / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\nhtml_theme_options = {\n", encoding="utf-8")
    code = main(["build", PACK, "--format", "html", "--root", str(minimal_root)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "conf.py" in err and "internal error" not in err, err
