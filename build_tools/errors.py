"""Problems as values: a location, a code, a message and a hint.

Every stage reports what is wrong with the input as :class:`Problem` values rather than raising on the
first one, so a trainer fixes ten mistakes in one round. The command line prints them; the tests compare them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column are 1-based, as editors show them."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with where it is and how to fix it."""

    location: Location
    code: str
    """Short kebab-case identifier of the kind of problem, e.g. ``unknown-audience``."""
    message: str
    hint: str | None = None
    severity: str = "error"
    """``error`` fails ``check`` and builds; ``warning`` is shown only."""

    def format(self) -> str:
        text = f"{self.location}: {self.severity}[{self.code}]: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def as_dict(self) -> dict:
        return {
            "path": self.location.path, "line": self.location.line, "column": self.location.column,
            "severity": self.severity, "code": self.code, "message": self.message, "hint": self.hint,
        }


class ProblemsFound(Exception):
    """Raised by a stage that cannot go on; carries every problem found so far."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=_sort_key)
        super().__init__("\n".join(p.format() for p in self.problems))


@dataclass
class Problems:
    """A collector that stages append to."""

    items: list[Problem] = field(default_factory=list)

    def add(self, location: Location, code: str, message: str, hint: str | None = None, *,
            severity: str = "error") -> None:
        self.items.append(Problem(location, code, message, hint, severity))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=_sort_key)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ProblemsFound(self.items)


def _sort_key(p: Problem) -> tuple:
    return (p.location.path, p.location.line, p.location.column, p.code, p.message)


def did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known value, or listing the few known values."""
    choices = sorted(set(choices))
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    if 0 < len(choices) <= 8:
        return "known values: " + ", ".join(choices)
    return None


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as a user should see it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to((root or Path.cwd()).resolve()))
    except ValueError:
        return str(path)
