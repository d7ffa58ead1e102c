"""Export: one pack → one deterministic zip for an LMS, a USB stick or a question bank.

``coursepack export`` and builds whose course lists these outputs call :func:`export_pack` after the site
is built. Formats:

- ``scorm12``, ``scorm2004``: SCORM packages (:mod:`.scorm`), one SCO per session;
- ``cc``: an IMS Common Cartridge 1.1 (:mod:`.cartridge`);
- ``offline``: the site, ``index.html`` at the root of the zip, for reading from ``file://``;
- ``questions``: the assessment items as Moodle GIFT and Moodle XML (:mod:`.questionbank`).

The first four are made for participants and refuse a facilitator edition. A package holds one pack, so
their pages leave out the language switcher, whose links lead to the packs of other languages. The question bank holds the
answer keys, so it is never part of a participant package; it is the same from either edition.
"""

from __future__ import annotations

from pathlib import Path

from ..content.model import EXPORT_FORMATS
from ..content.repository import Repo
from ..errors import Location, Problem, ProblemsFound
from ..resolve.pack import Pack
from .cartridge import cartridge_package
from .questionbank import question_bank
from .scorm import scorm_package
from .sitefiles import read_site, refuse_facilitator_material, without_language_switcher
from .zips import write_zip

"""Formats made from the participant site: never from a facilitator edition."""


def export_path(out_dir: Path, pack: Pack, fmt: str) -> Path:
    return out_dir / f"{pack.key.id}.{fmt}.zip"


def export_pack(repo: Repo, pack: Pack, site: Path, out_dir: Path, fmt: str) -> Path:
    """Write ``<out_dir>/<pack-id>.<fmt>.zip`` and return its path.

    ``site`` is the pack's built site (``_build/<pack-id>/site``); it is read, never changed. The same pack
    and site give the same bytes. Raises :class:`ProblemsFound` for an unknown format, a facilitator
    edition packaged for participants, or a site that is missing, incomplete or holds facilitator material.
    """
    if fmt not in EXPORT_FORMATS:
        raise ProblemsFound([Problem(_where(repo, pack), "unknown-export-format",
                                     f"unknown export format {fmt!r}", "formats: " + ", ".join(EXPORT_FORMATS))])
    if fmt == "questions":
        if not pack.facilitator:
            raise ProblemsFound([Problem(
                _where(repo, pack), "answer-keys-for-facilitators",
                f"{pack.key.id} is a participant edition: the question bank holds the answer keys",
                "export it from the facilitator edition (…facilitator --format questions)")])
        return write_zip(export_path(out_dir, pack, fmt), question_bank(pack))
    if pack.facilitator:
        raise ProblemsFound([Problem(
            _where(repo, pack), "facilitator-package",
            f"{pack.key.id} is a facilitator edition: a {fmt} package is for participants and never holds "
            "facilitator material",
            "export the participant edition; the answer keys go to the LMS with `--format questions`")])
    files = read_site(site)
    refuse_facilitator_material(files, site)
    files = without_language_switcher(files)
    if fmt in ("scorm12", "scorm2004"):
        files = scorm_package(repo, pack, files, fmt)
    elif fmt == "cc":
        files = cartridge_package(pack, files, repo.root / "templates")
    return write_zip(export_path(out_dir, pack, fmt), files)


def _where(repo: Repo, pack: Pack) -> Location:
    """The course's ``outputs:`` line, where export formats are listed; the pack id if the source is unknown."""
    try:
        return repo.source("course", pack.course.id).at("outputs")
    except (KeyError, AttributeError):
        return Location(pack.key.id)
