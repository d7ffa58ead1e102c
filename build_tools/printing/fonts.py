"""One embedded font per face in a joined PDF: the pieces' subsets of a face merged into one.

Each piece of a manual is laid out alone, so WeasyPrint embeds in each its own subset of every face it
uses: a joined manual would carry one subset per piece and face (dozens of font objects, several times
the bytes of a whole-document layout). WeasyPrint subsets with the glyph ids of the full font kept
(HarfBuzz's ``RETAIN_GIDS``), and its fonts are ``Identity-H`` CID fonts whose character codes are those
glyph ids, so the subsets of one face are pieces of the same glyph table: their union, made glyph by glyph,
is the subset a whole-document layout would embed, and every page's text stays valid with it. Merging
after layout keeps the pieces' cache (a piece is laid out once, whatever manuals share it).

For each face (the font name without its subset tag) the joined PDF gets one ``Type0`` font: one glyph
file, widths and ``ToUnicode`` map that are the union of the pieces', and every resource dictionary
(pages, headers and footers) points at it. A face whose subsets are not TrueType outlines (CFF) is left as
it is.
"""

from __future__ import annotations

import hashlib
import io
import re
import string
import struct

_BF = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def merge_fonts(pdf) -> None:
    """Replace, everywhere in ``pdf`` (a pikepdf document), the fonts of each face by one merged font."""
    faces: dict[str, dict] = {}
    for resources in _font_dictionaries(pdf):
        for font in resources.values():
            face = _face(font)
            if face is not None:
                faces.setdefault(face, {})[font.objgen] = font
    merged = {}
    for face, fonts in faces.items():
        if len(fonts) > 1:
            try:
                merged.update(dict.fromkeys(fonts, _merged(pdf, face, list(fonts.values()))))
            except ValueError:  # not TrueType outlines: left as laid out
                pass
    for resources in _font_dictionaries(pdf):
        for name, font in list(resources.items()):
            if font.objgen in merged:
                resources[name] = merged[font.objgen]


def _font_dictionaries(pdf):
    """Every ``/Font`` resource dictionary of the pages and the form XObjects they draw (one shared by
    several pages may come more than once)."""
    seen, todo = set(), [page.obj for page in pdf.pages]
    while todo:
        holder = todo.pop()
        resources = holder.get("/Resources")
        if resources is None:
            continue
        if "/Font" in resources:
            yield resources.Font
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                todo.append(xobject)


def _face(font) -> str | None:
    """The face of a WeasyPrint font (its name without the subset tag), None for a font it cannot merge."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return None
    cid = font.DescendantFonts[0]
    if cid.get("/CIDToGIDMap") != "/Identity" or "/FontFile2" not in cid.FontDescriptor:
        return None
    return str(cid.BaseFont).split("+", 1)[-1]


def _merged(pdf, face: str, fonts: list):
    """One Type0 font of ``face`` whose glyphs, widths and text map are the union of ``fonts``'."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    cids = [font.DescendantFonts[0] for font in fonts]
    widths, text, subsets = {}, {}, []
    for font, cid in zip(fonts, cids):
        used = _widths(cid.get("/W", Array()))
        widths.update(used)
        subsets.append((cid.FontDescriptor.FontFile2.read_bytes(), set(used)))
        if "/ToUnicode" in font:
            text.update(_to_unicode(font.ToUnicode.read_bytes()))
    data = _merge_glyphs(subsets)
    name = Name("/" + _tag(data) + "+" + face)
    descriptor = Dictionary(cids[0].FontDescriptor)
    boxes = [[float(x) for x in cid.FontDescriptor.FontBBox] for cid in cids]
    descriptor.FontBBox = Array([min(b[0] for b in boxes), min(b[1] for b in boxes),
                                 max(b[2] for b in boxes), max(b[3] for b in boxes)])
    descriptor.FontName = name
    descriptor.FontFile2 = pikepdf.Stream(pdf, data, Length1=len(data))
    cid = Dictionary(cids[0])
    cid.BaseFont, cid.FontDescriptor, cid.W = name, pdf.make_indirect(descriptor), _w_array(widths)
    merged = Dictionary(fonts[0])
    merged.BaseFont, merged.DescendantFonts = name, Array([pdf.make_indirect(cid)])
    if text:
        merged.ToUnicode = pikepdf.Stream(pdf, _cmap(text))
    return pdf.make_indirect(merged)


