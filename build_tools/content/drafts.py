"""Drafts: content files that still hold ``TODO`` markers (``coursepack new`` writes them).

A draft is valid content, so ``check`` passes, but it is not finished: ``check`` reports each draft file
once, as a warning at its first marker with the number of markers; ``build`` says which drafts a pack uses;
``export``, which publishes, refuses a pack that uses one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import Location, Problem, display_path

MARKER = re.compile(r"\bTODO\b")
"""What the scaffold templates write wherever the author has something to fill in."""


def draft_problem(path: Path, root: Path, severity: str = "warning") -> Problem | None:
    """The problem that says ``path`` is a draft, at its first ``TODO``; None if it holds no marker."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # (loading reports an unreadable file)
    found = list(MARKER.finditer(text))
    if not found:
        return None
    first = found[0].start()
    line = text.count("\n", 0, first) + 1
    column = first - text.rfind("\n", 0, first)
    return Problem(Location(display_path(path, root), line, column), "draft",
                   f"draft: {len(found)} TODO marker{'s' if len(found) > 1 else ''} (the first here)",
                   "replace every TODO with the real content; a pack that uses a draft cannot be exported",
                   severity)


def draft_problems(paths: Iterable[Path], root: Path, severity: str = "warning") -> list[Problem]:
    """One problem for each file of ``paths`` that is a draft."""
    return [p for p in (draft_problem(path, root, severity) for path in sorted(set(paths))) if p is not None]


def pack_drafts(repo, key, severity: str = "warning") -> list[Problem]:
    """The drafts a pack is made from: its course, its country profile and the modules of its course."""
    cat = repo.catalogue
    course = cat.courses[key.course]
    sources = [("course", course.id), ("country", key.country),
               *(("module", mid) for mid in course.modules if mid in cat.modules)]
    paths = [repo.root / repo.source(kind, ident).path for kind, ident in sources if (kind, ident) in repo.sources]
    return draft_problems(paths, repo.root, severity)
