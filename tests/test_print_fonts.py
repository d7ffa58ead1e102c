"""Each font face is embedded once in a joined PDF, with no more bytes than a whole-document layout gives."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pypdf
import pytest

from .test_pieces import outputs, whole_layout  # noqa: F401 (a fixture)


def embedded_fonts(path: Path) -> dict[str, dict[int, int]]:
    """Face (font name without its subset tag) → {font file object: its decoded bytes}, for every font the
    pages and the forms they draw use."""
    reader = pypdf.PdfReader(path)
    faces: dict[str, dict[int, int]] = defaultdict(dict)
    todo, seen = [page for page in reader.pages], set()
    while todo:
        resources = todo.pop().get("/Resources")
        resources = resources.get_object() if resources is not None else {}
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor:
                        ref = descriptor.raw_get(key)
                        face = str(descriptor["/FontName"]).split("+", 1)[-1]
                        faces[face][ref.idnum] = len(ref.get_object().get_data())
        for xobject in resources.get("/XObject", {}).values():
            if xobject.idnum not in seen and xobject.get_object().get("/Subtype") == "/Form":
                seen.add(xobject.idnum)
                todo.append(xobject.get_object())
    return faces


@pytest.mark.parametrize("edition", ["participant", "facilitator"])
def test_joined_manual_embeds_each_face_once_and_no_more_than_a_whole_layout(outputs, edition, tmp_path):
    pack = outputs[edition]
    joined = pack / f"{edition}-{'manual' if edition == 'participant' else 'guide'}.pdf"
    whole = whole_layout(pack.parent / ".work" / pack.name / "print" / edition, tmp_path / "whole.pdf")
    ours, reference = embedded_fonts(joined), embedded_fonts(whole)
    assert set(ours) == set(reference) != set()
    several = {face: len(files) for face, files in ours.items() if len(files) != 1}
    assert not several, f"faces embedded more than once: {several}"
    for face, files in ours.items():
        size, whole_size = sum(files.values()), sum(reference[face].values())
        assert size <= 1.2 * whole_size, f"{face}: {size} bytes joined, {whole_size} in a whole-document layout"


def test_every_pdf_of_a_pack_embeds_each_face_once(outputs):
    pdfs = [path for pack in outputs.values() for path in sorted(pack.rglob("*.pdf"))]
    assert len(pdfs) > 2  # the manuals and the handouts
    for path in pdfs:
        several = {face: len(files) for face, files in embedded_fonts(path).items() if len(files) != 1}
        assert not several, f"{path.name}: faces embedded more than once: {several}"
