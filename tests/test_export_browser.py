"""Packages in a real browser: SCORM under a real runtime, and the offline zip from file://.

The SCORM tests play the LMS with scorm-again (tests/node): a harness page served from 127.0.0.1 creates
``window.API`` (1.2) or ``window.API_1484_11`` (2004), records every call the SCO makes with the error code
after it, and loads a session page of the unpacked package in an iframe, as an LMS player does.
"""

from __future__ import annotations

import functools
import shutil
import threading
import zipfile
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from .browser import NODE_MODULES, browser_page
from .test_export import SAMPLE, exported

SESSION = "modules/global-supply-chains/anatomy-of-a-supply-chain.html"
TIMEOUT_MS = 20000

RUNTIMES = {
    "scorm12": {
        "script": "scorm12.min.js", "global": "API", "cls": "Scorm12API",
        "calls": ["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSFinish"],
        "error": "LMSGetLastError", "status": "cmi.core.lesson_status", "finish": "LMSFinish",
        "init": "LMSInitialize",
    },
    "scorm2004": {
        "script": "scorm2004.min.js", "global": "API_1484_11", "cls": "Scorm2004API",
        "calls": ["Initialize", "GetValue", "SetValue", "Commit", "Terminate"],
        "error": "GetLastError", "status": "cmi.completion_status", "finish": "Terminate", "init": "Initialize",
    },
}

HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LMS harness</title><link rel="icon" href="data:,">
<script src="{script}"></script>
<script>
  window.{api} = new {cls}({{autocommit: false, logLevel: 4}});
  window.calls = [];
  {calls}.forEach(function (name) {{
    var api = window.{api}, original = api[name];
    api[name] = function () {{
      var result = original.apply(api, arguments);
      calls.push([name, Array.prototype.slice.call(arguments), String(result), String(api.{error}())]);
      return result;
    }};
  }});
</script></head>
<body><iframe id="sco" title="SCO" style="width: 400px; height: 600px; border: 0"></iframe></body></html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@contextmanager
def serve(root: Path):
    """An HTTP server on 127.0.0.1 for ``root``, in a thread, always shut down."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def unpack(zip_path: Path, target: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(target)
    return target


@pytest.mark.parametrize("fmt", RUNTIMES)
def test_a_sco_initialises_completes_at_the_end_and_finishes_cleanly(repo, tmp_path_factory, tmp_path, fmt):
    rt = RUNTIMES[fmt]
    unpack(exported(repo, tmp_path_factory, SAMPLE, fmt), tmp_path / "pkg")
    shutil.copy(NODE_MODULES / "scorm-again" / "dist" / rt["script"], tmp_path / rt["script"])
    (tmp_path / "harness.html").write_text(HARNESS.format(
        script=rt["script"], api=rt["global"], cls=rt["cls"], calls=rt["calls"], error=rt["error"]), encoding="utf-8")
    api, status = f"window.{rt['global']}", rt["status"]
    with serve(tmp_path) as origin, browser_page() as b:
        b.page.set_default_timeout(TIMEOUT_MS)
        b.page.goto(f"{origin}/harness.html")
        b.page.evaluate(f"() => document.getElementById('sco').src = 'pkg/{SESSION}'")
        b.page.wait_for_function(f"() => {api}.isInitialized() && {api}.getCMIValue('{status}') === 'incomplete'")
        frame = b.page.frame_locator("#sco")
        assert frame.locator("h1").first.is_visible()

        # The page is much longer than the frame: not completed until its end is in view.
        b.page.wait_for_timeout(300)
        assert b.page.evaluate(f"() => {api}.getCMIValue('{status}')") == "incomplete"
        sco = b.page.frame(url=lambda u: u.endswith(SESSION))
        sco.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
        b.page.wait_for_function(f"() => {api}.getCMIValue('{status}') === 'completed'")
        if fmt == "scorm2004":
            assert float(b.page.evaluate(f"() => {api}.getCMIValue('cmi.progress_measure')")) == 1.0

        # Leaving the page (the LMS loads the next SCO) finishes the session.
        b.page.evaluate("() => document.getElementById('sco').src = 'about:blank'")
        b.page.wait_for_function(f"() => {api}.isTerminated()")
        assert b.page.evaluate(f"() => String({api}.{rt['error']}())") == "0"
        calls = b.page.evaluate("() => calls")
        outside = [u for u in b.requests if not u.startswith(origin + "/") and u != "about:blank"]

    names = [c[0] for c in calls]
    assert names[0] == rt["init"] and names.count(rt["init"]) == 1
    assert names[-1] == rt["finish"] and names.count(rt["finish"]) == 1
    failed = [c for c in calls if c[3] != "0" or (c[0] not in ("LMSGetValue", "GetValue") and c[2] != "true")]
    assert not failed, failed
    assert not b.console_errors, b.console_errors
    assert not outside, outside


@pytest.mark.parametrize("fmt", RUNTIMES)
def test_a_sco_works_without_an_lms(repo, tmp_path_factory, tmp_path, fmt):
    """Opened on its own (no API anywhere), the page loads and scrolls without a single error."""
    root = unpack(exported(repo, tmp_path_factory, SAMPLE, fmt), tmp_path / "pkg").resolve().as_uri()
    with browser_page() as b:
        b.page.goto(f"{root}/{SESSION}")
        b.page.wait_for_load_state("load")
        b.page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
        b.page.wait_for_timeout(200)
        assert b.page.locator("script[data-scorm]").count() == 1
        b.page.goto(f"{root}/index.html")
        b.page.wait_for_load_state("load")
        assert not b.console_errors, b.console_errors
        assert not [u for u in b.requests if not u.startswith(root + "/")]


def test_the_offline_zip_navigates_and_searches_from_file_urls(repo, tmp_path_factory, tmp_path):
    root = unpack(exported(repo, tmp_path_factory, SAMPLE, "offline"), tmp_path / "usb").resolve().as_uri()
    with browser_page() as b:
        b.page.set_default_timeout(TIMEOUT_MS)
        b.page.goto(f"{root}/index.html")
        b.page.wait_for_load_state("load")
        # Navigate: home → a module (a link in the page) → its first session (the theme's "next" link).
        b.page.locator("article a.reference.internal[href^='modules/']").first.click()
        b.page.wait_for_url(f"{root}/modules/**/index.html")
        b.page.locator("a.next-page").click()
        b.page.wait_for_load_state("load")
        assert b.page.url.startswith(f"{root}/modules/") and not b.page.url.endswith("index.html")
        assert b.page.locator("article h1").count() == 1
        # Search, offline.
        b.page.goto(f"{root}/search.html?q={quote('subcontract')}")
        b.page.wait_for_function(
            "() => (document.querySelector('#search-results .search-summary') || {}).textContent"
            "?.includes('Search finished')")
        results = b.page.locator("#search-results li a")
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
        assert any("global-supply-chains/anatomy-of-a-supply-chain" in h for h in hrefs), hrefs
        assert not [u for u in b.requests if not u.startswith(root + "/")], b.requests
        assert not b.console_errors, b.console_errors
