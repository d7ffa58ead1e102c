"""``coursepack serve``: a live preview of one pack that rebuilds on save.

The preview builds the pack's site (HTML only) into ``ROOT/_build/.serve/`` and serves that folder over
HTTP with the standard library. The URLs mirror the output folder, so the relative links of the built
pages (the language switcher's ``../../<pack-id>/site/…``) work unchanged::

    /                                   → redirect to the current pack's index.html
    /<pack-id>/site/<page>              a file of that pack's site (built on first request)
    /_coursepack/version                {"version": N, "errors": E}: N changes after every rebuild
    /_coursepack/errors                 the content errors of the last rebuild, as file:line:col lines
    /_coursepack/switch?country=HN&…    build that pack and redirect to the same page of it

A watcher polls the modification times of ``modules/``, ``curriculum/``, ``templates/`` and ``conf.py``;
on a change it reloads and validates the content and rebuilds the current pack. Content errors never stop
the preview: they are listed on the error page and above every page, and the last good build stays served.

HTML responses (never the built files) get a small fixed bar injected: selects to switch audience,
sector, country, language and edition, and a script that reloads the page when the version changes.
Only files inside a pack's ``site/`` folder are ever served.
"""

from __future__ import annotations

import json
import mimetypes
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..content.repository import Repo, load_repo
from ..content.validate import validate
from ..errors import ProblemsFound
from ..pipeline.build import build_pack
from ..pipeline.layout import Layout
from ..render.toolpages import tool_page
from ..resolve.keys import DIMENSIONS, PackKey, dimension_choices, expand

WATCHED = ("modules", "curriculum", "templates")
"""Folders of the content repository whose files trigger a rebuild (with ``conf.py``)."""
API = "/_coursepack/"
DIMENSION_LABELS = {"audience": "Audience", "sector": "Sector", "country": "Country", "language": "Language",
                    "edition": "Edition"}


# --------------------------------------------------------------------------------------------- watching

