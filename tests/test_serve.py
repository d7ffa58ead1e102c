"""`coursepack serve`: the live preview builds, injects the picker, rebuilds on save, shows content errors,
switches packs and never serves a file outside the build folder."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from build_tools.resolve.keys import PackKey
from build_tools.serve.preview import inject, serve
from build_tools.serve.watch import snapshot

KEY = PackKey("sample", "labour-inspectors", "garment-textile", "BD", "en", "participant")
HN = PackKey("sample", "labour-inspectors", "garment-textile", "HN", "en", "participant")
SESSION = "modules/intro/tiers.html"


class Preview:
    def __init__(self, url: str, out: Path, root: Path, log: list[str]):
        self.url, self.out, self.root, self.log = url.rstrip("/"), out, root, log

    def get(self, path: str) -> tuple[int, str, str]:
        """(status, final URL path, body) of a GET, following redirects."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as r:
                return r.status, urlsplit(r.geturl()).path, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, urlsplit(e.geturl()).path, e.read().decode("utf-8")

    def raw(self, path: str, host: str | None = None) -> tuple[int, str]:
        """A GET with the path (and Host header) sent exactly as given."""
        address, port = urlsplit(self.url).netloc.split(":")
        conn = http.client.HTTPConnection(address, int(port), timeout=30)
        try:
            conn.putrequest("GET", path, skip_host=host is not None, skip_accept_encoding=True)
            if host is not None:
                conn.putheader("Host", host)
            conn.endheaders()
            r = conn.getresponse()
            return r.status, r.read().decode("utf-8", errors="replace")
        finally:
            conn.close()

    def version(self) -> dict:
        return json.loads(self.get("/_coursepack/version")[2])


def wait_for(predicate, timeout: float = 30, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@contextmanager
def serving(root: Path, out: Path, port: int = 0):
    """``serve`` in a thread until the block ends; yields the test client of :mod:`tests.test_serve`."""
    log: list[str] = []
    stop = threading.Event()
    ready: list[str] = []
    failed: list[BaseException] = []

    def run():
        try:
            serve(root, KEY, port=port, out=out, poll=0.1, log=log.append, stop=stop, ready=ready.append)
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: ready or failed, 60, "the preview to start")
        assert not failed, failed
        yield Preview(ready[0], out, root, log)
    finally:
        stop.set()
        thread.join(15)
    assert not thread.is_alive(), "serve() did not stop"
    assert not failed, failed


@pytest.fixture
def preview(minimal_root, tmp_path):
    with serving(minimal_root, tmp_path / "out") as running:
        assert urlsplit(running.url).hostname == "127.0.0.1"
        yield running


def test_index_has_the_picker_and_the_built_files_do_not(preview):
    status, path, body = preview.get("/")
    assert status == 200 and path == f"/{KEY.id}/site/index.html"
    assert 'id="cp-picker"' in body and 'action="/_coursepack/switch"' in body
    for dim in ("audience", "sector", "country", "language", "edition"):
        assert f'<label for="cp-{dim}">' in body and f'<select id="cp-{dim}" name="{dim}">' in body
    assert '<option value="HN"' in body and '<option value="BD" selected' in body
    assert '<option value="facilitator"' in body
    assert "/_coursepack/events" in body
    built = (preview.out / KEY.id / "site" / "index.html").read_text(encoding="utf-8")
    assert "cp-picker" not in built and "_coursepack" not in built
    # only HTML responses are touched
    status, _, css = preview.get(f"/{KEY.id}/site/_static/coursepack.css")
    assert status == 200 and "cp-picker" not in css
    assert any(line.startswith(f"rebuilt {KEY.id} in ") and " s " in line for line in preview.log), preview.log


def test_editing_a_module_rebuilds_the_page(preview):
    before = preview.version()["version"]
    assert "links a lead firm" in preview.get(f"/{KEY.id}/site/{SESSION}")[2]
    intro = preview.root / "modules" / "intro.yml"
    intro.write_text(intro.read_text(encoding="utf-8").replace("links a lead firm", "joins a buying firm"),
                     encoding="utf-8")
    wait_for(lambda: preview.version()["version"] != before, 30, "a rebuild")
    body = preview.get(f"/{KEY.id}/site/{SESSION}")[2]
    assert "joins a buying firm" in body and "links a lead firm" not in body
    assert sum(line.startswith("rebuilt ") for line in preview.log) >= 2, preview.log


