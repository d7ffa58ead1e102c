"""Join PDF pieces laid out one by one into one tagged PDF, with running headers and footers drawn on top.

A manual is laid out in pieces (see :mod:`build_tools.printing.pieces`) so that a piece already laid out for the
same bytes is reused. Joining must give what one whole-document layout would have given: the same
pages, outline, links and structure. Done with pikepdf (qpdf), which copies objects between PDFs with a
shared mapping, so a structure element that points at a page of its piece points at the same page once
copied. For each piece, in order:

- its pages are appended, their ``/StructParents`` and their annotations' ``/StructParent`` shifted past
  the keys already used, and its parent tree merged with the same shift;
- its ``Document`` structure element becomes a ``Part`` under the joined ``Document``;
- its outline items and named destinations are copied, pointing at the copied pages;
- links it could not resolve itself (``coursepack-anchor:NAME``, written for a target in another piece)
  become links to the named destination ``NAME``.

The footers (page X of Y) come from a separate document of empty pages whose only content is that
footer (Y is only known once every piece is laid out), the running headers (course and module title)
from one-page documents, one per header text, which many pages and manuals share. Each is drawn on top
of its page as a form XObject, marked as a pagination artifact, as PDF/UA asks of running heads and page
numbers.

Each piece embeds its own subset of every face it uses; the subsets of a face are merged into one font
(:mod:`build_tools.printing.fonts`), so that the joined PDF embeds each face once.

The document-level entries (metadata, language, viewer preferences) are the first piece's: every piece
is cut from the same HTML document and has the same ``<head>``.
"""

from __future__ import annotations

import io
import re
from contextlib import ExitStack
from pathlib import Path

ANCHOR_SCHEME = "coursepack-anchor:"
from ..errors import write_file
from .fonts import merge_fonts

_MARKED = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+\d+\s*>>\s*BDC")


def join(pieces: list[tuple[Path, list[int]]], footer: Path, footer_pages: list[int], headers: list[Path | None],
         target: Path) -> None:
    """Write ``target``: the pages of ``pieces`` in order, page ``i`` with footer page ``footer_pages[i]`` and
    the one-page running header ``headers[i]`` (None: none).

    A piece is its PDF and the bookmark level of each of its outline items in order: a piece's outline
    is flat where the whole document's nests (a session's heading belongs under its module's, which is
    in another piece), so the joined outline is rebuilt from the levels."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    out = pikepdf.new()
    opened = [pikepdf.open(path) for path, _ in pieces]
    try:
        first = opened[0]
        for key in ("/Lang", "/ViewerPreferences", "/MarkInfo", "/Metadata"):
            if key in first.Root:
                out.Root[key] = _copy(out, first, first.Root[key])
        for key, value in first.docinfo.items():
            out.docinfo[key] = value
        document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        parent_tree: dict[int, object] = {}
        dests: dict[str, object] = {}
        bookmarks: list = []
        next_key = 0
        for piece, (_, levels) in zip(opened, pieces):
            page_index = _append_pages(out, piece, shift=next_key)
            next_key = _append_structure(out, piece, document, parent_tree, shift=next_key)
            names = piece.Root.get("/Names")
            if names is not None and "/Dests" in names:
                for name, dest in pikepdf.NameTree(names.Dests).items():
                    dests[name] = _copy(out, piece, dest)
            items = _outline(piece, page_index)
            if len(items) != len(levels):
                raise ValueError(f"{len(items)} outline items but {len(levels)} levels")
            bookmarks.extend(zip(levels, items))
        _draw_frames(out, footer, footer_pages, headers)
        _drop_dangling_links(out, dests)
        merge_fonts(out)  # one font per face, not one subset per piece
        _finish(out, document, parent_tree, next_key, dests, bookmarks)
        # qpdf writes to memory, and Python writes the file: a write that fails (a full disk) then raises
        # OSError here, where qpdf writing to the file itself would abort the whole process (a C++
        # exception thrown while closing the file ends in std::terminate).
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        write_file(target, buffer.getbuffer())
    finally:
        for piece in opened:
            piece.close()
        out.close()


def _append_pages(out, piece, *, shift: int) -> dict:
    """Append the pages of ``piece`` to ``out``, their structure keys moved up by ``shift``; return a map
    from each piece page's object to its index in ``out``."""
    page_index = {}
    for page in piece.pages:
        page_index[page.obj.objgen] = len(out.pages)
        out.pages.append(page)
        copied = out.pages[-1].obj
        if "/StructParents" in copied:
            copied.StructParents = int(copied.StructParents) + shift
        for annot in copied.get("/Annots", []):
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + shift
            _resolve_link(annot)
    return page_index


def _append_structure(out, piece, document, parent_tree: dict, *, shift: int) -> int:
    """Hang the structure tree of ``piece`` under ``document`` as one Part per top element, its parent-tree
    entries moved up by ``shift`` (the first free key); return the next free parent-tree key."""
    import pikepdf
    from pikepdf import Array, Name

    next_key = shift
    root = piece.Root.get("/StructTreeRoot")
    if root is None:
        return next_key
    tops = root.K if isinstance(root.K, Array) else [root.K]
    for top in tops:
        del top["/P"]  # so copying it does not drag the piece's tree root along
        part = out.copy_foreign(top)
        part.S = Name.Part
        part.P = document
        document.K.append(part)
    for key, value in pikepdf.NumberTree(root.ParentTree).items():
        parent_tree[key + shift] = _copy(out, piece, value)
        next_key = max(next_key, key + shift + 1)
    return next_key