def _ignored(name: str) -> bool:
    """Editor droppings and caches: swap files, backups, lock files, hidden files."""
    return name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "__pycache__"


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every watched file under ``root``, by relative path; added or removed files show too."""
    found: dict[str, tuple[int, int]] = {}
    candidates = [root / "conf.py"]
    for name in WATCHED:
        for folder, dirs, files in os.walk(root / name):
            dirs[:] = [d for d in dirs if not _ignored(d)]
            candidates += [Path(folder) / f for f in files if not _ignored(f)]
    for path in candidates:
        try:
            st = path.stat()
        except OSError:
            continue
        found[path.relative_to(root).as_posix()] = (st.st_mtime_ns, st.st_size)
    return found


# --------------------------------------------------------------------------------------------- responses

@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _redirect(location: str, status: int = HTTPStatus.FOUND) -> Response:
    return Response(status, b"", headers={"Location": location})


def _text(status: int, message: str) -> Response:
    return Response(status, (message + "\n").encode("utf-8"))


def _safe_segments(path: str) -> list[str] | None:
    """The decoded segments of a URL path, or None if any could climb out of a folder or is not a plain name."""
    segments = [unquote(s) for s in path.split("/")]
    for s in segments:
        if s in (".", "..") or "/" in s or "\\" in s or "\x00" in s or ":" in s:
            return None
    return segments


def page_url(key: PackKey, page: str = "index.html") -> str:
    """The preview URL of one page of a pack."""
    return quote(f"/{key.id}/site/{page}", safe="/")


# --------------------------------------------------------------------------------------------- the preview

class Preview:
    """The state of one preview: the content, the current pack, what was built, the errors, the version.

    Loading and building are serialised by one lock (Sphinx runs in-process); the small state that request
    threads read (errors, version) has its own lock so that an error page never waits for a build.
    """

    def __init__(self, root: Path, key: PackKey, out: Path | None = None, log: Callable[[str], None] = print):
        self.root = Path(root).resolve()
        self.out = Path(out).resolve() if out else Layout(self.root / "_build").serve
        self.key = key
        self.log = log
        self.build_lock = threading.RLock()
        self.state_lock = threading.Lock()
        self.version = 0
        self.errors: dict[str, list[str]] = {}
        """Problems by origin: ``""`` for the content (load and validate), a pack id for its build."""
        self.repo: Repo | None = None
        """The last content loaded without errors."""
        self.generation = 0
        self.built: dict[PackKey, int] = {}
        """Pack → the content generation its site was last built from."""
        self.choices: dict[str, list[str]] = {d: [getattr(key, d)] for d in DIMENSIONS}
        self.option_names: dict[str, dict[str, str]] = {}
        self.known: set[PackKey] = {key}
        self.course_title = key.course

    # ---- state

    def _set_errors(self, origin: str, lines: list[str] | None) -> None:
        with self.state_lock:
            before = self.errors.get(origin)
            if lines:
                self.errors[origin] = lines
            else:
                self.errors.pop(origin, None)
            if before != (lines or None):
                self.version += 1

    def _bump(self) -> None:
        with self.state_lock:
            self.version += 1

    def error_lines(self, key: PackKey | None = None) -> list[str]:
        """The content errors and, with ``key``, that pack's build errors (all packs' without)."""
        with self.state_lock:
            if key is None:
                return [line for lines in self.errors.values() for line in lines]
            return self.errors.get("", []) + self.errors.get(key.id, [])

    def site(self, key: PackKey) -> Path:
        return self.out / key.id / "site"

    # ---- loading and building

    def _load(self) -> bool:
        """Reload and validate the content; keep it if it has no errors."""
        try:
            repo = load_repo(self.root)
            problems = validate(repo)
            lines = [p.format() for p in problems.sorted() if p.severity == "error"]
        except Exception as exc:  # a bug in coursepack, not in the content: show it, keep serving
            lines = [_internal(exc)]
        if lines:
            self._set_errors("", lines)
            return False
        course = repo.catalogue.courses.get(self.key.course)
        if course is None:
            known = ", ".join(sorted(repo.catalogue.courses))
            gone = (f"curriculum/{self.key.course}.yml: error[unknown-course]: the course {self.key.course!r} "
                    f"of this preview is gone; known courses: {known}")
            self._set_errors("", [gone])
            return False
        self.repo = repo
        self.generation += 1
        self.choices = dimension_choices(course)
        self.known = set(expand(course))
        self.course_title = course.title
        self.option_names = _option_names(repo, self.choices)
        self._set_errors("", None)
        return True

    def _build(self, key: PackKey) -> tuple[bool, str]:
        try:
            result = build_pack(self.repo, key, self.out, formats=("html",))
        except ProblemsFound as exc:
            self._set_errors(key.id, [p.format() for p in exc.problems])
            return False, f"{len(exc.problems)} problem(s)"
        except Exception as exc:
            self._set_errors(key.id, [_internal(exc)])
            return False, "internal error"
        self.built[key] = self.generation
        self._set_errors(key.id, None)
        if result.skipped:
            return True, "up to date"
        self._bump()
        return True, f"{result.pages} pages, {result.changed} changed"

    def rebuild(self, key: PackKey | None = None, *, reload: bool = True) -> bool:
        """Reload the content (unless ``reload`` is false) and build ``key`` (default: the current pack).
        Logs one line with the duration; returns True if the pack's site is up to date."""
        with self.build_lock:
            key = key or self.key
            started = time.perf_counter()
            if reload and not self._load():
                n = len(self.errors.get("", []))
                self.log(f"rebuild failed in {time.perf_counter() - started:.1f} s: {n} content error(s); "
                         f"still serving the last good build (see {API}errors)")
                return False
            if self.repo is None:
                return False
            ok, detail = self._build(key)
            took = time.perf_counter() - started
            if ok:
                self.log(f"rebuilt {key.id} in {took:.1f} s ({detail})")
            else:
                self.log(f"rebuild of {key.id} failed in {took:.1f} s: {detail}; still serving the last good "
                         f"build (see {API}errors)")
            return ok

    def ensure(self, key: PackKey) -> None:
        """Build ``key`` if it was not built from the current content (and the content has no errors)."""
        with self.build_lock:
            if self.repo is None or "" in self.errors:
                return
            if self.built.get(key) == self.generation and self.site(key).is_dir():
                return
            self.rebuild(key, reload=False)

    # ---- HTTP

    def respond(self, raw_path: str) -> Response:
        """The response to a GET of ``raw_path`` (path and query as the client sent them)."""
        parts = urlsplit(raw_path)
        path, query = parts.path, parse_qs(parts.query)
        if path in ("", "/"):
            return _redirect(page_url(self.key))
        if path == API + "version":
            with self.state_lock:
                data = {"version": self.version, "errors": sum(len(v) for v in self.errors.values())}
            return Response(HTTPStatus.OK, json.dumps(data).encode(), "application/json")
        if path == API + "errors":
            return Response(HTTPStatus.OK, self.error_page().encode("utf-8"), "text/html; charset=utf-8")
        if path == API + "switch":
            return self.switch(query)
        if path.startswith(API):
            return _text(HTTPStatus.NOT_FOUND, "not found")
        if path == "/favicon.ico":  # browsers ask for it on every page; the packs have none
            return Response(HTTPStatus.NO_CONTENT)
        return self.file(path)

    def switch(self, query: dict[str, list[str]]) -> Response:
        given = {}
        for dim in DIMENSIONS:
            value = (query.get(dim) or [getattr(self.key, dim)])[0]
            value = value.upper() if dim == "country" else value
            if value not in self.choices[dim]:
                return _text(HTTPStatus.BAD_REQUEST, f"this course is not offered for {dim} {value!r}; choose one "
                                                     f"of: {', '.join(self.choices[dim])}")
            given[dim] = value
        target = PackKey(self.key.course, **given)
        with self.build_lock:
            self.key = target
            self.ensure(target)
        page = (query.get("page") or ["index.html"])[0]
        segments = _safe_segments(page)
        site = self.site(target).resolve()
        if not segments or not all(segments) or not _inside(site.joinpath(*segments), site, file=True):
            page = "index.html"
        return _redirect(page_url(target, page), HTTPStatus.SEE_OTHER)

    def file(self, path: str) -> Response:
        segments = _safe_segments(path)
        if segments is None:
            return _text(HTTPStatus.FORBIDDEN, "refused: the preview serves only files inside the build folder")
        segments = segments[1:]  # the path starts with "/"
        key = PackKey.parse(segments[0])
        if key is None or key not in self.known:
            return _text(HTTPStatus.NOT_FOUND, "not found: not a pack of this course (see /)")
        if len(segments) == 1 or segments[1:] == [""]:
            return _redirect(page_url(key))
        if segments[1] != "site":
            return _text(HTTPStatus.NOT_FOUND, "not found: only the site of a pack is served")
        rest = segments[2:]
        if not rest or rest[-1] == "":
            rest = [s for s in rest if s] + ["index.html"]
        if any(s == "" for s in rest):
            return _text(HTTPStatus.NOT_FOUND, "not found")
        if rest[-1].endswith(".html"):
            self.ensure(key)
        version = self.version  # before reading the page: a rebuild after this reloads it
        site = self.site(key)
        if not site.is_dir():
            return Response(HTTPStatus.SERVICE_UNAVAILABLE, self.error_page(key).encode("utf-8"),
                            "text/html; charset=utf-8")
        real_site = site.resolve()
        target = site.joinpath(*rest)
        if not _inside(target, real_site):
            return _text(HTTPStatus.FORBIDDEN, "refused: the preview serves only files inside the build folder")
        real = target.resolve()
        if real.is_dir():
            return _redirect(quote(unquote(path).rstrip("/") + "/", safe="/"))
        try:
            data = real.read_bytes()
        except OSError:
            return _text(HTTPStatus.NOT_FOUND, "not found")
        kind = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        if real.suffix == ".html":
            page = "/".join(rest)
            data = inject(data.decode("utf-8", errors="replace"), self.overlay(key, page, version)).encode("utf-8")
        return Response(HTTPStatus.OK, data, kind)

    # ---- HTML

    def overlay(self, key: PackKey, page: str, version: int) -> str:
        """The picker bar, the error banner and the reload script, for one page of one pack."""
        fields = [{"dim": dim, "label": DIMENSION_LABELS[dim], "current": getattr(key, dim),
                   "options": [(v, self.option_names.get(dim, {}).get(v, v)) for v in self.choices[dim]]}
                  for dim in DIMENSIONS]
        return tool_page(__package__, "serve-picker.html.j2", fields=fields, errors=self.error_lines(key),
                         page=page, pack_id=key.id, api=API, version=version)

    def error_page(self, key: PackKey | None = None) -> str:
        version = self.version  # read first: errors reported after it make the page reload
        return tool_page(__package__, "serve-error.html.j2", errors=self.error_lines(key), api=API,
                         version=version, back_url=page_url(self.key), pack_id=self.key.id)


