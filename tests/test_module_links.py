"""Cross-references between modules: written as ``module:`` links, checked against every pack of every course
(elective set, audience, sector), linked to the module page in the site and its first page in the manuals."""

from __future__ import annotations

import re

import pikepdf

from build_tools.content.lint import module_links, module_reference_problems, prose_references, text_fields
from build_tools.resolve.keys import PackKey
from build_tools.resolve.pack import resolve

from .conftest import run_cli


def test_no_module_text_refers_to_a_module_some_pack_lacks(repo):
    cat = repo.catalogue
    found = [p.format() for course in cat.courses.values()
             for p in module_reference_problems(course, cat, lambda mid: repo.source("module", mid))]
    assert not found, found
    assert sum(1 for mod in cat.modules.values() for _ in module_links(mod)) >= 8


def test_no_module_text_refers_to_another_module_in_words(repo):
    found = [(mid, path, phrase) for mid, mod in repo.catalogue.modules.items()
             for path, text in text_fields(mod) for _, phrase in prose_references(text)]
    assert not found, found


def test_a_reference_in_words_is_a_located_warning(minimal_root, capsys):
    path = minimal_root / "modules" / "intro.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "suppliers in {{ country.name }}.", "suppliers in {{ country.name }}.\n      See the module on inspection."),
        encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", "--root", str(minimal_root))
    assert code == 0
    assert "modules/intro.yml:15:1: warning[module-reference-text]: 'the module on'" in out


def test_an_elective_set_without_the_linked_module_is_an_error(repo, minimal_root, capsys):
    """The same link is fine while both modules are core, and an error once the linked one is an elective."""
    intro = minimal_root / "modules" / "intro.yml"
    intro.write_text(intro.read_text(encoding="utf-8").replace(
        "Push groups down to tier 3.", "Push groups down to tier 3, as in [the tiers module](module:tiers)."),
        encoding="utf-8")
    tiers = (minimal_root / "modules" / "intro.yml").read_text(encoding="utf-8").replace("id: intro", "id: tiers")
    (minimal_root / "modules" / "tiers.yml").write_text(tiers.replace("[the tiers module](module:tiers)", "it"),
                                                        encoding="utf-8")
    course = minimal_root / "curriculum" / "sample.yml"
    text = course.read_text(encoding="utf-8").replace("modules: [intro, inspection]",
                                                      "modules: [intro, tiers, inspection]").replace("days: 1", "days: 2")
    course.write_text(text, encoding="utf-8")
    assert run_cli(capsys, "check", "--root", str(minimal_root))[0] == 0
    course.write_text(text + "electives:\n  - {id: a, modules: [inspection]}\n  - {id: b, modules: [tiers]}\n",
                      encoding="utf-8")
    code, _, err = run_cli(capsys, "check", "--root", str(minimal_root), "--quiet")
    assert code == 1
    assert re.search(r"modules/intro.yml:\d+:\d+: error\[module-reference-outside-pack\]: this text links to module "
                     r"'tiers', which packs of course 'sample' \(elective set 'a', ", err), err


def test_links_lead_to_the_module_in_the_site_and_in_the_guide(repo, built):
    key = PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "facilitator")
    pack = resolve(repo.catalogue, key)
    out = built(key, ("html", "pdf"))
    targets = set()
    for rs in pack.sessions():
        module = repo.catalogue.modules[rs.module_id]
        links = {t for path, _, t in module_links(module) if path[1] == [s.id for s in module.sessions].index(rs.session.id)}
        page = (out / "site" / f"{rs.page}.html").read_text(encoding="utf-8")
        for target in links:
            assert f'href="../{target}/index.html"' in page, (rs.page, target)
            assert "(module:" not in page and 'href="module:' not in page
        targets |= links
    assert targets
    dests = set()
    with pikepdf.open(out / "facilitator-guide.pdf") as pdf:
        for page in pdf.pages:
            for annot in page.get("/Annots") or []:
                if "/Dest" in annot:
                    dests.add(str(annot["/Dest"]))
    assert {f"m-{t}" for t in targets} <= dests
