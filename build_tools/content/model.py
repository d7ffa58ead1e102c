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

# The contexts, the course format and the field types live in their own modules; they are names of the model
# too, so ``model.Country`` or ``from build_tools.content.model import Slug`` keep working for every reader.
from .branding import Branding, BrandingChanges  # noqa: F401
from .contexts import (FACT_KINDS, Audience, AudiencesFile, Country, CountryFact, Fact,  # noqa: F401
                       FactKind, GlossaryFile, Instrument, InstrumentsFile, Ratification, Region, RegionsFile, Sector,
                       SectorsFile, Sourced, Term)
from .courses import (BUILD_FORMATS, EXPORT_FORMATS, FORMATS, PARTICIPANT_FORMATS, Break, Course,  # noqa: F401
                      ElectiveSet, OfferedFor, Output, Schedule)
from .fields import (EDITIONS, SLUG_RE, Clock, CountryCode, InstrumentCode, IsoDate, LangCode, OneLine,  # noqa: F401
                     Slug, Strict, Text, rules_apply)

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
    facts: FactKind | list[FactKind] | None = None
    """Kind(s) of country fact the pack's country must have, verified, e.g. ``[inspection, informality]``:
    unlike the other keys, a list needs all of them. Text that uses ``country.fact('…')`` sits under it."""
    not_: When | None = Field(default=None, alias="not")
    """Matches when this nested condition does not."""
    any: list[When] | None = None
    """Matches when at least one of these nested conditions does."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _not_empty(self, info: ValidationInfo) -> When:
        if rules_apply(info) and not any(getattr(self, k) is not None for k in WHEN_KEYS + ("facts", "not_", "any")):
            raise PydanticCustomError("empty-when", "a `when:` needs at least one of: "
                                      + ", ".join(WHEN_KEYS + ("facts", "not", "any")))
        return self

    def matches(self, dims: dict) -> bool:
        """True when the pack dimensions (audience, sector, country, region, language, edition, and the set of
        the country's verified ``facts``) satisfy this."""
        if not self.required_facts() <= dims.get("facts", frozenset()):
            return False
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


    def required_facts(self) -> frozenset[str]:
        """The fact kinds this condition itself requires (not those under ``not:`` or ``any:``)."""
        return frozenset(self.facts if isinstance(self.facts, list) else [self.facts] if self.facts else [])


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
    materials: list[Slug] = []
    """Ids of the materials (the module's ``materials:`` list) this activity uses: handouts, cases, role cards,
    supplies. Never free text: ``check`` reports an id that is not a material of the module."""
    when: When | None = None
    """Only in the packs this selects; always shown when absent."""
    rubric: Rubric | None = None
    """For an activity whose output is assessed: the criteria and levels it is judged by."""


class Choice(Strict):
    """One answer option of an assessment item."""

    text: OneLine
    """The option as participants read it."""
    correct: bool = False
    """True for the right answer(s): the answer key, marked only in the facilitator edition (and self-checks' data)."""
    feedback: OneLine | None = None
    """Shown after answering this option (facilitator edition, question bank; a self-check's chooser)."""


class AssessmentItem(Strict):
    """A question that checks a learning objective."""

    id: Slug
    """Stable id within the session (question banks use it)."""
    question: Text
    """The question as participants read it."""
    choices: list[Choice] = Field(min_length=2)
    """Options; at least one is marked ``correct: true``."""
    feedback: OneLine | None = None
    """General feedback: why the right answer is right (facilitator edition, question bank; self-check answerers)."""
    use: Literal["self-check", "facilitator"] = "facilitator"
    """``facilitator``: asked by the trainer, key in that edition only; ``self-check``: answered in the pack."""

    @model_validator(mode="after")
    def _one_correct(self, info: ValidationInfo) -> AssessmentItem:
        if rules_apply(info) and not any(c.correct for c in self.choices):
            raise PydanticCustomError("no-correct-choice",
                                      "no choice is marked `correct: true`; the answer key needs at least one")
        if self.use == "self-check" and sum(c.correct for c in self.choices) != 1:
            raise PydanticCustomError("self-check-one-key", "a self-check needs exactly one `correct: true` choice; "
                                      "keep one, or make it `use: facilitator`")
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
    def _activities_fit(self, info: ValidationInfo) -> Session:
        total = sum(a.minutes for a in self.activities)
        if rules_apply(info) and total > self.minutes:
            raise PydanticCustomError(
                "activities-too-long", "activities take {total} minutes but the session has {minutes}; "
                "raise `minutes` or shorten the activities", {"total": total, "minutes": self.minutes})
        return self


# --------------------------------------------------------------------------- materials

MaterialKind = Literal["handout", "case", "role-card", "data-sheet", "worksheet", "checklist", "brief", "template",
                       "slide-notes", "supply"]
GivenTo = Literal["participant", "group", "role", "facilitator"]


class Role(Strict):
    """One role of a role card: its name (everyone may see it) and its confidential brief."""

    role: OneLine
    """The role's name as printed on its card, e.g. "Factory owner"."""
    brief: Text
    """MyST: interests, red lines, what the role knows. Confidential: facilitator guide only, never participants'."""


class Material(Strict):
    """Something handed out or prepared for an activity: a handout, a case, role cards, a supply…"""

    id: Slug
    """Unique within the module; activities name it in their ``materials:``."""
    kind: MaterialKind
    """What it is. ``supply`` is a physical supply (flipchart paper, markers): not numbered, only counted."""
    title: OneLine
    """As printed after its computed number, e.g. "C187 national system checklist"."""
    given_to: GivenTo
    """Who gets it: each ``participant``, each ``group``, each ``role`` of each group, or ``facilitator`` only."""
    body: Text | None = None
    """MyST, with the session bodies' context variables; a role card's scenario. Optional for supplies only."""
    variants: list[Variant] = []
    """Blocks shown only to some packs, as in sessions: e.g. an answer key for one edition (``when: {edition: …}``)."""
    roles: list[Role] = []
    """Role cards only: at least two roles, each with its confidential brief."""

    @model_validator(mode="after")
    def _shape(self) -> Material:
        rules = [(self.kind == "role-card" and len(self.roles) < 2, "a role card needs `roles:`, at least two, "
                  "each with `role:` and `brief:`"),
                 (self.kind != "role-card" and bool(self.roles), "only a `kind: role-card` material has `roles:`"),
                 ((self.given_to == "role") != (self.kind == "role-card"), "`given_to: role` goes with `kind: "
                  "role-card`, and a role card is `given_to: role` (one card per role per group)"),
                 (self.body is None and self.kind != "supply", "this material needs a `body:` (only a supply "
                  "may have none)")]
        for broken, message in rules:
            if broken:
                raise PydanticCustomError("material-shape", message)
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
    if info.context and info.context.get("translated") or not rules_apply(info):
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
    materials: list[Material] = []
    """What the activities hand out or need (handouts, cases, role cards, supplies), referenced by id."""

    def applies_to(self, audience: str, sector: str) -> bool:
        """Whether a pack for this audience and sector includes the module."""
        return (not self.audiences or audience in self.audiences) and (not self.sectors or sector in self.sectors)

    @property
    def minutes(self) -> int:
        """Total planned minutes of all sessions."""
        return sum(s.minutes for s in self.sessions)


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
    branding: Branding | None = None
    """The centre's branding (``curriculum/branding.yml``), or None when the repository has none."""
