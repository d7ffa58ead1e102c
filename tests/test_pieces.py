"""Manuals laid out in pieces and joined: the same pages as one whole-document layout, a sound PDF
structure, and pieces reused when their bytes have not changed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pdfplumber
import pikepdf
import pypdf
import pytest
import weasyprint

from build_tools.printing.join import ANCHOR_SCHEME

from .conftest import run_cli
from .test_pdf import FACILITATOR, PARTICIPANT


@pytest.fixture(scope="module")
def outputs(built):
    return {"participant": built(PARTICIPANT, ("html", "pdf")), "facilitator": built(FACILITATOR, ("html", "pdf"))}


def whole_layout(folder: Path, target: Path) -> Path:
    """The manual laid out by WeasyPrint as one document, from the HTML the build left in ``folder``."""
    document = weasyprint.HTML(filename=str(folder / "manual.html")).render(pdf_variant="pdf/ua-1")
    document.write_pdf(str(target), pdf_variant="pdf/ua-1")
    return target


def words(path: Path) -> list[list[tuple]]:
    """Every page's words with where they are set, in reading-order-free form."""
    with pdfplumber.open(path) as pdf:
        return [sorted((w["text"], round(w["x0"], 1), round(w["top"], 1)) for w in page.extract_words())
                for page in pdf.pages]


def outline(path: Path) -> list[tuple[int, str, int]]:
    reader = pypdf.PdfReader(path)

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, level + 1)
            else:
                yield level, item.title, reader.get_destination_page_number(item)

    return list(walk(reader.outline, 0))


def links(path: Path) -> list[tuple[int, str, int]]:
    """(page, target name, page the target is on) of every internal link."""
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        dests = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        found = []
        for i, page in enumerate(pdf.pages):
            for annot in page.get("/Annots", []):
                if "/Dest" in annot:
                    name = str(annot.Dest)
                    found.append((i, name, pages[dests[name][0].objgen]))
        return found


@pytest.mark.parametrize("edition", ["participant", "facilitator"])
def test_joined_manual_is_the_whole_document_layout(outputs, edition, tmp_path):
    pack = outputs[edition]
    joined = pack / ("participant-manual.pdf" if edition == "participant" else "facilitator-guide.pdf")
    whole = whole_layout(pack.parent / ".work" / pack.name / "print" / edition, tmp_path / "whole.pdf")
    ours, reference = words(joined), words(whole)
    assert len(ours) == len(reference) > 50
    different = [i + 1 for i, (a, b) in enumerate(zip(ours, reference)) if a != b]
    assert not different, f"pages set differently from the whole-document layout: {different}"
    assert outline(joined) == outline(whole)
    assert links(joined) == links(whole) != []  # the contents and the timetable link to the sessions


def test_joined_structure_is_sound(outputs):
    """One Document of Parts; every page's marked content and every annotation has its parent tree
    entry; every link goes to a destination that exists; no unresolved link is left."""
    for path in [outputs["participant"] / "participant-manual.pdf", outputs["facilitator"] / "facilitator-guide.pdf",
                 *sorted((outputs["participant"] / "handouts").glob("*.pdf"))]:
        with pikepdf.open(path) as pdf:
            root = pdf.Root.StructTreeRoot
            assert [str(e.S) for e in root.K] == ["/Document"]
            assert {str(part.S) for part in root.K[0].K} == {"/Part"}
            tree = dict(pikepdf.NumberTree(root.ParentTree).items())
            assert int(root.ParentTreeNextKey) == max(tree) + 1
            dests = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items()) if "/Names" in pdf.Root else {}
            for number, page in enumerate(pdf.pages, 1):
                content = b"".join(c.read_bytes() for c in page.obj.Contents) \
                    if isinstance(page.obj.Contents, pikepdf.Array) else page.obj.Contents.read_bytes()
                mcids = [int(m) for m in re.findall(rb"/MCID (\d+)", content)]
                assert mcids and max(mcids) < len(tree[int(page.StructParents)]), f"{path.name} page {number}"
                assert b"/Artifact <</Type /Pagination" in content
                for annot in page.get("/Annots", []):
                    assert int(annot.StructParent) in tree
                    if "/Dest" in annot:
                        assert str(annot.Dest) in dests
                    assert not str(annot.get("/A", {}).get("/URI", "")).startswith(ANCHOR_SCHEME)


def _laid_out(cache: Path) -> dict[str, str]:
    """Piece cache record → piece name."""
    return {p.name: json.loads(p.read_text())["piece"] for p in (cache / "pieces").glob("*.json")}


