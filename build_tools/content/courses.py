"""The course file format: which modules a course teaches (core and elective), for whom, and on what days.

Part of the content model (:mod:`build_tools.content.model` re-exports every name here).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .branding import BrandingChanges
from .fields import EDITIONS, Clock, CountryCode, IsoDate, LangCode, OneLine, Slug, Strict, Text

# --------------------------------------------------------------------------- courses


class Break(Strict):
    """A fixed break in each day, e.g. lunch."""

    title: OneLine
    """As shown in the timetable, e.g. "Lunch"."""
    at: Clock
    """Start time, 24-hour ``HH:MM``; quote it (``"10:30"``)."""
    minutes: int = Field(gt=0, le=240)
    """Length in minutes."""


class Schedule(Strict):
    """The course's days: sessions are placed in order into the time between breaks."""

    days: int = Field(gt=0, le=60)
    """Number of teaching days."""
    day_start: Clock = "09:00"
    """Start of each day, ``HH:MM``."""
    day_end: Clock = "17:00"
    """End of each day, ``HH:MM``."""
    breaks: list[Break] = []
    """Fixed daily breaks."""
    start_date: IsoDate | None = None
    """First day of the course, ``YYYY-MM-DD``, if the course has fixed dates."""


class OfferedFor(Strict):
    """The pack dimensions a course is offered for: one pack per combination."""

    audiences: list[Slug] = Field(min_length=1)
    """Audience ids."""
    sectors: list[Slug] = Field(min_length=1)
    """Sector ids."""
    countries: list[CountryCode] = Field(min_length=1)
    """ISO 3166 alpha-2 codes of the countries with a country pack."""


BUILD_FORMATS = ("html", "pdf")
"""What ``coursepack build`` makes without an export: the site and the manuals."""
EXPORT_FORMATS = ("scorm12", "scorm2004", "cc", "offline", "questions")
"""The packages ``coursepack export`` makes from a built site (``questions`` from the pack alone)."""
PARTICIPANT_FORMATS = ("scorm12", "scorm2004", "cc", "offline")
"""The exports made from the participant edition only (the question bank is the facilitator's)."""
FORMATS = BUILD_FORMATS + EXPORT_FORMATS
"""Every output format, in the order the command line and the schema list them."""

Output = Literal[FORMATS]


class ElectiveSet(Strict):
    """A choice of elective modules a pack of the course is built with: one set per pack."""

    id: Slug
    """Unique within the course. The first set is the default: its packs' ids have no elective part; another
    set's packs end in ``.<id>`` (``gsc-turin.labour-inspectors.garment-textile.bd.en.participant.what-works``)."""
    title: OneLine | None = None
    """As shown by ``coursepack list``; default: the titles of its modules."""
    modules: list[Slug] = Field(min_length=1)
    """Elective modules of this set; each must be listed in the course's ``modules``, where its teaching
    position is given."""


class Course(Strict):
    """A course: an ordered selection of modules, offered for some audiences, sectors and countries."""

    id: Slug
    """Unique id; also the file name (``curriculum/<id>.yml``)."""
    kind: Literal["turin", "regional", "e-campus", "blended"]
    """Delivery: face to face at the Turin Centre, at a regional centre, online on the e-campus, or both."""
    title: OneLine
    """Course title as shown on covers."""
    centre: OneLine
    """Training centre delivering the course (author of the PDFs)."""
    summary: Text
    """What the course offers and to whom."""
    languages: list[LangCode] = Field(min_length=1)
    """Languages the course is offered in; the first is the source language."""
    offered_for: OfferedFor
    """Dimensions the course expands to."""
    modules: list[Slug] = Field(min_length=1)
    """Every module of the course, core and elective, in teaching order. A module that no elective set names
    is core: every pack has it."""
    electives: list[ElectiveSet] = []
    """Elective sets; a pack has the core modules and the modules of one set (the first unless its id names
    another). Empty: every module is core."""
    schedule: Schedule
    """Days and times."""
    outputs: list[Output] = ["html", "pdf"]
    """What a build of this course produces."""
    editions: list[Literal["participant", "facilitator"]] = list(EDITIONS)
    """Editions built."""
    cohort: int = Field(default=25, gt=0, le=1000)
    """Participants the course is planned for: the print list counts copies for them."""
    group_size: int = Field(default=5, gt=0, le=100)
    """Participants per group in group work: one copy of a group material, one set of role cards each."""
    paper: Literal["a4", "letter"] = "a4"
    """Paper size of the printed manuals."""
    licence: OneLine = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
    """Licence printed in the manuals' imprint."""
    branding: BrandingChanges | None = None
    """This course's changes to the centre's branding (``curriculum/branding.yml``): only the keys given."""
    mastery_score: int = Field(default=80, ge=0, le=100)
    """Percentage of a session's self-checks to answer right to pass it in a SCORM package (the manifest's
    mastery score: passed at or above, failed below)."""
    fallback_languages: list[LangCode] = []
    """Languages whose packs may show source-language text (marked as such) where a translation is missing
    or out of date. Packs in any other language need complete, current translations."""

    @property
    def source_language(self) -> str:
        """The language the YAML is written in: the first of ``languages``."""
        return self.languages[0]

    @property
    def elective_modules(self) -> set[str]:
        """The modules some elective set names: the ones not every pack has."""
        return {mid for es in self.electives for mid in es.modules}

    @property
    def core_modules(self) -> list[str]:
        """The modules every pack has, in teaching order."""
        return [mid for mid in self.modules if mid not in self.elective_modules]

    def elective_set(self, set_id: str = "") -> ElectiveSet | None:
        """The elective set ``set_id`` names (the default, first set for ``""``), or None if there is none."""
        if not self.electives:
            return None
        if not set_id:
            return self.electives[0]
        return next((es for es in self.electives if es.id == set_id), None)

    def pack_modules(self, set_id: str = "") -> list[str]:
        """The modules of a pack with elective set ``set_id`` (``""``: the default), in teaching order."""
        chosen = self.elective_set(set_id)
        picked = set(chosen.modules) if chosen else set()
        electives = self.elective_modules
        return [mid for mid in self.modules if mid not in electives or mid in picked]

    def elective_set_ids(self) -> list[str]:
        """The elective part of this course's pack ids: ``""`` for the default set, then the other sets' ids."""
        return [""] + [es.id for es in self.electives[1:]]
