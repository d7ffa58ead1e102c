"""Checks of core and elective modules: a course's elective sets, and the modules that no course teaches."""

from __future__ import annotations

from ..errors import Problems, did_you_mean
from . import model as m
from .repository import Source


def check_electives(course: m.Course, src: Source, problems: Problems, position: dict[str, int]) -> None:
    """Elective sets: unique ids, each naming modules of the course's ``modules`` (where their place is)."""
    seen_sets: dict[str, int] = {}
    for si, es in enumerate(course.electives):
        if es.id in seen_sets:
            first = src.at("electives", seen_sets[es.id], "id")
            problems.add(src.at("electives", si, "id"), "duplicate-elective-set",
                         f"elective set id {es.id!r} is used twice (first at line {first.line})", "give each a unique id")
        seen_sets.setdefault(es.id, si)
    for si, es in enumerate(course.electives):
        seen: set[str] = set()
        for mi, mid in enumerate(es.modules):
            if mid in seen:
                problems.add(src.at("electives", si, "modules", mi), "duplicate-module",
                             f"module {mid!r} is listed twice in elective set {es.id!r}", "remove one")
            elif mid not in course.modules:
                problems.add(src.at("electives", si, "modules", mi), "elective-not-in-course",
                             f"elective set {es.id!r} names module {mid!r}, which `modules:` does not list",
                             did_you_mean(mid, course.modules) or f"add {mid!r} to `modules:` where it is to be taught")
            seen.add(mid)
    if course.electives and not course.core_modules:
        problems.add(src.at("electives"), "no-core-modules", "every module of the course is an elective",
                     "leave the modules every pack needs out of the elective sets")


def check_modules_in_courses(repo) -> None:
    """A module that no course lists (as core or elective) is taught in no pack: a warning at its id."""
    cat = repo.catalogue
    for mid in sorted(set(cat.modules) - {mid for c in cat.courses.values() for mid in c.modules}):
        repo.problems.add(repo.source("module", mid).at("id"), "module-in-no-course",
                          f"module {mid!r} is in no course: no pack teaches it",
                          "add it to a course's `modules:` (as core or in an elective set)", severity="warning")
