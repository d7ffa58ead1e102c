"""Materials in built packs of ``tests/roots/materials``, read back from the PDFs and the site.

The expected copies are computed here by hand from the fixture (a cohort of 25 in groups of 5: 5 groups;
the role card has 2 roles), not by the code under test.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from build_tools.content.repository import load_repo
from build_tools.pipeline.build import build_pack
from build_tools.resolve.keys import PackKey
from build_tools.resolve.pack import resolve

from .conftest import REPO, ROOTS
from .leaks import fingerprint
from .test_leaks import documents, every_document

BRIEF_TOKEN = "zqxrolebriefsecretqzx"
"""Planted in the factory owner's confidential brief (tests/roots/materials/modules/intro.yml)."""

COPIES = {"Handout 1.1: Map of a garment supply chain": 25,  # each participant: the cohort
          "Case 1.2: A fire at a subcontractor": 5,  # each group: 25 / 5
          "Role cards 1.3: Negotiating remediation after the fire": 10,  # 2 roles x 5 groups
          "Checklist 1.A: What to watch for in the negotiation": 1,  # the facilitator
          "Supply: Flipchart paper and markers": 5}  # each group


def key(country: str, edition: str) -> PackKey:
    return PackKey("sample", "labour-inspectors", "garment-textile", country, "en", edition)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("materials") / "repo"
    shutil.copytree(ROOTS / "materials", target)
    shutil.copy(REPO / "conf.py", target / "conf.py")
    shutil.copytree(REPO / "templates", target / "templates")
    return target


@pytest.fixture(scope="module")
def built(root) -> dict[tuple[str, str], Path]:
    repo = load_repo(root)
    out = root / "_build"
    return {(c, e): build_pack(repo, key(c, e), out, formats=("html", "pdf")).output
            for c in ("BD", "HN") for e in ("participant", "facilitator")}


def tables(path: Path) -> list[tuple[int, list[list[str]]]]:
    """(1-based page, rows) of every table of the PDF, cells with their line breaks folded and the words that
    hyphenation broke joined again."""
    found = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for table in page.extract_tables():
                found.append((number, [[" ".join(unhyphenate(cell or "").split()) for cell in row] for row in table]))
    return found


def unhyphenate(text: str) -> str:
    """``text`` with the hyphens that hyphenation adds at a line's end (U+2010, which the content never
    writes) taken out, with the line break after them."""
    return HYPHENATION_BREAK.sub("", text)


HYPHENATION_BREAK = re.compile("\u2010\\s+")


def pages(path: Path) -> list[str]:
    return [unhyphenate(page.extract_text() or "") for page in pypdf.PdfReader(path).pages]


def heading_page(path: Path, title: str) -> int:
    """The page on which ``title`` is set in the material heading's size (14 pt)."""
    with pdfplumber.open(path) as pdf:
        hits = [n for n, page in enumerate(pdf.pages, 1)
                if fingerprint(title) in fingerprint(" ".join(w["text"] for w in page.extract_words(extra_attrs=["size"])
                                                              if 13.5 <= w["size"] < 18))]
    assert len(hits) == 1, (title, hits)
    return hits[0]


def test_the_preparation_box_quotes_the_participant_manual_page_of_each_material(built):
    guide = built[("BD", "facilitator")] / "facilitator-guide.pdf"
    manual = built[("BD", "facilitator")] / "participant-manual.pdf"
    boxes = [rows for _, rows in tables(guide) if rows[0][:2] == ["Materials", "Participant manual, page"]]
    assert len(boxes) == 1  # one session uses materials
    rows = {re.sub(r" \([^)]*\)$", "", row[0]): row for row in boxes[0][1:]}
    assert set(rows) == set(COPIES)
    for name, row in rows.items():
        if name.startswith(("Handout", "Case", "Role cards")):
            assert int(row[1]) == heading_page(manual, name), name
        else:  # the facilitator's checklist is printed in the guide only; a supply is not printed
            assert row[1] == ("–" if name.startswith("Supply") else "in this guide"), name
        assert int(row[2]) == COPIES[name], name


def test_the_print_list_totals_the_copies_for_a_cohort_of_25_in_groups_of_5(built):
    guide = built[("BD", "facilitator")] / "facilitator-guide.pdf"
    lists = [(page, rows) for page, rows in tables(guide) if rows[0] == ["Materials", "For", "Sessions", "Copies"]]
    assert len(lists) == 1
    page, rows = lists[0]
    assert {row[0]: int(row[3]) for row in rows[1:]} == COPIES
    assert "cohort of 25 participants in groups of 5 (5 groups)" in " ".join(pages(guide)[page - 1].split())


