"""What a pack needs translated: exactly the strings it shows, and what is wrong with their translations.

A pack in a language other than its course's source language shows the translation of each string it
shows: the title, summary, objectives and key points of its modules; the sessions' titles and bodies; the
activities and variant blocks whose ``when:`` selects the pack; the materials the pack shows (as
:mod:`build_tools.resolve.materials` decides: those its activities use, their matching variants, role names,
and role briefs in the facilitator edition only); facilitator notes and answer feedback in the facilitator
edition only; its course's title, centre and summary; its audience, sector,
country (name and verified facts), its region where a text shows ``{{ country.region }}``; the titles of
the instruments its modules teach; the glossary. Nothing
else: a country the course does not offer, another course's title or a module the pack leaves out never
holds a pack up.

A string whose translation is missing, fuzzy (flagged for review) or out of date (its source text changed)
is a *gap*. What a gap does is the course's translation policy (``fallback_languages``): in a fallback
language the pack shows the source text, marked; in any other language the pack is not built, and the
problem names the string, its source file:line, the ``.po`` entry and the packs that need it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..content import model as m
from ..content.repository import Repo
from ..errors import Location, Problem
from .catalogues import Unit, context_units, course_units, module_units

if TYPE_CHECKING:
    from ..resolve.keys import PackKey

NEVER_SHOWN = {("instrument", "summary")}
"""Context fields that no page or manual shows (they document the catalogue for its editors)."""
_REGION = re.compile(r"{{-?\s*country\.region\b")

STATES = {"missing": "translation-missing", "fuzzy": "translation-fuzzy", "stale": "translation-stale"}


@dataclass(frozen=True)
class Need:
    """One string a pack shows: the ``.po`` that translates it, the unit, and what it belongs to."""

    po: str
    unit: Unit
    owner: tuple[str, str]
    """(kind, id) of the object the string comes from: ``("module", "osh")``, ``("country", "BD")``…"""
    shown_in: tuple
    """What the pack marks when it shows the source text instead: ``(module, session)``, ``(module,)`` or
    ``("contexts",)`` (see the templates' ``pack.fallback``)."""


@dataclass(frozen=True)
class Gap:
    """A string a pack needs whose translation cannot be used."""

    need: Need
    state: str
    """``missing``, ``fuzzy`` or ``stale``."""
    line: int | None
    """Line of the entry in the ``.po``, if it has one."""
    previous: str | None = None
    """The source text a stale entry was translated from."""


def shown(module: m.Module, path: tuple, dims: dict[str, str], materials: dict | None = None) -> bool:
    """Whether the pack with these dimensions shows the module's text at ``path`` (a unit's data path);
    ``materials`` are the module's materials the pack shows, by their index in the module
    (:func:`build_tools.resolve.materials.resolve_materials`)."""
    facilitator = dims["edition"] == "facilitator"
    if path[0] == "materials":
        return _material_shown((materials or {}).get(path[1]), path[2:], facilitator)
    if path[0] != "sessions" or len(path) < 3:
        return True
    session = module.sessions[path[1]]
    if path[2] == "facilitator_notes":
        return facilitator
    if path[2] == "variants":
        return session.variants[path[3]].when.matches(dims)
    if path[2] == "activities":
        activity = session.activities[path[3]]
        if activity.when is not None and not activity.when.matches(dims):
            return False
        if path[4] == "rubric" and "levels" in path[5:]:  # participants see a rubric's criteria, not its levels
            return facilitator
        return facilitator or path[4] != "materials"
    if path[2] == "assessment":
        return facilitator or path[-1] != "feedback"
    return True


def _material_shown(material, rest: tuple, facilitator: bool) -> bool:
    """A material the pack shows: its title and body, its matching variants, its role names; the briefs
    of its roles in the facilitator edition only."""
    if material is None:
        return False
    if rest[:1] == ("variants",):
        return rest[1] in {vi for vi, _ in material.variants}
    if rest[:1] == ("roles",) and rest[-1] == "brief":
        return facilitator
    return True


def pack_needs(cat: m.Catalogue, key: PackKey) -> list[Need]:
    """Every string the pack ``key`` shows, with the ``.po`` (in the pack's language) that translates it."""
    lang = key.language
    course, country = cat.courses[key.course], cat.countries[key.country]
    dims = {"audience": key.audience, "sector": key.sector, "country": key.country, "region": country.region,
            "language": lang, "edition": key.edition, "facts": country.verified_facts()}
    modules = [cat.modules[mid] for mid in course.pack_modules(key.electives)
               if cat.modules[mid].applies_to(key.audience, key.sector)]
    from ..resolve.materials import resolve_materials

    needs = []
    for number, module in enumerate(modules, 1):
        po = f"modules/locale/{lang}/{module.id}.po"
        materials = {x.index: x for x in resolve_materials(module, number, dims, course)}
        for unit in module_units(module):
            if shown(module, unit.path, dims, materials):
                where = (module.id, module.sessions[unit.path[1]].id) if unit.path[0] == "sessions" else (module.id,)
                needs.append(Need(po, unit, ("module", module.id), where))
    needs += [Need(f"curriculum/locale/{lang}/courses.po", u, ("course", course.id), ("contexts",))
              for u in course_units(course)]
    wanted = {("audience", key.audience), ("sector", key.sector), ("country", key.country),
              *(("instrument", code) for mod in modules for code in mod.instruments),
              *(("term", term) for term in cat.glossary)}
    if any(_REGION.search(n.unit.text) for n in needs):  # only `{{ country.region }}` shows the region
        wanted.add(("region", country.region))
    for kind, ident, unit in context_units(cat):
        if (kind, ident) in wanted and (kind, unit.path[0]) not in NEVER_SHOWN and _fact_shown(cat, kind, ident, unit):
            needs.append(Need(f"curriculum/locale/{lang}/contexts.po", unit, (kind, ident), ("contexts",)))
    return needs


def _fact_shown(cat: m.Catalogue, kind: str, ident: str, unit: Unit) -> bool:
    """A country fact marked ``verified: false`` is never shown, so it needs no translation."""
    if kind != "country" or unit.path[0] not in ("epz", "notes"):
        return True
    country = cat.countries[ident]
    fact = country.epz if unit.path[0] == "epz" else country.notes[unit.path[1]]
    return fact.verified


def gaps(needs: Iterable[Need], states: dict[str, dict[str, tuple]]) -> list[Gap]:
    """The needs whose translation is not usable; ``states`` is ``.po`` → context → (state, line, previous)
    of the entries that are not usable (:meth:`build_tools.resolve.localize.Localized.unusable`)."""
    out = []
    for need in needs:
        found = states.get(need.po, {}).get(need.unit.context)
        if found is not None:
            out.append(Gap(need, *found))
    return out


def gap_problems(repo: Repo, language: str, packs: dict[tuple[str, str], list[PackKey]],
                 found: dict[tuple[str, str], Gap]) -> list[Problem]:
    """One problem per string and language: ``found`` is (``.po``, context) → gap, ``packs`` the same key →
    the packs that need the string."""
    problems = []
    name = language_name(language)
    for where, gap in sorted(found.items()):
        need, keys = gap.need, sorted(packs[where])
        at = _first_difference(gap.previous, need.unit.text) if gap.previous is not None else 0
        source = repo.source(*need.owner).text_line(need.unit.path, need.unit.text[:at].count("\n"))
        text = f"{_excerpt(need.unit.text, at)!r} ({source.path}:{source.line}, {need.unit.context})"
        message = {"missing": f"no {name} translation of {text}",
                   "fuzzy": f"the {name} translation of {text} is marked fuzzy, so it is not used",
                   "stale": f"the {name} translation of {text} is out of date: the source text changed since "
                            f"it was translated"}[gap.state]
        courses = sorted({k.course for k in keys})
        hint = {"missing": f"translate the entry in {need.po}" if gap.line else
                f"run `coursepack i18n extract` and `coursepack i18n update` to add the entry to {need.po}, then "
                f"translate it",
                "fuzzy": "check the translation against the source text, then remove the `fuzzy` flag",
                "stale": "run `coursepack i18n update` (the entry is then marked fuzzy), review the translation "
                         "and remove the flag"}[gap.state]
        hint += (f"; or add {language!r} to `fallback_languages` of {', '.join(courses)} to show the source text, "
                 f"marked")
        problems.append(Problem(Location(need.po, gap.line or 1), STATES[gap.state],
                                f"{message}; needed by {_packs(keys)}", hint))
    return problems


def _packs(keys: list[PackKey]) -> str:
    if len(keys) == 1:
        return f"pack {keys[0].id}"
    per_course = {}
    for k in keys:
        per_course[k.course] = per_course.get(k.course, 0) + 1
    counts = ", ".join(f"{n} of {c}" for c, n in per_course.items())
    return f"{len(keys)} packs ({counts}), e.g. {keys[0].id}"


def _first_difference(old: str, new: str) -> int:
    """Where ``new`` starts to differ from ``old`` (the start of that word), so that a message can show the
    edited passage rather than the start of a long body."""
    at = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    return max(new.rfind(" ", 0, at) + 1, new.rfind("\n", 0, at) + 1)


def _excerpt(text: str, at: int, limit: int = 60) -> str:
    """The line of ``text`` that holds offset ``at``, from a little before ``at``, shortened."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start:end if end >= 0 else len(text)]
    column = at - start
    if column > 40:  # keep some words before the edit
        cut = line.find(" ", column - 30) + 1
        line = "…" + line[cut:]
    flat = line
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def language_name(code: str) -> str:
    """The English name of a language ("French"), or its code if Babel does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code).get_language_name("en") or code
    except (ValueError, UnknownLocaleError):
        return code
