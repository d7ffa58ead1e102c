"""Hostile data in every string field the content model defines, and every output file scanned for it.

The fields are not listed here: they are enumerated from the pydantic classes of ``build_tools/content/model.py``
(every file kind: module, course, the context files, country profiles), from the label files and from the
``.po`` catalogues ``coursepack i18n extract`` writes. Each field gets a payload carrying a marker of its
own (``qz017qz``), so a finding names the field. The payload holds HTML and script, Markdown and MyST
markup, a Jinja expression, the specials of XML and GIFT and a path trick.

Trainer text (the fields the MyST lint reads) legitimately renders markup from the allow-list. Its hostile
variant (raw HTML, a directive, a ``javascript:`` link, a Jinja expression) must be refused by ``check`` at
the field's line; in the build, those fields carry the same characters backslash-escaped, which must come
out inert.

One pack of each edition is built with every output (site, manuals, SCORM 1.2 and 2004, cartridge, offline
zip; the question bank from the facilitator edition), and every file under the packs' output folders,
every zip member included, is read in its own syntax: HTML and XML parsed, the search index as JSON,
GIFT with an independent reader, PDFs' text and links with pypdf. A finding is a construct that came from
data (a tag, an attribute, a link, emphasis, a code span, a GIFT answer); and each payload must also be
found as written, decoded, in some output, so the test cannot pass because data disappeared.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import typing
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from pydantic import BaseModel

from build_tools.content import model as m
from build_tools.content.lint import text_fields
from build_tools.content.loader import Loaded, load_bytes, load_file

from .conftest import run_cli
from .test_export_questions import parse_gift, parse_moodle_xml

KINDS: dict[str, type[BaseModel]] = {
    "modules/*.yml": m.Module,
    "curriculum/*.yml": m.Course,
    "curriculum/contexts/audiences.yml": m.AudiencesFile,
    "curriculum/contexts/sectors.yml": m.SectorsFile,
    "curriculum/contexts/regions.yml": m.RegionsFile,
    "curriculum/contexts/instruments.yml": m.InstrumentsFile,
    "curriculum/contexts/glossary.yml": m.GlossaryFile,
    "curriculum/contexts/countries/*.yml": m.Country,
}
"""Every content file kind and its model class (a test below checks that no model class is left out)."""

COURSE, AUDIENCE, SECTOR, COUNTRY = "sample", "labour-inspectors", "agriculture", "BD"
LANGUAGES = ("en", "fr", "ar")
"""The source language, and two translations (Arabic for a right-to-left pack)."""
EVIL = "https://evil.example"
URL_PREFIX = "https://normlex.example/"
"""A URL field keeps its pattern (``^https://``) with the payload after this prefix."""


def payload(mark: str, *, braces: bool = True) -> str:
    """One line of hostile text, every part of it naming the field by its marker."""
    jinja = " {{ 7*7 }} {eval-rst} { }" if braces else ""
    return (f"{mark} <img src=x onerror=alert('{mark}')> \"><script>alert('{mark}')</script> **bold {mark}** "
            f"[x {mark}]({EVIL}/{mark}) `tick {mark}` ]]> &amp; & = ~ # :: ../../etc/hostname{jinja} {mark}")


def myst_payload(mark: str) -> str:
    """The payload for trainer text in the build: the same characters, escaped as MyST lets a trainer write
    them, so that ``check`` passes."""
    return (f"{mark} \\<img src=x onerror=alert('{mark}')\\> \\\"\\>\\<script\\>alert('{mark}')\\</script\\> "
            f"\\*\\*bold {mark}\\*\\* \\[x {mark}\\]\\({EVIL}/{mark}\\) \\`tick {mark}\\` \\]\\]\\> \\&amp; \\& "
            f"\\= \\~ \\# \\:\\: ../../etc/hostname {mark}")


HOSTILE_MYST = ("<img src=x onerror=alert(1)>\n\n```{eval-rst}\n.. raw:: html\n\n   <script>alert(2)</script>\n```\n\n"
                "A [link](javascript:alert(3)).\n")
HOSTILE_MYST_CODES = {"raw-html", "forbidden-directive", "link-target"}


# --------------------------------------------------------------------------- the model's string fields

def _leaves(annotation, metadata=()):
    """(kind, detail) for what an annotation can hold: ("model", class) or ("str", pattern or None)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        yield from _leaves(base, tuple(metadata) + tuple(meta))
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield "model", annotation
    elif annotation is str:
        patterns = [getattr(meta, "pattern", None) for meta in metadata]
        yield "str", next((p for p in patterns if p), None)
    elif origin is dict:
        yield from _leaves(typing.get_args(annotation)[1])
    elif origin is not None and origin is not typing.Literal:
        for arg in typing.get_args(annotation):
            yield from _leaves(arg)


def _field_leaves(cls: type[BaseModel], name: str):
    info = cls.model_fields[name]
    return list(_leaves(info.annotation, info.metadata))


def _open(pattern: str | None) -> str | None:
    """How a payload fits a string pattern: "" as it is, a URL prefix, or None when the pattern cannot hold
    any of the payload's special characters."""
    sample = payload("qz000qz")
    if pattern is None or re.search(pattern, sample):
        return ""
    if re.search(pattern, URL_PREFIX + sample):
        return URL_PREFIX
    return None


def model_fields(cls: type[BaseModel], seen=None) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    """Every (class, field) holding free text under ``cls``, and every (class, field, pattern) whose
    pattern keeps such text out."""
    seen = set() if seen is None else seen
    open_, closed = set(), set()
    if cls in seen:
        return open_, closed
    seen.add(cls)
    for name in cls.model_fields:
        for kind, detail in _field_leaves(cls, name):
            if kind == "model":
                o, c = model_fields(detail, seen)
                open_ |= o
                closed |= c
            elif _open(detail) is None:
                closed.add((cls.__name__, name, detail))
            else:
                open_.add((cls.__name__, name))
    return open_, closed


ALL_MODEL_FIELDS = set().union(*(model_fields(cls)[0] for cls in KINDS.values()))


def _insert(cls: type[BaseModel], data, marks: dict, myst: set, path=(), only=None) -> set[tuple[str, str]]:
    """Put a payload into every free-text value of ``data`` (read as ``cls``), or a control character into
    the field ``only``; return the fields filled."""
    filled = set()
    if not isinstance(data, dict):
        return filled
    for name in cls.model_fields:
        key = cls.model_fields[name].alias or name
        if key not in data or data[key] is None:
            continue
        for kind, detail in _field_leaves(cls, name):
            value = data[key]
            mapping = typing.get_origin(cls.model_fields[name].annotation) is dict  # id → entry
            items = value.values() if mapping else value if isinstance(value, list) else [value]
            if kind == "model":
                for item in items:
                    filled |= _insert(detail, item, marks, myst, path + (key,), only)
            elif (prefix := _open(detail)) is not None and any(isinstance(v, str) for v in items):
                field = (cls.__name__, name)
                if only is not None:
                    if field == only:
                        data[key] = [f"{v}\x1b[31m" for v in value] if isinstance(value, list) else f"{value}\x1b[31m"
                        filled.add(field)
                    continue
                mark = marks.setdefault(field, f"qz{len(marks) + 1:03d}qz")
                text = myst_payload(mark) if field in myst else payload(mark)
                text = prefix + ("Describe " if field == ("Module", "objectives") else "") + text
                data[key] = [text for _ in value] if isinstance(value, list) else text
                filled.add(field)
    return filled


def myst_fields(root: Path) -> set[tuple[str, str]]:
    """The (class, field) pairs the MyST lint reads, found by walking its own list over the test modules."""
    found = set()
    for path in sorted((root / "modules").glob("*.yml")):
        module = m.Module.model_validate(load_file(path).data)
        for data_path, _text in text_fields(module):
            node, cls = module, m.Module
            for step in data_path[:-1]:
                node = getattr(node, step) if isinstance(step, str) else node[step]
                cls = type(node) if isinstance(node, BaseModel) else cls
            found.add((cls.__name__, data_path[-1]))
    return found


# --------------------------------------------------------------------------- the tree

FULL = {
    # Optional fields the minimal tree leaves out, so that every field of the model holds a value.
    "modules/intro.yml": lambda d: (
        d.update(key_points=["A key point."]),
        d["sessions"][0]["activities"][0].update(materials=["cards", "roles"]),
        d.update(materials=[
            {"id": "cards", "kind": "handout", "title": "Cards", "given_to": "participant", "body": "Cards to sort.",
             "variants": [{"when": {"edition": "facilitator"}, "title": "Key", "body": "The key."}]},
            {"id": "roles", "kind": "role-card", "title": "Roles", "given_to": "role", "body": "A scenario.",
             "roles": [{"role": "Buyer", "brief": "Buy."}, {"role": "Seller", "brief": "Sell."}]}]),
        d["sessions"][0]["activities"][0].update(rubric={"levels": ["Not yet", "Good"], "criteria": [
            {"criterion": "Tiers shown", "levels": ["No tiers", "Three tiers"]}]}),
        d["sessions"][0]["assessment"][0].update(feedback="Tier 1 sells directly."),
        d["sessions"][0]["assessment"][0]["choices"][0].update(feedback="Right."),
        d["sessions"][0].update(variants=[{"when": {"sector": "agriculture"}, "title": "On farms",
                                           "body": "Farms."}])),
    "curriculum/sample.yml": lambda d: d.update(licence="CC BY 4.0", branding={
        "centre": "A centre", "licence": "CC BY 4.0", "holder": "A holder", "contact": "info@example.org"}, outputs=[
        "html", "pdf", "scorm12", "scorm2004", "cc", "offline", "questions"],
        electives=[{"id": "inspection", "title": "Inspection", "modules": ["inspection"]}]),
    "curriculum/contexts/countries/BD.yml": lambda d: (
        d.update(epz={"text": "EPZs exist.", "source": "https://example.org/epz", "as_of": "2024"},
                 notes=[{"text": "A note.", "source": "https://example.org/note", "as_of": "2024"}],
                 facts={"inspection": {"text": "the Ministry of Labour", "cite": "ILO, CEACR",
                                       "source": "https://example.org/fact", "as_of": "2024",
                                       "note": "Read from NORMLEX."}}),
        d["ratifications"]["C081"].update(note="Read from NORMLEX."),
        d["ratifications"].update(C087={"status": "not-ratified", "source": "https://example.org/r",
                                        "as_of": "2024"})),
    "curriculum/contexts/glossary.yml": lambda d: d["terms"][0].update(source="ILO"),
}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def _dump(path: Path, data) -> None:
    path.write_text(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000),
                    encoding="utf-8")


