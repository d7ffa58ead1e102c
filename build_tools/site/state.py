"""What Sphinx keeps between two builds of a pack must not make the site differ from a clean build's.

Sphinx keeps its environment and its output folder (``.work/<pack-id>/site``), reads again only the pages
whose source changed, writes only those (and the pages whose toctree lists them), and loads the previous
search index to replace their words. Left alone, that leaves behind what a clean build would not make:

- **what every page shows of the rest of the site**: the sidebar lists every page's title, a page's
  previous and next links name its neighbours, and its links to the stylesheets and scripts carry their
  checksums. When the titles, sections or toctrees of the site or its static files change, every page is
  written again (:func:`pages_to_rewrite`, connected to ``env-get-updated``).
- **image names**: Sphinx gives each image a name in ``_images`` when it reads a page showing it, first
  come first named; :func:`name_images` names them in the order of their paths instead.
- **words**: Sphinx takes a page out of each word's list of pages, but keeps a word no page holds any more
  (``"link": []``), so text removed from a page (or moved into the facilitator notes) stayed searchable
  in the index and in every package made from it. :func:`tidy` drops those words.
- **pages around a changed one**: Sphinx writes again every page whose toctree lists a changed page, up to
  the home page, in case its title changed. When what every page shows of the rest of the site has not
  changed, those pages would be written the same; :func:`skip_parents` leaves them (after a one-session
  edit in ``serve``, two pages written instead of four).
- **checksums**: Sphinx remembers each static file's checksum by path for the life of the process;
  :func:`prepare` makes it forget them.
- **files**: the pages of removed pages, images no page shows, downloads, the static files of an earlier
  theme or stylesheet, ``.buildinfo.bak``. Before a build :func:`prepare` empties ``_static`` (Sphinx
  copies it whole on every build); after it :func:`tidy` deletes every file that is not the page of a
  page in the site, an image or download a page uses, or written by this build.

``tests/test_incremental.py`` edits a content tree step by step and compares every output of the
incremental build with a clean build's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

STARTED = ".coursepack-started"
"""Marks, in the output folder, the start of the build: a file at least as recent was written by it."""
_SHARED = "coursepack_shared"
"""The environment's attribute holding :func:`shared` at the last build."""


def prepare(outdir: Path) -> None:
    """Before Sphinx runs: no static file outlives the build that copied it; mark the start."""
    from sphinx.builders.html import _assets

    # Sphinx remembers each static file's checksum (``coursepack.css?v=…``) by path for the life of the
    # process: a stylesheet changed since this pack's last build in a matrix worker or ``serve`` would keep
    # its old checksum.
    remembered = getattr(_assets, "_file_checksum_inner", None)  # a later Sphinx may not have it
    if remembered is not None:
        remembered.cache_clear()
    shutil.rmtree(outdir / "_static", ignore_errors=True)
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / STARTED).write_bytes(b"")


def pages_to_rewrite(app, env) -> list[str]:
    """``env-get-updated`` (after reading, before writing): the pages to write again though their source
    did not change. Every page, when what every page shows of the rest of the site has changed since the
    last build; and the pages showing an image whose file name in ``_images`` changed."""
    now = shared(app, env)
    before = getattr(env, _SHARED, None)
    setattr(env, _SHARED, now)  # pickled with the environment
    app.coursepack_same_shared = now == before
    renamed = name_images(env.images)
    return sorted(env.found_docs if now != before else renamed)


def skip_parents(app, builder) -> None:
    """``write-started`` (the environment already saved): when what every page shows of the rest of the
    site is as at the last build, Sphinx need not write the pages whose toctrees list a changed page."""
    if getattr(app, "coursepack_same_shared", False):
        builder.env.files_to_rebuild = {}


def shared(app, env) -> str:
    """A hash of what every page shows of the rest of the site: each page's title and sections (with
    their anchors), the toctrees in their order, and the static files (a page links to a stylesheet or
    script with its checksum, ``coursepack.css?v=…``)."""
    h = hashlib.sha256()
    for docname in sorted(env.all_docs):
        toc, title = env.tocs.get(docname), env.titles.get(docname)
        h.update(f"{docname}\0{title.astext() if title is not None else ''}\0".encode())
        h.update((toc.pformat() if toc is not None else "").encode())
        h.update(repr(env.toctree_includes.get(docname, [])).encode() + b"\n")
    theme = getattr(app.builder, "theme", None)
    folders = [Path(d, "static") for d in (theme.get_theme_dirs() if theme else ())]
    for folder in folders + [Path(app.confdir, d) for d in app.config.html_static_path]:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else [folder] if folder.is_file() else []:
            if path.is_file():
                h.update(f"{path.relative_to(folder)}\0".encode() + path.read_bytes() + b"\0")
    return h.hexdigest()


def name_images(images) -> set[str]:
    """Name the images in ``_images`` by their paths in order, as Sphinx does (``chain.png``,
    ``chain1.png``…), and return the pages showing one whose name changed. Sphinx names an image when a
    page showing it is read, first come first named, so two images of the same file name swapped names
    depending on which pages earlier builds had read."""
    taken: set[str] = set()
    changed: set[str] = set()
    for path in sorted(images):
        docnames, name = images[path]
        stem, suffix = Path(path).stem, Path(path).suffix
        new, i = Path(path).name, 0
        while new in taken:
            i += 1
            new = f"{stem}{i}{suffix}"
        taken.add(new)
        if new != name:
            images[path] = (docnames, new)
            changed |= docnames
    images._existing = taken  # the names Sphinx avoids for an image added later
    return changed


def tidy(app) -> None:
    """After a successful build: only what a clean build of the same source writes stays in the output
    folder."""
    from sphinx.search import js_index

    builder, env, outdir = app.builder, app.env, Path(app.outdir)  # as Sphinx names its files
    started = (outdir / STARTED).stat().st_mtime_ns
    keep = {Path(builder.get_outfilename(docname)).relative_to(outdir) for docname in env.all_docs}
    keep |= {Path("_images", name) for _, name in env.images.values()}
    keep |= {Path("_downloads", dest) for _, dest in env.dlfiles.values()}
    for folder, _, names in os.walk(outdir, topdown=False):
        for name in names:
            path = Path(folder, name)
            relative = path.relative_to(outdir)
            if str(relative) in (STARTED, ".buildinfo.bak") or relative not in keep \
                    and relative.parts[0] != "_static" and path.stat().st_mtime_ns < started:
                path.unlink()
        if Path(folder) != outdir and not os.listdir(folder):
            os.rmdir(folder)

    index = outdir / "searchindex.js"
    if index.is_file():
        text = index.read_text(encoding="utf-8")
        data = js_index.loads(text)
        for part in ("terms", "titleterms"):
            data[part] = {word: pages for word, pages in data[part].items() if pages != []}
        tidied = js_index.dumps(data)
        if tidied != text:
            index.write_text(tidied, encoding="utf-8")
