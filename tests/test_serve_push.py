"""`coursepack serve` tells the page of each rebuild by a push (server-sent events), the page reloads when
told and listens again after the preview restarts, an error build is pushed and shown, and a PDF asked
for after an edit is made from the edited content."""

from __future__ import annotations

import http.client
import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest


from .test_serve import KEY, SESSION, serving, wait_for

INTRO = Path("modules") / "intro.yml"


class Channel:
    """The push channel, read as a browser's EventSource reads it."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.conn.request("GET", "/_coursepack/events")
        self.response = self.conn.getresponse()

    def next(self) -> dict:
        """The data of the next event (comments and the retry field skipped)."""
        data = []
        while True:
            line = self.response.readline().decode("utf-8")
            if line == "":
                raise EOFError("the preview closed the push channel")
            line = line.rstrip("\n")
            if line.startswith("data: "):
                data.append(line[len("data: "):])
            elif line == "" and data:
                return json.loads("\n".join(data))

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def preview(minimal_root, tmp_path):
    with serving(minimal_root, tmp_path / "out") as p:
        yield p


def _edit(root: Path, old: str, new: str) -> None:
    path = root / INTRO
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_channel_pushes_the_version_at_once_and_after_each_rebuild(preview):
    channel = Channel(preview.url)
    try:
        assert channel.response.status == 200
        assert channel.response.getheader("Content-Type").startswith("text/event-stream")
        first = channel.next()
        assert first == preview.version() and first["errors"] == 0
        _edit(preview.root, "links a lead firm", "joins a buying firm")
        pushed = channel.next()
        assert pushed["version"] != first["version"] and pushed["errors"] == 0
        # what the push announces is already served
        assert "joins a buying firm" in preview.get(f"/{KEY.id}/site/{SESSION}")[2]
    finally:
        channel.close()
    assert any(line.startswith("rebuilt ") for line in preview.log[1:]), preview.log


def test_an_error_build_is_pushed_and_the_page_shows_it(preview):
    channel = Channel(preview.url)
    try:
        before = channel.next()
        _edit(preview.root, "minutes: 90\n", "minutes: ninety\n")
        pushed = channel.next()
        assert pushed["errors"] >= 1 and pushed["version"] != before["version"]
    finally:
        channel.close()
    status, _, body = preview.get(f"/{KEY.id}/site/{SESSION}")
    assert status == 200 and "links a lead firm" in body  # the last good build
    assert 'role="alert"' in body and "modules/intro.yml:" in body and "error[wrong-type]" in body
    assert "ninety" in preview.get("/_coursepack/errors")[2]


def test_the_page_reloads_when_told_and_listens_again_after_a_restart(minimal_root, tmp_path):
    from .browser import browser_page

    out = tmp_path / "out"
    with browser_page() as b:
        with serving(minimal_root, out) as first:
            port = urlsplit(first.url).port
            b.page.goto(f"{first.url}/{KEY.id}/site/{SESSION}")
            assert "links a lead firm" in b.page.inner_text("body")
            with b.page.expect_navigation(timeout=60000):  # told of the rebuild, the page reloads
                _edit(minimal_root, "links a lead firm", "joins a buying firm")
            b.page.wait_for_load_state("domcontentloaded")
            assert "joins a buying firm" in b.page.inner_text("body")
        # the preview stops and comes back on the same port: the page finds it again by itself, and
        # reloads, since another run's version cannot be its own
        b.page.evaluate("window.cpBeforeRestart = true")
        with serving(minimal_root, out, port) as second:
            wait_for(lambda: _evaluate(b.page, "window.cpBeforeRestart === undefined"), 60, "the page to reload")
            b.page.wait_for_load_state("domcontentloaded")
            with b.page.expect_navigation(timeout=60000):  # and it listens to the new run
                _edit(minimal_root, "joins a buying firm", "binds a buying firm")
            b.page.wait_for_load_state("domcontentloaded")
            assert "binds a buying firm" in b.page.inner_text("body")
            assert second.log
        assert not b.console_errors, b.console_errors


def _evaluate(page, expression: str):
    """``expression`` in the page, or None while the page is between two documents."""
    try:
        return page.evaluate(expression)
    except Exception:
        return None


def test_a_pdf_asked_for_after_an_edit_is_made_from_the_edit(preview):
    from pypdf import PdfReader

    def manual_text() -> str:
        status, body = _get_bytes(preview, f"/{KEY.id}/participant-manual.pdf")
        assert status == 200 and body.startswith(b"%PDF-"), (status, body[:200])
        return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages).split())

    assert "quokka" not in manual_text()
    before = preview.version()["version"]
    _edit(preview.root, "links a lead firm", "links a quokka firm")
    wait_for(lambda: preview.version()["version"] != before, 60, "the rebuild")
    assert "quokka" in manual_text()
    # the site is not held back by the PDFs: they are made in a folder of their own
    assert not (preview.out / KEY.id / "participant-manual.pdf").exists()
    for path in (f"/{KEY.id}/handouts/../../../conf.py", f"/{KEY.id}/site.pdf", f"/{KEY.id}/handouts/x.txt"):
        assert _get_bytes(preview, path)[0] in (403, 404), path


def _get_bytes(preview: Preview, path: str) -> tuple[int, bytes]:
    parts = urlsplit(preview.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