def _finish(out, document, parent_tree: dict, next_key: int, dests: dict, bookmarks: list) -> None:
    """The joined document's structure tree root, named destinations and nested outline."""
    from pikepdf import Array, Dictionary, Name, String

    out.Root.StructTreeRoot = out.make_indirect(Dictionary(
        Type=Name.StructTreeRoot, K=Array([document]), ParentTreeNextKey=next_key,
        ParentTree=out.make_indirect(Dictionary(Nums=Array(
            [x for key in sorted(parent_tree) for x in (key, parent_tree[key])])))))
    document.P = out.Root.StructTreeRoot
    if dests:
        out.Root.Names = Dictionary(Dests=out.make_indirect(Dictionary(Names=Array(
            [x for name in sorted(dests) for x in (String(name), dests[name])]))))
    with out.open_outline() as tree:
        tree.root.extend(_nest(bookmarks))


def _copy(out, source, obj):
    """``obj`` of ``source`` copied into ``out`` (qpdf copies only indirect objects; a direct one is made so)."""
    import pikepdf

    if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
        return obj
    return out.copy_foreign(obj if obj.is_indirect else source.make_indirect(obj))


def _resolve_link(annot) -> None:
    """A link written as ``coursepack-anchor:NAME`` becomes a link to the named destination NAME."""
    from pikepdf import Name, String

    action = annot.get("/A")
    if annot.get("/Subtype") != Name.Link or action is None or action.get("/S") != Name.URI:
        return
    uri = str(action.URI)
    if uri.startswith(ANCHOR_SCHEME):
        name = uri.removeprefix(ANCHOR_SCHEME)
        del annot["/A"]
        annot.Dest = String(name)
        annot.Contents = String(name)


def _drop_dangling_links(out, dests: dict) -> None:
    """A link to a destination the joined document lacks (a handout holds one module; its text may link to
    another module of the manual) keeps its text but goes nowhere: the link annotation loses its target."""
    for page in out.pages:
        for annot in page.obj.get("/Annots", []):
            if "/Dest" in annot and str(annot.Dest) not in dests:
                del annot["/Dest"]


def _outline(piece, page_index: dict) -> list:
    """The piece's outline items in order, flattened, re-made to point at the joined document's pages."""
    from pikepdf import OutlineItem, PageLocation

    def walk(items):
        for item in items:
            dest = item.destination
            yield OutlineItem(str(item.title), page_index[dest[0].objgen], PageLocation.XYZ, left=float(dest[2]),
                              top=float(dest[3]))
            yield from walk(item.children)

    with piece.open_outline() as tree:
        return list(walk(tree.root))


def _nest(bookmarks: list) -> list:
    """(level, item) in document order → the outline tree: an item goes under the last one of a lower level."""
    roots, stack = [], []
    for level, item in bookmarks:
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(item)
        stack.append((level, item))
    return roots


def _draw_frames(out, footer: Path, footer_pages: list[int], headers: list[Path | None]) -> None:
    """Draw each page's footer (a page of ``footer``) and running header (the first page of its document)
    over it, as form XObjects marked as pagination artifacts. A header document is copied once, whatever
    the number of pages it is drawn on."""
    import pikepdf
    from pikepdf import Name

    if not len(footer_pages) == len(headers) == len(out.pages):
        raise ValueError(f"{len(out.pages)} pages but {len(footer_pages)} footers and {len(headers)} headers")
    with ExitStack() as stack:
        numbers = stack.enter_context(pikepdf.open(footer))
        forms: dict[Path, object] = {}
        for page, number, header in zip(out.pages, footer_pages, headers):
            drawn = [("Footer", _form(out, numbers.pages[number], "Footer"))]
            if header is not None:
                if header not in forms:
                    forms[header] = _form(out, stack.enter_context(pikepdf.open(header)).pages[0], "Header")
                drawn.insert(0, ("Header", forms[header]))
            # WeasyPrint may give pages one shared resource dictionary: give this page its own (shallow)
            resources = pikepdf.Dictionary(page.obj.get("/Resources", pikepdf.Dictionary()))
            if "/XObject" in resources:
                resources.XObject = pikepdf.Dictionary(resources.XObject)
            page.obj.Resources = resources
            page.contents_add(pikepdf.Stream(out, b"q\n"), prepend=True)
            shown = b"\nQ\n"
            for kind, form in drawn:
                # a fixed name (not pikepdf's random one) keeps the output byte-identical from build to build
                name = page.add_resource(form, Name.XObject, Name(f"/Coursepack{kind}"), replace_existing=False)
                shown += b"q " + _artifact(kind) + b" " + bytes(name) + b" Do EMC Q\n"
            page.contents_add(pikepdf.Stream(out, shown))


def _form(out, source, kind: str):
    """A page of a header or footer document as a form XObject of ``out``, its content marked as artifact."""
    source.contents_coalesce()
    source.obj.Contents.write(_MARKED.sub(_artifact(kind), source.obj.Contents.read_bytes()))
    return out.copy_foreign(source.as_form_xobject())


def _artifact(kind: str) -> bytes:
    return f"/Artifact <</Type /Pagination /Subtype /{kind}>> BDC".encode()
