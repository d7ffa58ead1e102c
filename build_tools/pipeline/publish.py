"""Atomic output: a pack is built in a staging folder and replaces the previous output only when complete.

``os.rename`` of a directory is atomic but cannot replace a non-empty one, so promotion is two renames:
the current output moves aside (to :func:`~.layout.aside_path`), the staging folder takes its name, the old one is
deleted. A process killed between the two renames leaves the previous output aside, and
:func:`recover` (run before every build) puts it back. At no moment is a half-written output in place.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .layout import aside_path, leftover_stagings, staging_path

FAULT = "COURSEPACK_FAULT"
"""Test-only: the environment variable that stops a build at a named point, see :func:`fault`."""
FAULT_EXIT = 75
"""The exit status of a process stopped by :func:`fault` (``exit``)."""
HANG_LIMIT = 60.0
"""Seconds a ``hang`` lasts if nothing stops it first."""


class FaultInjected(BaseException):
    """Raised by :func:`fault` (``raise``). A ``BaseException``, as a Ctrl-C is: no ``except Exception`` of
    the build catches it, and ``rmtree(ignore_errors=True)`` lets it through."""


def fault(point: str, pack_id: str = "") -> None:
    """**For tests only.** Stop here when ``COURSEPACK_FAULT`` names this point, so that the tests can
    stop a build at a known moment instead of timing a kill. The variable reads ``POINT ACTION [PACK-ID]``:

    - ``POINT``: ``build-start`` (lock taken, output recovered), ``mid-copy`` (the site half copied into
      the staging folder), ``staging-written`` (the staging folder complete, stamp included),
      ``promote-between-renames`` (the output moved aside, the staging folder not yet in its
      place), ``mid-upload`` (a Dask upload: the stamp deleted, the files sent, the stamp not yet written);
    - ``ACTION``: ``exit`` (``os._exit``: the process dies like a kill, no ``finally`` runs), ``raise``
      (:class:`FaultInjected`, like a Ctrl-C) or ``hang`` (sleep until something else stops the build,
      e.g. the matrix's ``--timeout``; after :data:`HANG_LIMIT` seconds, raise :class:`FaultInjected`, so
      that a test whose limit never comes fails instead of hanging);
    - ``PACK-ID``: only for this pack (default: every pack).

    Unset (always, outside the tests), this is one dictionary look-up."""
    wanted = os.environ.get(FAULT)
    if not wanted:
        return
    target, action, *only = wanted.split()
    if target != point or (only and pack_id and only[0] != pack_id):
        return
    if action == "exit":
        os._exit(FAULT_EXIT)
    if action == "raise":
        raise FaultInjected(point)
    if action == "hang":
        print(f"{FAULT}: hanging at {point}", file=sys.stderr, flush=True)
        until = time.monotonic() + HANG_LIMIT
        while time.monotonic() < until:
            time.sleep(0.05)
        raise FaultInjected(f"{point}: hung {HANG_LIMIT:g} s and nothing stopped the build")
    raise ValueError(f"{FAULT}: unknown action {action!r} (exit, raise or hang)")


def recover(final: Path) -> None:
    """Undo an interrupted promotion; drop leftovers of an interrupted one that had already finished, and
    the staging folders of builds that were killed (their process is gone)."""
    for staging in leftover_stagings(final):
        pid = staging.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)
    old = aside_path(final)
    if old.exists():
        if final.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(old, final)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def staging_dir(final: Path) -> Path:
    staging = staging_path(final, os.getpid())
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def promote(staging: Path, final: Path) -> None:
    recover(final)
    old = aside_path(final)
    if final.exists():
        os.rename(final, old)
        fault("promote-between-renames", final.name)
    os.rename(staging, final)
    shutil.rmtree(old, ignore_errors=True)


def copy_site(site: Path, target: Path, pack_id: str, **options) -> None:
    """``shutil.copytree`` of a built site into the staging folder, with the ``mid-copy`` fault point
    half-way through (when the tests ask for it)."""
    if not os.environ.get(FAULT):
        shutil.copytree(site, target, **options)
        return
    half, copied = sum(1 for p in site.rglob("*") if p.is_file()) // 2, []

    def copy(src, dst):
        if len(copied) == half:
            fault("mid-copy", pack_id)
        copied.append(shutil.copy2(src, dst))

    shutil.copytree(site, target, copy_function=copy, **options)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def locked(lock_path: Path, *, shared: bool = False, wait: bool = True):
    """Hold a lock on ``lock_path`` across processes: exclusive (builds of the same pack take turns) or
    ``shared`` (every build holds the output folder's in-use lock; ``coursepack clean`` takes it
    exclusively). Without ``wait``, raise :class:`BlockingIOError` at once if it is held."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB))
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
