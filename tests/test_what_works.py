"""The "what works" module (issue 19, thin themes) is taught: a built pack of the course that lists it shows
its programmes and figures, each session has its page, and every figure in its text carries a year."""

from __future__ import annotations

import re

import pytest
import yaml

from build_tools.resolve.keys import PackKey

from .conftest import REPO
from .test_site import page_text, site_text

MODULE = "what-works"
COURSE = "inspection-asia"
PACK = PackKey(COURSE, "labour-inspectors", "garment-textile", "KH", "en", "participant")

# What a participant must be able to read in the pack: the programmes, and the sourced figures.
KEY_FACTS = [
    r"SCORE", r"Sustaining Competitive and Responsible Enterprises", r"Better Work", r"Better Factories Cambodia",
    r"Vision Zero Fund", r"Tufts University", r"International Finance Corporation", r"GSP\+",
    r"Rapid Response Labor Mechanism", r"453 million", r"26 per cent", r"deliverable 8\.2",
]

FIGURE = re.compile(r"\b\d[\d,.]*\s*(?:million|per cent)")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


@pytest.fixture(scope="module")
def pack_site(built):
    return built(PACK) / "site"


def test_the_course_teaches_the_module():
    course = yaml.safe_load((REPO / "curriculum" / f"{COURSE}.yml").read_text(encoding="utf-8"))
    assert MODULE in course["modules"]


@pytest.mark.parametrize("fact", KEY_FACTS)
def test_the_built_pack_shows_the_key_facts(pack_site, fact):
    assert re.search(fact, site_text(pack_site)), f"{fact!r} is not in the built pack of {PACK}"


def test_every_session_has_its_page_with_the_country(repo, pack_site):
    module = repo.catalogue.modules[MODULE]
    country = repo.catalogue.countries[PACK.country].name
    for session in module.sessions:
        page = pack_site / "modules" / MODULE / f"{session.id}.html"
        assert page.is_file(), f"no page for session {session.id}"
        assert country in page_text(page), f"{session.id}: the country passage does not name {country}"


def _paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def test_every_figure_in_the_module_carries_a_year(repo):
    """A figure (millions, per cent) is stated with the year of its source in the same paragraph or table."""
    module = repo.catalogue.modules[MODULE]
    texts = [(s.id, t) for s in module.sessions
             for t in [s.body, s.facilitator_notes, *(v.body for v in s.variants)] if t]
    undated = [f"{where}: {para[:90]!r}" for where, text in texts for para in _paragraphs(text)
               if FIGURE.search(para) and not YEAR.search(para)]
    assert texts and not undated, f"figures without a year: {undated}"



def test_the_participant_pack_holds_none_of_the_modules_facilitator_text(repo, built, pack_site):
    """Notes, answer feedback and the facilitator checks of the module stay out of the participant site, and
    the facilitator edition of the same pack shows them (so that finding nothing proves something)."""
    from dataclasses import replace

    from .leaks import facilitator_only_texts, fingerprint, leaked

    source = fingerprint((REPO / "modules" / f"{MODULE}.yml").read_text(encoding="utf-8"))
    secrets = [s for s in facilitator_only_texts(repo, PACK) if fingerprint(s) in source]
    assert len(secrets) > 20, "the module's facilitator-only sentences were not found"
    facilitator = built(replace(PACK, edition="facilitator")) / "site"
    assert len(leaked(secrets, site_text(facilitator))) > len(secrets) * 0.8
    shown = leaked(secrets, site_text(pack_site))
    assert not shown, f"facilitator text in the participant pack: {shown[:3]}"
