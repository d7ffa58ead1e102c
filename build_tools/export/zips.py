"""Deterministic zip files: the same files give the same bytes, whoever builds them and whenever.

An LMS administrator compares a package with the one already uploaded, and CI compares two exports; both
need byte-identical output. A zip records each entry's time, permissions and the system that wrote it, and
keeps entries in the order they were added: all of these are fixed here.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from ..atomic import replacing

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
"""The earliest time a zip can record."""
FILE_MODE = 0o100644
"""A regular file, readable by all, writable by its owner: never executable."""


def check_name(name: str) -> str:
    """A safe entry name: relative, forward slashes, no ``..``, so unzipping cannot write outside its folder."""
    path = PurePosixPath(name)
    if (not name or name.startswith("/") or "\\" in name or path.is_absolute()
            or any(part in ("", ".", "..") for part in name.split("/"))):
        raise ValueError(f"unsafe name for a zip entry: {name!r}")
    return name


def write_zip(path: Path, files: Mapping[str, bytes]) -> Path:
    """Write ``files`` (entry name → bytes) to ``path`` atomically, sorted by name, with fixed metadata."""
    with replacing(path) as tmp:
        with zipfile.ZipFile(tmp, "w") as zf:
            for name in sorted(files):
                info = zipfile.ZipInfo(check_name(name), date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix, so that external_attr holds the mode above
                info.external_attr = FILE_MODE << 16
                zf.writestr(info, files[name], compresslevel=9)
        os.chmod(tmp, 0o644)  # whatever the umask
    return path
