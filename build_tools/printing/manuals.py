"""Print: a resolved pack → PDF manuals laid out by WeasyPrint.

- ``participant-manual.pdf``: cover, imprint, contents with real page numbers, the pack's home and
  timetable, every module, its sessions and its materials, the instruments and the glossary;
- ``facilitator-guide.pdf``: the same with facilitator notes, answer keys, the print list, role cards and
  facilitator-only materials, and the participant-manual page of each session and material (read from
  the participant manual's own layout) in each session's preparation box;
- ``handouts/<module>.pdf``: the module's materials, the same laid-out pieces as in the participant manual.

The HTML comes from our templates (``templates/print/``) and trainer text rendered from MyST by
:mod:`build_tools.printing.mdhtml`. WeasyPrint may fetch only ``data:`` URLs and files inside the folder the
manual is laid out in: anything else stops the build (:class:`RootedFetcher`). Output is tagged PDF/UA-1
with fonts embedded, and byte-identical for identical input. Manuals are laid out in pieces that are
reused across builds and packs (:mod:`build_tools.printing.pieces`).
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..atomic import replacing
from ..content.repository import Repo
from ..content.validate import refuse_links_outside
from ..errors import EXIT_UNAVAILABLE, EnvironmentFailure, Location, Problem, ProblemsFound
from ..i18n.labels import Labels, LocaleFormat, load_labels
from ..pipeline.digest import pack_digest, pack_inputs
from ..render.bidi import language_to_mark, mark_latin_blocks
from ..render.pages import TrainerText, material_label, write_tree
from ..resolve.context import as_of_phrase, ratification_phrase
from ..resolve.localize import resolve_pack
from ..resolve.pack import Pack
from . import cache as printcache
from .materials import material_fragments, print_list
from .mdhtml import myst_to_html
from .pieces import PDF_VARIANT, Manual, lay_out_manual


@dataclass
class Fragments:
    """One session's trainer text as HTML."""

    body: Markup
    variants: list[tuple[str | None, Markup]]
    activities: list[tuple[object, Markup, str]]
    notes: Markup | None


BASE_URL = "file:///coursepack-manual/"
"""The base URL of a manual's HTML: WeasyPrint names an image after its URL, so a URL holding the build
folder's path would make the PDF depend on where it was laid out (another output folder, another pack's
folder for a shared piece in the cache)."""


def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class RootedFetcher(URLFetcher):
        """Fetch ``data:`` URLs and regular files inside ``root``; refuse everything else, fatally."""

        def __init__(self, root: Path):
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, timeout=5)
            self.root = root.resolve()

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if url.startswith(BASE_URL):  # the folder, under a name that does not depend on where it is
                url = (self.root / unquote(urlsplit(url).path).removeprefix(urlsplit(BASE_URL).path)).as_uri()
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not (path.is_relative_to(self.root) and path.is_file()):
                    raise FatalURLFetchingError(f"refused {url}: only files inside the manual's build folder "
                                                f"may be used")
            elif scheme != "data":
                raise FatalURLFetchingError(f"refused {url}: a manual may not load anything from the network")
            return super().fetch(url, headers)

    return RootedFetcher, FatalURLFetchingError


