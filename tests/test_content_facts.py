"""The facts a trainer teaches from are current, and country data reads as dates, never as raw source notes.

Each fact the specialist review found out of date is checked in built text: the site of a pack that holds
every module (facilitator edition, so notes, answer keys and feedback are read too) and the sample
participant pack's site and PDF manual. Every country's generated pages are rendered to check that no as-of
field shows a raw data string ("undated (pre-2022)", "(CEACR comment adopted 2020)") or a reviewer's note.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pytest
import yaml

from build_tools.resolve.keys import PackKey

from .conftest import REPO
from .test_site import site_text

ALL = "all-modules-for-fact-check"
STALE_MIGRANTS = r"169 million international|The 169 million figure"
SAMPLE = PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "participant")

# (what, text that must be in the built text, text that must no longer be there)
FACTS = [
    ("MNE Declaration amended in 2022", r"amended in 2022", r"revised in March 2017\."),
    ("child labour 2024: 138 million", r"138 million children", r"160 million children"),
    ("child labour 2024: 54 million in hazardous work", r"54 million", r"79 million"),
    ("child labour 2024: 61 per cent in agriculture", r"61 per cent of (all )?child labour", r"70 per cent of child labour"),
    ("migrant workers 2022: about 168 million", r"168 million", STALE_MIGRANTS),
    ("informality 2022: about 58 per cent", r"58 per cent", r"61 per cent of the world"),
    ("International Accord extended to Pakistan in 2023", r"Pakistan Accord", r"open to extension"),
    ("Rana Plaza: 1,134 deaths", r"1,134", r"more than 1,100"),
    ("Rana Plaza: about 2,500 injured", r"about 2,500", r"more than 2,000 injured"),
    ("Trust Fund reached USD 30 million in 2015", r"USD 30 million", None),
    ("2020 tripartite technical meeting", r"(?i)tripartite technical meeting[^.]*2020|2020[^.]*tripartite technical meeting", None),
    ("2022 building blocks", r"building blocks", None),
    ("ILO strategy on decent work in supply chains, March 2023 (GB.347)", r"GB\.347", None),
    ("programme endorsed at the 328th Session", r"328th Session", r"adopted in 2017"),
    ("programme revised text dated 23 February 2017", r"23 February 2017", None),
    ("'predominant' not attributed to the 2016 conclusions", None,
     r"conclusions[^.]*(note|say)[^.]*predominant"),
]

RAW = re.compile(r"undated|CEACR comment adopted|Wikipedia snapshot|NORMLEX page|\(lists C187|copyright 1996")


@pytest.fixture(scope="module")
def all_modules_repo(tmp_path_factory):
    """A copy of the repository with one more course, holding every module, for every country."""
    from build_tools.content.repository import load_repo

    root = tmp_path_factory.mktemp("facts") / "repo"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("_build", ".venv", ".git", "node_modules", "tests"))
    turin = yaml.safe_load((REPO / "curriculum" / "gsc-turin.yml").read_text(encoding="utf-8"))
    modules = ["global-supply-chains"] + sorted(p.stem for p in (REPO / "modules").glob("*.yml")
                                                if p.stem != "global-supply-chains")
    course = {**turin, "id": ALL, "modules": modules, "electives": [], "outputs": ["html"],
              "schedule": {**turin["schedule"], "days": 30}}
    (root / "curriculum" / f"{ALL}.yml").write_text(yaml.safe_dump(course, allow_unicode=True), encoding="utf-8")
    return load_repo(root)


@pytest.fixture(scope="module")
def all_modules_text(all_modules_repo, tmp_path_factory) -> str:
    from build_tools.pipeline.build import build_pack

    key = PackKey(ALL, "labour-inspectors", "garment-textile", "BD", "en", "facilitator")
    out = build_pack(all_modules_repo, key, tmp_path_factory.mktemp("allpack"), formats=("html",)).output
    return site_text(out / "site")


@pytest.fixture(scope="module")
def sample_texts(built) -> dict[str, str]:
    folder = built(SAMPLE, ("html", "pdf"))
    pdfs = sorted(folder.rglob("*.pdf"))
    assert pdfs, "the sample pack has no PDF manual"
    pdf = "\n".join(page.extract_text() or "" for path in pdfs for page in pypdf.PdfReader(path).pages)
    return {"site": site_text(folder / "site"), "pdf": " ".join(pdf.split())}


@pytest.mark.parametrize(("what", "new", "old"), FACTS, ids=[f[0] for f in FACTS])
def test_every_reviewed_fact_is_current_in_the_built_text(all_modules_text, what, new, old):
    if new:
        assert re.search(new, all_modules_text), f"{what}: {new!r} is not in the built text"
    if old:
        stale = re.search(old, all_modules_text)
        assert not stale, f"{what}: stale text still built: {all_modules_text[stale.start() - 80:stale.end() + 80]!r}"


def test_the_turin_pack_teaches_the_current_facts_in_site_and_manual(sample_texts):
    """The flagship pack's participants read the new figures in both outputs, not only the facilitator."""
    for output, text in sample_texts.items():
        for new in (r"amended in 2022", r"1,134", r"GB\.347", r"328th Session", r"Pakistan Accord"):
            assert re.search(new, text), f"{output}: {new!r} missing"
        for old in (r"160 million children", r"revised in March 2017\.", r"adopted in 2017", r"more than 1,100"):
            assert not re.search(old, text), f"{output}: stale {old!r}"


