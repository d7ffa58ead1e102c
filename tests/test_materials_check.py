"""`check` on materials: each fault planted in a copy of ``tests/roots/materials`` fails with file:line and a hint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

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
    "session named materials": ("  - id: tiers", "  - id: materials", "id: materials", "session-named-materials",
                                "another id"),
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


def test_materials_are_extracted_for_translators_and_translations_apply(capsys, root):
    from build_tools.content.repository import load_repo
    from build_tools.i18n.catalogues import module_units, translate_module

    code, _, err = run_cli(capsys, "i18n", "extract", "--lang", "fr", "--root", str(root))
    assert code == 0, err
    pot = (root / "modules" / "locale" / "intro.pot").read_text()
    module = load_repo(root).catalogue.modules["intro"]
    for x in module.materials:
        wanted = [f"materials[{x.id}].title"] + ([f"materials[{x.id}].body"] if x.body else [])
        wanted += [f"materials[{x.id}].variants[{i}].{f}" for i, v in enumerate(x.variants) for f in ("title", "body")]
        wanted += [f"materials[{x.id}].roles[{i}].{f}" for i in range(len(x.roles)) for f in ("role", "brief")]
        for context in wanted:
            assert f'msgctxt "{context}"' in pot, context
        assert f'msgid "{x.id}"' not in pot  # ids are not for translators
    usable = {u.context: f"FR {u.text}" for u in module_units(module) if u.context.startswith("materials[")}
    translated = translate_module(module, usable)
    assert [x.id for x in translated.materials] == [x.id for x in module.materials]
    assert translated.materials[3].roles[0].brief.startswith("FR You fear losing")
    assert translated.materials[2].variants[0].title == "FR Answer key"


@pytest.mark.parametrize("cohort, group_size, groups", [(25, 5, 5), (23, 4, 6), (7, 10, 1), (30, 1, 30)])
def test_copies_for_each_audience_of_a_material(cohort, group_size, groups):
    from build_tools.content import model as m
    from build_tools.resolve.materials import copies

    course = m.Course.model_validate(yaml.safe_load((ROOTS / "materials" / "curriculum" / "sample.yml").read_text())
                                     | {"cohort": cohort, "group_size": group_size})
    roles = [{"role": r, "brief": "b"} for r in ("Buyer", "Seller", "Union")]
    wanted = {"participant": cohort, "group": groups, "role": 3 * groups, "facilitator": 1}  # by hand
    for given_to, n in wanted.items():
        material = m.Material(id="x", kind="role-card" if given_to == "role" else "checklist", title="X",
                              given_to=given_to, body="b", roles=roles if given_to == "role" else [])
        assert copies(material, course) == n, given_to
