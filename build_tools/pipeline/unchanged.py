"""A build command repeated with nothing changed on disk answers without loading the content.

Deciding that a pack is up to date the long way means parsing every YAML file, resolving the pack and
hashing what it is built from (:mod:`build_tools.pipeline.digest`): most of a second. After a build command
succeeds, a record in the output folder's cache (see layout.py) keeps, under the command's options, a
fingerprint of every file a build can read (the content folders, templates, ``conf.py``,
``pyproject.toml`` and coursepack's own code) as path, size and modification time, with the packs built
and their digests. The same command
with the same fingerprint, and every pack still in place with that digest, has nothing to do. Any
difference, even a file touched without change, takes the long way, which decides by content.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..atomic import replacing
from .layout import Layout, Stamp

_READ = ("conf.py", "pyproject.toml", "modules", "curriculum", "templates")
_KEEP = 32  # commands remembered


def fingerprint(root: Path, command: dict) -> str:
    """A hash of the command's options and of the size and modification time of every input file."""
    h = hashlib.sha256(json.dumps(command, sort_keys=True, default=str).encode())
    tops = [root / name for name in _READ] + [Path(__file__).parent.parent]  # all of build_tools
    for top in tops:
        for path in _walk(top):
            st = path.stat()
            h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _walk(top: Path):
    if top.is_file():
        yield top
        return
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in ("__pycache__", ".git"):
                yield from _walk(Path(entry.path))
        elif entry.is_file():
            yield Path(entry.path)


def still_built(out: Path, key: str) -> list[tuple[str, dict[str, Path], str]] | None:
    """The packs the recorded command built, as (pack id, outputs, digest), if all are still in place."""
    try:
        layout = Layout(out)
        packs = json.loads(layout.builds_record.read_text(encoding="utf-8"))[key]
        found = []
        for pack_id, digest, formats in packs:
            folder = layout.pack(pack_id)
            stamp = Stamp.read(folder)
            if stamp is None or not stamp.covers(folder, digest, formats):
                return None
            found.append((pack_id, stamp.outputs(folder), digest))
        return found
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember(out: Path, key: str, packs: list[str]) -> None:
    """Record that the command ``key`` built ``packs`` (pack ids), as their stamps now say."""
    layout = Layout(out)
    path = layout.builds_record
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
        known = known if isinstance(known, dict) else {}
    except (OSError, ValueError):
        known = {}
    known.pop(key, None)
    stamps = [Stamp.read(layout.pack(pack_id)) for pack_id in packs]
    if None in stamps:
        return  # a pack was removed meanwhile: nothing to remember
    known[key] = [(pack_id, stamp.digest, stamp.formats) for pack_id, stamp in zip(packs, stamps)]
    known = dict(list(known.items())[-_KEEP:])
    with replacing(path) as tmp:
        tmp.write_text(json.dumps(known), encoding="utf-8")
