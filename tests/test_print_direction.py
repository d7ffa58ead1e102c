"""The print stylesheet mirrors in right-to-left manuals: it places boxes, bars and text by logical sides
(inline-start/end), never by physical ones, which stay on the left or the right whatever the direction."""

from __future__ import annotations

import re
from collections import defaultdict

import pdfplumber
import pytest

from build_tools.resolve.keys import PackKey

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


@pytest.mark.parametrize("key, rtl", [
    (PackKey("foundations-blended", "labour-inspectors", "agriculture", "MA", "ar", "participant"), True),
    (PackKey("foundations-blended", "labour-inspectors", "agriculture", "MA", "en", "participant"), False),
])
def test_the_cover_facts_run_in_the_manual_s_direction(built, key, rtl):
    """Each row of the cover's label/value table: the label (bold) at the start side, right in Arabic."""
    with pdfplumber.open(built(key, ("html", "pdf")) / "participant-manual.pdf") as pdf:
        rows = defaultdict(lambda: {"label": [], "value": []})
        for char in pdf.pages[0].chars:
            if char["text"].strip() and char["size"] > 10 and char["size"] < 12:  # the facts' 11pt
                kind = "label" if "Bold" in char["fontname"] else "value"
                rows[round(char["top"])][kind].append(char)
    pairs = [row for row in rows.values() if row["label"] and row["value"]]
    assert len(pairs) >= 5  # audience, sector, country, language, edition
    for row in pairs:
        label_x0, label_x1 = min(c["x0"] for c in row["label"]), max(c["x1"] for c in row["label"])
        value_x0, value_x1 = min(c["x0"] for c in row["value"]), max(c["x1"] for c in row["value"])
        assert (label_x0 > value_x1) if rtl else (label_x1 < value_x0), row
