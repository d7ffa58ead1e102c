"""The field types every content class uses (ids, codes, one-line text…) and :class:`Strict`, their base."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationInfo

SLUG_RE = r"^[a-z0-9][a-z0-9-]{0,63}$"
"""Ids become file names and URLs: lower-case letters, digits and hyphens, at most 64 characters."""

Slug = Annotated[str, StringConstraints(pattern=SLUG_RE)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
InstrumentCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")]
Clock = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
OneLine = Annotated[str, StringConstraints(min_length=1, pattern=r"^[^\n]*$")]
Text = Annotated[str, StringConstraints(min_length=1)]
IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]

EDITIONS = ("participant", "facilitator")

SALVAGE = {"salvage": True}
"""Validation context under which the content rules below the schema (a measurable objective verb, activities
that fit their session, a sourced fact…) do not refuse: :mod:`build_tools.content.salvage` uses it to load the
rest of a file that has errors, so that every later check still runs on it. The rules are reported by the
strict validation that precedes it."""


def rules_apply(info: ValidationInfo) -> bool:
    """False while salvaging (:data:`SALVAGE`)."""
    return not (info.context or {}).get("salvage")


class Strict(BaseModel):
    """Base: unknown keys are errors (a typo must not pass silently); field docstrings become descriptions."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)
