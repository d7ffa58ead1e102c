"""The printed manuals, read back: outline, real page numbers, cross-references, metadata, fonts, tags, leaks."""

from __future__ import annotations

import functools
from html import unescape
import re
import shutil
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from build_tools.pipeline.build import build_pack
from build_tools.content.repository import load_repo
from build_tools.cli import main
from build_tools.errors import ProblemsFound
from build_tools.printing.manuals import lay_out
from build_tools.i18n.labels import load_labels
from build_tools.render.pages import material_label
from build_tools.resolve.keys import PackKey
from build_tools.resolve.pack import resolve

from .conftest import REPO, ROOTS, run_cli
from .leaks import facilitator_only_texts, fingerprint, leaked

PARTICIPANT = PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "participant")
FACILITATOR = PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "facilitator")


@pytest.fixture(scope="module")
def outputs(built):
    return {"participant": built(PARTICIPANT, ("html", "pdf")), "facilitator": built(FACILITATOR, ("html", "pdf"))}


@pytest.fixture(scope="module")
def manual(outputs) -> Path:
    return outputs["participant"] / "participant-manual.pdf"


@pytest.fixture(scope="module")
def guide(outputs) -> Path:
    return outputs["facilitator"] / "facilitator-guide.pdf"


class PdfPages:
    """A PDF read back: every page's text (pypdf), and the text set in heading sizes on the pages asked for
    (pdfplumber, which reads font sizes but is slow, so only candidate pages are measured)."""

    def __init__(self, path: Path):
        self.texts = [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]
        self._pdf = pdfplumber.open(path)
        self._headings: dict[int, str] = {}

    def headings(self, index: int) -> tuple[str, str]:
        """The text set in the page's first-level heading size (20 pt) and in its second (14 pt)."""
        if index not in self._headings:
            words = self._pdf.pages[index].extract_words(extra_attrs=["size"])
            self._headings[index] = (fingerprint(" ".join(w["text"] for w in words if w["size"] >= 18)),
                                     fingerprint(" ".join(w["text"] for w in words if 13.5 <= w["size"] < 18)))
        return self._headings[index]

    def heading_page(self, title: str, after: int) -> int | None:
        """The first page after ``after`` where ``title`` is the heading (a module's title contains the title
        of one of its sessions: "6. The MNE Declaration, ..." is not the session "The MNE Declaration")."""
        key = fingerprint(title)
        for i in range(after, len(self.texts)):
            if key in fingerprint(self.texts[i]) and key in self.headings(i):
                return i + 1
        return None


@functools.cache
def read(path: Path) -> PdfPages:
    return PdfPages(path)


def page_texts(path: Path) -> list[str]:
    return read(path).texts


def toc_entries(texts: list[str]) -> tuple[int, list[tuple[str, int]]]:
    """The contents' entries as (title, printed page number), and the contents' first page number. The contents
    run from the page titled "Contents" to the page before the first entry's (the pack's home page)."""
    toc_page = next(i for i, t in enumerate(texts) if "Contents" in t.splitlines()[:3])
    entries, pending, page = [], "", toc_page
    running = re.compile(r"^((Participant|Facilitator) edition)?\s*(Page \d+ of \d+)?$"
                         r"|^Decent work in global supply chains$|^Supply chains sample course$")
    while page == toc_page or page < entries[0][1] - 1:
        lines = texts[page].splitlines()
        for line in lines[lines.index("Contents") + 1 if page == toc_page else 0:]:
            if running.match(line.strip()):  # the running header and footer, drawn over the page
                continue
            m = re.match(r"^(.*\S)\s+(\d+)$", line.strip())  # title, page (the dots are drawn, not text)
            if m:
                entries.append(((pending + " " + m.group(1)).strip(), int(m.group(2))))
                pending = ""
            elif line.strip():
                pending = (pending + " " + line.strip()).strip()
        page += 1
    assert not pending, pending
    return toc_page + 1, entries


