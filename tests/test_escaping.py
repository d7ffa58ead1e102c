"""Values from the data (titles, objectives, summaries…) reach the pages as text, never as markup or code."""

from __future__ import annotations

import re

from .conftest import run_cli

PAYLOAD = "Intro <script>alert(1)</script> {{ 7*7 }} **bold** [link](javascript:alert(2)) `code` | pipe"


def test_hostile_titles_and_objectives_are_shown_as_written(minimal_root, capsys):
    module = minimal_root / "modules" / "intro.yml"
    text = module.read_text()
    text = text.replace("title: Introduction to supply chains", f"title: '{PAYLOAD}'")
    text = text.replace("  - Describe the tiers of a supply chain.", f"  - 'Describe {PAYLOAD}'")
    module.write_text(text)
    code, out, err = run_cli(capsys, "build", "sample", "--audience", "workers-organizations", "--sector",
                             "agriculture", "--country", "BD", "--edition", "participant", "--format", "html,pdf",
                             "--root", str(minimal_root))
    assert code == 0, err
    site = minimal_root / "_build" / "sample.workers-organizations.agriculture.bd.en.participant" / "site"
    for page in ("index.html", "modules/intro/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert not re.search(r"<script>\s*alert", html)
        assert 'href="javascript:' not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "{{ 7*7 }}" in html and ">49<" not in html
        assert "**bold**" in html  # Markdown in data stays literal
    manual = minimal_root / "_build" / "sample.workers-organizations.agriculture.bd.en.participant" / \
        "participant-manual.pdf"
    import pdfplumber

    with pdfplumber.open(manual) as pdf:
        pages = " ".join((p.extract_text() or "") for p in pdf.pages)
    assert "<script>alert(1)</script> {{ 7*7 }} **bold**" in " ".join(pages.split())  # shown, as written
