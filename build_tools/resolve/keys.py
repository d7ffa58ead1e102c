"""Pack keys: the dimensions that identify one course pack, and their ids.

A pack id reads left to right as the course and its dimensions, joined by dots, for example
``gsc-turin.labour-inspectors.garment-textile.bd.en.participant``. Dots never occur in slugs, so the id
splits back unambiguously; it is also a safe folder name.

A course with elective sets (``electives:`` in the course) gives a pack the core modules and one set. The
default (first) set adds nothing to the id, so a course's ids do not change when it gains electives; a pack of
another set ends in a seventh part, the set's id: ``gsc-turin.labour-inspectors.garment-textile.bd.en.
participant.what-works``. The set is not a tailoring dimension: :func:`expand` gives the default set's packs
only, so electives do not multiply a course's packs; a pack of another set is built when asked for
(``--electives``, or its id).
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass

from ..content.model import Course
from ..errors import SelectionError

DIMENSIONS = ("audience", "sector", "country", "language", "edition")


@dataclass(frozen=True, order=True)
class PackKey:
    course: str
    audience: str
    sector: str
    country: str
    language: str
    edition: str
    electives: str = ""
    """The elective set's id; ``""`` for the course's default set (or a course without electives)."""

    @property
    def id(self) -> str:
        parts = (self.course, self.audience, self.sector, self.country.lower(), self.language, self.edition)
        return ".".join(parts + ((self.electives,) if self.electives else ()))

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def parse(cls, pack_id: str) -> PackKey | None:
        parts = pack_id.split(".")
        if len(parts) not in (6, 7):
            return None
        course, audience, sector, country, language, edition = parts[:6]
        return cls(course, audience, sector, country.upper(), language, edition, *parts[6:])


def dimension_choices(course: Course) -> dict[str, list[str]]:
    """The values each dimension can take in this course, in the course's order."""
    return {
        "audience": list(course.offered_for.audiences),
        "sector": list(course.offered_for.sectors),
        "country": list(course.offered_for.countries),
        "language": list(course.languages),
        "edition": list(course.editions),
    }


def expand(course: Course) -> list[PackKey]:
    """Every pack the course is offered as."""
    choices = dimension_choices(course)
    return [PackKey(course.id, *combo) for combo in itertools.product(*(choices[d] for d in DIMENSIONS))]


def select(course: Course, given: dict[str, str | None]) -> list[PackKey]:
    """The packs matching the given dimensions. A dimension the course fixes (one value) may be omitted;
    so may the edition (both are built). Any other omitted dimension is an error listing its choices."""
    choices = dimension_choices(course)
    picked: dict[str, list[str]] = {}
    for dim in DIMENSIONS:
        value = given.get(dim)
        options = choices[dim]
        if value is None:
            if len(options) == 1 or dim == "edition":
                picked[dim] = options
                continue
            plural = {"country": "countries"}.get(dim, dim + "s")
            raise SelectionError(f"course {course.id!r} is offered for several {plural}; choose one with "
                                 f"--{flag(dim)}: " + ", ".join(options))
        if dim == "country":
            value = value.upper()
        if value not in options:
            raise SelectionError(f"course {course.id!r} is not offered for {dim} {value!r}; choose one of: "
                                 + ", ".join(options))
        picked[dim] = [value]
    electives = elective_part(course, given.get("electives"))
    return [PackKey(course.id, *combo, electives) for combo in itertools.product(*(picked[d] for d in DIMENSIONS))]


def elective_part(course: Course, set_id: str | None) -> str:
    """The elective part of a pack id for the set the user named (``None``: the default set)."""
    if not set_id:
        return ""
    ids = [es.id for es in course.electives]
    if set_id not in ids:
        offered = ("its elective sets: " + ", ".join(ids)) if ids else "it has no elective sets"
        raise SelectionError(f"course {course.id!r} has no elective set {set_id!r}; {offered}")
    return "" if set_id == ids[0] else set_id


def flag(dim: str) -> str:
    """The command-line option of a dimension, without its dashes (``--lang`` for the language)."""
    return "lang" if dim == "language" else dim