WARNING_LOGGERS = ("weasyprint", "fontTools", "pydyf")
"""The libraries that lay out and write a PDF; any warning they log fails the build (see ``docs/security.md``)."""
_NOTDEF = re.compile(r'^\.notdef glyph rendered for Unicode string unsupported by fonts: "(.+)" \(U\+([0-9A-F]+)\)$',
                     re.DOTALL)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def failing_on_warnings(folder: Path, source: Path):
    """Raise ProblemsFound, after the block, for every warning the PDF libraries logged during it: laying
    out and writing both (WeasyPrint draws the text, and finds a missing glyph, only when it writes the PDF)."""
    collector = _Collect()
    loggers = [logging.getLogger(name) for name in WARNING_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(collector)
        if logger.getEffectiveLevel() > logging.WARNING:  # a warning silenced elsewhere still fails the build
            logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.removeHandler(collector)
            logger.setLevel(level)
    if collector.messages:
        raise ProblemsFound([_warning_problem(folder, source, m) for m in dict.fromkeys(collector.messages)])


def _warning_problem(folder: Path, source: Path, message: str) -> Problem:
    missing = _NOTDEF.match(message)
    if missing is None:
        return Problem(Location(str(source)), "print", message,
                       "the print templates or an image produced something WeasyPrint rejects")
    char, code = missing.group(1), missing.group(2)
    html = source.read_text(encoding="utf-8") if source.is_file() else ""
    before = html[:max(0, html.find(char))]
    where = Location(str(source), before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
    return Problem(where, "missing-glyph", f"no installed font has the character {char!r} (U+{code}); the manual "
                   f"would show an empty box instead", f"install a font that has it: the manuals ask for "
                   f"{_families(folder)}, e.g. `apt-get install fonts-noto-core fonts-dejavu-core`; or remove the "
                   f"character from the text")


def _families(folder: Path) -> str:
    """The font families the manual's stylesheet asks for, as written in its first ``font-family``."""
    try:
        css = (folder / "piece.css").read_text(encoding="utf-8")
    except OSError:
        return "the fonts of templates/print/manual.css.j2"
    found = re.search(r"font-family:\s*([^;}]+)", css)
    return found.group(1).strip() if found else "the fonts of templates/print/manual.css.j2"


class _Document:
    """A laid-out WeasyPrint document whose ``write_pdf`` fails on warnings, as its layout did."""

    def __init__(self, document, folder: Path, source: Path):
        self._document, self._folder, self._source = document, folder, source
        self.pages = document.pages

    def write_pdf(self, target=None, **options):
        with failing_on_warnings(self._folder, self._source):
            return self._document.write_pdf(target, **options)


@functools.lru_cache(maxsize=8)
def template_env(templates: Path) -> Environment:
    """The print templates' environment, one per process (see :func:`build_tools.render.pages.template_env`)."""
    env = Environment(loader=FileSystemLoader(str(templates / "print")), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html", "html.j2"], default_for_string=False),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = _css_string
    env.filters["css_counters"] = lambda label: Markup(
        " ".join(_css_string(part) if i % 2 == 0 else f"counter({part})"
                 for i, part in enumerate(label.replace("{page}", "\0page\0").replace("{pages}", "\0pages\0")
                                          .split("\0")) if part))
    return env


def _css_string(text: str) -> Markup:
    return Markup('"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"')


@dataclass
class Source:
    """A manual's HTML, its stylesheet in each mode (see ``manual.css.j2``), its assets (relative path → bytes),
    ``footer(sheets)``, the HTML of its page-number footers for the given pages (True for a cover page),
    and ``header(text)``, the HTML of the page of a running header (see ``header.html.j2``)."""

    html: str
    css: dict[str, str]
    assets: dict[str, bytes]
    footer: Callable[[list[bool]], str]
    header: Callable[[str | None], str]


def manual_source(repo: Repo, pack: Pack, labels: Labels, digest: str,
                  participant_pages: dict | None = None) -> Source:
    """Everything the manual is laid out from; ``participant_pages``: page by session key and material anchor."""
    text = TrainerText(repo, pack, labels, module_link=lambda mid: f"#m-{mid}")
    titles = {name.removeprefix("admonition_"): value for name, value in labels.items()
              if name.startswith("admonition_")}
    admonitions = tuple(sorted(titles.items()))

    def html(myst: str) -> Markup:
        return _fragment(str(myst), pack.language, admonitions)

    fragments = {}
    for rs in pack.sessions():
        st = text.session(rs, pack.facilitator)
        fragments[rs.key] = Fragments(html(st.body), [(v.title, html(t)) for v, t in st.variants],
                                      [(a, html(t), span) for a, t, span in st.activities],
                                      html(st.notes) if st.notes else None)
    materials = material_fragments(text, pack, html)
    if text.problems:
        raise ProblemsFound(text.problems)
    from .. import __version__
    doc_kind = labels["facilitator_guide"] if pack.facilitator else labels["participant_manual"]
    edition_label = labels["edition_facilitator"] if pack.facilitator else labels["edition_participant"]
    fmt = LocaleFormat(pack.language)
    context = {
        "pack": pack, "L": labels, "F": fmt, "digest": digest, "version": __version__, "facilitator": pack.facilitator,
        "edition": pack.edition, "doc_kind": doc_kind, "edition_label": edition_label,
        "doc_title": f"{pack.course.title}: {doc_kind} ({pack.country.name})",
        "subject": labels["pack_for"].format(audience=pack.audience.title, sector=pack.sector.title,
                                             country=pack.country.name),
        "keywords": ", ".join([pack.audience.title, pack.sector.title, pack.country.name]
                              + [i.code for i in pack.instruments]),
        "language_name": fmt.language_name(pack.language),
        "direction": "rtl" if fmt.rtl else "ltr",
        "dates": _dates(pack, fmt), "paper": pack.course.paper,
        "status": lambda code: ratification_phrase(pack.country.ratifications.get(code), labels),
        "as_of": lambda raw: as_of_phrase(raw, labels),
        "fact": pack.country.ratifications.get, "fragments": fragments,
        "sessions": {rs.key: rs for rs in pack.sessions()}, "modules": {r.module.id: r.module for r in pack.modules},
        "participant_pages": participant_pages, "materials": materials, "print_list": print_list(pack),
        "label": lambda x: material_label(x, labels)}
    env = template_env(repo.root / "templates")
    css = {mode: env.get_template("manual.css.j2").render(context, mode=mode)
           for mode in ("whole", "piece", "header", "footer")}
    footer, header = env.get_template("footer.html.j2"), env.get_template("header.html.j2")
    html = env.get_template("manual.html.j2").render(context)
    marked = language_to_mark(pack)
    if marked:
        html = mark_latin_blocks(html, marked)
    refuse_links_outside(repo.root, text.assets)  # as `check` does: nothing from outside is copied
    return Source(html, css, text.assets,
                  lambda sheets: footer.render(language=pack.language, direction=context["direction"],
                                               title=doc_kind, sheets=sheets),
                  lambda running: header.render(language=pack.language, direction=context["direction"],
                                                running=running))


@functools.lru_cache(maxsize=8192)
def _fragment(myst: str, language: str, admonitions: tuple[tuple[str, str], ...]) -> Markup:
    """Trainer MyST as print HTML, once per process for the same text and admonition titles: the two
    manuals of a pack, and packs that differ only by country, share most of their texts."""
    return myst_to_html(myst, language=language, titles=dict(admonitions),
                        asset_url=lambda path: path.removeprefix("/"))


def _dates(pack: Pack, fmt: LocaleFormat) -> str | None:
    """First and last day of the course, when the schedule has a start date (teaching days, weekends aside)."""
    from datetime import date, timedelta

    start = pack.course.schedule.start_date
    if not start or len(start) != 10:
        return None
    day, left = date.fromisoformat(start), pack.course.schedule.days - 1
    while left:
        day += timedelta(days=1)
        left -= day.weekday() < 5
    return f"{fmt.date(start)} – {fmt.date(day.isoformat())}"


def lay_out(folder: Path, source: Path, stylesheet: str | None = None, parsed: dict | None = None):
    """Lay out the HTML file ``source`` of ``folder``; raise ProblemsFound on any refusal or warning, and
    so does the ``write_pdf`` of the document it returns.

    ``stylesheet`` names a CSS file of ``folder`` applied as the document's own, parsed once per ``parsed``
    dict (the pieces of a manual share one stylesheet; parsing it for each would cost more than a small piece)."""
    from weasyprint import CSS, HTML

    fetcher_class, fatal = _fetcher_class()
    fetcher = fetcher_class(folder)
    try:
        with failing_on_warnings(folder, source):
            sheets = None
            if stylesheet:
                parsed = {} if parsed is None else parsed
                if stylesheet not in parsed:
                    parsed[stylesheet] = CSS(filename=str(folder / stylesheet), base_url=BASE_URL,
                                             url_fetcher=fetcher)
                sheets = [parsed[stylesheet]]
            document = HTML(filename=str(source), base_url=BASE_URL, url_fetcher=fetcher).render(
                stylesheets=sheets, font_config=_font_config(), pdf_variant=PDF_VARIANT)
    except fatal as exc:
        raise ProblemsFound([Problem(Location("(manual)"), "print-fetch", str(exc),
                                     "images must come from modules/assets/; nothing may be loaded from "
                                     "elsewhere on the disk or from the network")]) from None
    return _Document(document, folder, source)


@functools.cache
def _font_config():
    """One font configuration for every layout in the process: a fresh one per document would load the
    fonts again for each piece of a manual. The print templates declare no @font-face, so there is no
    per-document state in it."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def lay_out_source(folder: Path, source: Source, cache: Path) -> Manual:
    """Write the manual's files into ``folder`` (the whole-document ``manual.html`` too, for anyone who wants
    to lay it out in one go) and lay it out in pieces, reusing those in ``cache``."""
    write_tree(folder, {"manual.html": source.html, "manual.css": source.css["whole"], "piece.css": source.css["piece"],
                        "header.css": source.css["header"], "footer.css": source.css["footer"], **source.assets})
    parsed: dict = {}
    return lay_out_manual(folder, source.html, source.footer, source.header, cache,
                          lambda path, stylesheet: lay_out(folder, path, stylesheet, parsed))


def print_pack(repo: Repo, pack: Pack, out: Path, work: Path, cache: Path) -> dict[str, Path]:
    """Lay out the pack's manuals and write the PDFs into ``out``; return output name → path.

    A facilitator pack holds the participant manual too (it is what the guide's page numbers point at).
    The participant manual and the pages where each session starts are kept in ``cache`` under the
    participant pack's digest, so the two editions lay it out once between them, and so are the
    handouts, made when a participant pack first needs them; laid-out pieces are kept in
    ``cache/pieces`` (see :mod:`build_tools.printing.pieces`)."""
    try:
        return _print_pack(repo, pack, out, work, cache)
    except BaseException as exc:
        # A failed build leaves no copy of the manuals' HTML and images behind (a successful one leaves
        # them for whoever wants to lay out manual.html in one go; each build writes them afresh).
        shutil.rmtree(work, ignore_errors=True)
        missing = [p for p in exc.problems if p.code == "missing-glyph"] if isinstance(exc, ProblemsFound) else []
        if missing:
            raise _missing_font(repo, pack, missing) from None
        raise


def _missing_font(repo: Repo, pack: Pack, missing: list[Problem]) -> EnvironmentFailure:
    """A character no installed font has, located where the content writes it (else in the manual's HTML)."""
    chars = [chr(int(p.message.split("(U+")[1].split(")")[0], 16)) for p in missing]
    where = str(missing[0].location)
    for path in pack_inputs(repo, pack):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        at = text.find(chars[0])
        if at >= 0:
            line = text.count("\n", 0, at) + 1
            where = f"{path.relative_to(repo.root).as_posix()}:{line}:{at - text.rfind(chr(10), 0, at)}"
            break
    listed = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in chars)
    return EnvironmentFailure("missing font", where, f"no installed font has the character(s) {listed}",
                              missing[0].hint, EXIT_UNAVAILABLE)


def _print_pack(repo: Repo, pack: Pack, out: Path, work: Path, cache: Path) -> dict[str, Path]:
    printcache.sweep(cache)
    labels = load_labels(repo.root / "templates", pack.language)
    participant = pack if not pack.facilitator else resolve_pack(repo, replace(pack.key, edition="participant"))
    participant_digest = pack_digest(repo, participant)

    def lay_out_participant() -> Manual:
        return lay_out_source(work / "participant", manual_source(repo, participant, labels, participant_digest),
                              cache)

    manual = None
    entry = printcache.lookup(cache, participant_digest)
    if entry is None:
        manual = lay_out_participant()
        with printcache.store(cache, participant_digest, manual.anchors) as folder:
            manual.write(folder / "participant-manual.pdf")
        entry = printcache.lookup(cache, participant_digest)
    files = {"participant-manual": out / "participant-manual.pdf"}
    printcache.copy(entry.folder / "participant-manual.pdf", files["participant-manual"])
    if not pack.facilitator:
        for rmod in participant.modules:  # the module's materials, with the manual's page numbers
            mid, pieces = rmod.module.id, [x.anchor for x in rmod.materials if x.number]
            if not pieces:
                continue
            handout = entry.folder / "handouts" / f"{mid}.pdf"
            if not handout.exists():
                manual = manual or lay_out_participant()  # every piece is in the cache by now: joining only
                with replacing(handout) as tmp:
                    manual.write(tmp, pieces)
            files[f"handout-{mid}"] = out / "handouts" / f"{mid}.pdf"
            printcache.copy(handout, files[f"handout-{mid}"])
        return files
    digest = pack_digest(repo, pack)
    pages = {rs.key: entry.pages[f"s-{rs.module_id}--{rs.session.id}"] for rs in participant.sessions()}
    pages.update({x.anchor: entry.pages[x.anchor] for x in participant.materials() if x.number})
    guide = lay_out_source(work / "facilitator", manual_source(repo, pack, labels, digest, participant_pages=pages),
                           cache)
    files["facilitator-guide"] = out / "facilitator-guide.pdf"
    guide.write(files["facilitator-guide"])
    return files
