"""The contexts a course is offered in: audiences, sectors, regions, instruments, country profiles, the
glossary, and the files under ``curriculum/contexts/`` that list them."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from .fields import CountryCode, InstrumentCode, IsoDate, LangCode, OneLine, Slug, Strict, Text


class Audience(Strict):
    """A group of participants a pack is tailored for."""

    id: Slug
    """Used in courses and in `when:`."""
    title: OneLine
    """As shown to readers, e.g. "Labour inspectors"."""
    description: Text
    """Who they are and what they need from the training."""


class Sector(Strict):
    """An economic sector with global supply chains."""

    id: Slug
    """Used in courses and in `when:`."""
    title: OneLine
    """As shown to readers."""
    description: Text
    """How its supply chains work and their main decent work deficits."""


class Region(Strict):
    """An ILO region."""

    id: Slug
    """E.g. ``asia-pacific``."""
    title: OneLine
    """E.g. "Asia and the Pacific"."""


class Instrument(Strict):
    """An ILO Convention, Protocol, Recommendation or Declaration."""

    code: InstrumentCode
    """E.g. ``C081``, ``P029``, ``R204``, ``MNE-DECLARATION``."""
    title: OneLine
    """Official short title, e.g. "Labour Inspection Convention, 1947 (No. 81)"."""
    year: int = Field(ge=1919, le=2100)
    """Year of adoption by the International Labour Conference (or Governing Body)."""
    kind: Literal["convention", "protocol", "recommendation", "declaration"]
    """Legal form. Only Conventions and Protocols are ratified."""
    category: Literal["fundamental", "governance", "technical", "declaration"]
    """ILO classification."""
    url: Annotated[str, StringConstraints(pattern=r"^https://")]
    """Official reference (NORMLEX or ilo.org)."""
    summary: OneLine
    """One sentence on what it requires."""

    @property
    def ratifiable(self) -> bool:
        """Conventions and Protocols are ratified; Recommendations and Declarations are not."""
        return self.kind in ("convention", "protocol")


class Sourced(Strict):
    """Where a fact comes from."""

    source: Annotated[str, StringConstraints(pattern=r"^https?://")] | None = None
    """URL of the page the fact was read from."""
    as_of: OneLine | None = None
    """Date the source states (or the year of the report)."""


class Ratification(Sourced):
    """A country's ratification status of one instrument, as a source states it."""

    status: Literal["ratified", "not-ratified", "unverified"]
    """``not-ratified`` is only valid as of ``as_of``; ``unverified`` is never shown as a fact."""
    year: int | None = Field(default=None, ge=1919, le=2100)
    """Year of ratification, where a source gives it."""
    date: IsoDate | None = None
    """Full date of registration, where a source gives it."""
    note: str | None = None
    """How the fact was read; caveats."""

    @model_validator(mode="after")
    def _sourced(self) -> Ratification:
        if self.status != "unverified" and not (self.source and self.as_of):
            raise PydanticCustomError("unsourced-fact", "a `{status}` fact needs `source` and `as_of`; "
                                      "mark it `unverified` otherwise", {"status": self.status})
        if self.status != "ratified" and self.year is not None:
            raise PydanticCustomError("year-not-ratified", "only a `ratified` fact has a `year`")
        return self


class CountryFact(Sourced):
    """A short sourced statement about a country (EPZs, institutions…)."""

    text: Text
    """The statement, as it will be shown."""
    verified: bool = True
    """False when no source could confirm it: never shown in a pack."""

    @model_validator(mode="after")
    def _sourced(self) -> CountryFact:
        if self.verified and not (self.source and self.as_of):
            raise PydanticCustomError("unsourced-fact",
                                      "a verified fact needs `source` and `as_of`; set `verified: false` otherwise")
        return self


FactKind = Literal["sectors", "epz", "inspection", "informality", "minimum-wage"]
"""The kinds of country fact that module text may use (``country.fact('inspection')``) and that a variant's
``when: {facts: …}`` may require."""

FACT_KINDS: tuple[str, ...] = get_args(FactKind)

_FACT_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class Fact(Strict):
    """A sourced, dated fact a trainer uses in a country pack; module text reads it through
    ``{{ country.fact('kind') }}`` inside a variant whose ``when:`` requires it."""

    text: OneLine
    """The fact as a phrase that completes the module's sentence, e.g. "the Department of Inspection for
    Factories and Establishments (DIFE), under the Ministry of Labour and Employment"."""
    cite: OneLine | None = None
    """The publication, as a reader finds it: publisher, title and year, e.g. "ILO, ILOSTAT, 2024"."""
    source: Annotated[str, StringConstraints(pattern=r"^https?://")] | None = None
    """URL of the publication the fact was read from (an ILO, UN or government page)."""
    as_of: Annotated[str, StringConstraints(pattern=_FACT_DATE)] | None = None
    """The date the fact holds for: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    verified: bool = True
    """False while no source confirms it: the fact is then never shown, and no variant that needs it is."""
    note: str | None = None
    """How the fact was read; for reviewers, never shown."""

    @model_validator(mode="after")
    def _sourced(self) -> Fact:
        if self.verified and not (self.source and self.as_of and self.cite):
            raise PydanticCustomError("unsourced-fact", "a verified fact needs `source`, `cite` and `as_of`; "
                                      "set `verified: false` otherwise")
        return self


class Country(Strict):
    """A country profile: the facts country packs read through ``{{ country.… }}``."""

    code: CountryCode
    """ISO 3166 alpha-2, e.g. ``BD``; also the file name."""
    name: OneLine
    """Short English name, e.g. "Bangladesh"."""
    region: Slug
    """ILO region id."""
    languages: list[LangCode] = Field(min_length=1)
    """Official or main languages (ISO 639 codes)."""
    ratifications: dict[InstrumentCode, Ratification] = {}
    """Ratification status per instrument code."""
    epz: CountryFact | None = None
    """Export processing zones (or equivalent special economic zones) in the country."""
    notes: list[CountryFact] = []
    """Other short facts useful in a country pack."""
    facts: dict[FactKind, Fact] = {}
    """Sourced facts by kind (``sectors``, ``epz``, ``inspection``, ``informality``, ``minimum-wage``), for
    the country passages of modules."""

    def verified_facts(self) -> frozenset[str]:
        """The kinds of fact a variant's ``when: {facts: …}`` may rely on in this country's packs."""
        return frozenset(kind for kind, fact in self.facts.items() if fact.verified)


class Term(Strict):
    """A glossary entry; trainer text links to it with {term}`Term`."""

    term: OneLine
    """The term as written in text, e.g. "Due diligence"."""
    definition: Text
    """A plain-language definition, one to three sentences."""
    source: OneLine | None = None
    """Where the definition comes from, e.g. an ILO instrument or report."""


# Files that hold a list of context entries: ``curriculum/contexts/<name>.yml``.


class AudiencesFile(Strict):
    """``curriculum/contexts/audiences.yml``."""

    audiences: list[Audience] = Field(min_length=1)
    """Every audience a course can be offered for."""


class SectorsFile(Strict):
    """``curriculum/contexts/sectors.yml``."""

    sectors: list[Sector] = Field(min_length=1)
    """Every sector a course can be offered for."""


class RegionsFile(Strict):
    """``curriculum/contexts/regions.yml``."""

    regions: list[Region] = Field(min_length=1)
    """The ILO regions."""


class InstrumentsFile(Strict):
    """``curriculum/contexts/instruments.yml``."""

    instruments: list[Instrument] = Field(min_length=1)
    """The instruments modules may teach."""


class GlossaryFile(Strict):
    """``curriculum/contexts/glossary.yml``."""

    terms: list[Term] = Field(min_length=1)
    """Glossary entries, shown on every pack's glossary page."""
