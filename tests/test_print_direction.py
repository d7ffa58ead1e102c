"""The print stylesheet mirrors in right-to-left manuals: it places boxes, bars and text by logical sides
(inline-start/end), never by physical ones, which stay on the left or the right whatever the direction."""

from __future__ import annotations

import re

from .conftest import REPO

PHYSICAL = re.compile(r"\b((?:margin|padding|border)-(?:left|right)\b[\w-]*|text-align:\s*(?:left|right)\b"
                      r"|float:\s*(?:left|right)\b|clear:\s*(?:left|right)\b)")


def test_print_stylesheets_use_logical_sides_only():
    sheets = sorted((REPO / "templates" / "print").glob("*.j2"))
    assert sheets
    found = [f"{path.relative_to(REPO)}:{number}: {match.group(1)}"
             for path in sheets
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for match in PHYSICAL.finditer(line)]
    assert not found, f"physical sides, which do not mirror in right-to-left manuals: {found}"
