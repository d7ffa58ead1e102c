"""Templates read labels as ``L.key``; Jinja looks an attribute up before an item, so a label whose key is also an
attribute of the label set (``language``, ``origin``, ``items``…) would print the attribute ("en" for "Language")."""

from __future__ import annotations

import re

from build_tools.i18n.labels import load_labels

from .conftest import REPO


def test_no_template_reads_a_label_an_attribute_hides():
    labels = load_labels(REPO / "templates", "en")
    hidden = {name for name in labels if hasattr(labels, name)}
    assert "language" in hidden  # the label set has such keys: the check below can fail
    found = [f"{path.relative_to(REPO)}: L.{name}"
             for path in sorted((REPO / "templates").rglob("*.j2"))
             for name in re.findall(r"\bL\.([A-Za-z_]\w*)", path.read_text(encoding="utf-8")) if name in hidden]
    assert not found, f"write these as L[\"name\"]: {found}"
