"""Load what can be loaded of a file with schema errors, so that every later check still runs on it.

Validation has stages, and each used to stop the next: a content rule written as a model validator
(``activities-too-long``, ``no-correct-choice``) runs only once every field of its object is valid, and a
file with any error gave no object at all, so the cross-reference checks, the trainer-text rules
(``{{ }}`` variables, MyST) and the schedule never saw it. A trainer fixed one round of errors only to
meet the next.

:func:`salvage` removes what fails validation (the failing value, or the object that misses a required
field) until the rest validates with the content rules set aside (:data:`~build_tools.content.fields.SALVAGE`),
then runs the rules again on what is left, so that a rule hidden by a schema error in the same object is
reported too. The object it returns has lost items from some lists; :class:`Shifted` maps its data paths
back to the lines of the file. The file's problems are errors, so no build uses a salvaged object; checks
only read it.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Location
from .fields import SALVAGE
from .loader import Loaded, Locations

MAX_ROUNDS = 32
ABSENCE_RULES = frozenset({"empty-when", "no-correct-choice", "unsourced-fact"})
"""Rules about something absent: an object that lost a part in the salvage may break them only because of
the loss (a ``when:`` whose one unknown key was removed is empty), so they are not reported for it. The
other rules (activities longer than the session, an objective's verb) can only be hidden by a loss."""


class Shifted:
    """The locations of a file, read through the items removed from its lists (in the order removed)."""

    def __init__(self, locations: Locations, removed: list[tuple[tuple, int]]):
        self.inner, self.removed, self.path = locations, list(removed), locations.path

    def original(self, data_path) -> tuple:
        """The path in the file's data of what is at ``data_path`` once the items were removed."""
        path = tuple(data_path)
        for list_path, index in reversed(self.removed):
            n = len(list_path)
            if len(path) > n and path[:n] == list_path and isinstance(path[n], int) and path[n] >= index:
                path = list_path + (path[n] + 1,) + path[n + 1:]
        return path

    def of(self, data_path, *, key: bool = False) -> Location:
        return self.inner.of(self.original(data_path), key=key)

    def text_line(self, data_path, offset: int) -> Location:
        return self.inner.text_line(self.original(data_path), offset)


def salvage(cls: type[BaseModel], loaded: Loaded) -> tuple[Any, Loaded, list[dict]] | None:
    """(object, the data it was made from with their locations, the content rules it breaks) of what is
    valid in ``loaded``, or None if not even the file's required top-level fields are."""
    from .repository import data_path

    data, removed, gone = copy.deepcopy(loaded.data), [], []
    for _ in range(MAX_ROUNDS):
        try:
            obj = cls.model_validate(data, context=SALVAGE)
        except ValidationError as exc:
            targets = {_target(data_path(e["loc"], data), e["type"]) for e in exc.errors(include_url=False)}
            shifted = Shifted(loaded.locations, removed)
            gone += [shifted.original(t) for t in targets]
            if () in targets or not _remove(data, targets, removed):
                return None
            continue
        kept = Loaded(data, Shifted(loaded.locations, removed))
        try:
            cls.model_validate(data)
        except ValidationError as exc:
            rules = [e for e in exc.errors(include_url=False) if e["type"] not in ABSENCE_RULES
                     or not _lost_a_part(kept.locations.original(data_path(e["loc"], data)), gone)]
            return obj, kept, rules
        return obj, kept, []
    return None


def _lost_a_part(path: tuple, gone: list[tuple]) -> bool:
    return any(g[:len(path)] == path for g in gone)


def _target(path: tuple, kind: str) -> tuple:
    """What to remove for an error at ``path``: the value, or the object that misses a required field."""
    return path[:-1] if kind == "missing" else path


def _remove(data, targets: set[tuple], removed: list[tuple[tuple, int]]) -> bool:
    """Remove each target (not those inside another) from ``data``; record the list items removed."""
    outer = [t for t in targets if not any(o != t and t[:len(o)] == o for o in targets)]
    done = False
    for path in sorted(outer, key=lambda p: [(isinstance(x, str), x) for x in p], reverse=True):
        parent = data
        for part in path[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        last = path[-1]
        if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
            del parent[last]
            removed.append((path[:-1], last))
            done = True
        elif isinstance(parent, dict) and last in parent:
            del parent[last]
            done = True
    return done
