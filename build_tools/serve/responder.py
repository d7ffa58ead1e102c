"""What the preview answers to each request: the state of the packs it has built (:class:`Preview`),
their files, the switch between packs, the bar injected into every page and the error page."""

from __future__ import annotations

import json
import mimetypes
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..content.repository import Repo, load_repo
from ..content.validate import validate
from ..errors import ProblemsFound
from ..pipeline.build import build_pack
from ..pipeline.layout import Layout
from ..render.toolpages import tool_page
from ..resolve.keys import DIMENSIONS, PackKey, dimension_choices, expand
from .manuals import Manuals

API = "/_coursepack/"
DIMENSION_LABELS = {"audience": "Audience", "sector": "Sector", "country": "Country", "language": "Language",
                    "edition": "Edition"}


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
        self.changed = threading.Condition(self.state_lock)
        """Notified whenever :meth:`state` changes, and on :meth:`close`: wakes the pages' push channels."""
        self.closing = False
        self.instance = secrets.token_hex(4)
        """Tells this preview's versions from those of an earlier run: a page served by one reloads when
        another answers its push channel on the same port."""
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
        self.manuals = Manuals(self.out / ".print")

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
                self.changed.notify_all()

    def _bump(self) -> None:
        with self.state_lock:
            self.version += 1
            self.changed.notify_all()

    def _state(self) -> dict:
        """What the pages are told (lock held): the version of the build, which changes after every rebuild
        and error change, and the number of errors."""
        return {"version": f"{self.instance}.{self.version}", "errors": sum(len(v) for v in self.errors.values())}

    def state(self) -> dict:
        with self.state_lock:
            return self._state()

    def next_state(self, seen: str | None, timeout: float) -> dict | None:
        """The state once its version differs from ``seen`` (at once if it does); None after ``timeout``
        seconds without a change, or once the preview closes."""
        with self.changed:
            self.changed.wait_for(lambda: self.closing or self._state()["version"] != seen, timeout)
            return None if self.closing or self._state()["version"] == seen else self._state()

    def close(self) -> None:
        """End every push channel: the pages reconnect, to whatever answers on the port next."""
        with self.changed:
            self.closing = True
            self.changed.notify_all()

    def error_lines(self, key: PackKey | None = None) -> list[str]:
        """The content errors and, with ``key``, that pack's build errors, its PDFs' included (all packs'
        without)."""
        with self.state_lock:
            if key is None:
                return [line for lines in self.errors.values() for line in lines]
            return self.errors.get("", []) + self.errors.get(key.id, []) + self.errors.get(f"{key.id} (PDF)", [])

    def site(self, key: PackKey) -> Path:
        return self.out / key.id / "site"

    # ---- loading and building

    def _load(self) -> bool:
        """Reload and validate the content; keep it if it has no errors."""
        try:
            repo = load_repo(self.root)
            problems = validate(repo, [self.key.course])  # as `build` does: the course previewed, its modules
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
        self.known = {replace(k, electives=self.key.electives) for k in expand(course)}  # its set
        self.course_title = course.title
        self.option_names = _option_names(repo, self.choices)
        self._set_errors("", None)
        with self.state_lock:
            stale = [origin for origin in self.errors if origin.endswith(" (PDF)")]  # of the old content
        for origin in stale:
            self._set_errors(origin, None)
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
                self.log(f"rebuilt {key.id} in {took:.2f} s ({detail})")
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
            return Response(HTTPStatus.OK, json.dumps(self.state()).encode(), "application/json")
        if path == API + "errors":
            return Response(HTTPStatus.OK, self.error_page().encode("utf-8"), "text/html; charset=utf-8")
        if path == API + "switch":
            return self.switch(query)
        if path.startswith(API):
            return _text(HTTPStatus.NOT_FOUND, "not found")
        if path == "/favicon.ico":  # browsers ask for it on every page; the packs have none
            return Response(HTTPStatus.NO_CONTENT)
        return self.file(path, versioned=bool(query.get("v")))

    def switch(self, query: dict[str, list[str]]) -> Response:
        given = {}
        for dim in DIMENSIONS:
            value = (query.get(dim) or [getattr(self.key, dim)])[0]
            value = value.upper() if dim == "country" else value
            if value not in self.choices[dim]:
                return _text(HTTPStatus.BAD_REQUEST, f"this course is not offered for {dim} {value!r}; choose one "
                                                     f"of: {', '.join(self.choices[dim])}")
            given[dim] = value
        target = PackKey(self.key.course, **given, electives=self.key.electives)
        with self.build_lock:
            self.key = target
            self.ensure(target)
        page = (query.get("page") or ["index.html"])[0]
        segments = _safe_segments(page)
        site = self.site(target).resolve()
        if not segments or not all(segments) or not _inside(site.joinpath(*segments), site, file=True):
            page = "index.html"
        return _redirect(page_url(target, page), HTTPStatus.SEE_OTHER)

    def file(self, path: str, versioned: bool = False) -> Response:
        """A file of a pack's site. A theme file asked for with its checksum (``furo.css?v=…``) may be kept
        by the browser: another content gets another checksum, so a reload after a rebuild fetches only
        the page."""
        segments = _safe_segments(path)
        if segments is None:
            return _text(HTTPStatus.FORBIDDEN, "refused: the preview serves only files inside the build folder")
        segments = segments[1:]  # the path starts with "/"
        key = PackKey.parse(segments[0])
        if key is None or key not in self.known:
            return _text(HTTPStatus.NOT_FOUND, "not found: not a pack of this course (see /)")
        if len(segments) == 1 or segments[1:] == [""]:
            return _redirect(page_url(key))
        if segments[1].endswith(".pdf") or segments[1] == "handouts":
            return self.pdf(key, segments[1:])
        if segments[1] != "site":
            return _text(HTTPStatus.NOT_FOUND, "not found: only the site and manuals of a pack are served")
        rest = segments[2:]
        if not rest or rest[-1] == "":
            rest = [s for s in rest if s] + ["index.html"]
        if any(s == "" for s in rest):
            return _text(HTTPStatus.NOT_FOUND, "not found")
        if rest[-1].endswith(".html"):
            self.ensure(key)
        version = self.state()["version"]  # before reading the page: a rebuild after this reloads it
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
        kept = {"Cache-Control": "max-age=86400, immutable"} if versioned and rest[0] == "_static" else {}
        return Response(HTTPStatus.OK, data, kind, kept)

    def pdf(self, key: PackKey, rest: list[str]) -> Response:
        """A PDF of a pack, made from the current content if it was not yet (see :mod:`.manuals`)."""
        with self.build_lock:  # the content and its generation, as one
            repo, generation = self.repo, self.generation
        made, problems = self.manuals.make(repo, generation, key)
        if problems is not None:
            self._set_errors(f"{key.id} (PDF)", problems)
        if not made:
            return Response(HTTPStatus.SERVICE_UNAVAILABLE, self.error_page(key).encode("utf-8"),
                            "text/html; charset=utf-8")
        found = self.manuals.file(key, rest)
        if found is None:
            return _text(HTTPStatus.NOT_FOUND, "not found: this pack has no such PDF")
        return Response(HTTPStatus.OK, found.read_bytes(), "application/pdf")

    # ---- HTML

    def overlay(self, key: PackKey, page: str, version: int) -> str:
        """The picker bar, the error banner and the reload script, for one page of one pack."""
        fields = [{"dim": dim, "label": DIMENSION_LABELS[dim], "current": getattr(key, dim),
                   "options": [(v, self.option_names.get(dim, {}).get(v, v)) for v in self.choices[dim]]}
                  for dim in DIMENSIONS]
        manual = "facilitator-guide" if key.edition == "facilitator" else "participant-manual"
        return tool_page(__package__, "serve-picker.html.j2", fields=fields, errors=self.error_lines(key),
                         page=page, pack_id=key.id, api=API, version=version,
                         pdf_url=quote(f"/{key.id}/{manual}.pdf"))

    def error_page(self, key: PackKey | None = None) -> str:
        version = self.state()["version"]  # read first: errors reported after it make the page reload
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
