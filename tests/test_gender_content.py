"""Gender is taught in the labour inspection and OSH modules of the sample pack, and the facilitator's note on
handling disclosures of harassment stays out of what participants receive.

Deliverable 2.5 of the programme of action asks for gender-sensitive training of labour inspectors. The sample
participant pack (gsc-turin, labour inspectors, garment and textile, Bangladesh, English) is built once and its
module pages are read as a participant sees them.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from build_tools.resolve.keys import PackKey

from .test_site import page_text, site_text

SAMPLE = PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "participant")
FACILITATOR = dataclasses.replace(SAMPLE, edition="facilitator")
MODULES = ["labour-inspection", "osh"]

# What each module must teach, as the participant reads it (case-insensitive).
TOPICS = {
    "the Violence and Harassment Convention (C190)": r"\bC190\b|Convention,? 2019 \(No\. 190\)",
    "sex-disaggregated data": r"sex-disaggregated",
    "maternity protection": r"maternity protection",
}
DISCLOSURE_NOTE = "Handling disclosures of harassment in the classroom"


@pytest.fixture(scope="module")
def sites(built):
    return {edition: built(key, ("html", "pdf")) / "site" for edition, key in
            (("participant", SAMPLE), ("facilitator", FACILITATOR))}


def module_text(site, module: str) -> str:
    pages = sorted((site / "modules" / module).rglob("*.html"))
    assert pages, f"the sample pack has no pages for module {module!r}"
    return "\n".join(page_text(p, main_only=True) for p in pages)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.split(" (")[0].replace(" ", "-"))
def test_module_pages_teach_the_gender_topic(sites, module, topic):
    assert re.search(TOPICS[topic], module_text(sites["participant"], module), re.I), (
        f"the participant pages of {module!r} do not mention {topic}")


def test_the_disclosure_note_is_for_facilitators_only(sites):
    participant = site_text(sites["participant"]) + "\n".join(
        p.read_text(encoding="utf-8") for p in sites["participant"].rglob("*.js"))
    assert DISCLOSURE_NOTE not in participant
    assert "do not probe for details" not in participant
    assert DISCLOSURE_NOTE in module_text(sites["facilitator"], "labour-inspection")
