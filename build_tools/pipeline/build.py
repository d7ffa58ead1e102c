"""Build one pack, top to bottom: resolve → render → site (→ print → package), then promote atomically.

Output layout: see pipeline/layout.py (``OUT`` is ``_build/`` by default). Nothing under ``OUT/<pack-id>``
changes unless the whole build succeeded. The pack's stamp records the digest and outputs of the last build: a pack
whose digest has not changed is not rebuilt.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..content.branding import BRANDING_FILE, logo_path, logo_problem
from ..content.model import EXPORT_FORMATS, PARTICIPANT_FORMATS
from ..content.repository import Repo
from ..content.validate import refuse_links_outside
from ..errors import Location, Problem, ProblemsFound
from ..export import export_pack
from ..export.selfcheck import site_scripts
from ..i18n.labels import LocaleFormat, load_labels
from ..printing import print_pack
from ..render import render_pack, write_tree
from ..render.bidi import language_to_mark
from ..render.htmltext import html_values
from ..resolve import resolve_pack
from ..resolve.keys import PackKey
from ..resolve.pack import Pack
from ..site import build_site
from ..site.brand import site_brand
from ..site.build import set_direction
from ..site.config import CONF, conf_text, merged_overrides
from ..site.seed import seed
from .clean import touch
from .digest import pack_digest
from .layout import UNFINISHED, Layout, Stamp, Work
from .publish import copy_site, discard, fault, locked, promote, recover, staging_dir


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
    skipped: bool = False
    """True when the pack was up to date and nothing was built."""


def _up_to_date(final: Path, digest: str, formats, languages) -> dict[str, Path] | None:
    """The outputs of the last build if it had this digest and these formats, and they are all there (and
    its site's language switcher links to ``languages``)."""
    stamp = Stamp.read(final)
    if stamp is None or not stamp.covers(final, digest, formats):
        return None
    return stamp.outputs(final) if "html" not in formats or stamp.languages == languages else None


def linked_languages(pack: Pack, out: Path, siblings) -> list[str]:
    """The languages the site's switcher links to: the pack's own, and every other language of the course
    whose pack this command builds (pack ids in ``siblings``) or whose site is already in ``out``; all the
    course's languages if ``siblings`` is None (a matrix builds them all)."""
    if siblings is None:
        return list(pack.course.languages)

    def present(pack_id: str) -> bool:
        stamp = Stamp.read(Layout(out).pack(pack_id))
        return stamp is not None and "site" in stamp.files

    return [lang for lang in pack.course.languages if lang == pack.language
            or (other := replace(pack.key, language=lang).id) in siblings or present(other)]


SITE_LABELS = ("site_navigation", "page_contents", "edition")
"""Labels the site's own templates print (templates/site/)."""


def site_overrides(pack: Pack, labels, linked=None, root: Path | None = None) -> dict:
    """What one pack's Sphinx build changes in the base ``conf.py``; with the repository's ``root``, the
    branding's logo too."""
    edition = labels["edition_facilitator"] if pack.facilitator else labels["edition_participant"]
    fmt = LocaleFormat(pack.language)
    languages = [{"code": lang, "name": fmt.language_name(lang), "current": lang == pack.language,
                  "pack": replace(pack.key, language=lang).id} for lang in (linked or pack.course.languages)]
    return {"language": pack.language, **html_values({  # the theme prints these raw: see render/htmltext.py
        "project": pack.course.title,
        "author": pack.course.centre,
        "html_title": f"{pack.course.title} · {pack.country.name} · {edition}",
        "coursepack_edition_notice": edition if pack.facilitator else "",  # to the theme's banner: site/themes.py
        "html_context": {"coursepack_languages": languages, "coursepack_languages_label": labels["languages"],
                         "coursepack_labels": {key: labels[key] for key in SITE_LABELS},
                         "coursepack_brand": site_brand(pack.branding)},
        **({"html_logo": str(logo_path(root, pack.branding.logo))} if root and pack.branding.logo else {}),
    }), "html_js_files": site_scripts(pack, labels)}


def _site_config(repo: Repo, pack: Pack, linked) -> tuple[dict, dict[str, str]]:
    """The pack's settings merged into ``conf.py``'s, and the ``conf.py`` written beside its sources that
    applies them (see site/config.py)."""
    labels = load_labels(repo.root / "templates", pack.language)
    if pack.branding.logo:  # as `check` does, again before the file is copied (matrix workers)
        problem = logo_problem(repo.root, pack.branding.logo)
        if problem:
            raise ProblemsFound([Problem(Location(BRANDING_FILE), "branding-logo",
                                         f"the logo {pack.branding.logo}: {problem}", "run `coursepack check`")])
    overrides = merged_overrides(repo.root, site_overrides(pack, labels, linked, repo.root))
    return overrides, {CONF: conf_text(repo.root, overrides)}


def pack_formats(pack: Pack, formats=None) -> tuple[str, ...]:
    """What to build for a pack: the given formats, or else the course's outputs. Packages made for
    participants (SCORM, cartridge, offline zip) are left out of facilitator editions, and the question
    bank, which holds the answer keys, out of participant editions."""
    wanted = tuple(formats) if formats else tuple(pack.course.outputs)
    excluded = PARTICIPANT_FORMATS if pack.facilitator else ("questions",)
    wanted = tuple(f for f in wanted if f not in excluded)
    if any(f in EXPORT_FORMATS and f != "questions" for f in wanted) and "html" not in wanted:
        wanted = ("html",) + wanted  # the packages are made from the site
    return wanted


def _outputs_to_keep(final: Path, digest: str, formats) -> dict[str, tuple[str, str]]:
    """Outputs of the last build, in formats not asked for now, when it had the same digest: a build of
    only the PDFs must not delete the site. Name → (format, path relative to the pack folder)."""
    stamp = Stamp.read(final)
    if stamp is None or stamp.digest != digest:
        return {}  # none, or another version: its outputs are stale
    kept = {}
    for name, rel in stamp.files.items():
        fmt = "html" if name == "site" else "pdf" if name in ("participant-manual", "facilitator-guide") \
            or name.startswith("handout-") else name
        if fmt not in formats and (final / rel).exists():
            kept[name] = (fmt, rel)
    return kept


_SITE_UNFINISHED = UNFINISHED


def _start_site_build(work: Work) -> None:
    """Sphinx keeps its state in ``work`` between builds, and a build stopped half-way (Ctrl-C, the
    matrix's --timeout, a kill) leaves that state half-made: the environment saved before the pages were
    written, the search index not. The next build would then fail on Sphinx's warning about the index, or
    keep a page cut short. A marker stands while Sphinx runs (and the pages get their direction); a build
    that finds it left behind lets Sphinx start afresh."""
    marker = work.unfinished
    if marker.exists():
        shutil.rmtree(work.site, ignore_errors=True)
        shutil.rmtree(work.doctrees, ignore_errors=True)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()


def _site(repo: Repo, pack, work, overrides: dict, staging: Path) -> Path:
    """Build the pack's site in its work folder and copy it into ``staging``; return its home page."""
    _start_site_build(work)
    result = build_site(repo.root, work.src, work.site, work.doctrees, overrides)
    if result.warnings:
        # Sphinx warns while reading a page; keep no environment that remembers the page as
        # read, or the next build would skip it, see no warning and publish it.
        shutil.rmtree(work.doctrees, ignore_errors=True)
        raise ProblemsFound(result.warnings)
    if LocaleFormat(pack.language).rtl:
        set_direction(work.site, "rtl", language_to_mark(pack))
    # Sphinx writes into a folder of its own, kept between builds so that it rewrites only
    # the pages that changed; the published site is a copy (not hard links: Sphinx rewrites
    # files in place, which would change a published page before the build succeeds).
    work.unfinished.unlink()
    copy_site(work.site, staging / "site", pack.key.id, ignore=shutil.ignore_patterns(".buildinfo"))
    return staging / "site" / "index.html"


def _keep(kept: dict, final: Path, staging: Path, files: dict[str, Path]) -> None:
    """Copy into ``staging`` the published outputs of other formats that are still current (same digest)."""
    for name, (fmt, rel) in kept.items():
        copied = "site" if fmt == "html" else rel  # the site is a folder; the rest single files
        if not (staging / copied).exists():
            (staging / copied).parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if (final / copied).is_dir() else shutil.copy2)(final / copied, staging / copied)
        files.setdefault(name, staging / rel)