def _files(root: Path):
    for pattern, cls in KINDS.items():
        for path in sorted(root.glob(pattern)):
            yield path, cls


def fill_every_field(root: Path) -> None:
    """Give every optional field of the tree a value (see FULL)."""
    for rel, fill in FULL.items():
        data = load_file(root / rel).data
        fill(data)
        _dump(root / rel, data)


def hostile_tree(root: Path) -> tuple[dict, set, set]:
    """Fill ``root`` (a copy of the minimal tree) so that every field holds a value, then put a payload
    into every free-text field of every file kind and every label of LANGUAGES. Returns (field → marker,
    the fields filled, the MyST fields)."""
    fill_every_field(root)
    myst = myst_fields(root)
    marks, filled = {}, set()
    for path, cls in _files(root):
        data = load_file(path).data
        filled |= _insert(cls, data, marks, myst)
        _dump(path, data)
    for language in LANGUAGES:  # the labels keep their {placeholders}: the payload goes after them
        labels = root / "templates" / "labels" / f"{language}.yml"
        data = load_file(labels).data
        for key in data:
            mark = marks.setdefault(("label", f"{language}:{key}"), f"qz{len(marks) + 1:03d}qz")
            data[key] = f"{data[key]} {payload(mark, braces=False)}"
        _dump(labels, data)
    return marks, filled, myst


