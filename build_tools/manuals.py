"""Print: a resolved pack → PDF manuals laid out by WeasyPrint.

- ``participant-manual.pdf``: cover, imprint, contents with real page numbers, the pack's home and
  timetable, every module and session, the instruments and the glossary;
- ``facilitator-guide.pdf`` (facilitator edition): the same with facilitator notes, answer keys, the
  detailed timetable, and for each session the page of the participant manual where it begins, read
  from the participant manual's own layout;
- ``handouts/<module>.pdf``: the pages of one module, cut from the laid-out participant manual (no
  second layout; the page numbers are the manual's, so "turn to page 23" means the same page).

The HTML comes from our templates (``templates/print/``) and trainer text rendered from MyST by
:mod:`build_tools.mdhtml`. WeasyPrint may fetch only ``data:`` URLs and files inside the folder the
manual is laid out in: anything else stops the build (:class:`RootedFetcher`). Output is tagged PDF/UA-1
with fonts embedded, and byte-identical for identical input (the PDF identifier is the pack digest).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .catalogue import Repo
from .context import ratification_phrase
from .digest import pack_digest
from .errors import Location, Problem, ProblemsFound
from .labels import Labels, LocaleFormat, load_labels
from .mdhtml import myst_to_html
from . import printcache
from .render import TrainerText, write_tree
from .localize import resolve_pack
from .resolve import Pack

PDF_VARIANT = "pdf/ua-1"


@dataclass
class Fragments:
    """One session's trainer text as HTML."""

    body: Markup
    variants: list[tuple[str | None, Markup]]
    activities: list[tuple[object, Markup, str]]
    notes: Markup | None


def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class RootedFetcher(URLFetcher):
        """Fetch ``data:`` URLs and regular files inside ``root``; refuse everything else, fatally."""

        def __init__(self, root: Path):
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, timeout=5)
            self.root = root.resolve()

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not (path.is_relative_to(self.root) and path.is_file()):
                    raise FatalURLFetchingError(f"refused {url}: only files inside the manual's build folder "
                                                f"may be used")
            elif scheme != "data":
                raise FatalURLFetchingError(f"refused {url}: a manual may not load anything from the network")
            return super().fetch(url, headers)

    return RootedFetcher, FatalURLFetchingError


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def template_env(templates: Path) -> Environment:
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


def manual_html(repo: Repo, pack: Pack, labels: Labels, digest: str,
                participant_pages: dict | None = None) -> tuple[str, str, dict[str, bytes]]:
    """The manual's HTML and CSS, and the asset files it uses (relative path → bytes)."""
    text = TrainerText(repo, pack, labels)
    titles = {name.removeprefix("admonition_"): value for name, value in labels.items()
              if name.startswith("admonition_")}

    def html(myst: str) -> Markup:
        return myst_to_html(myst, titles=titles, asset_url=lambda p: p.removeprefix("/"))

    fragments = {}
    for rs in pack.sessions():
        st = text.session(rs, pack.facilitator)
        fragments[rs.key] = Fragments(html(st.body), [(v.title, html(t)) for v, t in st.variants],
                                      [(a, html(t), span) for a, t, span in st.activities],
                                      html(st.notes) if st.notes else None)
    if text.problems:
        raise ProblemsFound(text.problems)
    from . import __version__

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
        "fact": pack.country.ratifications.get, "fragments": fragments,
        "sessions": {rs.key: rs for rs in pack.sessions()}, "modules": {r.module.id: r.module for r in pack.modules},
        "participant_pages": participant_pages,
    }
    env = template_env(repo.root / "templates")
    return (env.get_template("manual.html.j2").render(context), env.get_template("manual.css.j2").render(context),
            text.assets)


def _dates(pack: Pack, fmt: LocaleFormat) -> str | None:
    """First and last day of the course, when the schedule has a start date (teaching days, weekends aside)."""
    start = pack.course.schedule.start_date
    if not start or len(start) != 10:
        return None
    from datetime import date, timedelta

    day, left = date.fromisoformat(start), pack.course.schedule.days - 1
    while left:
        day += timedelta(days=1)
        left -= day.weekday() < 5
    return f"{fmt.date(start)} – {fmt.date(day.isoformat())}"


