"""Every path under an output folder (``OUT``, ``_build/`` by default), and the stamp of a published pack.

No other module spells one of these names: they ask :class:`Layout` (or, given only a folder it made, the
functions below)::

    OUT/<pack-id>/                         a published pack (site, PDFs, packages)
    OUT/<pack-id>/.coursepack.json         its stamp (:class:`Stamp`): digest, formats, outputs of the last build
    OUT/.staging-<pack-id>-<pid>/          the next version of the pack, while a build makes it
    OUT/.old-<pack-id>/                    the previous version, between the two renames of a promotion
    OUT/manifest.json, OUT/index.html      the catalogue of a matrix
    OUT/.work/<pack-id>/                   a pack's work folder (:class:`Work`): MyST tree, Sphinx environment and
                                           output, docutils.conf, print HTML
    OUT/.work/<pack-id>.lock               held while the pack builds
    OUT/.cache/in-use.lock                 held shared by every build, exclusively by clean
    OUT/.cache/builds.json                 commands whose packs are still built (pipeline/unchanged.py)
    OUT/.cache/print/<digest>/             joined participant manuals (printing/cache.py)
    OUT/.cache/print/pieces/               laid-out pieces of manuals, and their locks (printing/pieces.py)
    OUT/.serve/                            a preview's own output folder, laid out the same way
    OUT/export/                            ``coursepack export``'s packages, by default
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

STAMP = ".coursepack.json"
MANIFEST = "manifest.json"
CATALOGUE_PAGE = "index.html"


@dataclass(frozen=True)
class Layout:
    out: Path

    def pack(self, pack_id: str) -> Path:
        return self.out / pack_id

    @property
    def work_root(self) -> Path:
        return self.out / ".work"

    def work(self, pack_id: str) -> Work:
        return Work(self.work_root / pack_id)

    def work_lock(self, pack_id: str) -> Path:
        return work_lock(self.work_root, pack_id)

    @property
    def cache(self) -> Path:
        return self.out / ".cache"

    @property
    def in_use(self) -> Path:
        """Held shared by every build writing into the output folder, exclusively by clean."""
        return self.cache / "in-use.lock"

    @property
    def builds_record(self) -> Path:
        return self.cache / "builds.json"

    @property
    def print_cache(self) -> Path:
        return self.cache / "print"

    @property
    def manifest(self) -> Path:
        return self.out / MANIFEST

    @property
    def catalogue_page(self) -> Path:
        return self.out / CATALOGUE_PAGE

    @property
    def serve(self) -> Path:
        return self.out / ".serve"

    @property
    def exports(self) -> Path:
        """Where ``coursepack export`` writes packages unless told otherwise."""
        return self.out / "export"


@dataclass(frozen=True)
class Work:
    """A pack's work folder, kept between builds (see pipeline/build.py)."""

    folder: Path

    @property
    def src(self) -> Path:
        """The generated MyST tree and copied assets."""
        return self.folder / "src"

    @property
    def doctrees(self) -> Path:
        """Sphinx's environment (never published)."""
        return self.folder / "doctrees"

    @property
    def environment(self) -> Path:
        return self.doctrees / "environment.pickle"

    @property
    def site(self) -> Path:
        """Sphinx's output, copied into the pack when the whole build succeeds."""
        return self.folder / "site"

    @property
    def docutils(self) -> Path:
        """The folder holding the only docutils.conf Sphinx reads (see site/build.py)."""
        return self.folder / "docutils-locked"

    @property
    def print(self) -> Path:
        """Print HTML of each edition, as laid out."""
        return self.folder / "print"

    @property
    def unfinished(self) -> Path:
        """Stands while Sphinx runs: a build that finds it left behind lets Sphinx start afresh."""
        return self.folder / UNFINISHED


UNFINISHED = "site-unfinished"


def work_lock(work_root: Path, pack_id: str) -> Path:
    return work_root / f"{pack_id}.lock"


def pieces(print_cache: Path) -> Path:
    return print_cache / "pieces"


def piece_lock(print_cache: Path, number: int) -> Path:
    return pieces(print_cache) / ".locks" / f"{number:02d}"


def staging_path(final: Path, pid: int) -> Path:
    return final.with_name(f".staging-{final.name}-{pid}")


def leftover_stagings(final: Path) -> list[Path]:
    """Staging folders of ``final`` left by any process, with the process id each name ends with."""
    return list(final.parent.glob(f".staging-{final.name}-*"))


def aside_path(final: Path) -> Path:
    return final.with_name(f".old-{final.name}")


@dataclass(frozen=True)
class Stamp:
    """What the last build of a pack made: its digest, its formats, its outputs (name → path in the pack),
    and the languages its site's switcher links to."""

    digest: str
    formats: list[str]
    files: dict[str, str]
    languages: list[str] | None = None

    @classmethod
    def read(cls, folder: Path) -> Stamp | None:
        """The stamp of the pack in ``folder``; None if there is none or it cannot be read."""
        try:
            data = json.loads((folder / STAMP).read_text(encoding="utf-8"))
            digest, formats, files = data["digest"], data["formats"], data["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not (isinstance(digest, str) and isinstance(formats, list) and isinstance(files, dict)
                and all(isinstance(v, str) for v in [*formats, *files.values()])):
            return None
        languages = data.get("languages")
        return cls(digest, formats, files, languages if isinstance(languages, list) else None)

    def write(self, folder: Path) -> None:
        data = {"digest": self.digest, "formats": self.formats, "files": self.files}
        if self.languages is not None:  # (a stamp without them reads as it was written before they existed)
            data["languages"] = self.languages
        (folder / STAMP).write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")

    def outputs(self, folder: Path) -> dict[str, Path]:
        return {name: folder / rel for name, rel in self.files.items()}

    def covers(self, folder: Path, digest: str, formats) -> bool:
        """True if it has this digest and these formats, and its outputs are all in ``folder``."""
        return self.digest == digest and set(formats) <= set(self.formats) \
            and all(p.exists() for p in self.outputs(folder).values())
