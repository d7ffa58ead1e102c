"""Driving Debian's Chromium with Playwright for the tests that need a real browser.

No browser is downloaded: Playwright launches ``/usr/bin/chromium`` (installed by ``tests/run.sh``) with
the flags that keep it from reaching the network on its own. Every request a page makes is recorded,
so a test can assert that nothing left the output folder.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
NODE_MODULES = Path(__file__).resolve().parent / "node" / "node_modules"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps"]


def require_browser() -> None:
    if not Path(CHROMIUM).exists() or shutil.which("node") is None:
        pytest.fail("Chromium or Node.js is missing: run the tests through `bash tests/run.sh`, which installs them")
    if not (NODE_MODULES / "axe-core" / "axe.min.js").exists():
        pytest.fail("tests/node/node_modules is missing: run `npm ci` in tests/node (tests/run.sh does)")


@dataclass
class Session:
    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def axe(self) -> list[dict]:
        """Run axe-core on the current page; return its violations."""
        self.page.add_script_tag(path=str(NODE_MODULES / "axe-core" / "axe.min.js"))
        return self.page.evaluate("async () => (await axe.run(document)).violations")


@contextmanager
def browser_page():
    """A fresh page in headless Chromium, with its requests and console errors recorded."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            session = Session(page)
            page.on("request", lambda r: session.requests.append(r.url))
            page.on("console", lambda m: m.type == "error" and session.console_errors.append(m.text))
            page.on("pageerror", lambda e: session.console_errors.append(str(e)))
            yield session
        finally:
            browser.close()