def translate(root: Path, marks: dict, myst: set) -> None:
    """Every entry of every ``.po`` catalogue a payload: translations reach the same outputs through the
    same model, and must be escaped the same way."""
    from babel.messages.pofile import read_po, write_po

    from build_tools.resolve.localize import _is_myst

    for po in sorted(p for language in LANGUAGES[1:] for p in root.glob(f"**/locale/{language}/*.po")):
        language = po.parent.name
        with open(po, "rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if message.id:
                field = ("po", f"{language}:" + re.sub(r"\[[^]]*\]", "", message.context))  # no ids, no indexes
                mark = marks.setdefault(field, f"qz{len(marks) + 1:03d}qz")
                if _is_myst(message.context):
                    myst.add(field)
                message.string = myst_payload(mark) if field in myst else payload(mark)
        with open(po, "wb") as handle:
            write_po(handle, catalog, width=0)


# --------------------------------------------------------------------------- reading the outputs

class _Html(HTMLParser):
    """Start tags with their attributes, and the text inside each."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.open: list[tuple[str, list]] = []
        self.texts: list[str] = []
        self.inside: list[tuple[str, str]] = []
        self.data_blocks: list[str] = []
        """The bodies of ``<script type="application/json">`` elements: data the page's script reads."""

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attrs))
        self.json = tag == "script" and attrs.get("type") == "application/json"  # data: read as JSON, not HTML
        self.texts.extend(attrs.get(a, "") for a in ("title", "alt", "aria-label", "content"))
        self.texts.append(unquote(attrs.get("href", "")))  # a URL field is shown as a link's target
        if tag not in ("img", "br", "meta", "link", "input", "hr"):
            self.open.append((tag, []))

    def handle_endtag(self, tag):
        while self.open:
            name, parts = self.open.pop()
            self.inside.append((name, "".join(parts)))
            if name == tag:
                break

    def handle_data(self, data):
        if getattr(self, "json", False) and self.open and self.open[-1][0] == "script":
            self.data_blocks.append(data)
            return
        self.texts.append(data)
        for _, parts in self.open:
            parts.append(data)


