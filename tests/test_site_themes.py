"""Any Sphinx theme builds a pack: `conf.py` sends each theme only its own settings (build_tools/site/themes.py).

The minimal repository is built with Sphinx's own alabaster and with pydata-sphinx-theme by changing nothing
but ``html_theme``; the site must build with no warning, hold every page, find a word of a session with its
offline search, and still mark the facilitator edition.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from build_tools.cli import main

from .browser import browser_page
from .conftest import REPO, ROOTS

PACK = "sample.labour-inspectors.agriculture.hn.en.facilitator"
SESSION = "modules/inspection/mandate.html"
WORD = "mandate"  # in the session's title and text, on no other page's title
THEMES = ["alabaster", "pydata_sphinx_theme"]


@pytest.fixture(scope="module", params=THEMES)
def themed(request, tmp_path_factory) -> tuple[str, Path]:
    """The facilitator pack of the minimal repository, built with ``conf.py``'s theme set to the param."""
    root = tmp_path_factory.mktemp(request.param) / "repo"
    shutil.copytree(ROOTS / "minimal", root)
    shutil.copytree(REPO / "templates", root / "templates")
    conf = (REPO / "conf.py").read_text(encoding="utf-8")
    conf, count = re.subn(r'^html_theme = "furo"', f'html_theme = "{request.param}"', conf, flags=re.M)
    assert count == 1
    (root / "conf.py").write_text(conf, encoding="utf-8")
    assert main(["build", PACK, "--format", "html", "--root", str(root)]) == 0  # a warning fails the build
    return request.param, root / "_build" / PACK / "site"


def test_the_site_has_every_page_in_the_chosen_theme(themed):
    theme, site = themed
    pages = {p.relative_to(site).as_posix() for p in _pages(site)}
    assert {"index.html", "search.html", "timetable.html", "glossary.html", SESSION,
            "modules/intro/tiers.html"} <= pages, pages
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "furo" not in html.lower()  # no option or template of another theme leaked in
    stylesheets = [re.search(r'href="([^"]+)"', link)[1] for link in re.findall(r"<link[^>]+>", html)
                   if 'rel="stylesheet"' in link]
    assert any(theme.split("_")[0] in href for href in stylesheets), stylesheets
    assert any("coursepack.css" in href for href in stylesheets), stylesheets


def test_the_facilitator_edition_is_marked_on_every_page(themed):
    _, site = themed
    for page in _pages(site):
        html = page.read_text(encoding="utf-8")
        assert re.search(r"<title>[^<]*Facilitator edition[^<]*</title>", html), page
        body = html.split("<body", 1)[1]
        assert "Facilitator edition" in body, page  # the theme's banner or description, not only the title


def _pages(site: Path) -> list[Path]:
    """The site's pages (a theme may keep templates of its own in _static/)."""
    return [p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts]


def test_offline_search_finds_a_word_of_a_session(themed):
    _, site = themed
    root = site.resolve().as_uri()
    with browser_page() as b:
        b.page.goto(f"{root}/search.html?q={quote(WORD)}")
        b.page.wait_for_function("() => (document.querySelector('#search-results') || {}).textContent"
                                 "?.includes('Search finished')", timeout=30000)
        results = b.page.locator("#search-results a")
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
        assert any("inspection/mandate" in h for h in hrefs), hrefs
        assert not [u for u in b.requests if not u.startswith(root + "/")]
        assert not b.console_errors, b.console_errors
