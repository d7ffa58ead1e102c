"""YAML → plain data with a location for every node, safely.

Trainers write YAML by hand; some of it will be wrong and some could be hostile. This loader never
constructs Python objects from tags and never expands aliases: it reads the event stream of PyYAML's
safe parser (the C one when available) and builds dicts, lists and strings itself, iteratively, so that

- a file over :data:`MAX_BYTES` is refused before it is parsed;
- a file that is not UTF-8 is an error at the line and column of the first bad byte;
- anchors, aliases and merge keys are refused at their first use (an alias bomb fails in microseconds);
- nesting deeper than :data:`MAX_DEPTH` is refused before any recursion can happen (libyaml < 0.2.6
  crashes the interpreter on 50 KB of ``[``);
- a duplicate key is an error naming both lines;
- any explicit tag (``!!python/object``, ``!!int``…) is refused;
- every scalar stays a string, except an empty value or ``null``/``~``, which is ``None``. Ids, codes,
  versions and times are never coerced (``NO``, ``1.10``, ``12:30`` stay as written); the model converts
  the fields that are numbers or booleans, so ``minutes: 90`` still works.

Every node's position is kept in a :class:`Locations` map keyed by its path in the data, so the schema
errors of :mod:`build_tools.content.validate` can point at file:line:column.
"""

from __future__ import annotations

import hashlib
import threading

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Location, Problem

MAX_BYTES = 512 * 1024
"""Largest YAML file accepted. A long module is about 40 KB."""

MAX_DEPTH = 32
"""Deepest nesting accepted. The content model needs about 10 levels."""

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # never the unsafe yaml.Loader
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
FORBIDDEN_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                                 + "".join(chr(plane | 0xFFFE) + chr(plane | 0xFFFF)
                                           for plane in range(0, 0x110000, 0x10000))
                                 + "]")
"""Characters no content value may hold: control characters other than tab and line feed, lone surrogates
and non-characters. YAML refuses them written raw in the file; this refuses them written as escapes in a
double-quoted value (``"\\0"``, ``"\\x1b"``, ``"\\uFFFE"``), before they can reach a page or a package."""
_ALLOWED_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

Path_ = tuple  # a path into the data: keys and list indexes


@dataclass
class Locations:
    """Where each value (and each mapping key) of one file starts."""

    path: str
    values: dict[Path_, tuple[int, int, str | None]] = field(default_factory=dict)
    """data path → (line, column, scalar style) of the value; 1-based."""
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    """data path → (line, column) of the key naming it."""

    def of(self, data_path: Path_, *, key: bool = False) -> Location:
        """The location of a value (or of its key), falling back to the nearest enclosing node."""
        p = tuple(data_path)
        while True:
            if key and p in self.keys:
                return Location(self.path, *self.keys[p])
            if p in self.values:
                return Location(self.path, *self.values[p][:2])
            if not p:
                return Location(self.path, 1, 1)
            p = p[:-1]

    def text_line(self, data_path: Path_, offset: int) -> Location:
        """Location of line ``offset`` (0-based) inside a text value, e.g. a MyST body."""
        line, column, style = self.values.get(tuple(data_path), (1, 1, None))
        if style in ("|", ">"):  # block scalar: the text starts on the line after the indicator
            return Location(self.path, line + 1 + offset, 1)
        return Location(self.path, line + offset, column if offset == 0 else 1)


@dataclass
class Loaded:
    """One parsed file."""

    data: Any
    locations: Locations


class _Frame:
    __slots__ = ("container", "path", "pending_key", "key_marks")

    def __init__(self, container, path):
        self.container = container
        self.path = path
        self.pending_key = _NO_KEY
        self.key_marks: dict[str, tuple[int, int]] = {}


_NO_KEY = object()