def _inside(path: Path, folder: Path, file: bool = False) -> bool:
    try:
        real = path.resolve()
    except (OSError, RuntimeError):
        return False
    return real.is_relative_to(folder) and (not file or real.is_file())


def _internal(exc: BaseException) -> str:
    return (f"internal error: {type(exc).__name__}: {exc} (a bug in coursepack, not in your content; "
            f"run with COURSEPACK_DEBUG=1 and report it)")


def _option_names(repo: Repo, choices: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    cat = repo.catalogue
    names: dict[str, dict[str, str]] = {
        "audience": {a: cat.audiences[a].title for a in choices["audience"] if a in cat.audiences},
        "sector": {s: cat.sectors[s].title for s in choices["sector"] if s in cat.sectors},
        "country": {c: cat.countries[c].name for c in choices["country"] if c in cat.countries},
        "edition": {e: e.capitalize() for e in choices["edition"]},
    }
    try:
        from ..i18n.labels import LocaleFormat

        names["language"] = {lang: LocaleFormat(lang).language_name(lang) for lang in choices["language"]}
    except Exception:  # babel does not know the code: show the code itself
        names["language"] = {}
    return names


def inject(page: str, snippet: str) -> str:
    """``page`` with ``snippet`` before its last ``</body>`` (appended if it has none)."""
    at = page.lower().rfind("</body>")
    return page + snippet if at < 0 else page[:at] + snippet + page[at:]


class _Handler(BaseHTTPRequestHandler):
    server_version = "coursepack-serve"
    preview: Preview

    def do_GET(self) -> None:
        self._reply(body=True)

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
        seen = snapshot(root)
        preview.rebuild()
        log(f"serving {key.id} at {server.url} (Ctrl-C to stop)")
        if ready is not None:
            ready(server.url)
        while not stop.wait(poll):
            now = snapshot(root)
            if now == seen:
                continue
            while not stop.wait(min(poll, 0.2)):  # let an editor finish writing before building
                settled = snapshot(root)
                if settled == now:
                    break
                now = settled
            seen = now
            preview.rebuild()
    except KeyboardInterrupt:
        log("stopped")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