def build_pack(repo: Repo, key: PackKey, out: Path, *, formats=None, force: bool = False,
               log: Callable[[str], None] = lambda s: None, siblings=None) -> PackBuild:
    """Build one pack into ``out/<pack-id>``; raise :class:`ProblemsFound` (output untouched) on failure.
    ``formats`` defaults to the course's outputs. An up-to-date pack (same digest, same formats, outputs
    present) is not rebuilt unless ``force``. ``siblings``: see :func:`linked_languages`."""
    started = time.perf_counter()
    pack = resolve_pack(repo, key)
    formats = pack_formats(pack, formats)
    digest = pack_digest(repo, pack)
    layout = Layout(out)
    final, work = layout.pack(key.id), layout.work(key.id)
    linked = linked_languages(pack, out, siblings)
    if not formats:  # e.g. only SCORM asked for a facilitator edition: nothing to do, nothing touched
        log("  nothing to build for this edition with these formats")
        return PackBuild(key, final, digest, 0, 0, 0.0, {}, skipped=True)
    with locked(layout.in_use, shared=True), locked(layout.work_lock(key.id)):
        recover(final)
        fault("build-start", key.id)
        existing = None if force else _up_to_date(final, digest, formats, linked)
        if existing is not None:  # (the caller says so)
            return PackBuild(key, final, digest, 0, 0, time.perf_counter() - started, existing, skipped=True)
        kept = _outputs_to_keep(final, digest, formats)
        pages, assets = render_pack(repo, pack, digest)
        refuse_links_outside(repo.root, assets)  # as `check` does: nothing from outside is copied
        if "html" in formats and not work.environment.exists():
            seeded = seed(layout.work_root, key, pages)
            if seeded:
                log(f"  Sphinx state seeded from {seeded[0]} ({seeded[1]} of {len(pages)} pages the same)")
        overrides, conf = _site_config(repo, pack, linked) if "html" in formats else ({}, {})
        changed = [n for n in write_tree(work.src, {**pages, **assets, **conf}) if n != CONF]  # pages only
        touch(work.folder)  # used now: see pipeline/clean.py
        log(f"  rendered {len(pages)} pages ({len(changed)} changed)")
        staging = staging_dir(final)
        files: dict[str, Path] = {}
        try:
            if "html" in formats:
                files["site"] = _site(repo, pack, work, overrides, staging)
                log("  site built")
            if "pdf" in formats:
                printed = print_pack(repo, pack, staging, work.print, layout.print_cache)
                files.update(printed)
                handouts = sum(name.startswith("handout-") for name in printed)
                log(f"  manuals: {', '.join(n for n in printed if not n.startswith('handout-'))}"
                    + (f" and {handouts} handouts" if handouts else ""))
            for fmt in (f for f in formats if f in EXPORT_FORMATS):
                files[fmt] = export_pack(repo, pack, staging / "site", staging / "packages", fmt)
                log(f"  {fmt} package written")
            _keep(kept, final, staging, files)
            stamp = _stamp(final, digest, formats, kept, linked, {n: p.relative_to(staging) for n, p in files.items()})
            stamp.write(staging)
            fault("staging-written", key.id)
            promote(staging, final)
        except BaseException:
            discard(staging)
            if work.unfinished.exists():  # Sphinx stopped half-way: drop its state and temporary files
                shutil.rmtree(work.site, ignore_errors=True)
                shutil.rmtree(work.doctrees, ignore_errors=True)
            raise
    return PackBuild(key, final, digest, len(pages), len(changed),
                     time.perf_counter() - started, {n: final / p.relative_to(staging) for n, p in files.items()})



def _stamp(final: Path, digest: str, formats, kept, linked, files) -> Stamp:
    """The stamp of a build: its formats and those of the outputs it kept, and the languages its site links
    to (those of the kept site's if it built none)."""
    old = Stamp.read(final)
    languages = linked if "html" in formats else old.languages if old and "site" in kept else None
    return Stamp(digest, sorted(set(formats) | {f for f, _ in kept.values()}),
                 {n: str(rel) for n, rel in files.items()}, languages)