def _merge_glyphs(subsets: list[tuple[bytes, set[int]]]) -> bytes:
    """The union of TrueType subsets of one font that kept the full font's glyph ids, each with the ids of
    the glyphs its text uses. The largest subset is decoded and the others' glyphs copied into it as they are
    stored: a composite glyph names its components by glyph id, the same in every subset."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    raws = [_RawFont(data) for data, _ in subsets]
    base_index = max(range(len(raws)), key=lambda i: raws[i].count)
    base = TTFont(io.BytesIO(subsets[base_index][0]), recalcTimestamp=False)
    if "glyf" not in base:
        raise ValueError("not TrueType outlines")
    order, glyphs, hmtx = base.getGlyphOrder(), base["glyf"].glyphs, base["hmtx"]
    for i, (raw, (_, used)) in enumerate(zip(raws, subsets)):
        todo = set(used) if i != base_index else set()
        while todo:
            gid = todo.pop()
            data = raw.glyph(gid)
            if not data or gid >= len(order) or getattr(glyphs[order[gid]], "data", b"") != b"":
                continue  # nothing to take, or the base has it already
            glyphs[order[gid]] = Glyph(data)
            hmtx[order[gid]] = raw.metrics(gid)
            todo.update(_components(data))
    out = io.BytesIO()
    base.save(out)
    return out.getvalue()


class _RawFont:
    """The glyphs and metrics of a TrueType font, read from its tables without decoding the rest."""

    def __init__(self, data: bytes):
        tables = {}
        for i in range(struct.unpack(">H", data[4:6])[0]):
            tag, _, offset, length = struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i])
            tables[tag] = data[offset:offset + length]
        if b"glyf" not in tables:
            raise ValueError("not TrueType outlines")
        self.count = struct.unpack(">H", tables[b"maxp"][4:6])[0]
        long = struct.unpack(">h", tables[b"head"][50:52])[0]
        loca = tables[b"loca"]
        self.loca = (struct.unpack(f">{self.count + 1}I", loca[:4 * (self.count + 1)]) if long else
                     [x * 2 for x in struct.unpack(f">{self.count + 1}H", loca[:2 * (self.count + 1)])])
        self.glyf, self.hmtx = tables[b"glyf"], tables[b"hmtx"]
        self.long_metrics = struct.unpack(">H", tables[b"hhea"][34:36])[0]

    def glyph(self, gid: int) -> bytes:
        return self.glyf[self.loca[gid]:self.loca[gid + 1]] if gid < self.count else b""

    def metrics(self, gid: int) -> tuple[int, int]:
        n = self.long_metrics
        if gid < n:
            return struct.unpack(">Hh", self.hmtx[4 * gid:4 * gid + 4])
        advance = struct.unpack(">H", self.hmtx[4 * n - 4:4 * n - 2])[0]
        return advance, struct.unpack(">h", self.hmtx[4 * n + 2 * (gid - n):4 * n + 2 * (gid - n) + 2])[0]


def _components(data: bytes) -> list[int]:
    """The glyph ids a composite glyph is made of (none for a simple glyph)."""
    if struct.unpack(">h", data[:2])[0] >= 0:
        return []
    found, offset, more = [], 10, True
    while more:
        flags, gid = struct.unpack(">HH", data[offset:offset + 4])
        found.append(gid)
        offset += 4 + (4 if flags & 0x1 else 2) + (2 if flags & 0x8 else 4 if flags & 0x40 else 8 if flags & 0x80 else 0)
        more = bool(flags & 0x20)
    return found


def _widths(w) -> dict[int, float]:
    """The widths of a CID font's ``/W`` array, by glyph id."""
    from pikepdf import Array

    found, items, i = {}, list(w), 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], Array):
            for offset, width in enumerate(items[i + 1]):
                found[first + offset] = float(width)
            i += 2
        else:
            for gid in range(first, int(items[i + 1]) + 1):
                found[gid] = float(items[i + 2])
            i += 3
    return found


def _w_array(widths: dict[int, float]):
    """A ``/W`` array of runs of consecutive glyph ids."""
    from pikepdf import Array

    out, run = [], []
    for gid in sorted(widths):
        if run and gid != run[0] + len(run[1]):
            out.extend([run[0], Array(run[1])])
            run = []
        run = run or [gid, []]
        run[1].append(_number(widths[gid]))
    if run:
        out.extend([run[0], Array(run[1])])
    return Array(out)


def _number(value: float):
    return int(value) if value == int(value) else value


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """The glyph → text entries of a ``ToUnicode`` CMap as WeasyPrint writes it (``bfchar`` entries)."""
    found = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for code, text in _BF.findall(block):
            found[int(code, 16)] = text.decode("ascii")
    return found


def _cmap(text: dict[int, str]) -> bytes:
    """A ``ToUnicode`` CMap of ``bfchar`` entries (at most 100 a block, as the CMap format asks)."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <ffff>", "endcodespacerange"]
    codes = sorted(text)
    for start in range(0, len(codes), 100):
        block = codes[start:start + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines.extend(f"<{code:04x}> <{text[code]}>" for code in block)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _tag(data: bytes) -> str:
    """A subset tag (six capital letters) from the merged font's bytes: the same font, the same name."""
    digest = hashlib.sha256(data).digest()
    return "".join(string.ascii_uppercase[b % 26] for b in digest[:6])
