"""Removing what builds keep only to go faster, once it has gone unused (``coursepack clean``).

An output folder ``OUT`` keeps, besides the published packs (paths: :mod:`build_tools.pipeline.layout`):

- laid-out pieces of manuals (:mod:`build_tools.printing.pieces`), shared by all packs;
- joined participant manuals and their handouts (:mod:`build_tools.printing.cache`);
- a work folder per pack: its MyST tree, Sphinx environment and output, print HTML (:mod:`build_tools.pipeline.build`).

None of it goes stale (pieces and manuals are keyed by content, and the next build brings a work folder up
to date), but it grows with every edit: a changed session leaves its old pieces behind, and a content
version its participant manual. Builds mark what they use: a piece or manual reused gets its
modification time set to now, and so does the work folder of a pack built. So "unused for N days" is
"modified more than N days ago". Removing an entry costs only time: the next build that needs it lays it
out again, with the same bytes.

Published packs and the catalogue are never touched (a manual a pack shares with the
cache is a hard link, which outlives the cache's name for it). Clean takes the output folder's in-use
lock exclusively, which every build holds shared: it refuses to run while a build is using the folder.
A preview's own output folder is cleaned with it.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from . import layout
from .layout import Layout
from .publish import locked

KINDS = {"piece": ("laid-out piece", "laid-out pieces"), "manual": ("joined manual", "joined manuals"),
         "work": ("work folder", "work folders"), "unfinished": ("unfinished file", "unfinished files")}
"""Entry kind → its name, singular and plural."""


@dataclass
class Entry:
    kind: str
    paths: list[Path]
    """Files and folders removed together."""
    size: int
    last_used: float


def touch(path: Path) -> None:
    """Mark a cache entry used now (see the module docstring); a missing one is no error."""
    try:
        os.utime(path)
    except OSError:
        pass


def entries(out: Path) -> list[Entry]:
    """Everything the builds keep in ``out`` (and its preview output), in no particular order."""
    found = []
    for folder in _folders(out):
        print_cache = folder.print_cache
        for pdf in sorted(layout.pieces(print_cache).glob("*.pdf")):
            found.append(_entry("piece", [pdf, pdf.with_suffix(".json")], pdf))
        for manual in sorted(print_cache.glob("*/pages.json")):
            if manual.parent != layout.pieces(print_cache):
                found.append(_entry("manual", [manual.parent], manual))
        # written by a build that was killed (no build runs while clean does)
        for tmp in sorted([*print_cache.glob(".tmp-*"), *layout.pieces(print_cache).glob(".*.tmp")]):
            found.append(_entry("unfinished", [tmp], tmp))
        for work in sorted(p for p in folder.work_root.glob("*") if p.is_dir()):
            found.append(_entry("work", [work], work))
    return found


def sweep(out: Path, older_than_days: float, now: float | None = None) -> tuple[list[Entry], list[Entry]]:
    """The entries of ``out`` to remove (last used more than ``older_than_days`` days ago, all of them for 0,
    and whatever killed builds left unfinished) and those to keep."""
    limit = (time.time() if now is None else now) - older_than_days * 86400
    doomed, kept = [], []
    for entry in entries(out):
        old = older_than_days <= 0 or entry.last_used < limit or entry.kind == "unfinished"
        (doomed if old else kept).append(entry)
    return doomed, kept


def remove(out: Path, doomed: list[Entry]) -> None:
    """Remove ``doomed`` from ``out``; raise :class:`BlockingIOError` if a build is using the folder."""
    with ExitStack() as stack:
        for folder in _folders(out):
            stack.enter_context(locked(folder.in_use, wait=False))
        for entry in doomed:
            for path in entry.paths:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def _folders(out: Path) -> list[Layout]:
    return [Layout(folder) for folder in (out, Layout(out).serve) if folder.is_dir()]


def _entry(kind: str, paths: list[Path], marker: Path) -> Entry:
    size = 0
    for path in paths:
        if path.is_dir():
            size += sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
        elif path.exists():
            size += path.stat().st_size
    try:
        last_used = marker.stat().st_mtime
    except OSError:
        last_used = 0.0
    return Entry(kind, paths, size, last_used)
