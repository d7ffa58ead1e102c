"""A pack's first site build starts from the Sphinx state of the most similar pack already built.

Sphinx keeps each pack's environment (``doctrees`` in its work folder) and reads again only the pages whose
source is newer than its last reading. A pack built for the first time has no environment, so Sphinx
reads every page, though it shares pages, byte for byte, with packs already built: another country's
(the timetable, the glossary, sessions that do not name the country) and the other edition's (module
pages, the instruments). :func:`seed` gives such a pack the state of the built pack of the same course and
language that has the most pages in common: its source tree, with the files' modification times, and its
environment, pointed at the new source folder. The pack's own pages are then written over it where they
differ, and Sphinx reads only those. Nothing else carries over: the HTML is written afresh (the title of
every page names the pack), and a page read from another pack's state is a page with the same source.
``tests/test_siteseed.py`` checks that the site is the one a fresh build makes.

Only a settled state is used: one whose build finished (no unfinished-site marker) and is not running
(its pack lock is free). Any failure to copy or read it leaves the pack to a fresh build.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

from ..pipeline.layout import Work, work_lock
from ..pipeline.publish import locked
from ..resolve.keys import PackKey

CANDIDATES = 8
"""Built packs compared, the most recently built first: enough to find another country's and the other
edition's, without reading the sources of a whole matrix."""


def seed(work_root: Path, key: PackKey, pages: dict[str, str]) -> tuple[str, int] | None:
    """Seed the work folder of ``key`` in ``work_root`` (which has no Sphinx environment) from the most similar
    built pack; ``pages`` are the pack's pages (path → MyST). Return (the pack seeded from, the number of pages
    in common), or None."""
    work = Work(work_root / key.id)
    best = None
    for other in _candidates(work_root, key):
        same = sum(_same(other.src / name, text) for name, text in pages.items())
        if same and (best is None or same > best[1]):
            best = (other, same)
    if best is None:
        return None
    other, same = best
    try:
        with locked(work_lock(work_root, other.folder.name), wait=False):  # not while it is being rebuilt
            if other.unfinished.exists():
                return None
            for mine, theirs in ((work.src, other.src), (work.doctrees, other.doctrees)):
                shutil.rmtree(mine, ignore_errors=True)
                shutil.copytree(theirs, mine)  # copy2: modification times kept
            env_file = work.environment
            env = pickle.loads(env_file.read_bytes())
            env.srcdir, env.doctreedir = work.src, work.doctrees  # Sphinx refuses another folder's
            env_file.write_bytes(pickle.dumps(env, pickle.HIGHEST_PROTOCOL))
    except BlockingIOError:
        return None
    except Exception:  # a state this Sphinx cannot read (another release): build afresh
        for mine in (work.src, work.doctrees):
            shutil.rmtree(mine, ignore_errors=True)
        return None
    return other.folder.name, same


def _candidates(work_root: Path, key: PackKey) -> list[Work]:
    """Built packs of the same course and language (the configuration Sphinx reads pages with), newest first."""
    found = []
    for folder in work_root.iterdir() if work_root.is_dir() else ():
        other = PackKey.parse(folder.name)
        if other is None or other == key or (other.course, other.language) != (key.course, key.language):
            continue
        work = Work(folder)
        if work.environment.is_file() and work.src.is_dir() and not work.unfinished.exists():
            found.append((work.environment.stat().st_mtime, work))
    found.sort(key=lambda f: (f[0], f[1].folder), reverse=True)
    return [work for _, work in found[:CANDIDATES]]


def _same(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False