def _strings(value) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (k, *_strings(v))]
    if isinstance(value, list):
        return [t for v in value for t in _strings(v)]
    return []


def _marks_in(text: str, marks: dict) -> set:
    return {field for field, mark in marks.items() if mark in text}


def scan_html(name: str, text: str, marks: dict, findings: list) -> str:
    parser = _Html()
    parser.feed(text)
    parser.close()
    for tag, attrs in parser.tags:
        values = " ".join(attrs.values())
        for attr, value in attrs.items():
            link = value.strip().lower()
            if attr.startswith("on") or (attr in ("href", "src", "action") and
                                        (link.startswith(("javascript:", EVIL)) or link == "x")):
                findings.append((name, _marks_in(values, marks) or "?", f"<{tag} {attr}={value!r}>"))
    for block in parser.data_blocks:  # safe only if nothing in it can end the element or be read as markup
        if "<" in block or ">" in block:
            findings.append((name, _marks_in(block, marks) or "?", f"markup characters in a JSON data block"))
        try:
            parser.texts.append(" ".join(_strings(json.loads(block))))
        except ValueError as exc:
            findings.append((name, _marks_in(block, marks) or "?", f"a JSON data block is not JSON: {exc}"))
    for tag, inner in parser.inside:
        if tag == "script" and "alert(" in inner or tag in ("strong", "b", "em", "code") and \
                re.match(r"\s*(bold|tick) qz\d{3}qz", inner):  # emphasis or a code span made by the data
            findings.append((name, _marks_in(inner, marks) or "?", f"<{tag}>{inner[:60]}"))
    return "".join(parser.texts)


def scan_xml(name: str, raw: bytes, marks: dict, findings: list) -> str:
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        findings.append((name, _marks_in(raw.decode("utf-8", "replace"), marks) or "?", f"not well-formed: {exc}"))
        return ""
    texts = []
    for node in root.iter():
        tag = node.tag.rsplit("}", 1)[-1]
        if tag in ("img", "script"):
            findings.append((name, "?", f"element <{tag}> in XML"))
        texts += [node.text or "", *node.attrib.values()]
    if b"<quiz" in raw[:200]:  # Moodle XML: every text is HTML, ours has no tags
        for question in parse_moodle_xml(raw):
            for text in (question.category, question.text, question.feedback,
                         *(t for a in question.answers for t in (a.text, a.feedback))):
                if "<" in text:
                    findings.append((name, _marks_in(text, marks) or "?", f"raw HTML in Moodle XML: {text[:60]}"))
        return html.unescape(" ".join(texts))
    return " ".join(texts)


def scan_gift(name: str, text: str, marks: dict, findings: list) -> str:
    for line in text.splitlines():
        if "<" in line:
            findings.append((name, _marks_in(line, marks) or "?", f"raw HTML in GIFT: {line[:80]}"))
    try:
        questions = parse_gift(text)
    except (AssertionError, ValueError, IndexError) as exc:
        findings.append((name, _marks_in(text, marks) or "?", f"GIFT does not parse: {exc}"))
        return ""
    out = []
    for q in questions:
        if len(q.answers) != 2:  # the test tree's questions have two choices each
            findings.append((name, _marks_in(q.text, marks) or "?", f"GIFT read {len(q.answers)} answers"))
        out += [q.category, q.text, q.feedback, *(t for a in q.answers for t in (a.text, a.feedback))]
    out += [line[2:] for line in text.splitlines() if line.startswith("//")]
    return html.unescape(" ".join(out))


