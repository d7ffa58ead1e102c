"""Text in the source language inside a right-to-left pack, marked as such.

An Arabic pack shows English where a translation is missing (the course's ``fallback_languages``), and
English titles of instruments and sources everywhere. Inside ``dir="rtl"`` an English sentence is laid
out right to left: its full stop lands at its start, and a screen reader reads it with the Arabic voice.
Each block (paragraph, list item, heading, table cell) whose letters are mostly Latin therefore gets
``lang`` (the course's source language) and ``dir="ltr"``. Counting letters rather than looking at the
first one keeps an Arabic sentence that opens with "ILO" or "C081" right to left, and marks an English one
that names an Arabic country left to right. One rule for the site (``site.build.set_direction``) and the
manuals (``manuals.manual_source``), which are both our own HTML.
"""

from __future__ import annotations

import re
import unicodedata

from ..i18n.labels import LocaleFormat

_BLOCK = re.compile(r"<(p|li|h[1-6]|th|td|dt|dd|caption|figcaption)\b(?![^>]*\b(?:dir|lang)=)([^>]*)>")
_TAG = re.compile(r"<[^>]*>")


def mark_latin_blocks(html: str, language: str) -> str:
    """``html`` with every block of mostly Latin letters in its ``<body>`` marked ``lang=language dir=ltr``."""
    start = html.find("<body")
    if start < 0:
        return html
    body = html[start:]

    def mark(m: re.Match) -> str:
        end = re.compile(rf"</{m[1]}\s*>").search(body, m.end())
        text = _TAG.sub("", body[m.end():end.start() if end else m.end() + 400])
        letters = [c for c in text if c.isalpha()]
        latin = sum(unicodedata.name(c, "").startswith("LATIN") for c in letters)
        if letters and latin * 2 > len(letters):
            return f'<{m[1]} lang="{language}" dir="ltr"{m[2]}>'
        return m[0]

    return html[:start] + _BLOCK.sub(mark, body)


def language_to_mark(pack) -> str | None:
    """The language :func:`mark_latin_blocks` marks in ``pack``: the course's source language when the pack
    is right to left and its source is not; None when there is nothing to mark."""
    source = pack.course.source_language
    return source if LocaleFormat(pack.language).rtl and not LocaleFormat(source).rtl else None
