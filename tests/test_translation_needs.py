"""A pack needs the translations of exactly the strings it shows, and a build validates what it builds.

Adding a country, an audience or an English-only course puts new strings in the shared catalogues; no
French or Spanish pack shows them, so none waits for them. Editing an English sentence never stops an
English pack, and stops a French pack (or shows the English text, marked) as the course's policy says,
with a message that names the sentence, its file:line and the .po entry. A module no course of a build
uses cannot stop that build.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import REPO, run_cli
from .test_site import page_text

COURSE = "foundations-blended"
PACK = f"{COURSE}.workers-organizations.garment-textile.mx"
TRANSLATED = [f"{PACK}.fr.participant", f"{PACK}.es.participant"]
SESSION = "modules/global-supply-chains/anatomy-of-a-supply-chain.html"
OLD = "The International Labour Conference, at its 105th Session in 2016, described"
NEW = "In 2016, at its 105th Session, the International Labour Conference described"

COUNTRY = """\
code: "GH"
name: "Ghana"
region: "africa"
languages: ["en"]
ratifications: {}
epz:
  text: "Ghana's free zones are run by the Ghana Free Zones Authority."
  source: "https://example.org/ghana-free-zones"
  as_of: "2024"
"""


def copy_repo(target: Path) -> Path:
    shutil.copytree(REPO, target, ignore=shutil.ignore_patterns("_build", ".venv", ".git", "node_modules",
                                                                  "tests", "docs", "benchmarks"))
    return target


def add_country(root: Path) -> None:
    (root / "curriculum/contexts/countries/GH.yml").write_text(COUNTRY, encoding="utf-8")


def add_english_course(root: Path) -> None:
    """A course in English only, offered in the new country, with a module of its own."""
    text = (root / "curriculum/gsc-turin.yml").read_text(encoding="utf-8")
    text = text.replace("id: gsc-turin", "id: ghana-english").replace(
        "title: Decent work in global supply chains", "title: Decent work in Ghana's supply chains")
    text = re.sub(r"countries: \[[^\]]*\]", "countries: [GH]", text)
    (root / "curriculum/ghana-english.yml").write_text(text, encoding="utf-8")


def add_audience(root: Path) -> None:
    path = root / "curriculum/contexts/audiences.yml"
    path.write_text(path.read_text(encoding="utf-8") + "  - id: journalists\n    title: Journalists\n"
                    "    description: Reporters who cover labour and trade.\n", encoding="utf-8")


ADDITIONS = {"country": add_country, "english-only course": add_english_course, "audience": add_audience}


@pytest.mark.parametrize("what", ADDITIONS)
def test_content_no_translated_pack_shows_needs_no_translation(tmp_path, capsys, what):
    root = copy_repo(tmp_path / "repo")
    add_country(root)  # the course and the audience are offered there
    ADDITIONS[what](root)
    code, out, err = run_cli(capsys, "check", "--root", str(root))
    assert code == 0, err
    assert "translation" not in err


def test_a_country_the_french_course_offers_untranslated_stops_its_own_packs_only(tmp_path, capsys):
    root = copy_repo(tmp_path / "repo")
    add_country(root)
    course = root / "curriculum" / f"{COURSE}.yml"
    course.write_text(re.sub(r"countries: \[", "countries: [GH, ", course.read_text(), count=1))
    code, out, err = run_cli(capsys, "check", "--root", str(root))
    assert code == 1
    assert re.search(r"^curriculum/locale/fr/contexts\.po:1:1: error\[translation-missing\]: no French translation "
                     r"of 'Ghana' \(curriculum/contexts/countries/GH\.yml:2, country\[GH\]\.name\); needed by 24 packs",
                     err, re.M), err
    build = ("build", "--format", "html", "--root", str(root), "-o", str(tmp_path / "out"))
    code, out, err = run_cli(capsys, *build[:1], f"{COURSE}.workers-organizations.garment-textile.gh.fr.participant",
                             *build[1:])
    assert code == 1 and "no French translation of 'Ghana'" in err and "error[translation-missing]" in err
    assert "no French translation of \"Ghana's free zones" in err  # its verified fact too
    code, out, err = run_cli(capsys, *build[:1], f"{PACK}.fr.participant", *build[1:])
    assert code == 0, err


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_french_and_spanish_packs_build_unchanged_after_a_country_and_a_course_are_added(tmp_path, capsys):
    root = copy_repo(tmp_path / "repo")
    before, after = tmp_path / "before", tmp_path / "after"
    for pack in TRANSLATED:
        code, out, err = run_cli(capsys, "build", pack, "--format", "html", "--root", str(root), "-o", str(before))
        assert code == 0, err
    add_country(root)
    add_english_course(root)
    for pack in TRANSLATED:
        code, out, err = run_cli(capsys, "build", pack, "--format", "html", "--root", str(root), "-o", str(after))
        assert code == 0, err
        old, new = _site_files(before / pack / "site"), _site_files(after / pack / "site")
        assert old.keys() == new.keys() and len(old) > 10
        assert {p for p in old if old[p] != new[p]} == set()  # the same bytes


def _edit_sentence(root: Path) -> Path:
    module = root / "modules/global-supply-chains.yml"
    text = module.read_text(encoding="utf-8")
    assert OLD in text
    module.write_text(text.replace(OLD, NEW), encoding="utf-8")
    return module


def test_an_english_edit_builds_the_english_pack_and_names_the_string_for_the_french_one(tmp_path, capsys):
    root = copy_repo(tmp_path / "repo")
    module = _edit_sentence(root)
    line = next(i for i, text in enumerate(module.read_text().splitlines(), 1) if NEW in text)
    out_dir = str(tmp_path / "out")
    code, out, err = run_cli(capsys, "build", f"{PACK}.en.participant", "--format", "html", "--root", str(root),
                             "-o", out_dir)
    assert code == 0, err
    assert NEW.split(",")[0] in page_text(tmp_path / "out" / f"{PACK}.en.participant" / "site" / SESSION)
    code, out, err = run_cli(capsys, "build", f"{PACK}.fr.participant", "--format", "html", "--root", str(root),
                             "-o", out_dir)
    assert code == 1
    po_line = _po_line(root / "modules/locale/fr/global-supply-chains.po",
                       "sessions[anatomy-of-a-supply-chain].body")
    assert re.search(rf"modules/locale/fr/global-supply-chains\.po:{po_line}:1: error\[translation-stale\]: the "
                     rf"French translation of 'In 2016, at its 105th Session[^']*' \(modules/global-supply-chains"
                     rf"\.yml:{line}, sessions\[anatomy-of-a-supply-chain\]\.body\) is out of date.*needed by pack "
                     rf"{re.escape(PACK)}\.fr\.participant", err), err
    # check names the same string once per language, as an out-of-date translation, with the packs
    code, out, err = run_cli(capsys, "check", "--root", str(root))
    assert code == 1
    stale = [l for l in err.splitlines() if "error[" in l]
    assert len(stale) == 2 and all("error[translation-stale]" in l and f"global-supply-chains.yml:{line}" in l
                                   for l in stale), err
    assert {re.search(r"locale/(\w+)/", l).group(1) for l in stale} == {"fr", "es"}
    assert all(re.search(r"needed by 192 packs \(192 of foundations-blended\)", l) for l in stale), err
    for language in ("fr", "es"):  # and sums them up per course and language
        assert f"Translations foundations-blended needs in {language!r}: 1 out of date (for 192 packs: not built)" \
            in out
    assert re.search(r"Translations foundations-blended needs in 'ar': \d+ missing(, \d+ out of date)? \(for 192 "
                     r"packs: show the source text, marked\)", out), out


def test_the_preview_of_an_edited_english_module_builds_and_the_french_one_names_the_string(tmp_path):
    from build_tools.resolve.keys import PackKey
    from build_tools.serve.responder import Preview

    root = copy_repo(tmp_path / "repo")
    _edit_sentence(root)
    english, french = (PackKey.parse(f"{PACK}.{lang}.participant") for lang in ("en", "fr"))
    preview = Preview(root, english, tmp_path / "serve", log=lambda line: None)
    assert preview.rebuild(english) and preview.error_lines(english) == []
    assert NEW.split(",")[0] in page_text(preview.site(english) / SESSION)
    assert not preview.rebuild(french)
    lines = preview.error_lines(french)
    assert len(lines) == 1 and "error[translation-stale]" in lines[0] and "In 2016, at its 105th" in lines[0], lines


def test_a_fallback_language_shows_the_edited_english_sentence_marked(tmp_path, capsys):
    root = copy_repo(tmp_path / "repo")
    _edit_sentence(root)
    course = root / "curriculum" / f"{COURSE}.yml"
    course.write_text(course.read_text().replace("fallback_languages: [ar]", "fallback_languages: [ar, fr]"))
    code, out, err = run_cli(capsys, "build", f"{PACK}.fr.participant", "--format", "html", "--root", str(root),
                             "-o", str(tmp_path / "out"))
    assert code == 0, err
    import yaml

    note = yaml.safe_load((root / "templates/labels/fr.yml").read_text(encoding="utf-8"))["fallback_note"]
    site = tmp_path / "out" / f"{PACK}.fr.participant" / "site"
    edited = page_text(site / SESSION, main_only=True)
    assert note in edited and NEW.split(",")[0] in edited
    other = page_text(site / "modules/global-supply-chains/index.html", main_only=True)
    assert note not in other  # only what shows English is marked


def _po_line(po: Path, context: str) -> int:
    from babel.messages.pofile import read_po

    with open(po, "rb") as handle:
        return next(m.lineno for m in read_po(handle) if m.context == context)


def _break_module(root: Path) -> str:
    path = root / "modules/osh.yml"
    path.write_text(path.read_text().replace("status: reviewed", "status: reviewed\ncolour: blue", 1))
    return "modules/osh.yml"


def _break_country(root: Path) -> str:
    path = root / "curriculum/contexts/countries/VN.yml"
    path.write_text(re.sub(r'region: "?[a-z-]+"?', 'region: "south-east"', path.read_text()))
    return "curriculum/contexts/countries/VN.yml"


def _break_course(root: Path) -> str:
    path = root / "curriculum/gsc-turin.yml"
    path.write_text(path.read_text().replace("kind: turin", "kind: residential"))
    return "curriculum/gsc-turin.yml"


@pytest.mark.parametrize("plant", [_break_module, _break_country, _break_course],
                         ids=["module", "country", "course"])
def test_an_error_in_content_the_build_does_not_use_is_a_warning_naming_the_file(tmp_path, capsys, plant):
    root = copy_repo(tmp_path / "repo")
    broken = plant(root)
    code, out, err = run_cli(capsys, "build", f"{PACK}.en.participant", "--format", "html", "--root", str(root),
                             "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert re.search(rf"^{re.escape(broken)}:\d+:\d+: warning\[[a-z-]+\]: .*that foundations-blended does not use", err, re.M), err
    code, out, err = run_cli(capsys, "check", "--root", str(root))
    assert code == 1 and re.search(rf"^{re.escape(broken)}:\d+:\d+: error\[", err, re.M), err


# --------------------------------------------------------------------------- needs = what the pages show

def _marked(repo, cat):
    """The catalogue with every translatable string replaced by a marker naming its .po entry."""
    from build_tools.i18n.catalogues import context_units, course_units, module_units, translate_module
    from build_tools.resolve.localize import _translate_contexts

    markers = {}

    def mark(po, context):
        markers[f"QZ{len(markers):05d}QZ"] = (po, context)
        return next(reversed(markers))

    modules = {mid: translate_module(mod, {u.context: mark(f"modules/locale/fr/{mid}.po", u.context)
                                           for u in module_units(mod)}) for mid, mod in cat.modules.items()}
    courses = {cid: c.model_copy(update={u.path[0]: mark("curriculum/locale/fr/courses.po", u.context)
                                         for u in course_units(c)}) for cid, c in cat.courses.items()}
    triples = list(context_units(cat))
    usable = {u.context: mark("curriculum/locale/fr/contexts.po", u.context) for _, _, u in triples}
    contexts = _translate_contexts(cat, triples, usable)
    return cat.model_copy(update={"modules": modules, "courses": courses, **contexts}), markers


SAMPLE = [(audience, sector, country, edition)
          for audience, sector, country in (("workers-organizations", "garment-textile", "MX"),
                                            ("labour-inspectors", "agriculture", "MA"),
                                            ("government-officials", "automotive", "JO"),
                                            ("employers-organizations", "agriculture", "KE"))
          for edition in ("participant", "facilitator")]


@pytest.mark.parametrize("audience, sector, country, edition", SAMPLE)
def test_a_pack_needs_exactly_the_strings_its_pages_show(repo, audience, sector, country, edition):
    """Every string of every kind (module fields, variants, activities, feedback, course, contexts) is
    replaced by a marker; the markers on the rendered pages are the strings the pack needs, no more, no less."""
    from build_tools.i18n.needs import pack_needs
    from build_tools.render import render_pack
    from build_tools.resolve.keys import PackKey
    from build_tools.resolve.pack import resolve

    key = PackKey(COURSE, audience, sector, country, "fr", edition)
    cat, markers = _marked(repo, repo.catalogue)
    pages, _ = render_pack(repo, resolve(cat, key), "0" * 16)
    shown = {markers[m] for page in pages.values() for m in re.findall(r"QZ\d{5}QZ", page)}
    needed = {(n.po, n.unit.context) for n in pack_needs(repo.catalogue, key)}
    assert needed - shown == set() and shown - needed == set()