def scan_js(name: str, text: str, marks: dict, findings: list) -> str:
    if name.endswith("searchindex.js"):
        try:
            data = json.loads(text[text.index("(") + 1:text.rindex(")")])
        except ValueError as exc:
            findings.append((name, _marks_in(text, marks) or "?", f"search index is not JSON: {exc}"))
            return ""
        return json.dumps(data, ensure_ascii=False)
    if _marks_in(text, marks):
        findings.append((name, _marks_in(text, marks), "data in a script file other than the search index"))
    return ""


def scan_pdf(name: str, raw: bytes, marks: dict, findings: list) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(raw))
    texts = []
    for page in reader.pages:
        texts.append(page.extract_text() or "")
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            uri = str(action.get("/URI", ""))
            if uri.lower().startswith(("javascript:", EVIL)) or action.get("/S") == "/JavaScript":
                findings.append((name, _marks_in(uri, marks) or "?", f"PDF link {uri!r}"))
    texts += [str(v) for v in (reader.metadata or {}).values()]
    return " ".join(texts)


def scan(name: str, raw: bytes, marks: dict, findings: list, texts: dict) -> None:
    """Read one output file in its syntax; record findings and its decoded text."""
    if ".." in name.split("/") or name.startswith("/") or "hostname" in name:
        findings.append((name, "?", "a path outside the pack"))
    suffix = name.rsplit(".", 1)[-1].lower()
    if suffix == "zip":
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            for member in z.namelist():
                if not member.endswith("/"):
                    scan(f"{name}!{member}", z.read(member), marks, findings, texts)
        return
    decoders = {"html": lambda: scan_html(name, raw.decode("utf-8"), marks, findings),
                "xml": lambda: scan_xml(name, raw, marks, findings),
                "js": lambda: scan_js(name, raw.decode("utf-8"), marks, findings),
                "txt": lambda: scan_gift(name, raw.decode("utf-8"), marks, findings) if ".gift" in name
                else raw.decode("utf-8"),
                "pdf": lambda: scan_pdf(name, raw, marks, findings),
                "json": lambda: raw.decode("utf-8")}
    if suffix in decoders:
        texts[name] = decoders[suffix]()
    elif suffix == "inv":  # Sphinx's inventory: four comment lines, then zlib data
        header = raw.split(b"\n", 4)[:4]
        if not (len(header) == 4 and all(line.startswith(b"# ") for line in header)):
            findings.append((name, _marks_in(raw.decode("utf-8", "replace"), marks) or "?", "inventory header broken"))
        texts[name] = html.unescape(b"\n".join(header).decode("utf-8"))
    elif suffix in ("css", "map", "png", "svg", "woff", "woff2", "ico", "jpg", "xsd", "dtd"):
        if _marks_in(raw.decode("utf-8", "replace"), marks):
            findings.append((name, _marks_in(raw.decode("utf-8", "replace"), marks), "data in a static file"))
    else:
        findings.append((name, "?", "an output file of a kind this test cannot read: teach it"))


_QUOTES = str.maketrans("", "", "'\"‘’“”«»‹›")


def _squeeze(text: str) -> str:
    """Whitespace removed (lines break anywhere in a PDF), with the hyphens that hyphenation adds where it
    breaks a word (U+2010, which no payload holds), and quotes too: Sphinx makes them typographic, in each
    language's own way (French ``"`` becomes ``«``)."""
    return re.sub(r"\u2010\s+|\s+", "", text).translate(_QUOTES)


def as_written(mark: str, myst: bool, label: bool) -> str:
    text = payload(mark, braces=not label)
    if myst:  # the build payload of trainer text: MyST drops the backslashes
        text = myst_payload(mark).replace("\\", "")
    return _squeeze(text)


# --------------------------------------------------------------------------- the tests

