"""A pack's materials: which ones it uses, their numbers, and how many copies to print.

**Numbers** are computed per pack and never written by hand. Module *n* of the pack (its place in the
pack's module list, as the manuals number modules) numbers its materials in the order its activities first
use them, counting the activities of both editions, so that the participant manual and the facilitator
guide agree on every number:

- materials for participants, groups or roles share one counter: ``n.1``, ``n.2``… whatever their kind
  ("Handout 3.1", "Case 3.2", "Role cards 3.3"), so that "3.2" names one material of the pack;
- facilitator-only materials have their own series of letters: ``n.A``, ``n.B`` ("Checklist 3.A"), so that
  the participant series has no gaps;
- supplies (flipchart paper, markers) are not numbered: they are counted in the print list only.

**Copies** for the course's ``cohort`` and ``group_size``: ``participant`` one each (the cohort),
``group`` one per group (the cohort divided by the group size, rounded up), ``role`` one card per role per
group, ``facilitator`` one.

**Who sees what**: a participant output holds the numbered materials given to participants, groups or
roles that an activity of the participant edition uses (the role cards' scenario and role names, never
their briefs); the facilitator edition holds every material its activities use.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass

from ..content import model as m


@dataclass(frozen=True)
class ResolvedMaterial:
    module_id: str
    index: int
    """Position in the module's ``materials:`` (for source locations)."""
    material: m.Material
    number: str | None
    """"3.2", "3.A", or None for a supply."""
    variants: tuple[tuple[int, m.Variant], ...]
    """Matching variant blocks with their index in the material."""
    copies: int
    facilitator_variants: frozenset[int] = frozenset()
    """Indexes of the matching variants the participant edition would not show (answer keys)."""

    @property
    def id(self) -> str:
        return self.material.id

    @property
    def anchor(self) -> str:
        """The print anchor and piece name, and the site's reference label."""
        return f"x-{self.module_id}--{self.material.id}"

    @property
    def participant(self) -> bool:
        """Whether participant outputs may hold it (when its activity is in the participant edition)."""
        return self.material.given_to != "facilitator" and self.material.kind != "supply"


def copies(material: m.Material, course: m.Course) -> int:
    groups = math.ceil(course.cohort / course.group_size)
    return {"participant": course.cohort, "group": groups, "role": groups * len(material.roles),
            "facilitator": 1}[material.given_to]


def _letters(k: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    out = ""
    while k:
        k, r = divmod(k - 1, 26)
        out = string.ascii_uppercase[r] + out
    return out


def _used(module: m.Module, dims: dict[str, str], editions: tuple[str, ...]) -> list[str]:
    """Ids of the materials the module's activities use in any of ``editions``, in order of first use."""
    ids: dict[str, None] = {}
    for session in module.sessions:
        for activity in session.activities:
            if activity.when is None or any(activity.when.matches(dict(dims, edition=e)) for e in editions):
                ids.update(dict.fromkeys(activity.materials))
    return list(ids)


def resolve_materials(module: m.Module, number: int, dims: dict[str, str],
                      course: m.Course) -> tuple[ResolvedMaterial, ...]:
    """The materials of module ``number`` of the pack that its edition (``dims["edition"]``) shows."""
    by_id = {x.id: (i, x) for i, x in enumerate(module.materials)}
    numbers: dict[str, str] = {}
    series = {True: 0, False: 0}
    for ident in _used(module, dims, ("participant", "facilitator")):
        if ident not in by_id or not by_id[ident][1].kind != "supply":
            continue
        public = by_id[ident][1].given_to != "facilitator"
        series[public] += 1
        numbers[ident] = f"{number}.{series[public] if public else _letters(series[public])}"
    shown = []
    for ident in _used(module, dims, (dims["edition"],)):
        if ident not in by_id:
            continue
        i, x = by_id[ident]
        resolved = ResolvedMaterial(module.id, i, x, numbers.get(ident),
                                    tuple((vi, v) for vi, v in enumerate(x.variants) if v.when.matches(dims)),
                                    copies(x, course),
                                    frozenset(vi for vi, v in enumerate(x.variants)
                                              if not v.when.matches(dict(dims, edition="participant"))))
        if dims["edition"] == "facilitator" or resolved.participant:
            shown.append(resolved)
    return tuple(sorted(shown, key=_order))


def _order(x: ResolvedMaterial) -> tuple:
    """Numbered participant materials first, by number; then the facilitator's; supplies last."""
    if x.number is None:
        return (2, 0, "")
    major, minor = x.number.split(".")
    return (0, int(minor), "") if minor.isdigit() else (1, len(minor), minor)
