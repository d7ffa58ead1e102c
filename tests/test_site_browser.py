"""The built site in a real browser: it loads cleanly, stays inside its folder, searches offline, and is accessible."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from build_tools.content.repository import load_repo
from build_tools.resolve.keys import PackKey

from .browser import browser_page
from .conftest import REPO

SESSION_PAGE = "modules/global-supply-chains/anatomy-of-a-supply-chain.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from build_tools.pipeline.build import build_pack

    key = PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "participant")
    return build_pack(load_repo(REPO), key, tmp_path_factory.mktemp("out")).output / "site"


def _structure_rule(rule: str) -> bool:
    """axe's rules on landmarks and headings: what a screen-reader user moves through a page by."""
    return rule.startswith("landmark-") or "heading" in rule or rule == "region"


def _failing(violations: list[dict]) -> list[str]:
    """Serious and critical violations, and moderate ones of the landmark and heading rules."""
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in violations if v.get("impact") in ("serious", "critical")
            or (v.get("impact") == "moderate" and _structure_rule(v["id"]))]


def test_pages_load_without_errors_and_stay_in_the_output_folder(site):
    root = site.resolve().as_uri()
    with browser_page() as b:
        for page in ("index.html", SESSION_PAGE, "timetable.html", "instruments.html"):
            b.page.goto(f"{root}/{page}")
            b.page.wait_for_load_state("load")
        outside = [u for u in b.requests if not u.startswith(root + "/")]
        assert not outside, outside
        assert not b.console_errors, b.console_errors


def test_offline_search_finds_a_term_from_a_session(site):
    root = site.resolve().as_uri()
    with browser_page() as b:
        b.page.goto(f"{root}/search.html?q={quote('subcontract')}")
        # Results are added one by one; Sphinx writes "Search finished, found N pages…" when it is done.
        b.page.wait_for_function(
            "() => (document.querySelector('#search-results .search-summary') || {}).textContent"
            "?.includes('Search finished')", timeout=30000)
        results = b.page.locator("#search-results li a")
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
        assert any("global-supply-chains/anatomy-of-a-supply-chain" in h for h in hrefs), hrefs
        assert not [u for u in b.requests if not u.startswith(root + "/")]
        assert not b.console_errors, b.console_errors


AXE_PACKS = {
    "english participant": PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "participant"),
    "english facilitator": PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "facilitator"),
    "arabic participant": PackKey("foundations-blended", "labour-inspectors", "agriculture", "MA", "ar",
                                  "participant"),
}


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("pack", list(AXE_PACKS))
def test_no_serious_accessibility_violations(built, pack, scheme, width):
    """axe-core on the home, a session (with an activity box), the search and the timetable page, on a phone
    and a desktop, in light and dark mode: nothing serious, and landmarks and headings without fault (the
    sidebars named, an h1 on every page, the search page's included)."""
    site = built(AXE_PACKS[pack]) / "site"
    problems = []
    with browser_page() as b:
        b.page.set_viewport_size({"width": width, "height": 800})
        b.page.emulate_media(color_scheme=scheme)
        for page in ("index.html", SESSION_PAGE, "search.html", "timetable.html"):
            b.page.goto(f"{site.resolve().as_uri()}/{page}")
            b.page.wait_for_load_state("load")
            problems += [f"{page}: {p}" for p in _failing(b.axe())]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width, largest", [(360, 28), (768, 34), (1280, 37)])
def test_a_session_page_reads_on_a_phone(site, width, largest):
    """The title leaves room for the text on a phone, and the header's pack title is one unclipped line."""
    with browser_page() as b:
        b.page.set_viewport_size({"width": width, "height": 800})
        b.page.goto(f"{site.resolve().as_uri()}/{SESSION_PAGE}")
        b.page.wait_for_load_state("load")
        size = b.page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('article h1')).fontSize)")
        assert 24 <= size <= largest, size
        if width < 768:  # the mobile header is shown
            brand = b.page.evaluate("""() => { const e = document.querySelector('.mobile-header .brand');
                const r = e.getBoundingClientRect(), h = document.querySelector('.mobile-header').getBoundingClientRect();
                return {height: r.height, line: parseFloat(getComputedStyle(e).lineHeight) || 0,
                        top: r.top, headerTop: h.top, bottom: r.bottom, headerBottom: h.bottom}; }""")
            assert brand["top"] >= brand["headerTop"] and brand["bottom"] <= brand["headerBottom"], brand
            assert brand["height"] <= 1.5 * (brand["line"] or 24), brand