NOT_SHOWN = {
    ("Instrument", "summary"): "kept for maintainers and the schema's readers; no page prints it",
    ("Ratification", "note"): "how a fact was read: for maintainers, never printed",
    ("Region", "title"): "a region is used in `when:`; no page names it",
    ("Ratification", "as_of"): "read as a date (context.as_of_phrase); a text that is none is never printed",
    ("CountryFact", "as_of"): "read as a date (context.as_of_phrase); a text that is none is never printed",
    ("Fact", "note"): "how a fact was read: for maintainers, never printed",
    ("ElectiveSet", "title"): "shown by `coursepack list` only; a pack does not name its elective set",
}
"""Fields no output shows. The test checks that their markers indeed appear nowhere, so an entry that
starts being shown must be taken out of this list (and is then scanned like the others)."""


def test_every_content_file_kind_is_covered():
    """KINDS lists every file-level class of the model; Catalogue's collections are all reachable from it."""
    file_level = {cls for cls in vars(m).values() if isinstance(cls, type) and issubclass(cls, m.Strict)
                  and cls.__name__.endswith("File")} | {m.Module, m.Course, m.Country}
    assert file_level == set(KINDS.values())
    closed = set().union(*(model_fields(cls)[1] for cls in KINDS.values()))
    assert closed and ALL_MODEL_FIELDS
    for cls, name, pattern in closed:  # a field left out because its pattern refuses every special character
        for char in "<>\"'&{}[]()`*#=~:\n\\":
            assert not re.search(pattern, f"a{char}b"), (cls, name, pattern, char)


def test_hostile_trainer_text_is_refused_by_check(minimal_root, capsys):
    """Each field that takes MyST, given raw HTML, a directive and a javascript: link, is refused at its line."""
    hostile_tree(minimal_root)
    myst = myst_fields(minimal_root)
    lines = defaultdict(set)
    for path in sorted((minimal_root / "modules").glob("*.yml")):
        data = load_file(path).data
        module = m.Module.model_validate(data)
        for data_path, _ in text_fields(module):
            node = data
            for step in data_path[:-1]:
                node = node[step]
            node[data_path[-1]] = HOSTILE_MYST
        _dump(path, data)
        loaded = load_file(path)
        for data_path, _ in text_fields(m.Module.model_validate(loaded.data)):
            lines[(path.relative_to(minimal_root).as_posix(), loaded.locations.of(data_path).line)] = set()
    code, out, err = run_cli(capsys, "check", "--root", str(minimal_root), "--quiet")
    assert code == 1
    for line in err.splitlines():
        found = re.match(r"(\S+?):(\d+):\d+: error\[([a-z-]+)\]", line)
        if found:
            for (path, start), codes in lines.items():
                if found[1] == path and start <= int(found[2]) <= start + HOSTILE_MYST.count("\n") + 1:
                    codes.add(found[3])
    assert myst and lines
    for where, codes in lines.items():
        assert HOSTILE_MYST_CODES <= codes, (where, codes, err)


def test_a_control_character_is_refused_in_every_field(tmp_path):
    """An escape sequence (``"\\x1b[31m"``) in any string field of any file kind is refused when the file is
    loaded, at that value's line: nothing of it reaches a page."""
    from .conftest import ROOTS

    root = tmp_path / "repo"
    shutil.copytree(ROOTS / "minimal", root)
    fill_every_field(root)
    myst = myst_fields(root)
    refused = set()
    for field in sorted(ALL_MODEL_FIELDS):
        for path, cls in _files(root):
            data = load_file(path).data
            if not _insert(cls, data, {}, myst, only=field):
                continue
            text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
            problem = load_bytes(text.encode("utf-8"), path.name)
            assert not isinstance(problem, Loaded), (field, path.name)
            assert problem.code == "control-character", (field, problem)
            assert "\\e[31m" in text.splitlines()[problem.location.line - 1], (field, problem)
            refused.add(field)
    assert refused == ALL_MODEL_FIELDS


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """The hostile tree, offered in every language of LANGUAGES, checked, and both editions of each built
    with every output."""
    from .conftest import REPO, ROOTS

    root = tmp_path_factory.mktemp("hostile") / "repo"
    shutil.copytree(ROOTS / "minimal", root)
    shutil.copy(REPO / "conf.py", root / "conf.py")
    shutil.copytree(REPO / "templates", root / "templates")
    marks, filled, myst = hostile_tree(root)
    from build_tools.cli import main

    course = root / "curriculum" / "sample.yml"
    data = load_file(course).data
    data["languages"] = list(LANGUAGES)
    _dump(course, data)
    assert main(["i18n", "extract", *(f"--lang={lang}" for lang in LANGUAGES[1:]), "--root", str(root)]) == 0
    translate(root, marks, myst)
    assert main(["check", "--root", str(root), "--quiet"]) == 0
    for language in LANGUAGES:
        for edition in ("participant", "facilitator"):
            code = main(["build", COURSE, "--audience", AUDIENCE, "--sector", SECTOR, "--country", COUNTRY,
                         "--lang", language, "--edition", edition, "--root", str(root), "--quiet"])
            assert code == 0, (language, edition)
    findings, texts = [], {}
    for pack in sorted((root / "_build").iterdir()):
        if pack.name.startswith("."):
            continue
        for path in sorted(p for p in pack.rglob("*") if p.is_file()):
            name = path.relative_to(root / "_build").as_posix()
            if not name.endswith(".coursepack.json"):
                scan(name, path.read_bytes(), marks, findings, texts)
    return marks, filled, myst, findings, texts


