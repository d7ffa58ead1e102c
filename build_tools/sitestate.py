"""What Sphinx keeps between two builds of a pack must not make the site differ from a clean build's.

Sphinx keeps its environment and its output folder (``.work/<pack-id>/site``), reads again only the pages
whose source changed, writes only those (and the pages whose toctree lists them), and loads the previous
search index to replace their words. Left alone, that leaves behind what a clean build would not make:

- **navigation**: the sidebar of every page lists every page's title, and a page's previous and next
  links name its neighbours. When the titles, sections or toctrees of the site change, every page is
  written again (:func:`rewrite_on_navigation_change`, connected to ``env-get-updated``).
- **words**: Sphinx takes a page out of each word's list of pages, but keeps a word no page holds any more
  (``"link": []``), so text removed from a page (or moved into the facilitator notes) stayed searchable
  in the index and in every package made from it. :func:`tidy` drops those words.
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
_NAVIGATION = "coursepack_navigation"
"""The environment's attribute holding the hash of the site's navigation at its last build."""


def prepare(outdir: Path) -> None:
    """Before Sphinx runs: no static file outlives the build that copied it; mark the start."""
    shutil.rmtree(outdir / "_static", ignore_errors=True)
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / STARTED).write_bytes(b"")


def rewrite_on_navigation_change(app, env) -> list[str]:
    """``env-get-updated``: every page, when the navigation every page shows has changed since the last
    build; else none."""
    now = navigation(env)
    before = getattr(env, _NAVIGATION, None)
    setattr(env, _NAVIGATION, now)  # pickled with the environment
    return sorted(env.found_docs) if now != before else []


def navigation(env) -> str:
    """A hash of what a page shows of the other pages: each page's title and sections (with their
    anchors), and the toctrees in their order."""
    h = hashlib.sha256()
    for docname in sorted(env.all_docs):
        toc, title = env.tocs.get(docname), env.titles.get(docname)
        h.update(f"{docname}\0{title.astext() if title is not None else ''}\0".encode())
        h.update((toc.pformat() if toc is not None else "").encode())
        h.update(repr(env.toctree_includes.get(docname, [])).encode() + b"\n")
    return h.hexdigest()


def tidy(app, outdir: Path) -> None:
    """After a successful build: only what a clean build of the same source writes stays in ``outdir``."""
    from sphinx.search import js_index

    builder, env = app.builder, app.env
    started = (outdir / STARTED).stat().st_mtime_ns
    keep = {Path(builder.get_outfilename(docname)) for docname in env.all_docs}
    keep |= {outdir / "_images" / name for _, name in env.images.values()}
    keep |= {outdir / "_downloads" / dest for _, dest in env.dlfiles.values()}
    for folder, _, names in os.walk(outdir, topdown=False):
        for name in names:
            path = Path(folder, name)
            if path.parent == outdir and name in (STARTED, ".buildinfo.bak") \
                    or path not in keep and path.stat().st_mtime_ns < started and "_static" not in path.parts:
                path.unlink()
        if folder != str(outdir) and not os.listdir(folder):
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
