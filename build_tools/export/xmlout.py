"""A tiny XML writer for manifests and question files: every text and attribute escaped, output stable.

ElementTree's namespace prefixes are process-wide (``register_namespace``), and SCORM 1.2 and 2004 both
want the prefix ``adlcp`` for different namespaces; writing qualified names ourselves keeps each document
exactly as its specification shows it, byte for byte the same on every run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot carry at all, even escaped."""


def escape(text: str, *, attribute: bool = False) -> str:
    text = _NOT_XML.sub("", str(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attribute:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return text


@dataclass
class El:
    """One element: a qualified tag, attributes in the order given, and either text or children."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[El] = field(default_factory=list)
    text: str | None = None

    def add(self, child: El) -> El:
        self.children.append(child)
        return child


def el(tag: str, attrs: dict[str, str] | None = None, *children: El, text: str | None = None) -> El:
    return El(tag, {k: v for k, v in (attrs or {}).items() if v is not None}, list(children), text)


def to_bytes(root: El) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    _write(root, 0, lines)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _write(node: El, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    attrs = "".join(f' {k}="{escape(v, attribute=True)}"' for k, v in node.attrs.items())
    if node.children:
        lines.append(f"{pad}<{node.tag}{attrs}>")
        for child in node.children:
            _write(child, depth + 1, lines)
        lines.append(f"{pad}</{node.tag}>")
    elif node.text is not None:
        lines.append(f"{pad}<{node.tag}{attrs}>{escape(node.text)}</{node.tag}>")
    else:
        lines.append(f"{pad}<{node.tag}{attrs}/>")