def load_file(path: Path, display: str | None = None) -> Loaded | Problem:
    """Parse one YAML file; return its data with locations, or the first problem that stops parsing."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return Problem(Location(shown), "file-too-large",
                           f"file is {size // 1024} KiB; the limit is {MAX_BYTES // 1024} KiB",
                           "split the content into smaller files (one module per file)")
        raw = path.read_bytes()
    except OSError as exc:
        return Problem(Location(shown), "unreadable", f"cannot read the file: {exc.strerror}")
    key = (shown, hashlib.sha256(raw).digest())
    with _PARSED_LOCK:
        parsed = _PARSED.get(key)
    if parsed is None:
        parsed = load_bytes(raw, shown)
        with _PARSED_LOCK:
            while len(_PARSED) >= _PARSED_KEPT:
                del _PARSED[next(iter(_PARSED))]  # the oldest
            _PARSED[key] = parsed
    return parsed


_PARSED: dict[tuple[str, bytes], Loaded | Problem] = {}
"""Files parsed in this process, by shown path and content digest: ``serve`` reloads the whole repository
after each save, and parsing every file again took most of that (nobody changes what is returned)."""
_PARSED_KEPT = 512
_PARSED_LOCK = threading.Lock()  # serve makes PDFs in one thread while it rebuilds a site in another


def load_bytes(raw: bytes, shown: str) -> Loaded | Problem:
    """Parse YAML from bytes; ``shown`` is the path used in locations."""
    if len(raw) > MAX_BYTES:
        return Problem(Location(shown), "file-too-large",
                       f"file is {len(raw) // 1024} KiB; the limit is {MAX_BYTES // 1024} KiB",
                       "split the content into smaller files (one module per file)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return Problem(Location(shown, line, column), "not-utf8",
                       f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                       "save the file with UTF-8 encoding in your editor")
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return _build(text, shown)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "nesting depth" in str(exc.problem):  # libyaml >= 0.2.6 stops runaway nesting itself
            return _too_deep(shown, mark)
        if mark is not None and _char_at(text, mark) == "\t":
            return Problem(_loc(shown, mark), "yaml-tab", "a tab is used for indentation; YAML allows only spaces",
                           "replace the tab with spaces (set your editor to insert spaces)")
        if exc.context and "quoted scalar" in exc.context and exc.context_mark is not None:
            return Problem(_loc(shown, exc.context_mark), "yaml-quote", "the quoted value starting here is not closed",
                           "add the closing quote, or remove the opening one")
        message = " ".join(s for s in (exc.context, exc.problem) if s) or "invalid YAML"
        hint = "check this line and the ones above it for a missing ':', an unclosed quote or a wrong indentation"
        quote_line = _unbalanced_quote_line(text, mark.line if mark else 0)
        if quote_line:
            hint = f"line {quote_line} opens a quote that is not closed on that line; close it or remove it"
        return Problem(_loc(shown, mark), "yaml-syntax", f"invalid YAML: {message}", hint)
    except yaml.reader.ReaderError as exc:  # a character YAML does not accept (control characters…)
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return Problem(Location(shown, line, column), "yaml-character",
                       f"the character U+{exc.character:04X} is not allowed in YAML",
                       "delete it; it is often pasted in invisibly from another program")
    except yaml.YAMLError as exc:  # unmarked errors (rare)
        return Problem(Location(shown), "yaml-syntax", f"invalid YAML: {exc}")
    except _Refused as exc:
        return exc.problem


class _Refused(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def _too_deep(shown: str, mark) -> Problem:
    return Problem(_loc(shown, mark), "too-deep", "the nesting is too deep (runaway brackets or indentation)",
                   f"content files never need more than {MAX_DEPTH} levels; check the brackets on this line")


def _unbalanced_quote_line(text: str, line: int) -> int | None:
    """The 1-based number of a line at or just above ``line`` with an odd number of double quotes."""
    lines = text.split("\n")
    for i in range(min(line, len(lines) - 1), max(-1, line - 6), -1):
        content = lines[i].split(" #", 1)[0].replace('\\"', "")
        if content.count('"') % 2 == 1:
            return i + 1
    return None


def _char_at(text: str, mark) -> str:
    lines = text.split("\n")
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _loc(shown: str, mark) -> Location:
    return Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)


def _refuse(shown: str, mark, code: str, message: str, hint: str | None = None):
    raise _Refused(Problem(_loc(shown, mark), code, message, hint))


def _refuse_unsafe(event, shown: str) -> None:
    """Refuse the YAML features no content file may use: aliases, anchors and tags beyond the plain ones."""
    if isinstance(event, yaml.AliasEvent):
        _refuse(shown, event.start_mark, "alias", f"aliases (*{event.anchor}) are not allowed",
                "write the value out in full; anchors and aliases are refused so a file cannot expand itself")
    if getattr(event, "anchor", None):
        _refuse(shown, event.start_mark, "anchor", f"anchors (&{event.anchor}) are not allowed",
                "write the value out in full; anchors and aliases are refused so a file cannot expand itself")
    tag = getattr(event, "tag", None)
    if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and tag not in _ALLOWED_TAGS:
        _refuse(shown, event.start_mark, "tag", f"the tag {tag.replace('tag:yaml.org,2002:', '!!')} is not allowed",
                "remove the tag; values are plain text, lists and mappings")


def _refuse_control_characters(event, shown: str) -> None:
    bad = FORBIDDEN_CHARACTER.search(event.value)
    if bad:
        _refuse(shown, event.start_mark, "control-character",
                f"this value holds the character U+{ord(bad[0]):04X}, which no text may contain",
                "remove the escape (such as \\0, \\x1b or \\uFFFE) from the quoted value; "
                "write a line break as \\n")


def _take_key(frame: _Frame, event, plain: bool, locations: Locations, shown: str) -> None:
    """Record the mapping key ``event`` as the key of ``frame``'s next value; refuse merge and duplicate keys."""
    key = event.value
    if plain and key == "<<":
        _refuse(shown, event.start_mark, "merge-key", "merge keys (<<) are not allowed", "write the keys out in full")
    mark = (event.start_mark.line + 1, event.start_mark.column + 1)
    if key in frame.key_marks:
        first = frame.key_marks[key][0]
        _refuse(shown, event.start_mark, "duplicate-key", f"duplicate key {key!r} (first defined on line {first})",
                "remove one of the two, or rename it; YAML would silently keep only the last")
    frame.key_marks[key] = mark
    locations.keys[frame.path + (key,)] = mark
    frame.pending_key = key


