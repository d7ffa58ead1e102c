"""Resolve: (course × audience × sector × country × language × edition) → a pack.

A pure function of the catalogue and a pack key. It picks the modules that apply to the audience and
sector in course order (the core and the pack's elective set), the variant blocks and activities whose
``when:`` matches, the country's facts, and places the sessions in the timetable. Answer options are put in
the pack's own order (:mod:`build_tools.resolve.shuffle`). Everything a page shows comes from the :class:`Pack`; nothing
that does not apply to the pack is in it, so nothing else can leak into its output (see
``docs/design.md``, "Why variants are resolved before Sphinx").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content import model as m
from ..content.branding import DEFAULT, Branding, resolved_branding
from ..content.timetable import Slot, Timetable, place
from ..errors import SelectionError
from .keys import PackKey, dimension_choices
from .materials import ResolvedMaterial, resolve_materials
from .shuffle import pack_seed, shuffle_module


@dataclass(frozen=True)
class ResolvedSession:
    module_id: str
    session: m.Session
    variants: tuple[tuple[int, m.Variant], ...]
    """Matching variant blocks with their index in the session (for source locations)."""
    activities: tuple[tuple[int, m.Activity], ...]
    slots: tuple[Slot, ...]
    """Where the session sits in the timetable (more than one slot when a break splits it)."""
    materials: tuple[ResolvedMaterial, ...] = ()
    """What its activities use that the edition shows, in order of first use (the preparation box)."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.module_id, self.session.id)

    @property
    def page(self) -> str:
        """Stable page name in the generated source tree."""
        return f"modules/{self.module_id}/{self.session.id}"

    @property
    def day(self) -> int | None:
        return self.slots[0].day if self.slots else None

    @property
    def span(self) -> tuple[int, int] | None:
        """Start and end, in minutes since midnight, of the whole session (breaks included)."""
        return (self.slots[0].start, self.slots[-1].end) if self.slots else None

    def activity_times(self) -> list[tuple[m.Activity, tuple[int, int] | None]]:
        """When each activity runs, if the session runs in one piece: the input first, then the activities."""
        if len(self.slots) != 1:
            return [(a, None) for _, a in self.activities]
        t = self.slots[0].start + (self.session.minutes - sum(a.minutes for _, a in self.activities))
        out = []
        for _, activity in self.activities:
            out.append((activity, (t, t + activity.minutes)))
            t += activity.minutes
        return out


@dataclass(frozen=True)
class ResolvedModule:
    module: m.Module
    sessions: tuple[ResolvedSession, ...]
    materials: tuple[ResolvedMaterial, ...] = ()
    """What the edition shows of the module's materials, numbered (:mod:`build_tools.resolve.materials`)."""

    def shown(self, activity: m.Activity) -> list[ResolvedMaterial]:
        """The activity's materials that the edition shows, in the activity's order."""
        by_id = {x.id: x for x in self.materials}
        return [by_id[ident] for ident in activity.materials if ident in by_id]

    @property
    def materials_page(self) -> str:
        return f"modules/{self.module.id}/materials"

    @property
    def page(self) -> str:
        return f"modules/{self.module.id}/index"


@dataclass(frozen=True)
class Pack:
    key: PackKey
    course: m.Course
    audience: m.Audience
    sector: m.Sector
    country: m.Country
    region: m.Region
    edition: str
    language: str
    modules: tuple[ResolvedModule, ...]
    timetable: Timetable
    instruments: tuple[m.Instrument, ...]
    glossary: tuple[m.Term, ...]
    dims: dict = field(default_factory=dict)
    fallback: frozenset = frozenset()
    """What shows source-language text in a translated pack: ``(module,)``, ``(module, session)``,
    ``("contexts",)`` (see :mod:`build_tools.resolve.localize`)."""
    branding: Branding = DEFAULT
    """The centre's branding with the course's changes (``content/branding.py``): what the site and the
    manuals show as the publisher's identity."""

    @property
    def facilitator(self) -> bool:
        return self.edition == "facilitator"

    def sessions(self) -> list[ResolvedSession]:
        return [s for mod in self.modules for s in mod.sessions]

    def materials(self) -> list[ResolvedMaterial]:
        """Every material the edition shows, module by module: the facilitator guide's print list."""
        return [x for mod in self.modules for x in mod.materials]


def check_key(cat: m.Catalogue, key: PackKey) -> None:
    course = cat.courses.get(key.course)
    if course is None:
        raise SelectionError(f"unknown course {key.course!r}; courses: {', '.join(sorted(cat.courses))}")
    for dim, values in dimension_choices(course).items():
        value = getattr(key, dim)
        if value not in values:
            raise SelectionError(f"course {course.id!r} is not offered for {dim} {value!r}; choose one of: "
                            + ", ".join(values))
    if key.electives not in course.elective_set_ids():
        sets = ", ".join(es.id for es in course.electives[1:])
        default = f" (the default set {course.electives[0].id!r} has no elective part)" if course.electives else ""
        raise SelectionError(f"course {course.id!r} has no elective set {key.electives!r} in a pack id{default}; "
                             + (f"other sets: {sets}" if sets else "its packs have six parts"))


def resolve(cat: m.Catalogue, key: PackKey, fallback: frozenset = frozenset()) -> Pack:
    """The pack for ``key``: only what applies to it, with the timetable placed. ``cat`` is the catalogue
    in the pack's language (:func:`build_tools.resolve.localize.resolve_pack` gives both)."""
    check_key(cat, key)
    course = cat.courses[key.course]
    country = cat.countries[key.country]
    dims = {"audience": key.audience, "sector": key.sector, "country": key.country, "region": country.region,
            "language": key.language, "edition": key.edition, "facts": country.verified_facts()}
    modules = [cat.modules[mid] for mid in course.pack_modules(key.electives)
               if cat.modules[mid].applies_to(key.audience, key.sector)]
    table = place([((mod.id, s.id), s.title, s.minutes) for mod in modules for s in mod.sessions], course.schedule)
    resolved = []
    seed = pack_seed(key)
    for number, mod in enumerate(modules, 1):
        materials = resolve_materials(mod, number, dims, course)
        by_id = {x.id: x for x in materials}
        sessions = []
        for s in shuffle_module(seed, mod.id, mod.sessions):
            slots = tuple(sl for sl in table.slots if sl.kind == "session" and sl.key == (mod.id, s.id))
            activities = tuple((i, a) for i, a in enumerate(s.activities) if a.when is None or a.when.matches(dims))
            used = dict.fromkeys(ident for _, a in activities for ident in a.materials if ident in by_id)
            sessions.append(ResolvedSession(
                mod.id, s, tuple((i, v) for i, v in enumerate(s.variants) if v.when.matches(dims)), activities,
                slots, tuple(by_id[ident] for ident in used)))
        resolved.append(ResolvedModule(mod, tuple(sessions), materials))
    codes = list(dict.fromkeys(code for mod in modules for code in mod.instruments))
    instruments = tuple(sorted((cat.instruments[c] for c in codes), key=_instrument_order))
    return Pack(key, course, cat.audiences[key.audience], cat.sectors[key.sector], country,
                cat.regions[country.region], key.edition, key.language, tuple(resolved), table, instruments,
                tuple(sorted(cat.glossary.values(), key=lambda t: t.term.lower())), dims, fallback,
                resolved_branding(cat.branding, course.branding))


_CATEGORY_ORDER = {"declaration": 0, "fundamental": 1, "governance": 2, "technical": 3}


def _instrument_order(inst: m.Instrument) -> tuple:
    return (_CATEGORY_ORDER[inst.category], inst.kind != "convention", inst.year, inst.code)
