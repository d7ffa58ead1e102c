"""Atomic writing of one file: readers, other workers included, see the old file or the new, never half.

The one helper every stage writes a published file with (a zip, a schema, a generated page, a catalogue,
a cache record). Whole folders are published by :mod:`build_tools.pipeline.publish` (a pack) and
:func:`build_tools.printing.cache.store` (a cache entry).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(target: Path):
    """Yield a temporary path beside ``target`` (``.<name>.<pid>.tmp``, named for this process); rename it
    into place when the block succeeds, remove it when it fails. Makes ``target``'s folder if needed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
