"""``coursepack serve``: a live preview of one pack that rebuilds on save.

The preview builds the pack's site (HTML only) into ``ROOT/_build/.serve/`` and serves that folder over
HTTP with the standard library. The URLs mirror the output folder, so the relative links of the built
pages (the language switcher's ``../../<pack-id>/site/…``) work unchanged::

    /                                   → redirect to the current pack's index.html
    /<pack-id>/site/<page>              a file of that pack's site (built on first request)
    /<pack-id>/participant-manual.pdf   a PDF of that pack (also facilitator-guide.pdf, handouts/<id>.pdf),
                                        made on the first request after a change, in .serve/.print/
    /_coursepack/events                 the push channel (server-sent events): {"version": V, "errors": E}
                                        at once and after every change; V changes after every rebuild
    /_coursepack/version                the same, once
    /_coursepack/errors                 the content errors of the last rebuild, as file:line:col lines
    /_coursepack/switch?country=HN&…    build that pack and redirect to the same page of it

File-system events on ``modules/``, ``curriculum/``, ``templates/`` and ``conf.py`` (:mod:`.watch`) start a
rebuild: reload and validate the content (what did not change is not parsed again), then build the
current pack's site, in which Sphinx reads and writes again only the pages that changed. Content errors
never stop the preview: they are listed on the error page and above every page, and the last good build
stays served.

HTML responses (never the built files) get a small fixed bar injected: selects to switch audience,
sector, country, language and edition, a link to the manual, and a script that listens on the push
channel and reloads the page when the version changes. Only files inside a pack's ``site/`` folder and
its PDFs are ever served.

This module watches and serves; what it answers to each request is :mod:`.responder`.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..resolve.keys import PackKey
from .responder import API, Preview, _internal, _text, inject  # noqa: F401 (inject is read here too)
from .watch import changes, snapshot  # noqa: F401 (snapshot is read here too)

TIDY_AFTER = 0.3
"""Seconds after a rebuild when the memory it left is collected: not while the page reloads."""

KEEP_ALIVE = 15.0
"""Seconds between two comments on an idle push channel: a closed page is noticed, proxies keep it open."""

# --------------------------------------------------------------------------------------------- serving

class _Handler(BaseHTTPRequestHandler):
    server_version = "coursepack-serve"
    preview: Preview

    def do_GET(self) -> None:
        if self.path.split("?")[0] == API + "events" and self.server.allows(self.headers.get("Host", "")):  # type: ignore[attr-defined]
            self._events()
        else:
            self._reply(body=True)

    def _events(self) -> None:
        """The push channel (server-sent events): the state at once, then each change of it, until the
        page goes or the preview stops. The page reloads when the version differs from its own."""
        preview: Preview = self.server.preview  # type: ignore[attr-defined]
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        seen = None
        try:
            self.wfile.write(b"retry: 500\n\n")  # how soon the browser reconnects after a drop
            while not preview.closing:
                state = preview.next_state(seen, KEEP_ALIVE)
                if state is None:
                    self.wfile.write(b": still here\n\n")
                else:
                    seen = state["version"]
                    self.wfile.write(f"data: {json.dumps(state)}\n\n".encode())
                self.wfile.flush()
        except OSError:  # the page went away
            pass
        self.close_connection = True

    def do_HEAD(self) -> None:
        self._reply(body=False)

    def _reply(self, body: bool) -> None:
        try:
            if not self.server.allows(self.headers.get("Host", "")):  # type: ignore[attr-defined]
                response = _text(HTTPStatus.FORBIDDEN, "refused: this preview answers to localhost only")
            else:
                response = self.server.preview.respond(self.path)  # type: ignore[attr-defined]
        except Exception as exc:
            response = _text(HTTPStatus.INTERNAL_SERVER_ERROR, _internal(exc))
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if "Cache-Control" not in response.headers:
            self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args) -> None:  # one line per rebuild, not per request
        pass


LOOPBACK = ("127.0.0.1", "::1", "localhost")


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, preview: Preview, host: str, port: int):
        self.preview = preview
        super().__init__((host, port), _Handler)

    def allows(self, host_header: str) -> bool:
        """On a loopback address, only requests naming a loopback host: a web page elsewhere cannot
        read the preview through a DNS name it points at 127.0.0.1 (DNS rebinding)."""
        if str(self.server_address[0]) not in LOOPBACK:
            return True
        name = host_header.strip().lower()
        name = name[1:].split("]")[0] if name.startswith("[") else name.rsplit(":", 1)[0] if ":" in name else name
        return name in LOOPBACK or name == "localhost"

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/"


def serve(root: Path, key: PackKey, host: str = "127.0.0.1", port: int = 8000, out: Path | None = None,
          poll: float = 0.5, log: Callable[[str], None] = print, *, stop: threading.Event | None = None,
          ready: Callable[[str], None] | None = None) -> None:
    """Build ``key``'s site, serve it at ``http://host:port/`` and rebuild it when the content changes.

    Blocks until Ctrl-C, or until ``stop`` is set. ``port=0`` picks a free port; ``ready(url)`` is called
    once the first build is done and the server answers. Content errors never end it (see the module doc);
    a port already in use raises :class:`OSError` before anything is built.
    """
    stop = stop or threading.Event()
    root = Path(root).resolve()
    preview = Preview(root, key, out, log)
    server = PreviewServer(preview, host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="coursepack-serve", daemon=True)
    try:
        thread.start()
        changed = changes(root, stop, poll)  # watching from now: an edit during the first build counts
        preview.rebuild()
        log(f"serving {key.id} at {server.url} (Ctrl-C to stop)")
        if ready is not None:
            ready(server.url)
        tidy = _tidy_memory(preview)
        for _paths in changed:
            tidy.cancel()
            preview.rebuild()
            tidy = _tidy_memory(preview)
    except KeyboardInterrupt:
        log("stopped")
    finally:
        stop.set()
        preview.close()
        server.shutdown()
        server.server_close()
        thread.join(5)


_tidied = [0]


def _tidy_memory(preview: Preview) -> threading.Timer:
    """Collect the garbage of a rebuild (Sphinx's application holds cycles) a moment after it, then freeze
    what is left: the collector then no longer walks the content and Sphinx's modules during the next
    rebuild, which cost it a tenth of a second one time in two. Every 50th time all is collected anew."""

    def run() -> None:
        with preview.build_lock:
            _tidied[0] += 1
            if _tidied[0] % 50 == 0:
                gc.unfreeze()
            gc.collect()
            gc.freeze()

    timer = threading.Timer(TIDY_AFTER, run)
    timer.daemon = True
    timer.start()
    return timer
