"""`coursepack check` on the repository's own content: it passes, and the catalogue is as rich as promised."""

from __future__ import annotations

import json
import re

import pytest

from build_tools.content.repository import load_repo
from build_tools.content.lint import text_fields
from build_tools.content.validate import iter_whens, validate

from .conftest import REPO, run_cli


@pytest.fixture(scope="module")
def repo():
    loaded = load_repo(REPO)
    validate(loaded)
    return loaded


def test_check_passes_and_prints_summary(capsys):
    code, out, err = run_cli(capsys, "check", "--root", str(REPO))
    assert err == "", err
    assert code == 0
    assert re.search(r"^\d+ modules, \d+ sessions, \d+ assessment items; materials: (\d+ [a-z-]+, )*\d+ [a-z-]+; "
                     r"\d+ courses expanding to \d+ packs", out, re.M)
    assert "check: ok" in out


def test_check_json_summary(capsys):
    code, out, _ = run_cli(capsys, "check", "--root", str(REPO), "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] is True
    assert report["summary"]["modules"] >= 12 and report["summary"]["packs"] > 0


def test_check_json_counts_materials_and_every_course_module_has_them(capsys, repo):
    code, out, _ = run_cli(capsys, "check", "--root", str(REPO), "--json")
    summary = json.loads(out)["summary"]
    cat = repo.catalogue
    kinds = [x.kind for mod in cat.modules.values() for x in mod.materials]
    assert summary["materials"] == {kind: kinds.count(kind) for kind in sorted(set(kinds))}
    assert summary["assessment_items"] == sum(len(s.assessment) for mod in cat.modules.values() for s in mod.sessions)
    assert (summary["courses"], summary["sessions"]) == (len(cat.courses),
                                                        sum(len(mod.sessions) for mod in cat.modules.values()))
    bare = sorted({mid for course in cat.courses.values() for mid in course.modules if not cat.modules[mid].materials})
    assert not bare, f"modules of a course without materials: {bare}"


def test_contexts_are_broad_enough(repo):
    cat = repo.catalogue
    assert len(cat.audiences) >= 6
    assert {"labour-inspectors", "workers-organizations", "employers-organizations", "government-officials",
            "enterprise-managers", "trainers"} <= set(cat.audiences)
    assert len(cat.sectors) >= 5
    assert len(cat.countries) >= 10
    assert len({c.region for c in cat.countries.values()}) >= 4
    kinds = {c.kind for c in cat.courses.values()}
    assert {"turin", "regional", "e-campus"} <= kinds
    turin = [c for c in cat.courses.values() if c.kind == "turin"]
    assert any(c.schedule.days == 5 for c in turin)


def test_every_module_is_complete(repo):
    modules = repo.catalogue.modules
    assert len(modules) >= 12
    # a module that opens or closes a course (the course frame) may be shorter than a teaching module
    frame = {c.modules[i] for c in repo.catalogue.courses.values() for i in (0, -1)}
    for module in modules.values():
        assert len(module.sessions) >= (1 if module.id in frame else 3), module.id
        assert module.objectives and module.key_points, module.id
        for session in module.sessions:
            assert session.activities, (module.id, session.id)
            assert session.facilitator_notes, (module.id, session.id)
            assert session.assessment, (module.id, session.id)
            for item in session.assessment:
                assert any(c.correct for c in item.choices)
        audiences = {a for _, w in iter_whens(module) for a in _values(w.audience)}
        sectors = {s for _, w in iter_whens(module) for s in _values(w.sector)}
        assert len(audiences) >= 2, (module.id, audiences)
        assert len(sectors) >= 2, (module.id, sectors)


def test_country_text_reads_context_facts(repo):
    """Every module speaks of the pack's country through variables; no sentence hard-codes a ratification."""
    names = [c.name for c in repo.catalogue.countries.values()]
    for module in repo.catalogue.modules.values():
        texts = [t for _, t in text_fields(module)]
        assert any("{{ country." in t for t in texts), module.id
        for text in texts:
            for sentence in re.split(r"(?<=[.;:])\s", text):
                if "ratif" in sentence.lower():
                    hard = [n for n in names if re.search(rf"\b{re.escape(n)}\b", sentence)]
                    assert not hard, (module.id, sentence)


def _values(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def test_schemas_are_current_and_every_content_file_points_at_one(capsys):
    code, out, err = run_cli(capsys, "schema", "--check", "--root", str(REPO))
    assert code == 0, err
    files = list((REPO / "modules").glob("*.yml")) + list((REPO / "curriculum").rglob("*.yml"))
    assert len(files) > 30
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.is_file() and target.parent == REPO / "docs" / "schemas", (path, target)