def test_role_cards_and_answer_keys_are_on_pages_of_their_own_in_the_guide(built):
    guide = pages(built[("BD", "facilitator")] / "facilitator-guide.pdf")
    cards = {role: [i for i, text in enumerate(guide) if f"Role card: {role}" in text]
             for role in ("Factory owner", "Union representative")}
    assert all(len(found) == 1 for found in cards.values()), cards
    assert cards["Factory owner"][0] != cards["Union representative"][0]
    assert BRIEF_TOKEN in fingerprint(guide[cards["Factory owner"][0]])
    key_page = next(i for i, text in enumerate(guide) if "Answer key" in text)
    assert "Facilitator only: not for participants" in guide[key_page]
    assert "A fire at a subcontractor" in guide[key_page - 1]  # the case's own page stays clean to photocopy
    assert "Answer key" not in guide[key_page - 1]


@pytest.mark.parametrize("country", ["BD", "HN"])
def test_no_participant_output_holds_a_role_brief(built, country):
    docs = every_document(built[(country, "participant")]) + \
        list(documents(built[(country, "facilitator")] / "participant-manual.pdf"))
    assert len(docs) > 20
    for name, text in docs:
        assert BRIEF_TOKEN not in fingerprint(text), name
        assert "red line is paying for the repairs" not in text, name
    manual = "\n".join(pages(built[(country, "participant")] / "participant-manual.pdf"))
    assert "Factory owner" in manual and "Union representative" in manual  # the role names are public


def test_a_case_reads_the_country_of_its_pack(built):
    texts = {}
    for country, name in (("BD", "Bangladesh"), ("HN", "Honduras")):
        manual = built[(country, "participant")] / "participant-manual.pdf"
        page = heading_page(manual, "Case 1.2: A fire at a subcontractor")
        texts[country] = " ".join(pages(manual)[page - 1].split())
        assert f"subcontracted workshop in {name}" in texts[country]
        site = (built[(country, "participant")] / "site" / "modules" / "intro" / "materials.html").read_text()
        assert f"subcontracted workshop in {name}" in " ".join(site.split())
    assert texts["BD"] != texts["HN"]


def test_the_handout_pdf_is_the_module_materials_with_the_manual_page_numbers(built, root):
    folder = built[("BD", "participant")]
    manual, handout = pages(folder / "participant-manual.pdf"), pages(folder / "handouts" / "intro.pdf")
    assert [t.splitlines()[0] for t in handout] == ["Handout 1.1: Map of a garment supply chain",
                                                    "Case 1.2: A fire at a subcontractor",
                                                    "Role cards 1.3: Negotiating remediation after the fire"]
    start = manual.index(handout[0])
    assert manual[start:start + len(handout)] == handout
    assert not (folder / "handouts" / "inspection.pdf").exists()  # a module without materials has no handouts


def test_materials_are_in_the_contents_and_the_outline(built):
    manual = built[("BD", "participant")] / "participant-manual.pdf"
    contents = next(t for t in pages(manual) if t.startswith("Contents"))
    for title in ("Handout 1.1: Map of a garment supply chain", "Case 1.2: A fire at a subcontractor"):
        assert re.search(re.escape(title) + rf" {heading_page(manual, title)}\b", contents), title

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    assert "Role cards 1.3: Negotiating remediation after the fire" in titles(pypdf.PdfReader(manual).outline)


def test_site_pages_list_and_link_each_material_by_edition(built):
    participant = built[("BD", "participant")] / "site" / "modules" / "intro"
    facilitator = built[("BD", "facilitator")] / "site" / "modules" / "intro"
    session = (participant / "tiers.html").read_text()
    assert 'href="materials.html#x-intro-fire-case"' in session
    assert "What to watch for" not in session and "What to watch for" not in (participant / "materials.html").read_text()
    assert "What to watch for" in (facilitator / "materials.html").read_text()
    assert "Preparation" in (facilitator / "tiers.html").read_text()
    page = (participant / "materials.html").read_text()  # a trainer's ## sits under the material's own ##
    assert re.search(r"<h3>Questions<a", page) and not re.search(r"<h2>Questions<a", page)
    assert re.search(r"<h2>Case 1\.2: A fire at a subcontractor<a", page)


def test_numbers_follow_the_module_order_of_the_pack(root):
    repo = load_repo(root)
    course = repo.catalogue.courses["sample"]
    repo.catalogue.courses["sample"] = course.model_copy(update={"modules": ["inspection", "intro"]})
    pack = resolve(repo.catalogue, key("BD", "facilitator"))
    assert [(x.id, x.number) for x in pack.materials()] == [
        ("chain-map", "2.1"), ("fire-case", "2.2"), ("remediation-roles", "2.3"), ("observer-sheet", "2.A"),
        ("flipchart-paper", None)]
    participant = resolve(repo.catalogue, key("BD", "participant"))
    assert [(x.id, x.number) for x in participant.materials()] == [
        ("chain-map", "2.1"), ("fire-case", "2.2"), ("remediation-roles", "2.3")]
