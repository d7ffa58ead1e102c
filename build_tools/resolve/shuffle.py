"""The order of answer options in a pack: shuffled, the same in every build, balanced over positions.

Trainers write the right answer wherever it comes to mind, most often first; a participant who learns that
answers "a" scores without reading. Each pack therefore shows the options of its single-answer items in an
order of its own, drawn from a seed (the pack id without its edition, the module, session and item ids), so
that:

- a rebuild gives the same order (no clock, no random state), and both editions of a pack agree: the
  facilitator guide's "[correct]" marks and letters match the participant manual;
- within a module, the keys are spread over the positions: each item's key goes to the position that has
  held the fewest keys so far in the module, ties broken by the seed. With four options, no position holds
  more than a quarter of the keys, rounded up;
- items with several right answers are shuffled without balancing (they have no single key position).

The question bank export takes the pack's order too (:mod:`build_tools.export.questionbank`): the letters a
facilitator reads from the guide then name the same options in Moodle's review, and Moodle shuffles again
when it delivers a quiz (``shuffleanswers``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ..content import model as m


def pack_seed(key) -> str:
    """The seed of a pack: its id without the edition, so both editions show the same order."""
    parts = (key.course, key.audience, key.sector, key.country.lower(), key.language, key.electives)
    return ".".join(parts)


def _rank(seed: str, *parts: object) -> str:
    return hashlib.sha256("/".join((seed, *map(str, parts))).encode()).hexdigest()


def shuffle_module(seed: str, module_id: str, sessions: Iterable[m.Session]) -> list[m.Session]:
    """The module's sessions with every item's options in this pack's order (the sessions are not changed)."""
    held: dict[int, int] = {}
    """Keys placed at each position so far in the module."""
    out = []
    for session in sessions:
        items = [_shuffle_item(seed, module_id, session.id, item, held) for item in session.assessment]
        out.append(session.model_copy(update={"assessment": items}) if session.assessment else session)
    return out


def _shuffle_item(seed: str, module_id: str, session_id: str, item: m.AssessmentItem,
                  held: dict[int, int]) -> m.AssessmentItem:
    ranked = sorted(range(len(item.choices)), key=lambda i: _rank(seed, module_id, session_id, item.id, i))
    keys = [i for i, choice in enumerate(item.choices) if choice.correct]
    if len(keys) == 1:
        positions = sorted(range(len(item.choices)),
                           key=lambda p: (held.get(p, 0), _rank(seed, module_id, session_id, item.id, "key", p)))
        target = positions[0]
        held[target] = held.get(target, 0) + 1
        others = [i for i in ranked if i != keys[0]]
        ranked = others[:target] + [keys[0]] + others[target:]
    return item.model_copy(update={"choices": [item.choices[i] for i in ranked]})


def key_positions(sessions: Iterable[m.Session]) -> list[tuple[int, int]]:
    """(position of the key, number of options) of every single-answer item, in order."""
    found = []
    for session in sessions:
        for item in session.assessment:
            keys = [i for i, choice in enumerate(item.choices) if choice.correct]
            if len(keys) == 1:
                found.append((keys[0], len(item.choices)))
    return found


def crowded_position(positions: list[tuple[int, int]], limit: float = 0.40) -> tuple[int, int] | None:
    """(position, count) when more than ``limit`` of the keys, and more than one key, sit at one position."""
    counts: dict[int, int] = {}
    for position, _ in positions:
        counts[position] = counts.get(position, 0) + 1
    if not counts:
        return None
    position, count = max(counts.items(), key=lambda pc: (pc[1], -pc[0]))
    return (position, count) if count > 1 and count > limit * len(positions) else None


def key_is_longest(item: m.AssessmentItem) -> bool:
    """A single-answer item whose key is strictly longer than every other option (a tie gives nothing away)."""
    keys = [i for i, choice in enumerate(item.choices) if choice.correct]
    if len(keys) != 1:
        return False
    length = len(item.choices[keys[0]].text)
    return all(length > len(c.text) for i, c in enumerate(item.choices) if i != keys[0])
