"""Lint rules on assessment: answer keys a participant could guess, and presented outputs without a rubric.

Kept apart from :mod:`build_tools.content.lint`, which checks the text itself (MyST, variables, links)."""

from __future__ import annotations

import re

from ..errors import Problem
from . import model as m

# --------------------------------------------------------------------------- answer keys

KEY_POSITION_LIMIT = 0.40
"""More than this share of a module's keys (and more than one) at one position, after shuffling, is a warning."""
KEY_LONGEST_LIMIT = 0.50
"""More than this share of a module's single-answer items with the key as the longest option is a warning."""


def answer_key_problems(cat: m.Catalogue, source) -> list[Problem]:
    """Answer keys a participant could guess without reading: a module whose keys, in the order a pack of a
    course shows them (the course's first pack; the shuffle balances every pack alike), crowd on one
    position, or whose key is the longest option too often. ``source(module_id)`` gives its Source."""
    from ..resolve.keys import expand
    from ..resolve.shuffle import crowded_position, key_is_longest, key_positions, pack_seed, shuffle_module

    problems = []
    for mid, module in cat.modules.items():
        items = [item for s in module.sessions for item in s.assessment]
        singles = [item for item in items if sum(c.correct for c in item.choices) == 1]
        for course in cat.courses.values():
            if mid not in course.modules:
                continue
            seed = pack_seed(expand(course)[0])
            crowded = crowded_position(key_positions(shuffle_module(seed, mid, module.sessions)), KEY_POSITION_LIMIT)
            if crowded:
                position, count = crowded
                problems.append(Problem(
                    source(mid).at("sessions"), "answer-keys-cluster",
                    f"in packs of course {course.id!r}, {count} of the module's {len(singles)} single-answer keys "
                    f"are option {'abcdefghij'[position]}, even after shuffling", "give single-answer items four "
                    "options: with fewer, the keys cannot spread over the positions", "warning"))
                break
        longest = [item.id for item in singles if key_is_longest(item)]
        if len(longest) > 1 and len(longest) > KEY_LONGEST_LIMIT * len(singles):
            problems.append(Problem(
                source(mid).at("sessions"), "answer-key-longest",
                f"the right answer is the longest option in {len(longest)} of {len(singles)} single-answer items "
                f"({', '.join(longest)})", "shorten the keys or lengthen the distractors with the same care: "
                "participants learn to pick the longest option", "warning"))
    return problems


# --------------------------------------------------------------------------- rubrics

OUTPUT_PRESENTED = re.compile(
    r"\bpresents?\s+(?:your|its|their|the\s+(?:plan|route|results?|answers?|map|profile))\b"
    r"|\bpresent\s+(?:in|on)\s+(?:\w+\s+)?(?:minutes?|flipchart)\b|\bready\s+to\s+present\b"
    r"|\b(?:plan|output|work|result|answer)s?\s+(?:is|are|will\s+be)\s+assessed\b|\bpeer[- ]review|\bfor\s+feedback\b",
    re.IGNORECASE)
"""Instructions that make an activity's output something judged: presented to the group, assessed, reviewed."""


def rubric_problems(module: m.Module, src) -> list[Problem]:
    """An activity whose output is presented or assessed needs a rubric: on the activity itself, or on an
    earlier activity of the same session that produced the output (a draft, then its peer review)."""
    problems = []
    for si, session in enumerate(module.sessions):
        ruled = False
        for ai, activity in enumerate(session.activities):
            ruled = ruled or activity.rubric is not None
            found = OUTPUT_PRESENTED.search(activity.instructions)
            if found and not ruled:
                problems.append(Problem(
                    src.text_line(("sessions", si, "activities", ai, "instructions"),
                                  activity.instructions[:found.start()].count("\n")),
                    "output-without-rubric", f"the output of activity {activity.title!r} is presented or "
                    f"assessed ({' '.join(found.group(0).split())!r}) but has no rubric", "add `rubric:` with `levels:` and "
                    "`criteria:` to the activity, so that facilitators judge it alike and participants know "
                    "what counts", "warning"))
    return problems
