"""Core and elective modules: a course names elective sets; a pack has the core and one set. The default set
keeps the six-part pack id, another set adds a seventh part; sets do not multiply the packs `expand` gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.content.model import Course
from build_tools.content.repository import load_repo
from build_tools.content.validate import validate
from build_tools.errors import SelectionError
from build_tools.resolve.keys import PackKey, expand, select
from build_tools.resolve.pack import resolve

from .conftest import run_cli

COURSE = Course.model_validate({
    "id": "c", "kind": "turin", "title": "T", "centre": "C", "summary": "S", "languages": ["en"],
    "offered_for": {"audiences": ["a"], "sectors": ["s"], "countries": ["BD"]},
    "modules": ["open", "x", "y", "z", "close"],
    "electives": [{"id": "first", "modules": ["x"]}, {"id": "second", "modules": ["y", "z"]}],
    "schedule": {"days": 1}})


def test_core_is_what_no_set_names_and_a_pack_has_the_core_and_one_set_in_teaching_order():
    assert COURSE.core_modules == ["open", "close"]
    assert COURSE.pack_modules() == ["open", "x", "close"]
    assert COURSE.pack_modules("first") == ["open", "x", "close"]
    assert COURSE.pack_modules("second") == ["open", "y", "z", "close"]


def test_elective_sets_do_not_multiply_the_packs():
    keys = expand(COURSE)
    assert [k.id for k in keys] == ["c.a.s.bd.en.participant", "c.a.s.bd.en.facilitator"]


@pytest.mark.parametrize("electives, suffix", [(None, ""), ("first", ""), ("second", ".second")])
def test_select_names_another_set_in_a_seventh_part(electives, suffix):
    given = {"audience": "a", "sector": "s", "country": "BD", "language": "en", "edition": "participant",
             "electives": electives}
    (key,) = select(COURSE, given)
    assert key.id == "c.a.s.bd.en.participant" + suffix
    assert PackKey.parse(key.id) == key


def test_an_unknown_set_names_the_sets():
    with pytest.raises(SelectionError, match="no elective set 'third'; its elective sets: first, second"):
        select(COURSE, {"audience": "a", "sector": "s", "country": "BD", "language": "en", "electives": "third"})


def test_turin_packs_have_the_frame_the_core_and_their_elective(repo):
    course = repo.catalogue.courses["gsc-turin"]
    default = resolve(repo.catalogue, PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en",
                                              "participant"))
    foa = resolve(repo.catalogue, PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en",
                                          "participant", "freedom-of-association"))
    ids = [rm.module.id for rm in default.modules]
    assert ids[0] == "course-opening" and ids[-1] == "action-planning-evaluation"
    assert set(course.core_modules) <= set(ids)
    assert set(ids) - set(course.core_modules) == {"osh"}
    assert set(rm.module.id for rm in foa.modules) - set(course.core_modules) == {"freedom-of-association"}


def test_every_module_is_in_a_course_and_every_set_of_every_course_fits_its_days(repo):
    from build_tools.content.timetable import place, to_minutes

    in_courses = {mid for course in repo.catalogue.courses.values() for mid in course.modules}
    assert set(repo.catalogue.modules) <= in_courses
    for course in repo.catalogue.courses.values():
        for set_id in course.elective_set_ids():
            mods = [repo.catalogue.modules[mid] for mid in course.pack_modules(set_id)]
            for audience in course.offered_for.audiences:
                for sector in course.offered_for.sectors:
                    sessions = [((mod.id, s.id), s.title, s.minutes) for mod in mods
                                if mod.applies_to(audience, sector) for s in mod.sessions]
                    table = place(sessions, course.schedule)
                    assert table.overflow is None, (course.id, set_id, audience, sector)
                    # every day ends on time
                    assert all(slot.end <= to_minutes(course.schedule.day_end) for slot in table.slots)


def _course(root: Path, electives: str, days: int = 1) -> None:
    path = root / "curriculum" / "sample.yml"
    text = path.read_text(encoding="utf-8").replace("  days: 1\n", f"  days: {days}\n")
    path.write_text(text + electives, encoding="utf-8")


@pytest.mark.parametrize("electives, code, line", [
    ("electives:\n  - {id: one, modules: [inspection]}\n  - {id: two, modules: [nowhere]}\n",
     "elective-not-in-course", 20),
    ("electives:\n  - {id: one, modules: [inspection]}\n  - {id: one, modules: [inspection]}\n",
     "duplicate-elective-set", 20),
    ("electives:\n  - {id: one, modules: [intro, inspection]}\n", "no-core-modules", 19),
])
def test_check_locates_a_wrong_elective_set(minimal_root, capsys, electives, code, line):
    _course(minimal_root, electives)
    problems = validate(load_repo(minimal_root))
    found = [p for p in problems.items if p.code == code]
    assert found and found[0].location.line == line, [p.format() for p in problems.items]


def test_check_fits_every_set_into_the_days_and_names_the_set_that_does_not(minimal_root, capsys):
    module = (minimal_root / "modules" / "inspection.yml").read_text(encoding="utf-8")
    (minimal_root / "modules" / "long.yml").write_text(
        module.replace("id: inspection", "id: long").replace("minutes: 120", "minutes: 150"), encoding="utf-8")
    path = minimal_root / "curriculum" / "sample.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("modules: [intro, inspection]",
                                                             "modules: [intro, inspection, long]")
                    + "electives:\n  - {id: short, modules: [inspection]}\n  - {id: long, modules: [long]}\n",
                    encoding="utf-8")
    code, out, err = run_cli(capsys, "check", "--root", str(minimal_root))
    assert code == 1
    assert "elective set 'long'" in err and "schedule-overflow" in err
    assert "elective set 'short'" not in err


def test_build_and_list_take_the_elective_set(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "list", "gsc-turin")
    assert code == 0
    assert "osh" in out and "freedom-of-association" in out and "(default)" in out
    code, out, err = run_cli(capsys, "build", "gsc-turin", "--audience", "labour-inspectors", "--sector",
                             "garment-textile", "--country", "BD", "--electives", "nothing", "--format", "html")
    assert code == 2 and "no elective set 'nothing'" in err