def test_changed_session_lays_out_only_its_pieces_and_packs_share_pieces(minimal_root, capsys):
    def build(country: str) -> None:
        code, _, err = run_cli(capsys, "build", "sample", "--audience", "labour-inspectors", "--sector",
                               "agriculture", "--country", country, "--format", "pdf", "--root", str(minimal_root))
        assert code == 0, err

    cache = minimal_root / "_build" / ".cache" / "print"
    build("BD")
    first = _laid_out(cache)
    names = sorted(first.values())
    # the module's opening page and the glossary are the same in both editions: laid out once
    assert names.count("m-intro") == names.count("glossary") == 1
    assert names.count("s-intro--tiers") == 2  # the session differs: facilitator notes

    module = minimal_root / "modules" / "intro.yml"
    module.write_text(module.read_text().replace("A supply chain links", "A supply chain connects"))
    build("BD")
    second = _laid_out(cache)
    new = sorted(second[k] for k in set(second) - set(first))
    # the changed session in both manuals, and the imprint, which states the pack's digest
    assert new == ["imprint", "imprint", "s-intro--tiers", "s-intro--tiers"]

    build("HN")
    shared = {"timetable", "glossary", "footer"} & set(second.values())
    assert shared == {"timetable", "glossary", "footer"}
    for_honduras = {_laid_out(cache)[k] for k in set(_laid_out(cache)) - set(second)}
    assert {"m-intro", "s-intro--tiers"} <= for_honduras  # they name the country
    assert not shared & for_honduras, "pieces with no country in them are laid out once for both countries"


def test_a_piece_another_process_is_laying_out_is_left_for_last(tmp_path):
    """Two matrix workers that start on packs sharing a piece lay it out once: the second finds the piece's
    lock taken, lays out its other pieces first, then takes the piece from the cache."""
    import threading

    from build_tools.printing.manuals import lay_out
    from build_tools.printing.pieces import _LOCKS, lay_out_manual
    from build_tools.pipeline.publish import locked

    html = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>t</title>\n'
            '<link rel="stylesheet" href="manual.css">\n</head>\n<body>\n'
            '<!-- piece shared -->\n<h1 id="shared">Glossary</h1>\n<p>The same in every pack.</p>\n'
            '<!-- piece own -->\n<h1 id="own">A session</h1>\n<p>Naming a country.</p>\n</body>\n</html>\n')

    def footer(sheets):
        return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>f</title>\n</head>\n'
                '<body>' + "".join('<div class="sheet"></div>' for _ in sheets) + '</body>\n</html>\n')

    def header(text):
        return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>h</title>\n</head>\n'
                f'<body><div class="sheet">{text}</div></body>\n</html>\n')

    def manual(name: str, cache: Path, laid_out: list[str]):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "piece.css").write_text("@page { size: A5; margin: 20mm } h1 { break-before: page }")
        for frame in ("header", "footer"):
            (folder / f"{frame}.css").write_text("@page { size: A5; margin: 20mm } .sheet + .sheet { break-before: page }")

        def render(path, stylesheet):
            laid_out.append(path.name)
            return lay_out(folder, path, stylesheet)

        return lay_out_manual(folder, html, footer, header, cache, render)

    # where the other process's copy of the shared piece comes from, and which lock it is under
    earlier = tmp_path / "earlier-cache"
    manual("earlier", earlier, [])
    records = {json.loads(p.read_text())["piece"]: p.with_suffix("") for p in (earlier / "pieces").glob("*.json")}
    stripe = {name: int(path.name[:4], 16) % _LOCKS for name, path in records.items()}
    assert stripe["shared"] != stripe["own"], "change the test's text: both pieces fall under one lock"

    cache, laid_out, result = tmp_path / "cache", [], {}
    with locked(cache / "pieces" / ".locks" / f"{stripe['shared']:02d}"):  # the other process is laying it out
        worker = threading.Thread(target=lambda: result.update(manual=manual("now", cache, laid_out)))
        worker.start()
        for _ in range(600):
            if laid_out:
                break
            worker.join(0.05)
        assert laid_out == ["piece-own.html"], "the piece whose lock was free should be laid out meanwhile"
        for suffix in (".pdf", ".json"):  # the other process publishes the shared piece
            shutil.copy(records["shared"].with_suffix(suffix), cache / "pieces" / (records["shared"].name + suffix))
    worker.join(60)
    assert not worker.is_alive()
    assert "piece-shared.html" not in laid_out, "the shared piece was laid out twice"
    assert list(result["manual"].pieces) == ["shared", "own"]
    assert result["manual"].starts == {"shared": 0, "own": 1}