def test_a_content_error_is_shown_and_the_last_good_build_stays(preview):
    intro = preview.root / "modules" / "intro.yml"
    good = intro.read_text(encoding="utf-8")
    assert "minutes: 90\n" in good
    intro.write_text(good.replace("minutes: 90\n", "minutes: ninety\n"), encoding="utf-8")
    wait_for(lambda: preview.version()["errors"], 30, "the error to be reported")
    status, _, page = preview.get("/_coursepack/errors")
    assert status == 200
    line = next(n for n, text in enumerate(good.splitlines(), 1) if "minutes: 90" in text)
    assert f"modules/intro.yml:{line}:" in page and "error[wrong-type]" in page, page
    assert "ninety" in page
    # the last good pages are still served, with the errors above them
    status, _, body = preview.get(f"/{KEY.id}/site/{SESSION}")
    assert status == 200 and "links a lead firm" in body
    assert 'role="alert"' in body and f"modules/intro.yml:{line}:" in body
    assert any(line.startswith("rebuild failed in ") for line in preview.log), preview.log
    # fixing it clears the errors
    intro.write_text(good.replace("links a lead firm", "links a fixed firm"), encoding="utf-8")
    wait_for(lambda: not preview.version()["errors"], 30, "the error to clear")
    wait_for(lambda: "links a fixed firm" in preview.get(f"/{KEY.id}/site/{SESSION}")[2], 30, "the fixed page")
    assert "No errors" in preview.get("/_coursepack/errors")[2]


def test_switching_the_country_lands_on_the_same_page_of_the_other_pack(preview):
    status, path, body = preview.get(f"/_coursepack/switch?country=HN&page={SESSION}")
    assert status == 200 and path == f"/{HN.id}/site/{SESSION}"
    assert "Honduras" in body and '<option value="HN" selected' in body
    # the bare root now goes to the pack picked last
    assert preview.get("/")[1] == f"/{HN.id}/site/index.html"
    # a page the other pack lacks falls back to its index; a value the course lacks is refused
    assert preview.get("/_coursepack/switch?country=BD&page=nowhere.html")[1] == f"/{KEY.id}/site/index.html"
    status, _, body = preview.get("/_coursepack/switch?country=FR")
    assert status == 400 and "BD, HN" in body


TRAVERSALS = [
    "/../../conf.py",
    "/%2e%2e/%2e%2e/conf.py",
    "/%2E%2E%2F%2E%2E%2Fconf.py",
    "/{id}/site/../../../../conf.py",
    "/{id}/site/%2e%2e/%2e%2e/%2e%2e/%2e%2e/conf.py",
    "/{id}/site/..%2f..%2f..%2f..%2fconf.py",
    "/{id}/site/..%5c..%5c..%5c..%5cconf.py",
    "/{id}/site/%252e%252e/%252e%252e/%252e%252e/%252e%252e/conf.py",
    "/{id}/site/%00/../conf.py",
    "/{id}/.coursepack.json",
    "/.work/{id}/src/index.md",
    "/{id}/site/escape/conf.py",
]


def test_nothing_outside_the_build_folder_is_served(preview):
    site = preview.out / KEY.id / "site"
    (site / "escape").symlink_to(preview.root, target_is_directory=True)  # a link out of the site
    conf = (preview.root / "conf.py").read_text(encoding="utf-8")
    marker = next(line for line in conf.splitlines() if len(line.strip()) > 20)
    for path in TRAVERSALS:
        status, body = preview.raw(path.format(id=KEY.id))
        assert status in (400, 403, 404), (path, status, body[:200])
        assert marker not in body and "digest" not in body, path
    assert preview.raw(f"/{KEY.id}/site/index.html")[0] == 200
    # a page elsewhere pointing its own DNS name at 127.0.0.1 gets nothing
    assert preview.raw(f"/{KEY.id}/site/index.html", host="evil.example:8000")[0] == 403
    assert preview.raw("/_coursepack/events", host="evil.example:8000")[0] == 403
    assert preview.raw(f"/{KEY.id}/site/index.html", host="localhost:1")[0] == 200


def test_snapshot_sees_watched_files_only(minimal_root):
    before = snapshot(minimal_root)
    assert "conf.py" in before and "modules/intro.yml" in before
    (minimal_root / "modules" / ".intro.yml.swp").write_text("x")
    (minimal_root / "_build").mkdir()
    (minimal_root / "_build" / "x.html").write_text("x")
    assert snapshot(minimal_root) == before
    (minimal_root / "templates" / "new.txt").write_text("x")
    assert "templates/new.txt" in snapshot(minimal_root)


def test_inject_goes_before_the_last_body_end():
    assert inject("<html><body>a</body></html>", "<b>x</b>") == "<html><body>a<b>x</b></body></html>"
    assert inject("no body", "<b>x</b>") == "no body<b>x</b>"


def test_the_picker_switches_the_page_in_a_browser(preview):
    from .browser import browser_page

    with browser_page() as b:
        b.page.goto(f"{preview.url}/{KEY.id}/site/{SESSION}")
        picker = b.page.get_by_label("Country")
        assert picker.input_value() == "BD"
        picker.focus()
        picker.select_option("HN")
        b.page.wait_for_url(f"**/{HN.id}/site/{SESSION}", timeout=30000)
        assert "Honduras" in b.page.content()
        assert b.page.get_by_label("Country").input_value() == "HN"
        serious = [v["id"] for v in b.axe() if v.get("impact") in ("serious", "critical")
                   and any("cp-" in str(n.get("target")) for n in v["nodes"])]
        assert not serious, serious
        assert not b.console_errors, b.console_errors
