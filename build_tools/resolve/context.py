"""The context variables trainer text may use, as read-only views for the sandboxed Jinja.

Only what :data:`build_tools.content.lint.VARIABLES` declares exists here; ``check`` rejects any other
name before a build, and the sandbox with ``StrictUndefined`` fails the render if one slips through.
Unverified facts are never shown as facts: a ratification renders as "of unconfirmed status…", and
``country.fact(…)`` of a fact the country lacks or has unverified fails the render; as-of fields render as
readable dates, never as the data's free text.
"""

from __future__ import annotations

import re
from datetime import date

from jinja2 import TemplateRuntimeError

from ..content import model as m
from ..i18n.labels import Labels, LocaleFormat

# A source's as-of text is free text ("2024 (CEACR comment adopted 2024)", "~2016", "undated (pre-2022)"):
# only the date it leads with, or a bound it names, is shown; the rest is a reviewer's note.
_DATE = re.compile(r"^(?P<about>~|c\.\s*|about\s+)?(?P<y>\d{4})(?:-(?P<m>\d{2}))?(?:-(?P<d>\d{2}))?\b")
_BEFORE = re.compile(r"\bpre-(?P<y>\d{4})\b")
_LATER = re.compile(r"\b(?P<y>\d{4})(?:\+|\s+or\s+later)")


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

    def fact(self, kind: str) -> str:
        """The country's verified fact of this kind, as its profile words it."""
        return self._verified(kind).text

    def source(self, kind: str) -> str:
        """Where that fact comes from and when it holds: "ILO, ILOSTAT, as of 2022"."""
        fact = self._verified(kind)
        return f"{fact.cite}, {as_of_phrase(fact.as_of, self._labels)}"

    def _verified(self, kind: str) -> m.Fact:
        # ``check`` puts every use under a variant that requires the fact; this refuses one that slips
        # through (a translation), so an unsourced fact is never shown.
        fact = self._country.facts.get(kind)
        if fact is None or not fact.verified:
            raise TemplateRuntimeError(f"{self.name} has no verified {kind!r} fact; put the text in a variant "
                                       f"with `when: {{facts: [{kind}]}}`")
        return fact

    def ratification(self, code: str) -> str:
        """A phrase that completes "C087 is …" / "C087: …" for any status."""
        return ratification_phrase(self._country.ratifications.get(code), self._labels)


def ratification_phrase(fact: m.Ratification | None, labels: Labels) -> str:
    if fact is None:  # an instrument the pack's ratification data does not cover
        return labels["status_not_covered"]
    if fact.status == "unverified":
        return labels["status_unconfirmed"]
    if fact.status == "not-ratified":
        return labels["status_not_ratified"].format(as_of=as_of_phrase(fact.as_of, labels))
    if not fact.year:
        return labels["status_ratified"]
    # A ratification enters into force 12 months after its registration; say so when the source is dated
    # before that.
    source = _DATE.match(fact.as_of or "")
    registered = _DATE.match(fact.date or "")
    if source and registered and registered["m"]:
        in_force = (int(registered["y"]) + 1, int(registered["m"]))
        if (int(source["y"]), int(source["m"] or 12)) < in_force:
            when = LocaleFormat(labels.language).month(date(*in_force, 1))
            return labels["status_ratified_pending"].format(year=fact.year, in_force=when)
    elif source and int(source["y"]) <= fact.year:
        return labels["status_ratified_pending_year"].format(year=fact.year)
    return labels["status_ratified_year"].format(year=fact.year)


def as_of_phrase(raw: str | None, labels: Labels) -> str:
    """A source's as-of text as a readable phrase: "as of May 2023", "as of about 2016", "source dated before
    2022", "date not stated in the source"."""
    fmt = LocaleFormat(labels.language)
    found = _DATE.match(raw or "")
    if found:
        y, mo, d = int(found["y"]), found["m"], found["d"]
        if d:
            key, text = "as_of_day", fmt.date(f"{y:04d}-{mo}-{d}")
        elif mo:
            key, text = "as_of_month", fmt.month(date(y, int(mo), 1))
        else:
            key, text = "as_of_year", str(y)
        return labels["as_of_about" if found["about"] else key].format(date=text)
    for pattern, key in ((_BEFORE, "as_of_before"), (_LATER, "as_of_or_later")):
        bound = pattern.search(raw or "")
        if bound:
            return labels[key].format(date=bound["y"])
    return labels["as_of_unstated"]


class TitleView:
    """``{{ audience.title }}``, ``{{ sector.title }}``."""

    def __init__(self, title: str):
        self.title = title


class CourseView:
    """``{{ course.title }}``, ``{{ course.centre }}``."""

    def __init__(self, course: m.Course):
        self.title = course.title
        self.centre = course.centre