def test_every_string_field_of_the_model_is_filled(hostile_build):
    marks, filled, myst, _, _ = hostile_build
    assert filled == ALL_MODEL_FIELDS, f"fields the test tree has no value for: {ALL_MODEL_FIELDS - filled}; " \
                                       "add them to FULL"
    assert myst and {f for f in myst if f[0] != "po"} <= filled


def test_no_payload_comes_out_unescaped(hostile_build):
    marks, _, _, findings, texts = hostile_build
    assert any(n.endswith(".pdf") for n in texts) and any(".gift" in n for n in texts) \
        and any("!" in n for n in texts)  # PDFs, the question bank and zip members were all read
    assert len(marks) > 100  # model fields, labels and .po entries
    report = [f"{name}: {sorted('.'.join(f) for f in fields) if fields != '?' else '?'} {what}"
              for name, fields, what in findings]
    assert not findings, "\n".join(report[:40]) + f"\n({len(findings)} findings)"


def test_every_payload_is_found_as_written(hostile_build):
    """Each field's payload comes out whole, decoded (markup not applied, nothing evaluated), somewhere."""
    marks, _, myst, _, texts = hostile_build
    squeezed = {name: _squeeze(text) for name, text in texts.items()}
    missing, shown_anyway = [], []
    for field, mark in sorted(marks.items()):
        expected = as_written(mark, field in myst, field[0] == "label")
        seen = [name for name, text in squeezed.items() if mark in text]
        if field[0] in ("label", "po") and not seen:
            continue  # a label this small tree has no use for (an admonition's, a break's…)
        if field[0] == "label" and field[1].startswith("ar:") and all(n.endswith(".pdf") for n in seen):
            # only in an Arabic manual: the text read back from a right-to-left paragraph comes out reordered
            # around the punctuation, and a page footer clips the long payload; the findings still apply
            continue
        if field in NOT_SHOWN:
            if seen:
                shown_anyway.append((field, seen[:3]))
            continue
        if not any(expected in squeezed[name] for name in seen):
            missing.append((field, mark, seen[:3]))
    assert not shown_anyway, f"shown after all, take them out of NOT_SHOWN: {shown_anyway}"
    assert not missing, "\n".join(map(str, missing))


def test_a_control_character_in_a_translation_is_refused_at_its_line(minimal_root, capsys):
    """gettext decodes ``\\a``, ``\\r``, ``\\v`` in a ``.po`` file; such a translation is refused like the YAML."""
    course = minimal_root / "curriculum" / "sample.yml"
    data = load_file(course).data
    data["languages"] = ["en", "fr"]
    _dump(course, data)
    assert run_cli(capsys, "i18n", "extract", "--lang", "fr", "--root", str(minimal_root))[0] == 0
    po = minimal_root / "modules" / "locale" / "fr" / "intro.po"
    lines = po.read_text(encoding="utf-8").splitlines()
    filled = [re.sub(r'^msgstr ""$', 'msgstr "Traduit"', line) for line in lines]
    at = next(i for i, line in enumerate(lines) if line == 'msgctxt "title"')
    filled[at + 2] = r'msgstr "Introduction \a aux chaînes\r"'
    po.write_text("\n".join(filled) + "\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "check", "--root", str(minimal_root), "--quiet")
    assert code == 1
    # reported at the msgid line, as every .po problem is
    assert re.search(rf"modules/locale/fr/intro\.po:{at + 2}:\d+: error\[control-character\]: the translation "
                     r"of title holds the character U\+0007", err), err
