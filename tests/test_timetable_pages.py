"""The timetable a participant reads, on the site and in the printed manual, against clock times worked out by hand.

The test course's schedule is changed so that a break falls inside each of its two sessions and the second
session does not fit in what is left of day 1.
"""

from __future__ import annotations

import html
import re

from pypdf import PdfReader

from .conftest import run_cli

PACK = "sample.labour-inspectors.agriculture.bd.en.participant"

# intro/tiers (90 min) and inspection/mandate (120 min); days 09:00-12:00 with coffee 10:00-10:15 (165 minutes
# of teaching). Tiers: 60 before coffee, 30 after, ends 10:45. The mandate needs 120; 75 are left (to 12:00),
# so it starts on day 2: 60 before coffee, 60 after.
EXPECTED = [
    "Day 1",
    "09:00–10:00 Tiers (part 1) · Introduction to supply chains",
    "10:00–10:15 Coffee break",
    "10:15–10:45 Tiers (part 2) · Introduction to supply chains",
    "Day 2",
    "09:00–10:00 The mandate of inspectors (part 1) · Labour inspection",
    "10:00–10:15 Coffee break",
    "10:15–11:15 The mandate of inspectors (part 2) · Labour inspection",
]

ROW = re.compile(r"Day \d+"
                 r"|\d\d:\d\d–\d\d:\d\d .*?(?:· Introduction to supply chains|· Labour inspection|Coffee break)")
"""A day's heading, or a row: its times and what runs then, to the module's title or the break's."""


def rows(text: str) -> list[str]:
    return ROW.findall(" ".join(text.split()))


def test_the_served_and_printed_timetables_show_the_hand_computed_times(minimal_root, capsys):
    course = minimal_root / "curriculum" / "sample.yml"
    text = course.read_text()
    for old, new in (("days: 1", "days: 2"), ('day_end: "13:00"', 'day_end: "12:00"'),
                     ('at: "10:30", minutes: 15', 'at: "10:00", minutes: 15')):
        assert old in text
        text = text.replace(old, new)
    course.write_text(text)
    code, _, err = run_cli(capsys, "build", PACK, "--format", "html,pdf", "--root", str(minimal_root))
    assert code == 0, err
    out = minimal_root / "_build" / PACK

    page = (out / "site" / "timetable.html").read_text(encoding="utf-8")
    article = re.search(r"<article\b.*?</article>", page, re.S).group(0)
    served = html.unescape(re.sub(r"<[^>]+>", " ", article))
    assert rows(served) == EXPECTED

    pages = [p.extract_text() or "" for p in PdfReader(out / "participant-manual.pdf").pages]
    timetable = [t for t in pages if t.lstrip().startswith("Timetable")]
    assert len(timetable) == 1, "the manual's timetable should be one page"
    assert rows(timetable[0]) == EXPECTED