def lay_out(folder: Path, html: str, css: str, assets: dict[str, bytes]):
    """Write the manual's files into ``folder`` and lay it out; raise ProblemsFound on any refusal or warning."""
    from weasyprint import HTML

    write_tree(folder, {"manual.html": html, "manual.css": css, **assets})
    fetcher_class, fatal = _fetcher_class()
    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        document = HTML(filename=str(folder / "manual.html"), base_url=str(folder) + "/",
                        url_fetcher=fetcher_class(folder)).render(pdf_variant=PDF_VARIANT)
    except fatal as exc:
        raise ProblemsFound([Problem(Location("(manual)"), "print-fetch", str(exc),
                                     "images must come from modules/assets/; nothing may be loaded from "
                                     "elsewhere on the disk or from the network")]) from None
    finally:
        logger.removeHandler(collector)
    if collector.messages:
        raise ProblemsFound([Problem(Location("(manual)"), "print", m,
                                     "the print templates or an image produced something WeasyPrint rejects")
                             for m in collector.messages])
    return document


def anchor_pages(document) -> dict[str, int]:
    """Anchor id → the 1-based page it is on, read from the layout."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def write_pdf(document, path: Path, digest: str, pages=None) -> None:
    doc = document if pages is None else document.copy(pages)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.write_pdf(str(path), pdf_variant=PDF_VARIANT, pdf_identifier=digest.encode("ascii"))


def print_pack(repo: Repo, pack: Pack, out: Path, work: Path, cache: Path) -> dict[str, Path]:
    """Lay out the pack's manuals and write the PDFs into ``out``; return output name → path.

    A facilitator pack holds the participant manual too (it is what the guide's page numbers point at).
    The participant manual, its handouts and the pages where each session starts are kept in ``cache``
    under the participant pack's digest, so the two editions lay it out once between them."""
    labels = load_labels(repo.root / "templates", pack.language)
    participant = pack if not pack.facilitator else resolve_pack(repo, replace(pack.key, edition="participant"))
    entry = printcache.lookup(cache, pack_digest(repo, participant))
    if entry is None:
        entry = _lay_out_participant(repo, participant, labels, work, cache)
    files = {"participant-manual": out / "participant-manual.pdf"}
    printcache.copy(entry.folder / "participant-manual.pdf", files["participant-manual"])
    if not pack.facilitator:
        for rmod in participant.modules:
            files[f"handout-{rmod.module.id}"] = out / "handouts" / f"{rmod.module.id}.pdf"
            printcache.copy(entry.folder / "handouts" / f"{rmod.module.id}.pdf", files[f"handout-{rmod.module.id}"])
        return files
    digest = pack_digest(repo, pack)
    pages = {rs.key: entry.pages[f"s-{rs.module_id}--{rs.session.id}"] for rs in participant.sessions()}
    html, css, assets = manual_html(repo, pack, labels, digest, participant_pages=pages)
    guide = lay_out(work / "facilitator", html, css, assets)
    files["facilitator-guide"] = out / "facilitator-guide.pdf"
    write_pdf(guide, files["facilitator-guide"], digest)
    return files


def _lay_out_participant(repo: Repo, participant: Pack, labels: Labels, work: Path, cache: Path):
    """Lay out the participant manual once; store it, its handouts and its anchor pages in the cache."""
    digest = pack_digest(repo, participant)
    html, css, assets = manual_html(repo, participant, labels, digest)
    document = lay_out(work / "participant", html, css, assets)
    anchors = anchor_pages(document)
    with printcache.store(cache, digest, anchors) as folder:
        write_pdf(document, folder / "participant-manual.pdf", digest)
        starts = [anchors[f"m-{r.module.id}"] for r in participant.modules] + [anchors["instruments"]]
        for rmod, first, end in zip(participant.modules, starts, starts[1:]):
            write_pdf(document, folder / "handouts" / f"{rmod.module.id}.pdf", digest,
                      document.pages[first - 1:end - 1])
    return printcache.lookup(cache, digest)
