"""The content model: the one source of truth for modules, courses and contexts.

Plain pydantic v2 classes. Pydantic is used (rather than dataclasses) because the same class then gives
three things from one definition: validation with an error location for every field (mapped back to
file:line:column by :mod:`build_tools.content.loader`), the JSON Schema that editors use to autocomplete
(``coursepack schema``), and the docstring of every field as its description in that schema
(``use_attribute_docstrings``).

Cross-references (an audience id that must exist, a prerequisite cycle…) are not checked here but in
:mod:`build_tools.content.validate`, which sees the whole catalogue at once.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo,
                      model_validator)
from pydantic_core import PydanticCustomError

# The contexts and the field types live in their own modules; they are names of the model too, so
# ``model.Country`` or ``from build_tools.content.model import Slug`` keep working for every reader of the content.
from .contexts import (Audience, AudiencesFile, Country, CountryFact, GlossaryFile, Instrument,  # noqa: F401
                       InstrumentsFile, Ratification, Region, RegionsFile, Sector, SectorsFile, Sourced, Term)
from .fields import (EDITIONS, SLUG_RE, Clock, CountryCode, InstrumentCode, IsoDate, LangCode, OneLine,  # noqa: F401
                     Slug, Strict, Text)

# --------------------------------------------------------------------------- variants


class When(Strict):
    """A condition on the pack being built. All keys given must match; a list matches any of its values."""

    audience: Slug | list[Slug] | None = None
    """Audience id(s), e.g. ``labour-inspectors``."""
    sector: Slug | list[Slug] | None = None
    """Sector id(s), e.g. ``garment-textile``."""
    country: CountryCode | list[CountryCode] | None = None
    """ISO 3166 alpha-2 country code(s), e.g. ``[BD, KH]``."""
    region: Slug | list[Slug] | None = None
    """ILO region id(s), e.g. ``asia-pacific``."""
    language: LangCode | list[LangCode] | None = None
    """Language code(s) of the pack, e.g. ``fr``."""
    edition: Literal["participant", "facilitator"] | list[Literal["participant", "facilitator"]] | None = None
    """``participant`` or ``facilitator``."""
    not_: When | None = Field(default=None, alias="not")
    """Matches when this nested condition does not."""
    any: list[When] | None = None
    """Matches when at least one of these nested conditions does."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _not_empty(self) -> When:
        if not any(getattr(self, k) is not None for k in WHEN_KEYS + ("not_", "any")):
            raise PydanticCustomError("empty-when", "a `when:` needs at least one of: " + ", ".join(WHEN_KEYS + ("not", "any")))
        return self

    def matches(self, dims: dict[str, str]) -> bool:
        """True when the pack dimensions (audience, sector, country, region, language, edition) satisfy this."""
        for key in WHEN_KEYS:
            want = getattr(self, key)
            if want is None:
                continue
            values = want if isinstance(want, list) else [want]
            if dims.get(key) not in values:
                return False
        if self.not_ is not None and self.not_.matches(dims):
            return False
        if self.any is not None and not any(w.matches(dims) for w in self.any):
            return False
        return True


WHEN_KEYS = ("audience", "sector", "country", "region", "language", "edition")


class Variant(Strict):
    """A block of the session body that appears only in the packs its `when:` selects."""

    when: When
    """Which packs get this block."""
    title: OneLine | None = None
    """Optional heading shown above the block."""
    body: Text
    """MyST Markdown, shown after the session's common body, in the order the variants are listed."""


# --------------------------------------------------------------------------- sessions

ActivityType = Literal[
    "case-study", "group-work", "role-play", "discussion", "quiz", "presentation", "exercise", "field-visit",
    "simulation", "reflection",
]


class RubricCriterion(Strict):
    """One row of a rubric: what is judged, and what each level looks like."""

    criterion: OneLine
    """What is judged, e.g. "Actions within the institution's mandate"."""
    levels: list[OneLine] = Field(min_length=2)
    """What the output shows at each level, one line each, in the order of the rubric's ``levels``: the
    facilitator edition only (participants see the criteria)."""


class Rubric(Strict):
    """How an assessed output (a plan, a presentation, a negotiated agreement) is judged: criteria × levels.
    The facilitator edition shows the whole table; the participant edition the criteria only."""

    levels: list[OneLine] = Field(min_length=2)
    """The levels' names, lowest first, e.g. ``[Not yet, Good, Strong]``."""
    criteria: list[RubricCriterion] = Field(min_length=1)
    """What is judged, one row each."""

    @model_validator(mode="after")
    def _full_rows(self) -> Rubric:
        for row in self.criteria:
            if len(row.levels) != len(self.levels):
                raise PydanticCustomError(
                    "rubric-row", "criterion '{criterion}' describes {n} level(s) but the rubric has {levels}; "
                    "write one line for each of: {names}",
                    {"criterion": row.criterion, "n": len(row.levels), "levels": len(self.levels),
                     "names": ", ".join(self.levels)})
        return self


class Activity(Strict):
    """Something participants do during a session."""

    type: ActivityType
    """Kind of activity."""
    title: OneLine
    """Short name shown in the agenda, e.g. "Mapping a garment supply chain"."""
    minutes: int = Field(gt=0, le=480)
    """Planned duration in minutes (part of the session's minutes)."""
    instructions: Text
    """What participants are asked to do (MyST Markdown)."""
    materials: list[OneLine] = []
    """What the facilitator prepares: handouts, flipcharts, cards."""
    when: When | None = None
    """Only in the packs this selects; always shown when absent."""
    rubric: Rubric | None = None
    """For an activity whose output is assessed: the criteria and levels it is judged by."""


