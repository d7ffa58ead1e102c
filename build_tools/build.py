"""Build one pack, top to bottom: resolve → render → site (→ print → package), then promote atomically.

Output layout (``OUT`` is ``_build/`` by default)::

    OUT/<pack-id>/site/index.html          the HTML site
    OUT/<pack-id>/...                      PDFs and packages, beside the site
    OUT/.work/<pack-id>/src/               the generated MyST tree (kept for incremental builds)
    OUT/.work/<pack-id>/doctrees/          Sphinx's environment (never published)

Nothing under ``OUT/<pack-id>`` changes unless the whole build succeeded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import Repo
from .digest import pack_digest
from .errors import ProblemsFound
from .labels import load_labels
from .manuals import print_pack
from .packs import PackKey
from .publish import discard, locked, promote, recover, staging_dir
from .render import render_pack
from .localize import resolve_pack
from .resolve import Pack
from .sitebuild import build_site


@dataclass
class PackBuild:
    key: PackKey
    output: Path
    digest: str
    pages: int
    changed: int
    seconds: float
    files: dict[str, Path] = field(default_factory=dict)
    """Output name (``site``, ``participant-manual``…) → path."""


def site_overrides(pack: Pack, labels) -> dict:
    """What one pack's Sphinx build changes in the base ``conf.py``."""
    edition = labels["edition_facilitator"] if pack.facilitator else labels["edition_participant"]
    options = {"navigation_with_keys": True, "top_of_page_buttons": []}
    if pack.facilitator:
        options["announcement"] = edition
    return {
        "project": pack.course.title,
        "author": pack.course.centre,
        "html_title": f"{pack.course.title} · {pack.country.name} · {edition}",
        "language": pack.language,
        "html_theme_options": options,
    }


FORMATS = ("html", "pdf")


def build_pack(repo: Repo, key: PackKey, out: Path, *, formats=FORMATS,
               log: Callable[[str], None] = lambda s: None) -> PackBuild:
    """Build one pack into ``out/<pack-id>``; raise :class:`ProblemsFound` (output untouched) on failure."""
    started = time.perf_counter()
    pack = resolve_pack(repo, key)
    digest = pack_digest(repo, pack)
    final = out / key.id
    work = out / ".work" / key.id
    with locked(out / ".work" / f"{key.id}.lock"):
        recover(final)
        rendered = render_pack(repo, pack, work / "src", digest)
        log(f"  rendered {len(rendered.pages)} pages ({len(rendered.changed)} changed)")
        staging = staging_dir(final)
        files: dict[str, Path] = {}
        try:
            if "html" in formats:
                labels = load_labels(repo.root / "templates", pack.language)
                result = build_site(repo.root, work / "src", staging / "site", work / "doctrees",
                                    site_overrides(pack, labels))
                if result.warnings:
                    raise ProblemsFound(result.warnings)
                files["site"] = staging / "site" / "index.html"
                log("  site built")
            if "pdf" in formats:
                files.update(print_pack(repo, pack, staging, work / "print"))
                log(f"  {len(files) - ('site' in files)} PDF(s) laid out")
            promote(staging, final)
        except BaseException:
            discard(staging)
            raise
    return PackBuild(key, final, digest, len(rendered.pages), len(rendered.changed),
                     time.perf_counter() - started, {n: final / p.relative_to(staging) for n, p in files.items()})

