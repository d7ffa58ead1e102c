"""The content a Dask matrix builds travels with its jobs: a snapshot of the files the build reads.

The client packs the content repository it validated (:data:`PARTS`) into one deterministic tar and names it
by the digest of its files (:func:`tree_digest`). A worker unpacks it once into a cache folder named by that
digest (:func:`unpack`) and checks the unpacked files against the digest before every use: a cached copy
someone changed is unpacked again, and a snapshot whose files are not the ones the client named is refused,
naming both digests. So a worker needs no copy of the repository, and never builds another one.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from ..errors import EXIT_IOERR, CoursepackError

PARTS = ("conf.py", "pyproject.toml", "curriculum", "modules", "templates")
"""What a build reads from the content repository (the rest, e.g. the tools' own code, is installed)."""


class SnapshotMismatch(CoursepackError):
    """The content a worker would build is not the content the client validated."""

    exit_code = EXIT_IOERR
    kind = "environment"


def files(root: Path) -> list[tuple[str, Path]]:
    """(name in the snapshot, path) of every file the build reads, sorted; hidden files and caches left out."""
    found = []
    for part in PARTS:
        path = root / part
        if path.is_file():
            found.append((part, path))
        elif path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in ("__pycache__", "_build")]
                for name in filenames:
                    if not name.startswith("."):
                        p = Path(dirpath) / name
                        found.append((p.relative_to(root).as_posix(), p))
    return sorted(found)


def tree_digest(root: Path) -> str:
    """SHA-256 over the names and bytes of :func:`files`: the content's identity, wherever it lies."""
    h = hashlib.sha256()
    for name, path in files(root):
        data = path.read_bytes()
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def make(root: Path) -> tuple[bytes, str]:
    """(the tar of :func:`files`, their :func:`tree_digest`); the tar holds nothing but names and bytes."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name, path in files(root):
            data = path.read_bytes()
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue(), tree_digest(root)


def cache_root() -> Path:
    return Path(os.environ.get("COURSEPACK_CONTENT_CACHE") or Path(tempfile.gettempdir()) / "coursepack-content")


def unpack(blob: bytes, digest: str, cache: Path | None = None) -> Path:
    """The folder holding the snapshot ``blob`` named ``digest``, unpacked under ``cache`` if not already
    there (or no longer the same); :class:`SnapshotMismatch` if its files are not the ones ``digest`` names."""
    cache = cache or cache_root()
    folder = cache / digest
    if folder.is_dir() and tree_digest(folder) == digest:
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=cache))
    try:
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
            tar.extractall(staging, filter="data")
        found = tree_digest(staging)
        if found != digest:
            raise SnapshotMismatch(
                f"the content this worker received has digest {found}, not {digest}, the digest of the content "
                "the client validated; nothing was built from it. Run the command again; if it happens again, "
                "check the network between the client and the workers")
        if folder.exists():  # a copy changed since it was unpacked: replaced by the client's content
            shutil.rmtree(folder, ignore_errors=True)
        try:
            staging.rename(folder)
        except OSError:  # another job of this machine unpacked it first
            if tree_digest(folder) != digest:
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder
