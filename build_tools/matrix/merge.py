"""``coursepack matrix --merge DIR...``: the outputs of shard runs as one output folder with one catalogue.

Each shard (``--shard K/N``, e.g. one CI job each) writes its packs and a ``manifest.json`` of them into
its own folder. Merging copies every pack folder a shard's manifest lists into the target folder (a pack
already there with the same stamp is left as it is) and writes the catalogue of the union: the same
``manifest.json`` and ``index.html`` one unsharded run would have written.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..errors import EXIT_IOERR, EnvironmentFailure
from ..pipeline.layout import MANIFEST, STAMP
from .jobs import JobResult, write_catalogue


def merge(folders: list[Path], out: Path) -> int:
    """Merge the shard ``folders`` into ``out``; the number of packs in the merged catalogue."""
    results = []
    for folder in folders:
        try:
            packs = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["packs"]
        except (OSError, ValueError, KeyError) as exc:
            raise EnvironmentFailure("not a matrix output", str(folder / MANIFEST), f"cannot be read ({exc})",
                                     "give the folders the shard runs wrote (each has a manifest.json)",
                                     EXIT_IOERR) from None
        for pack in packs:
            source, target = folder / pack["id"], out / pack["id"]
            if source.resolve() != target.resolve() and not _same_stamp(source, target):
                _copy(source, target)
            results.append(JobResult(pack["id"], "built", pack["digest"], pack["outputs"]))
    out.mkdir(parents=True, exist_ok=True)
    write_catalogue(out, results)
    return len(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["packs"])


def _same_stamp(a: Path, b: Path) -> bool:
    try:
        return (a / STAMP).read_bytes() == (b / STAMP).read_bytes()
    except OSError:
        return False


def _copy(source: Path, target: Path) -> None:
    """Replace ``target`` by a copy of ``source``, the copy made beside it first."""
    tmp = target.with_name(f".{target.name}.merging")
    shutil.rmtree(tmp, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, tmp)
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