class Choice(Strict):
    """One answer option of an assessment item."""

    text: OneLine
    """The option as participants read it."""
    correct: bool = False
    """True for the right answer(s): the answer key, shown only in the facilitator edition."""
    feedback: OneLine | None = None
    """Shown after answering this option (facilitator edition and question bank only)."""


class AssessmentItem(Strict):
    """A question that checks a learning objective."""

    id: Slug
    """Stable id within the session (question banks use it)."""
    question: Text
    """The question as participants read it."""
    choices: list[Choice] = Field(min_length=2)
    """Options; at least one is marked ``correct: true``."""
    feedback: OneLine | None = None
    """General feedback: why the right answer is right (facilitator edition and question bank only)."""

    @model_validator(mode="after")
    def _one_correct(self) -> AssessmentItem:
        if not any(c.correct for c in self.choices):
            raise PydanticCustomError("no-correct-choice",
                                      "no choice is marked `correct: true`; the answer key needs at least one")
        return self


class Session(Strict):
    """One teaching block of a module, placed in the timetable as a unit."""

    id: Slug
    """Unique within the module."""
    title: OneLine
    """As shown in the agenda and as the page title."""
    minutes: int = Field(gt=0, le=480)
    """Planned duration in minutes, activities included."""
    body: Text
    """MyST Markdown shown to everyone. May use the declared context variables, e.g. ``{{ country.name }}``."""
    activities: list[Activity] = []
    """What participants do, in order."""
    facilitator_notes: Text | None = None
    """Guidance for the trainer: facilitator edition only."""
    assessment: list[AssessmentItem] = []
    """Questions that check this session's objectives."""
    variants: list[Variant] = []
    """Blocks shown only to some packs (audience, sector, country…)."""

    @model_validator(mode="after")
    def _activities_fit(self) -> Session:
        total = sum(a.minutes for a in self.activities)
        if total > self.minutes:
            raise PydanticCustomError(
                "activities-too-long", "activities take {total} minutes but the session has {minutes}; "
                "raise `minutes` or shorten the activities", {"total": total, "minutes": self.minutes})
        return self


# --------------------------------------------------------------------------- modules

MEASURABLE_VERBS = frozenset("""
analyse analyze apply appraise assess calculate categorize choose classify compare compile construct contrast
create critique defend define demonstrate describe design develop differentiate discuss distinguish draft
estimate evaluate examine explain formulate identify illustrate interpret justify list map name negotiate
organise organize outline plan prepare prioritise prioritize propose rank recognise recognize recommend relate
report select state summarise summarize use
""".split())
"""Verbs that name something a facilitator can observe (Bloom's taxonomy). "Understand" and "know" are not."""


def _measurable(text: str, info: ValidationInfo) -> str:
    if info.context and info.context.get("translated"):
        return text  # the verb list is English; translations are checked by their translators
    verb = re.split(r"[\s,]", text.strip(), maxsplit=1)[0].lower()
    if verb not in MEASURABLE_VERBS:
        raise PydanticCustomError("objective-verb", "objective '{text}' does not start with a measurable verb; "
                                  "use one such as explain, identify, apply, compare, analyse, plan", {"text": text})
    return text


Objective = Annotated[OneLine, AfterValidator(_measurable)]


class Module(Strict):
    """A training module: a unit of learning with its own objectives, taught in one or more sessions."""

    id: Slug
    """Unique id; also the file name (``modules/<id>.yml``) and the URL of the module page."""
    title: OneLine
    """As shown on the pack home page and in the manuals."""
    version: Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){0,2}$")]
    """Content version, e.g. ``"1.2"``. Kept as text: 1.10 is not 1.1."""
    status: Literal["draft", "reviewed", "published"]
    """Editorial status. Draft modules are reported by ``check`` when a course uses them."""
    summary: Text
    """Two or three sentences: what the module is about and why it matters."""
    audiences: list[Slug] = []
    """Audiences the module is for; empty means every audience."""
    sectors: list[Slug] = []
    """Sectors the module is for; empty means every sector."""
    instruments: list[InstrumentCode] = []
    """Instruments taught (codes from the instruments catalogue, e.g. C081, MNE-DECLARATION)."""
    objectives: list[Objective] = Field(min_length=1)
    """Learning objectives, each starting with a measurable verb ("Explain…", "Identify…")."""
    key_points: list[OneLine] = []
    """What participants should remember, shown at the end of the module."""
    prerequisites: list[Slug] = []
    """Modules that must come earlier in a course."""
    sessions: list[Session] = Field(min_length=1)
    """Sessions in teaching order."""

    def applies_to(self, audience: str, sector: str) -> bool:
        """Whether a pack for this audience and sector includes the module."""
        return (not self.audiences or audience in self.audiences) and (not self.sectors or sector in self.sectors)

    @property
    def minutes(self) -> int:
        """Total planned minutes of all sessions."""
        return sum(s.minutes for s in self.sessions)


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
    set's packs end in ``.<id>`` (``gsc-turin.labour-inspectors.garment-textile.bd.en.participant.osh``)."""
    title: OneLine | None = None
    """As shown by ``coursepack list`` and on the pack's home page; default: the titles of its modules."""
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
    paper: Literal["a4", "letter"] = "a4"
    """Paper size of the printed manuals."""
    licence: OneLine = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
    """Licence printed in the manuals' imprint."""
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


class Catalogue(BaseModel):
    """Everything loaded from a repository: what validation, resolution and rendering work on."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    modules: dict[str, Module] = {}
    courses: dict[str, Course] = {}
    audiences: dict[str, Audience] = {}
    sectors: dict[str, Sector] = {}
    regions: dict[str, Region] = {}
    instruments: dict[str, Instrument] = {}
    countries: dict[str, Country] = {}
    glossary: dict[str, Term] = {}
