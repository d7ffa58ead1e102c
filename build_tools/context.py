"""The context variables trainer text may use, as read-only views for the sandboxed Jinja.

Only what :data:`build_tools.content_lint.VARIABLES` declares exists here; ``check`` rejects any other
name before a build, and the sandbox with ``StrictUndefined`` fails the render if one slips through.
Unverified facts are never shown as facts: they render as "of unconfirmed status…".
"""

from __future__ import annotations

from . import model as m
from .labels import Labels


class CountryView:
    """``{{ country.… }}``."""

    def __init__(self, country: m.Country, region: m.Region, labels: Labels):
        self.name = country.name
        self.code = country.code
        self.region = region.title
        self._country = country
        self._labels = labels
        epz = country.epz
        self.epz = epz.text if epz and epz.verified else labels["no_epz_fact"].format(country=country.name)

    def ratification(self, code: str) -> str:
        """A phrase that completes "C087 is …" / "C087: …" for any status."""
        return ratification_phrase(self._country.ratifications.get(code), self._labels)


def ratification_phrase(fact: m.Ratification | None, labels: Labels) -> str:
    if fact is None or fact.status == "unverified":
        return labels["status_unconfirmed"]
    if fact.status == "ratified":
        return labels["status_ratified_year"].format(year=fact.year) if fact.year else labels["status_ratified"]
    return labels["status_not_ratified"].format(as_of=fact.as_of)


class TitleView:
    """``{{ audience.title }}``, ``{{ sector.title }}``."""

    def __init__(self, title: str):
        self.title = title


class CourseView:
    """``{{ course.title }}``, ``{{ course.centre }}``."""

    def __init__(self, course: m.Course):
        self.title = course.title
        self.centre = course.centre
