"""`check` on materials: each fault planted in a copy of ``tests/roots/materials`` fails with file:line and a hint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from build_tools.content.materials import HAND_WRITTEN

from .conftest import REPO, ROOTS, run_cli


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(ROOTS / "materials", target)
    shutil.copy(REPO / "conf.py", target / "conf.py")
    shutil.copytree(REPO / "templates", target / "templates")
    return target


def _line(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _check(capsys, root: Path) -> tuple[int, list[dict]]:
    code, out, _ = run_cli(capsys, "check", "--json", "--root", str(root))
    return code, json.loads(out)["problems"]


def test_the_fixture_is_clean(capsys, root):
    code, problems = _check(capsys, root)
    assert code == 0, problems


FAULTS = {
    "dangling": ("materials: [chain-map, flipchart-paper]", "materials: [chain-mapp, flipchart-paper]",
                 "materials: [chain-mapp", "unknown-material", "chain-map"),
    "unused": ("materials: [fire-case, remediation-roles, observer-sheet]", "materials: [fire-case, remediation-roles]",
               "id: observer-sheet", "unused-material", "materials:"),
    "hand-written": ("after reading the fire case.", "after reading Handout 2.1.",
                     "after reading Handout 2.1.", "hand-written-material", "by its id"),
    "role cards in words": ("Push groups down to tier 3.", "Hand out the role cards, then push groups down.",
                            "Hand out the role cards", "hand-written-material", "by its id"),
    "facilitator handout": ("    kind: checklist\n    title: What to watch", "    kind: handout\n    title: What to watch",
                            "title: What to watch", "facilitator-material-kind", "participant"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_fails_check_at_its_line_with_a_hint(capsys, root, fault):
    old, new, at, code_wanted, hint_word = FAULTS[fault]
    module = root / "modules" / "intro.yml"
    text = module.read_text()
    assert old in text
    module.write_text(text.replace(old, new))
    code, problems = _check(capsys, root)
    assert code == 1
    found = [p for p in problems if p["code"] == code_wanted]
    assert len(found) == 1, problems
    line = _line(module, at) + (1 if fault == "facilitator handout" else 0)  # given_to follows the title
    assert found[0]["path"].endswith("modules/intro.yml") and found[0]["line"] == line, found[0]
    assert hint_word in found[0]["hint"]


def test_the_summary_counts_materials_by_kind(capsys, root):
    code, out, _ = run_cli(capsys, "check", "--json", "--root", str(root))
    summary = json.loads(out)["summary"]
    assert summary["materials"] == {"case": 1, "checklist": 1, "handout": 1, "role-card": 1, "supply": 1}
    assert (summary["modules"], summary["sessions"], summary["assessment_items"], summary["courses"],
            summary["packs"]) == (2, 2, 1, 1, 16)


@pytest.mark.parametrize("text", ["Handout 2.1", "handout 5.1", "see Case 3.2", "Worksheet 4", "role card",
                                  "Role-cards", "the observer checklist", "Data sheet 1.2", "Hand-out 3"])
def test_hand_written_references_are_found(text):
    assert HAND_WRITTEN.search(text)


@pytest.mark.parametrize("text", ["in this case the buyer", "case law", "a case study", "Article 3 of C081",
                                  "Convention No. 87", "Case No. 2723 of the CFA", "Case 3203", "checklists help",
                                  "Recommendation 205", "a card game"])
def test_legal_references_and_plain_words_are_not(text):
    assert not HAND_WRITTEN.search(text)
