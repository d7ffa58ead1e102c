"""Pack keys: the dimensions that identify one course pack, and their ids.

A pack id reads left to right as the course and its dimensions, joined by dots, for example
``gsc-turin.labour-inspectors.garment-textile.bd.en.participant``. Dots never occur in slugs, so the id
splits back unambiguously; it is also a safe folder name.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass

from .model import Course

DIMENSIONS = ("audience", "sector", "country", "language", "edition")


@dataclass(frozen=True, order=True)
class PackKey:
    course: str
    audience: str
    sector: str
    country: str
    language: str
    edition: str

    @property
    def id(self) -> str:
        return ".".join((self.course, self.audience, self.sector, self.country.lower(), self.language, self.edition))

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def parse(cls, pack_id: str) -> PackKey | None:
        parts = pack_id.split(".")
        if len(parts) != 6:
            return None
        course, audience, sector, country, language, edition = parts
        return cls(course, audience, sector, country.upper(), language, edition)


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
