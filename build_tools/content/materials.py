"""Checks of a module's materials: every reference resolves, every material is used, none is named by hand.

A material (handout, case, role cards…) is numbered per pack when the pack is built ("Handout 3.2"), so a
number written by hand in trainer text is wrong as soon as a course orders its modules differently. These
patterns find hand-written references in session bodies, variant blocks, activity instructions and
facilitator notes (case-insensitive, whole words):

- a numbered material: *handout*, *case*, *worksheet*, *data sheet*, *checklist*, *exhibit*, *annex*,
  *card* followed by a number of one or two digits such as ``2``, ``2.1`` or ``12.3`` ("Handout 2.1",
  "Case 3.2", "Worksheet 4");
- role cards named in words: "role card", "role cards", "role-card(s)";
- an observer checklist: "observer checklist", "observers' checklist", "observation checklist".

Not matched, on purpose: "in this case", "case law", "case study" (no number follows), "Article 3",
"Convention No. 87", "Recommendation 205", and the Committee on Freedom of Association's "Case No. 2723" or
"Case 3203" (a "No." or a number of three digits or more): legal references are not materials.
"""

from __future__ import annotations

import re

from ..errors import Problems, did_you_mean
from . import model as m
from .lint import text_fields

HAND_WRITTEN = re.compile(
    r"\b(?:(?:hand-?outs?|cases?|worksheets?|data[- ]sheets?|checklists?|exhibits?|annex(?:es)?|cards?)"
    r"\s+\d{1,2}(?:\.\d{1,2})*(?![\d.]*\d)"
    r"|role[- ]cards?\b"
    r"|(?:observers?'?|observation)\s+checklists?\b)",
    re.IGNORECASE)
"""What looks like a material named by hand (see the module docstring)."""

PARTICIPANT_KINDS = ("handout", "worksheet", "role-card")
"""Kinds that exist to be put in participants' hands: never ``given_to: facilitator``."""

_REFER_HINT = ("list the material in the activity's `materials:` by its id (see the module's `materials:`); "
               "the build numbers it per pack and prints its number and title. In the text, name it by "
               "what it is, without a number")


def check_materials(module: m.Module, src, problems: Problems) -> None:
    """Dangling and unused materials, facilitator-only materials of a participant kind, hand-written mentions."""
    ids: dict[str, int] = {}
    for i, material in enumerate(module.materials):
        if material.id in ids:
            problems.add(src.at("materials", i, "id"), "duplicate-material",
                         f"material id {material.id!r} is used twice (first at line "
                         f"{src.at('materials', ids[material.id], 'id').line})", "give each a unique id")
        ids.setdefault(material.id, i)
        if material.given_to == "facilitator" and material.kind in PARTICIPANT_KINDS:
            problems.add(src.at("materials", i, "given_to"), "facilitator-material-kind",
                         f"material {material.id!r} is a {material.kind} but `given_to: facilitator`: a "
                         f"{material.kind} is for participants", "give it to `participant` or `group`, or make "
                         "it a `brief`, `checklist`, `case` or `slide-notes` for the facilitator")
    used: set[str] = set()
    for si, session in enumerate(module.sessions):
        if session.id == "materials" and module.materials:
            problems.add(src.at("sessions", si, "id"), "session-named-materials",
                         "a module with materials cannot have a session named `materials`: its materials page "
                         "has that name", "give the session another id")
        for ai, activity in enumerate(session.activities):
            for ri, ref in enumerate(activity.materials):
                used.add(ref)
                if ref not in ids:
                    problems.add(src.at("sessions", si, "activities", ai, "materials", ri), "unknown-material",
                                 f"no material {ref!r} in this module's `materials:`",
                                 did_you_mean(ref, ids) or "see the module's `materials:` list: add the material "
                                 "there (id, kind, title, given_to, body) or fix the id")
    for material_id, i in ids.items():
        if material_id not in used:
            problems.add(src.at("materials", i, "id"), "unused-material",
                         f"no activity uses material {material_id!r}",
                         "list its id in the `materials:` of the activity that needs it, or remove it")
    for path, text in text_fields(module):
        if path[0] != "sessions":
            continue
        for found in HAND_WRITTEN.finditer(text):
            problems.add(src.text_line(path, text[:found.start()].count("\n")), "hand-written-material",
                         f"{found.group(0)!r} names a material by hand", _REFER_HINT)


def material_counts(cat: m.Catalogue) -> dict[str, int]:
    """Materials of the catalogue by kind (``check --json``)."""
    counts: dict[str, int] = {}
    for module in cat.modules.values():
        for material in module.materials:
            counts[material.kind] = counts.get(material.kind, 0) + 1
    return dict(sorted(counts.items()))
