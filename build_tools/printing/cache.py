"""Joined participant manuals, kept by digest so no manual is made twice for the same bytes.

The participant manual of a pack is needed by both its editions: the participant pack ships it, and the
facilitator pack ships it too and quotes its page numbers. An entry holds the PDF and the page of every
anchor (modules, sessions), in the output folder's print cache under the participant digest (see
pipeline/layout.py), and the per-module handouts once a participant pack has needed them. The digest
covers everything the manual is built from (see :mod:`build_tools.pipeline.digest`), so an entry is never stale. Entries are written to a temporary folder
and renamed into place, and handouts added by renaming (``atomic.replacing``), so concurrent workers never see half of one.
"""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import write_file
from ..pipeline.clean import touch
from ..pipeline.publish import _alive


@dataclass
class Entry:
    folder: Path
    pages: dict[str, int]


def lookup(cache: Path, digest: str) -> Entry | None:
    folder = cache / digest
    try:
        pages = json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    touch(folder / "pages.json")  # used now: see pipeline/clean.py
    return Entry(folder, pages)


@contextmanager
def store(cache: Path, digest: str, pages: dict[str, int]):
    """Yield a temporary folder to write the entry's files into; publish it when the block succeeds."""
    tmp = cache / f".tmp-{digest}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
        write_file(tmp / "pages.json", json.dumps(pages, sort_keys=True).encode("utf-8"))
        try:
            os.rename(tmp, cache / digest)
        except OSError:  # another worker published the same entry first: same bytes, keep theirs
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)  # the same bytes, no copy, when the cache is on the same file system
    except OSError:
        write_file(target, source.read_bytes())


def sweep(cache: Path) -> list[Path]:
    """Remove what builds that were killed (their process is gone) left half-written in the cache: entry
    folders ``.tmp-<digest>-<pid>`` and files ``.<name>.<pid>.tmp``. Run before each print stage; return
    what was removed."""
    removed = []
    candidates = [*cache.glob(".tmp-*-*"), *cache.glob("pieces/.*.tmp"), *cache.glob("*/handouts/.*.tmp")]
    for path in candidates:
        pid = path.name.removesuffix(".tmp").rsplit("-" if path.is_dir() else ".", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            removed.append(path)
    return removed