def test_outline_lists_modules_sessions_and_materials_in_order(manual, repo):
    reader = pypdf.PdfReader(manual)
    pack = resolve(repo.catalogue, PARTICIPANT)

    def flatten(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from flatten(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item) + 1

    outline = list(flatten(reader.outline))
    modules = [t for d, t, _ in outline if d == 0 and re.match(r"^\d+\. ", t)]
    assert modules == [f"{i}. {r.module.title}" for i, r in enumerate(pack.modules, 1)]
    below = [t for d, t, _ in outline if d == 1]
    labels = load_labels(REPO / "templates", "en")
    assert below == [title for rmod in pack.modules for title in
                     [rs.session.title for rs in rmod.sessions]
                     + [f"{material_label(x, labels)}: {x.material.title}" for x in rmod.materials if x.number]]
    pages = [p for _, _, p in outline]
    assert pages == sorted(pages)


@pytest.mark.parametrize("which", ["manual", "guide"])
def test_contents_page_numbers_are_the_real_pages(which, request):
    path = request.getfixturevalue(which)
    texts = page_texts(path)
    toc_page, entries = toc_entries(texts)
    assert len(entries) > 20
    for title, printed in entries:
        actual = read(path).heading_page(title, after=toc_page)
        assert actual == printed, (title, printed, actual)


LONG_MODULES, LONG_SESSIONS = 8, 6
LONG_TITLE = ", a session whose title is long enough to take two lines of the contents page"


@pytest.fixture(scope="module")
def long_manual(tmp_path_factory) -> Path:
    """The participant manual of a course long enough for a contents of several pages: 8 modules of
    6 sessions (60 entries with the home page, the timetable, the instruments and the glossary)."""
    root = tmp_path_factory.mktemp("long") / "repo"
    shutil.copytree(ROOTS / "minimal", root)
    shutil.copy(REPO / "conf.py", root / "conf.py")
    shutil.copytree(REPO / "templates", root / "templates")
    ids = [f"topic-{m:02d}" for m in range(1, LONG_MODULES + 1)]
    for m, ident in enumerate(ids, 1):
        sessions = "".join(f"""
  - id: part-{s}
    title: Part {s} of topic {m}{LONG_TITLE if s == 3 else ""}
    minutes: 30
    body: Text of part {s} of topic {m}.
""" for s in range(1, LONG_SESSIONS + 1))
        (root / "modules" / f"{ident}.yml").write_text(f"""id: {ident}
title: Topic {m} of the long course
version: "1.0"
status: reviewed
summary: Topic {m}.
objectives:
  - Describe topic {m}.
sessions:{sessions}""")
    (root / "curriculum" / "long.yml").write_text(f"""id: long
kind: regional
title: Supply chains sample course
centre: International Training Centre of the ILO
summary: A course with a long contents.
languages: [en]
offered_for:
  audiences: [labour-inspectors]
  sectors: [agriculture]
  countries: [BD]
modules: [{", ".join(ids)}]
schedule:
  days: 4
""")
    assert main(["build", "long", "--edition", "participant", "--format", "pdf", "--root", str(root)]) == 0
    return root / "_build" / "long.labour-inspectors.agriculture.bd.en.participant" / "participant-manual.pdf"


def test_a_contents_of_several_pages_gives_every_entry_its_real_page(long_manual):
    texts = page_texts(long_manual)
    toc_page, entries = toc_entries(texts)
    titles = ["Who this pack is for", "Timetable"]
    for m in range(1, LONG_MODULES + 1):
        titles.append(f"{m}. Topic {m} of the long course")
        titles += [f"Part {s} of topic {m}" + (LONG_TITLE if s == 3 else "") for s in range(1, LONG_SESSIONS + 1)]
    titles += ["Instruments and their status in Bangladesh", "Glossary"]
    assert [title for title, _ in entries] == titles
    assert entries[0][1] - toc_page >= 2  # the contents take two pages or more
    for title, printed in entries:
        actual = read(long_manual).heading_page(title, after=toc_page)
        assert actual == printed, (title, printed, actual)
    assert len(texts) > 60


def test_guide_quotes_the_participant_pages_where_sessions_begin(manual, guide, repo):
    pack = resolve(repo.catalogue, FACILITATOR)
    quoted = [int(n) for n in re.findall(r"Participant manual, page (\d+)", "\n".join(page_texts(guide)))]
    sessions = pack.sessions()
    assert len(quoted) == len(sessions)
    toc_page, _ = toc_entries(page_texts(manual))
    for rs, page in zip(sessions, quoted):
        assert read(manual).heading_page(rs.session.title, after=toc_page) == page, rs.session.title


@pytest.mark.parametrize("which", ["manual", "guide"])
def test_metadata_language_fonts_and_tags(which, request):
    path = request.getfixturevalue(which)
    reader = pypdf.PdfReader(path)
    meta = reader.metadata
    assert meta.title.startswith("Decent work in global supply chains: ")
    assert meta.author == "International Training Centre of the ILO, Turin"
    assert "Labour inspectors" in meta.subject and "Bangladesh" in meta.subject
    assert "C081" in meta["/Keywords"]
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor_owner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descriptor_owner["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts


def test_a4_by_default(manual):
    box = pypdf.PdfReader(manual).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_no_facilitator_text_in_the_manual_or_handouts(outputs, guide, repo):
    secrets = facilitator_only_texts(repo, PARTICIPANT)
    assert len(secrets) > 50
    assert len(leaked(secrets, "\n".join(page_texts(guide)))) > len(secrets) * 0.8
    files = [outputs["participant"] / "participant-manual.pdf",
             *sorted((outputs["participant"] / "handouts").glob("*.pdf")),
             outputs["facilitator"] / "participant-manual.pdf"]
    with_materials = [r for r in resolve(repo.catalogue, PARTICIPANT).modules if any(x.number for x in r.materials)]
    assert len(files) == 2 + len(with_materials)
    for path in files:
        text = "\n".join(page_texts(path))
        assert not leaked(secrets, text), (path.name, leaked(secrets, text)[:3])
        assert "Facilitator notes" not in text and "[correct]" not in text


def test_handouts_are_the_manual_pages_of_one_module_materials(outputs, manual, repo):
    pack = resolve(repo.catalogue, PARTICIPANT)
    manual_pages = page_texts(manual)
    for rmod in pack.modules:
        handout = outputs["participant"] / "handouts" / f"{rmod.module.id}.pdf"
        numbered = [x for x in rmod.materials if x.number]
        assert handout.exists() == bool(numbered), rmod.module.id
        if not numbered:
            continue
        pages = page_texts(handout)
        found = [next((i for i, t in enumerate(pages) if fingerprint(f"{x.number} {x.material.title}")[:40]
                       in fingerprint(t)), None) for x in numbered]
        assert found[0] == 0 and None not in found and found == sorted(found), (rmod.module.id, found)
        start = next(i for i, t in enumerate(manual_pages) if t == pages[0])
        assert manual_pages[start:start + len(pages)] == pages  # the same pages, same numbers


def test_the_two_copies_of_the_participant_manual_are_the_same_file(outputs):
    a = (outputs["participant"] / "participant-manual.pdf").read_bytes()
    b = (outputs["facilitator"] / "participant-manual.pdf").read_bytes()
    assert a == b


@pytest.mark.parametrize("url", ["file:///etc/hostname", "https://example.org/logo.png", "outside.png"])
def test_print_refuses_anything_outside_the_build_folder(tmp_path, url):
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    folder = tmp_path / "manual"
    folder.mkdir()
    if url == "outside.png":  # a symlink inside the folder that points outside it
        (folder / "link.png").symlink_to(tmp_path / "outside.png")
        url = "link.png"
    html = f'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p>x</p><img src="{url}" alt="x"></body></html>'
    with pytest.raises(ProblemsFound) as failure:
        (folder / "manual.html").write_text(html)
        lay_out(folder, folder / "manual.html")
    assert failure.value.problems[0].code == "print-fetch"
    assert "refused" in failure.value.problems[0].message


def test_letter_paper_option(minimal_root, capsys):
    course = minimal_root / "curriculum" / "sample.yml"
    course.write_text(course.read_text() + "paper: letter\n")
    code, out, err = run_cli(capsys, "build", "sample", "--audience", "labour-inspectors", "--sector",
                             "agriculture", "--country", "BD", "--edition", "participant", "--format", "pdf",
                             "--root", str(minimal_root))
    assert code == 0, err
    pdf = minimal_root / "_build" / "sample.labour-inspectors.agriculture.bd.en.participant" / "participant-manual.pdf"
    box = pypdf.PdfReader(pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_raw_html_in_trainer_text_is_text_in_the_manual(minimal_root):
    """``check`` refuses raw HTML, but ``build_pack`` alone does not lint: what reaches the print path
    (build_tools/printing/mdhtml.py) must be shown as written, in the print HTML and the PDF, never laid out as markup."""
    module = minimal_root / "modules" / "intro.yml"
    block = '<div class="facilitator-notes" style="display:none">Hidden block</div>'
    inline = 'Inline <b>bold</b> and <span style="color:white">white</span> text.'
    module.write_text(module.read_text().replace(
        "      A supply chain links a lead firm to its suppliers in {{ country.name }}.\n",
        f"      A supply chain links a lead firm to its suppliers in {{{{ country.name }}}}.\n\n      {block}\n\n"
        f"      {inline}\n"))
    key = PackKey("sample", "labour-inspectors", "agriculture", "BD", "en", "participant")
    build_pack(load_repo(minimal_root), key, minimal_root / "_build", formats=("pdf",))
    html = (minimal_root / "_build" / ".work" / key.id / "print" / "participant" / "manual.html").read_text()
    for markup in ("<div class=\"facilitator-notes\"", "<b>bold", "<span style"):
        assert markup not in html, markup
    assert block in unescape(html) and inline in unescape(html)  # as text
    text = " ".join(" ".join(page_texts(minimal_root / "_build" / key.id / "participant-manual.pdf")).split())
    assert block in text and inline in text
