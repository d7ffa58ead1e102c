"""Atomic output: a pack is built in a staging folder and replaces the previous output only when complete.

``os.rename`` of a directory is atomic but cannot replace a non-empty one, so promotion is two renames:
the current output moves aside to ``.old-<name>``, the staging folder takes its name, the old one is
deleted. A process killed between the two renames leaves the previous output in ``.old-<name>``, and
:func:`recover` (run before every build) puts it back. At no moment is a half-written output in place.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path


def _old(final: Path) -> Path:
    return final.with_name(f".old-{final.name}")


def recover(final: Path) -> None:
    """Undo an interrupted promotion; drop leftovers of an interrupted one that had already finished, and
    the staging folders of builds that were killed (their process is gone)."""
    for staging in final.parent.glob(f".staging-{final.name}-*"):
        pid = staging.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)
    old = _old(final)
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
    staging = final.with_name(f".staging-{final.name}-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def promote(staging: Path, final: Path) -> None:
    recover(final)
    old = _old(final)
    if final.exists():
        os.rename(final, old)
    os.rename(staging, final)
    shutil.rmtree(old, ignore_errors=True)


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


@contextmanager
def replacing(target: Path):
    """Yield a temporary path beside ``target`` (named for this process); rename it into place when the
    block succeeds, so that readers, other workers included, see the old file or the new, never half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
