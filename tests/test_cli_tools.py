"""The command line's own promises: `list COURSE` summarises, the help names every command, `export` offers
only export formats, "up to date" is said once, and a language switcher links only to packs that exist."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from build_tools.cli.app import build_parser
from build_tools.content.model import BUILD_FORMATS, EXPORT_FORMATS
from build_tools.content.repository import load_repo
from build_tools.resolve.keys import PackKey

from .conftest import REPO, run_cli

COURSES = sorted(load_repo(REPO).catalogue.courses)
"""Course ids, from the catalogue: curriculum/ also holds files that are not courses (branding.yml)."""


@pytest.mark.parametrize("course", COURSES)
def test_list_course_summarises_every_dimension(capsys, course):
    code, out, _ = run_cli(capsys, "list", course, "--json", "--root", str(REPO))
    assert code == 0
    data = __import__("json").loads(out)["courses"][0]
    offered = data["offered_for"]
    code, text, _ = run_cli(capsys, "list", course, "--root", str(REPO))
    assert code == 0
    for name in ("languages", "audiences", "sectors", "countries", "editions", "formats"):
        line = re.search(rf"^  {name}:\s+(\d+)  (.*)$", text, re.M)
        assert line, f"no {name} line in:\n{text}"
        assert int(line[1]) == len(offered[name]) and line[2].split(", ") == offered[name]
    packs = math.prod(len(v) for k, v in offered.items() if k != "formats")
    assert re.search(rf"^  packs:\s+{packs}  ", text, re.M)
    code, ids, _ = run_cli(capsys, "list", course, "--ids", "--root", str(REPO))
    assert not [i for i in ids.split() if i in text], "the summary lists pack ids"

    code, ids, _ = run_cli(capsys, "list", course, "--ids", "--root", str(REPO))
    ids = ids.split()
    assert code == 0 and len(ids) == len(set(ids)) == packs == len(data["packs"])
    assert all(PackKey.parse(i) is not None and PackKey.parse(i).course == course for i in ids)


def test_list_ids_needs_a_course_and_a_known_one(capsys):
    assert run_cli(capsys, "list", "--ids", "--root", str(REPO))[0] == 2
    code, _, err = run_cli(capsys, "list", COURSES[0][:-1] + "x", "--root", str(REPO))
    assert code == 2 and "did you mean" in err


def test_top_level_help_shows_every_command():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    epilog = parser.epilog
    missing = [name for name in commands if f"coursepack {name} " not in epilog and f"coursepack {name}\n" not in epilog]
    assert not missing, f"`coursepack --help` shows no example of {missing}"


def test_export_offers_only_export_formats(capsys):
    for wrong in ("scorm", *BUILD_FORMATS):
        code, _, err = run_cli(capsys, "export", "x.a.b.c.en.participant", "--format", wrong, "--root", str(REPO))
        offered = err.partition("choose from ")[2].partition(" (")[0].split(", ")
        assert code == 2 and offered == list(EXPORT_FORMATS), err


BUILD = ("build", "sample", "--audience", "labour-inspectors", "--sector", "agriculture", "--country", "BD",
         "--edition", "participant", "--format", "html")


def _build(capsys, root: Path, *extra: str) -> str:
    code, out, err = run_cli(capsys, *BUILD, *extra, "--root", str(root))
    assert code == 0, err
    return out


def test_up_to_date_is_said_once(minimal_root, capsys):
    _build(capsys, minimal_root)
    quick = _build(capsys, minimal_root)  # same command, nothing touched: answered from the record
    (minimal_root / "_build" / ".cache").mkdir(exist_ok=True)
    module = minimal_root / "modules" / "intro.yml"
    module.write_text(module.read_text())  # touched: decided by content, still up to date
    slow = _build(capsys, minimal_root)
    assert quick.count("up to date") == 1 and slow.count("up to date") == 1, (quick, slow)


def _switcher_targets(site: Path):
    """(page, target) of every language-switcher link of every page of a built site."""
    for page in site.rglob("*.html"):
        nav = re.search(r'<nav class="sidebar-languages".*?</nav>', page.read_text(encoding="utf-8"), re.S)
        for href in re.findall(r'href="([^"]+)"', nav[0] if nav else ""):
            yield page, (page.parent / href).resolve()


def test_switcher_links_only_to_packs_that_exist(minimal_root, capsys):
    course = minimal_root / "curriculum" / "sample.yml"
    course.write_text(course.read_text().replace("languages: [en]", "languages: [en, fr, es]\n"
                                                 "fallback_languages: [fr, es]"))
    out = minimal_root / "_build"
    _build(capsys, minimal_root, "--lang", "en")
    en = next(out.glob("*.en.participant"))
    assert not list(_switcher_targets(en / "site")), "links to packs not built"
    _build(capsys, minimal_root, "--lang", "fr")
    fr = next(out.glob("*.fr.participant"))
    assert {t.relative_to(out).parts[0] for _, t in _switcher_targets(fr / "site")} == {en.name}
    _build(capsys, minimal_root, "--lang", "en")  # the French pack now exists: the English one links to it
    for site in (en / "site", fr / "site"):
        targets = list(_switcher_targets(site))
        assert targets and all(t.is_file() for _, t in targets), [str(t) for _, t in targets if not t.is_file()]
    assert {t.relative_to(out).parts[0] for _, t in _switcher_targets(en / "site")} == {fr.name}
