"""What ``coursepack serve`` watches, and how it learns that a file changed.

File-system events (``watchfiles``: inotify on Linux, FSEvents on macOS) tell of a save within a few
milliseconds; polling every half second would spend most of a preview's time budget waiting. Two
watchers run side by side: one over ``modules/``, ``curriculum/`` and ``templates/`` with everything in
them, and one over the repository's root alone (``conf.py``, and one of those folders made or removed).
The root is not watched with all it holds: ``_build/`` and a ``.venv`` would put a watch on each of their
thousands of folders. Where events cannot be had (watch limit reached, an unsupported file system) the
watch falls back to comparing modification times every ``poll`` seconds (:func:`snapshot`).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

WATCHED = ("modules", "curriculum", "templates")
"""Folders of the content repository whose files trigger a rebuild (with ``conf.py``)."""

STEP_MS = 30
"""How long a burst of writes (an editor's save) must have been quiet before it is reported."""


def _ignored(name: str) -> bool:
    """Editor droppings and caches: swap files, backups, lock files, hidden files."""
    return name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "__pycache__"


def relevant(root: Path, path: str | Path) -> str | None:
    """``path`` relative to ``root`` if a change to it can change a build, else None."""
    try:
        parts = Path(path).relative_to(root).parts
    except ValueError:
        return None
    if parts == ("conf.py",) or parts and parts[0] in WATCHED and not any(_ignored(p) for p in parts):
        return "/".join(parts)
    return None


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every watched file under ``root``, by relative path; added or removed files show too."""
    found: dict[str, tuple[int, int]] = {}
    candidates = [root / "conf.py"]
    for name in WATCHED:
        for folder, dirs, files in os.walk(root / name):
            dirs[:] = [d for d in dirs if not _ignored(d)]
            candidates += [Path(folder) / f for f in files if not _ignored(f)]
    for path in candidates:
        try:
            st = path.stat()
        except OSError:
            continue
        found[path.relative_to(root).as_posix()] = (st.st_mtime_ns, st.st_size)
    return found


def changes(root: Path, stop: threading.Event, poll: float = 0.5) -> Iterator[set[str]]:
    """Until ``stop`` is set, yield the watched paths (relative to ``root``) changed since the last yield;
    a burst of writes comes as one set. Changes made while the caller works come at the next ``next()``.
    The watch starts at the call, not at the first ``next()``: a change made meanwhile is reported."""
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        return polled(root, stop, poll)
    found: queue.Queue = queue.Queue()
    watching: set[str] = set()

    def run(path: Path, recursive: bool) -> None:
        from watchfiles import watch

        try:
            for batch in watch(path, watch_filter=lambda _change, p: relevant(root, p) is not None,
                               debounce=500, step=STEP_MS, stop_event=stop, rust_timeout=500,
                               recursive=recursive, raise_interrupt=False, ignore_permission_denied=True):
                found.put({relevant(root, p) for _change, p in batch})
        except Exception as exc:  # no events to be had here: polling takes over
            found.put(exc)

    def start(path: Path, recursive: bool) -> None:
        threading.Thread(target=run, args=(path, recursive), name=f"coursepack-watch-{path.name}",
                         daemon=True).start()

    def start_folders() -> None:
        for name in WATCHED:
            if name not in watching and (root / name).is_dir():
                watching.add(name)
                start(root / name, True)

    start(root, False)
    start_folders()
    return _batches(root, stop, poll, found, start_folders)


def _batches(root: Path, stop: threading.Event, poll: float, found: queue.Queue, start_folders) -> Iterator[set[str]]:
    while not stop.is_set():
        try:
            batch = found.get(timeout=0.2)
        except queue.Empty:
            continue
        pending: set[str] = set()
        while True:  # what else came meanwhile (a rebuild takes a while): one rebuild for all of it
            if isinstance(batch, Exception):
                if pending:
                    yield pending
                yield from polled(root, stop, poll)
                return
            pending |= batch
            try:
                batch = found.get_nowait()
            except queue.Empty:
                break
        start_folders()  # a watched folder made since
        yield pending


def polled(root: Path, stop: threading.Event, poll: float) -> Iterator[set[str]]:
    """:func:`changes` by comparing :func:`snapshot` every ``poll`` seconds."""
    return _polling(root, stop, poll, snapshot(root))


def _polling(root: Path, stop: threading.Event, poll: float, seen: dict) -> Iterator[set[str]]:
    while not stop.wait(poll):
        now = snapshot(root)
        if now == seen:
            continue
        while not stop.wait(min(poll, 0.2)):  # let an editor finish writing before building
            settled = snapshot(root)
            if settled == now:
                break
            now = settled
        changed = {p for p in seen.keys() | now.keys() if seen.get(p) != now.get(p)}
        seen = now
        yield changed