def test_no_built_text_shows_a_raw_as_of_string(sample_texts, all_modules_text):
    for output, text in {**sample_texts, "all modules": all_modules_text}.items():
        leak = RAW.search(text)
        assert not leak, f"{output}: raw source data in the text: {text[leak.start() - 100:leak.end() + 60]!r}"


def test_a_ratification_not_yet_in_force_says_so(sample_texts):
    """Bangladesh registered C155 in November 2025: it enters into force 12 months later."""
    for output, text in sample_texts.items():
        assert re.search(r"ratified in 2025 \(in force 12 months after registration, from November 2026\)",
                         text), output


def _countries() -> list[str]:
    return sorted(p.stem for p in (REPO / "curriculum" / "contexts" / "countries").glob("*.yml"))


@pytest.mark.parametrize("country", _countries())
def test_every_country_fact_renders_as_a_readable_date(all_modules_repo, country):
    """For every country and every page the pack generates, as-of fields read as dates and reviewer notes
    stay out (rendered without Sphinx: the text is what the site and manuals are made from)."""
    from build_tools.resolve.localize import resolve_pack
    from build_tools.render.pages import render_pack

    key = PackKey(ALL, "labour-inspectors", "garment-textile", country, "en", "facilitator")
    pack = resolve_pack(all_modules_repo, key)
    pages, _ = render_pack(all_modules_repo, pack, "digest")
    text = "\n".join(pages.values())
    rows = {re.sub(r"\\(.)", r"\1", line)  # MyST escapes removed
            for page in pages.values() for line in page.splitlines() if "ILO_CODE:" in line}
    for inst in pack.instruments:
        if inst.ratifiable and inst.code not in pack.country.ratifications:  # outside the ratification data
            row = next(r for r in rows if f"ILO_CODE:{inst.code})" in r)
            assert "not covered by this pack's ratification sources (check NORMLEX)" in row, (country, inst.code)
    data = yaml.safe_load((REPO / "curriculum" / "contexts" / "countries" / f"{country}.yml").read_text("utf-8"))
    facts = list((data.get("ratifications") or {}).values()) + [data.get("epz") or {}] + (data.get("notes") or [])
    for fact in facts:
        as_of, note = str(fact.get("as_of") or ""), fact.get("note")
        if as_of and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", as_of):
            assert as_of not in text, f"{country}: raw as-of string {as_of!r} is shown"
        if note:
            assert note not in text, f"{country}: a reviewer's note is shown: {note[:60]!r}"
    leak = RAW.search(text)
    assert not leak, f"{country}: {text[leak.start() - 100:leak.end() + 60]!r}"
    assert not re.search(r"as of \d{4}-\d{2}", text), f"{country}: an ISO date is shown as written in the data"


CODE = re.compile(r"\b([CRP]\d{3})\b")
NUMBERS = re.compile(r"\b(Convention|Recommendation)s? Nos?\.? (\d+)((?:,? (?:and )?\d+\b)*)")  # Conventions Nos 81, 122 and 129
TITLED = re.compile(r"(Convention|Recommendation)(?:, \d{4})? \(No\. (\d+)\)")  # Home Work Recommendation, 1996 (No. 184)


def cited(text: str) -> set[str]:
    """Instrument codes a text cites, whether as a code (C087) or by number (Convention No. 87)."""
    text = " ".join(text.split())
    found = set(CODE.findall(text))
    for kind, first, rest in NUMBERS.findall(text):
        found |= {f"{kind[0]}{int(n):03d}" for n in [first, *re.findall(r"\d+", rest)]}
    return found | {f"{kind[0]}{int(n):03d}" for kind, n in TITLED.findall(text)}


def test_every_instrument_the_text_cites_is_catalogued():
    catalogue = {i["code"] for i in yaml.safe_load(
        (REPO / "curriculum" / "contexts" / "instruments.yml").read_text(encoding="utf-8"))["instruments"]}
    assert {"C121", "R184", "R190", "C154", "C014"} <= cited(
        "Conventions Nos 121 and 154, the Home Work Recommendation, 1996 (No. 184), Recommendation No. 190, C014")
    texts = [*(REPO / "modules").glob("*.yml"), REPO / "curriculum" / "contexts" / "glossary.yml"]
    missing = {code: path.name for path in texts for code in cited(path.read_text(encoding="utf-8")) - catalogue}
    assert not missing, f"cited but not in instruments.yml: {missing}"


STALE_IN_SOURCE = [r"160 million children", r"79 million", r"70 per cent of child labour", STALE_MIGRANTS,
                   r"61 per cent of the world", r"more than 1,100", r"open to extension", r"adopted in 2017",
                   r"revised in March 2017\.", r"note that international sourcing has become predominant"]


@pytest.mark.parametrize("path", sorted((REPO / "modules").glob("*.yml")) + [
    REPO / "curriculum" / "contexts" / "glossary.yml"], ids=lambda p: p.stem)
def test_no_stale_figure_is_left_in_any_variant(path):
    """Variants for other sectors and audiences are not in the packs built above; the source must be clean too."""
    text = " ".join(path.read_text(encoding="utf-8").split())
    for old in STALE_IN_SOURCE:
        assert not re.search(old, text), f"{path.name}: stale {old!r}"