def _build(text: str, shown: str) -> Loaded:
    locations = Locations(shown)
    stack: list[_Frame] = []
    root: Any = None
    documents = 0

    def place(value, mark, style=None) -> Path_:
        """Attach a finished value (scalar or new container) to the current parent; return its path."""
        nonlocal root
        if not stack:
            root = value
            locations.values[()] = (mark.line + 1, mark.column + 1, style)
            return ()
        frame = stack[-1]
        if isinstance(frame.container, list):
            p = frame.path + (len(frame.container),)
            frame.container.append(value)
        else:
            key = frame.pending_key
            frame.pending_key = _NO_KEY
            p = frame.path + (key,)
            frame.container[key] = value
        locations.values[p] = (mark.line + 1, mark.column + 1, style)
        return p

    for event in yaml.parse(text, Loader=_Parser):
        _refuse_unsafe(event, shown)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                _refuse(shown, event.start_mark, "multiple-documents", "the file holds more than one YAML document",
                        "remove the second '---' line or move that content to its own file")
            continue

        in_mapping_key_position = bool(stack) and isinstance(stack[-1].container, dict) \
            and stack[-1].pending_key is _NO_KEY

        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if in_mapping_key_position:
                _refuse(shown, event.start_mark, "complex-key", "a mapping key must be plain text",
                        "write the key as a simple word followed by ':'")
            if len(stack) >= MAX_DEPTH:
                raise _Refused(_too_deep(shown, event.start_mark))
            container = {} if isinstance(event, yaml.MappingStartEvent) else []
            p = place(container, event.start_mark)
            stack.append(_Frame(container, p))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            plain = event.implicit[0] and not event.style  # the C parser gives '' for plain, Python None
            _refuse_control_characters(event, shown)
            if in_mapping_key_position:
                _take_key(stack[-1], event, plain, locations, shown)
            else:
                value = None if plain and _NULL.match(event.value) else event.value
                place(value, event.start_mark, event.style or None)
    return Loaded(root, locations)
