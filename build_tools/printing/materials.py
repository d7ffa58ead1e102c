"""A pack's materials as print HTML, for the manual template (``templates/print/manual.html.j2``).

The participant manual prints the numbered materials of each module after its sessions, one piece each (so
each starts on a new page, and the module's handout PDF is those pieces with the manual's page numbers).
The facilitator guide prints them too, with facilitator-only materials, answer keys and each role card on a
page of its own, a preparation box per session and the course's print list (see ``docs/design.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from ..render.pages import TrainerText
from ..resolve.pack import Pack


@dataclass
class MaterialFragments:
    """One material's trainer text as HTML."""

    body: Markup | None
    variants: list[tuple[str | None, Markup, bool]]
    """(title, HTML, whether only the facilitator edition shows it: an answer key)."""
    roles: list[tuple[str, Markup | None]]
    """(role, its brief): the brief in the facilitator edition only."""


def material_fragments(text: TrainerText, pack: Pack, html: Callable[[str], Markup]) -> dict[str, MaterialFragments]:
    """Anchor → HTML of every numbered material the pack's edition shows."""
    out = {}
    for x in pack.materials():
        if x.number is None:
            continue
        mt = text.material(x, pack.facilitator)
        out[x.anchor] = MaterialFragments(html(mt.body) if mt.body else None,
                                          [(v.title, html(t), vi in x.facilitator_variants)
                                           for (vi, _), (v, t) in zip(x.variants, mt.variants)],
                                          [(role, html(brief) if brief else None) for role, brief in mt.roles])
    return out


def print_list(pack: Pack) -> list[tuple[object, list[str]]]:
    """Every material of the pack with the titles of the sessions that use it: the course's print list."""
    used: dict[str, list[str]] = {}
    for rs in pack.sessions():
        for x in rs.materials:
            used.setdefault(x.anchor, []).append(rs.session.title)
    return [(x, used.get(x.anchor, [])) for x in pack.materials()]
