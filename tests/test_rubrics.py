"""Rubrics: every presented or assessed output has one; the facilitator edition shows criteria × levels, the
participant edition the criteria only (the level descriptors would give the expected answers away). Checked on
real Sphinx sites and WeasyPrint manuals of the Turin pack, for every rubric the pack has."""

from __future__ import annotations

import html
import re

import pdfplumber
import pytest

from build_tools.content.assessment_lint import rubric_problems
from build_tools.resolve.keys import PackKey
from build_tools.resolve.pack import resolve

from .conftest import run_cli

KEY = dict(course="gsc-turin", audience="labour-inspectors", sector="garment-textile", country="BD",
           language="en")


def _text(raw: str) -> str:
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())
    return text.translate(str.maketrans("\u2019\u2018\u201c\u201d\u2026", "''\"\"…"))


def _plain(value: str) -> str:
    return " ".join(value.split()).replace("...", "…")


def _rubrics(pack):
    return [(rs, a) for rs in pack.sessions() for _, a in rs.activities if a.rubric]


def test_every_presented_or_assessed_output_in_the_content_has_a_rubric(repo):
    missing = [p.format() for mid, module in repo.catalogue.modules.items()
               for p in rubric_problems(module, repo.source("module", mid))]
    assert not missing, missing
    assert sum(1 for mod in repo.catalogue.modules.values() for s in mod.sessions for a in s.activities
               if a.rubric) >= 10


def test_check_warns_on_a_presented_output_without_rubric(minimal_root, capsys):
    path = minimal_root / "modules" / "intro.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "instructions: Draw the chain.", "instructions: Draw the chain. Present your map in three minutes."),
        encoding="utf-8")
    code, out, err = run_cli(capsys, "check", "--root", str(minimal_root))
    assert code == 0
    assert "modules/intro.yml:19:" in out and "warning[output-without-rubric]" in out and "'Map a chain'" in out


@pytest.fixture(scope="module")
def editions(repo, built):
    keys = {e: PackKey(**KEY, edition=e) for e in ("participant", "facilitator")}
    return {e: (resolve(repo.catalogue, k), built(k, ("html", "pdf"))) for e, k in keys.items()}


def test_site_shows_the_table_to_facilitators_and_the_criteria_to_participants(editions):
    pack, _ = editions["facilitator"]
    assert len(_rubrics(pack)) >= 3
    for (p_rs, activity), edition in [(r, e) for r in _rubrics(pack) for e in ("participant", "facilitator")]:
        text = _text((editions[edition][1] / "site" / f"{p_rs.page}.html").read_text(encoding="utf-8"))
        for row in activity.rubric.criteria:
            assert _plain(row.criterion) in text, (p_rs.page, row.criterion)
            for descriptor in row.levels:
                shown = _plain(descriptor) in text
                assert shown == (edition == "facilitator"), (edition, p_rs.page, descriptor)


def test_manuals_show_the_table_to_facilitators_and_the_criteria_to_participants(editions):
    squash = lambda t: re.sub(r"\W+", "", (t or "").translate(str.maketrans("\u2019\u2018\u201c\u201d", "''\"\"")))
    with pdfplumber.open(editions["participant"][1] / "participant-manual.pdf") as pdf:
        manual = squash(" ".join(page.extract_text() or "" for page in pdf.pages))
    cells = set()
    with pdfplumber.open(editions["facilitator"][1] / "facilitator-guide.pdf") as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                cells |= {squash(cell) for row in table for cell in row}
    pack, _ = editions["facilitator"]
    for _, activity in _rubrics(pack):
        assert all(squash(level) in cells for level in activity.rubric.levels)
        for row in activity.rubric.criteria:
            assert squash(row.criterion) in manual and squash(row.criterion) in cells, row.criterion
            for descriptor in row.levels:
                assert squash(descriptor) in cells, descriptor
                assert squash(descriptor) not in manual, descriptor
