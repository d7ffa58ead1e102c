"""A manual laid out in pieces, each reused whenever it is needed again with the same bytes.

Layout is most of the cost of a pack. The manual's HTML is cut where its template marks a piece
(``<!-- piece NAME -->``: cover, imprint, sources, contents, home, timetable, each module's opening
page, each session, instruments, glossary); every piece starts on a new page, so laying it out alone gives the same
pages as laying out the whole. Three things of a whole-document layout depend on other pieces, and are done apart:

- the page-number footer (page X of Y): the pieces are laid out without it; once the page count is
  known, a document of empty pages carrying only the footers is laid out and drawn over them when the
  pieces are joined (:mod:`build_tools.printing.join`);
- the table of contents: laid out last, with the page numbers read from the other pieces' layout
  written into it (its own length decides where the rest starts, so it is laid out again in the rare
  case its page count changes);
- links to another piece: written as ``coursepack-anchor:NAME`` and resolved when joining.

The running headers (course title, and the title of the module or page, which elements with
``data-running`` set) are drawn over the pieces too, though they depend on nothing outside the piece:
WeasyPrint lays out margin boxes on every page, about a tenth of a piece's layout, whereas a header is
the same on dozens of pages and in every pack of a course. Each header text is laid out once, as a
one-page document, and the page where each text runs is read from the piece's anchors.

A laid-out piece is kept in ``CACHE/pieces/`` under the hash of its HTML, its stylesheet, the manual's
assets and the versions of WeasyPrint and coursepack, with its page count, the page of each anchor and
its bookmark levels. A changed session lays out that session again; pieces have a neutral head and the
edition is in the footer, so packs that differ by country or edition share the pieces that are the same
(the timetable, the glossary, a module's opening page in both editions, sessions that do not name the
country).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from ..atomic import replacing
from ..errors import Location, Problem, ProblemsFound, write_file
from ..pipeline.clean import touch
from ..pipeline.layout import piece_lock
from ..pipeline.layout import pieces as pieces_dir
from ..pipeline.publish import locked
from .join import ANCHOR_SCHEME, join

PDF_VARIANT = "pdf/ua-1"
_MARK = re.compile(r"^<!-- piece ([a-z0-9-]+) -->\n", re.MULTILINE)
_LINK = '<link rel="stylesheet" href="manual.css">'
_HREF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r'\bid="([^"]+)"')
_RUNNING = re.compile(r'<[a-z][a-z0-9]*\s[^>]*\bdata-running="([^"]*)"[^>]*>')


@dataclass
class LaidOut:
    """A piece laid out: its PDF, its page count, the page (0-based, in the piece) of each anchor and the
    level of each of its bookmarks, in order."""

    pdf: Path
    pages: int
    anchors: dict[str, int]
    levels: list[int]


@dataclass
class Manual:
    """A joined manual: its pieces in order, where each starts (0-based page) and every anchor's page
    (1-based), the document of its footers (a page each) and the running header of each page (a one-page
    document; None on the cover)."""

    pieces: dict[str, LaidOut]
    starts: dict[str, int]
    anchors: dict[str, int]
    footer: Path
    headers: list[Path | None]

    def write(self, target: Path, names: list[str] | None = None) -> None:
        """Join all the pieces (or the named ones, with the page numbers they have in the manual) into ``target``."""
        names = list(self.pieces) if names is None else names
        pages = [page for name in names
                 for page in range(self.starts[name], self.starts[name] + self.pieces[name].pages)]
        join([(self.pieces[name].pdf, self.pieces[name].levels) for name in names], self.footer, pages,
             [self.headers[page] for page in pages], target)


def split(html: str) -> tuple[str, dict[str, str]]:
    """The document's head (up to and with ``<body>``) and its pieces' bodies by name, in order."""
    parts = _MARK.split(html)
    head, rest = parts[0], parts[1:]
    bodies = dict(zip(rest[0::2], rest[1::2]))
    if not bodies:
        raise _template_problem("the manual template marks no pieces")
    last = next(reversed(bodies))
    bodies[last] = bodies[last].split("</body>")[0]
    return head, bodies


def _template_problem(message: str) -> ProblemsFound:
    """A manual template (``templates/print/``, which a user may edit) that the piece layout cannot use."""
    return ProblemsFound([Problem(Location("templates/print/manual.html.j2"), "manual-template", message,
                                  "compare it with the template coursepack ships (the markers of its pieces, "
                                  "its stylesheet link, the ids of its running headers)")])


def lay_out_manual(folder: Path, html: str, footer_html, header_html, cache: Path, render) -> Manual:
    """Lay out (or reuse) every piece of ``html``; ``render(path, stylesheet) -> document`` lays out one
    file of ``folder`` with one of its stylesheets.

    ``folder`` already holds ``piece.css``, ``footer.css``, ``header.css`` and the assets;
    ``footer_html(sheets)`` gives the footer document for the list of pages (True for a cover page), and
    ``header_html(text)`` the one-page document of a running header (text None: no module or page title)."""
    head, bodies = split(html)
    if _LINK not in head:
        raise _template_problem(f"the manual template's head has no {_LINK}")
    first = next(iter(bodies))
    # The first piece keeps the document's head: the joined PDF takes its metadata from it. The others
    # get the same <html> element and a neutral head, so that a piece is the same bytes in every pack
    # that has it, whatever the pack's title.
    html_tag = re.search(r"<!DOCTYPE html>\s*<html[^>]*>", head).group(0)
    salt = _salt(folder)
    ids = {name: set(_ID.findall(body)) for name, body in bodies.items()}

    def document(name: str, body: str) -> str:
        own = ids[name]
        body = _HREF.sub(lambda m: m.group(0) if m.group(1) in own else f'href="{ANCHOR_SCHEME}{m.group(1)}"', body)
        start = head.replace(_LINK, "") if name == first else \
            f'{html_tag}\n<head>\n<meta charset="utf-8">\n<title>{name}</title>\n</head>\n<body>\n'
        return f"{start}{body}</body>\n</html>\n"

    def piece(name: str, html: str, stylesheet: str = "piece.css", wait: bool = True) -> LaidOut | None:
        return _piece(folder, name, html, stylesheet, salt, cache, render, wait)

    # A piece another process is laying out right now (two matrix workers starting on packs that share
    # it) is left for last: by then it is in the cache, and this process has done other work meanwhile.
    laid = {name: piece(name, document(name, body), wait=False) for name, body in bodies.items() if name != "toc"}
    for name, done in laid.items():
        if done is None:
            laid[name] = piece(name, document(name, bodies[name]))
    order = list(bodies)
    toc_pages = 1
    for _ in range(4):  # the contents' length decides the numbers it shows; settle it
        starts = _starts(order, laid, toc_pages)
        if "toc" not in bodies:
            break
        laid["toc"] = piece("toc", document("toc", _numbered(bodies["toc"], _anchors(laid, starts))))
        if laid["toc"].pages == toc_pages:
            break
        toc_pages = laid["toc"].pages
    else:
        raise RuntimeError("the table of contents does not settle on a page count")
    pieces = {name: laid[name] for name in order}
    sheets = [name == "cover" for name in order for _ in range(pieces[name].pages)]
    footer = piece("footer", footer_html(sheets), "footer.css")
    if footer.pages != len(sheets):
        raise RuntimeError(f"the footer document has {footer.pages} pages for {len(sheets)}")
    # One small document per running header text, shared by every manual with that header.
    running, headers = _running(pieces, bodies), {}
    for text in dict.fromkeys(text for text, cover in zip(running, sheets) if not cover):
        header = piece("header", header_html(text), "header.css")
        if header.pages != 1:
            raise RuntimeError(f"the running header {text!r} lays out on {header.pages} pages")
        headers[text] = header.pdf
    return Manual(pieces, starts, _anchors(pieces, starts), footer.pdf,
                  [None if cover else headers[text] for text, cover in zip(running, sheets)])


def _running(pieces: dict[str, LaidOut], bodies: dict[str, str]) -> list[str | None]:
    """The running header's text on every page, as ``string(running)`` gives it in a whole-document layout:
    the first ``data-running`` that starts on the page, else the last one before it, within the piece
    (every piece starts with its own, or none precedes it in the manual either)."""
    texts = []
    for name, laid in pieces.items():
        starts = []
        for tag in _RUNNING.finditer(bodies[name]):
            anchor = _ID.search(tag.group(0))
            if anchor is None:
                raise _template_problem(f"the manual template sets a running header without an id: {tag.group(0)}")
            starts.append((laid.anchors[anchor.group(1)], unescape(tag.group(1))))
        current = None
        for page in range(laid.pages):
            here = [text for on, text in starts if on == page]
            texts.append(here[0] if here else current)
            current = here[-1] if here else current
    return texts


def _anchors(pieces: dict[str, LaidOut], starts: dict[str, int]) -> dict[str, int]:
    """Every anchor of the laid-out pieces → its 1-based page in the manual."""
    return {anchor: starts[name] + page + 1 for name, laid in pieces.items() for anchor, page in laid.anchors.items()}


def _numbered(toc: str, anchors: dict[str, int]) -> str:
    """The contents with the page of each entry written in (``data-page``, which piece.css shows)."""
    return _HREF.sub(lambda m: f'href="#{m.group(1)}" data-page="{anchors[m.group(1)]}"', toc)


def _starts(order: list[str], laid: dict[str, LaidOut], toc_pages: int) -> dict[str, int]:
    starts, page = {}, 0
    for name in order:
        starts[name] = page
        page += toc_pages if name == "toc" else laid[name].pages
    return starts


def _salt(folder: Path) -> bytes:
    """What every piece of this manual is laid out with besides its HTML and stylesheet: the assets."""
    import weasyprint

    from .. import __version__

    digest = hashlib.sha256(f"coursepack {__version__} weasyprint {weasyprint.__version__}\0".encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix not in (".html", ".css")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def _piece(folder: Path, name: str, html: str, stylesheet: str, salt: bytes, cache: Path, render,
           wait: bool = True) -> LaidOut | None:
    """The piece, from the cache or laid out now. Laying out takes one of a few locks (by key), so that two
    processes never lay out the same piece at once: the second waits and takes the first's, or, without
    ``wait``, gets None at once to come back later."""
    css = (folder / stylesheet).read_bytes()
    key = hashlib.sha256(salt + css + b"\0" + html.encode("utf-8")).hexdigest()[:32]
    pdf, meta = pieces_dir(cache) / f"{key}.pdf", pieces_dir(cache) / f"{key}.json"
    known = _cached(pdf, meta)
    if known is not None:
        return known
    try:
        with locked(piece_lock(cache, int(key[:4], 16) % _LOCKS), wait=wait):
            return _cached(pdf, meta) or _lay_out(folder, name, html, stylesheet, key, pdf, meta, render)
    except BlockingIOError:
        return None


_LOCKS = 64
"""Lock files of the pieces (see pipeline/layout.py): a fixed number, so none is ever removed; two pieces that share one
only take turns."""


def _cached(pdf: Path, meta: Path) -> LaidOut | None:
    try:
        known = json.loads(meta.read_text(encoding="utf-8"))
        if pdf.is_file():
            touch(pdf)  # used now: see pipeline/clean.py
            return LaidOut(pdf, known["pages"], known["anchors"], known["levels"])
    except (OSError, ValueError, KeyError):
        pass
    return None


def _lay_out(folder: Path, name: str, html: str, stylesheet: str, key: str, pdf: Path, meta: Path,
             render) -> LaidOut:
    source = folder / f"piece-{name}.html"
    source.write_text(html, encoding="utf-8")
    document = render(source, stylesheet)
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            anchors.setdefault(anchor, number)
    levels = [level for page in document.pages for level, *_ in page.bookmarks]
    # Compressed here, once: joining copies compressed streams as they are, for the manual and each handout.
    # Written to memory first, so that a failed write (a full disk) raises OSError naming the file.
    data = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=key.encode("ascii"))
    with replacing(pdf) as tmp:  # the PDF first, then the record that says it is there
        write_file(tmp, data)
    record = {"piece": name, "pages": len(document.pages), "anchors": anchors, "levels": levels}
    with replacing(meta) as tmp:
        write_file(tmp, json.dumps(record, sort_keys=True).encode("utf-8"))
    return LaidOut(pdf, len(document.pages), anchors, levels)
