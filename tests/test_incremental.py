"""An incremental build makes, byte for byte, what a clean build of the same input makes.

A build keeps state between runs: Sphinx's environment and output folder (with the search index it loads
again), the remembered stems, the print cache, the record of finished commands. One sequence of edits is
made to a copy of a small content tree; after each, the pack is built again in the same output folder and
built clean in a new one, under the same ``SOURCE_DATE_EPOCH``, and every output file is compared: the
site's pages, ``searchindex.js``, images, the PDFs and every member of every package.
"""

from __future__ import annotations

import difflib
import io
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from .conftest import run_cli

PACK = "sample.labour-inspectors.agriculture.bd.en.participant"
ARGS = ("build", "sample", "--audience", "labour-inspectors", "--sector", "agriculture", "--country", "BD",
        "--edition", "participant", "--format", "html,pdf,scorm12,scorm2004,cc,offline")


def _png(rgb: tuple[int, int, int]) -> bytes:
    """A 2×2 PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + bytes(rgb) * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _prepare(root: Path) -> None:
    """The minimal tree, with more to take away: a second sentence on two pages, a second session, a second
    glossary term, an image."""
    _edit(root / "curriculum" / "sample.yml", 'day_end: "13:00"', 'day_end: "14:00"')
    _edit(root / "modules" / "intro.yml", "in {{ country.name }}.\n",
          "in {{ country.name }}. Brokers recruit seasonal pickers.\n\n"
          "      ![A chain of three tiers](assets/chain.png)\n")
    _edit(root / "modules" / "intro.yml", "    facilitator_notes: Push groups down to tier 3.\n",
          "    facilitator_notes: Push groups down to tier 3.\n"
          "  - id: audits\n    title: Social audits\n    minutes: 20\n"
          "    body: Auditors announce their visits to the packhouse.\n")
    _edit(root / "modules" / "inspection.yml", "{{ country.ratification('C081') }}.\n",
          "{{ country.ratification('C081') }}. Inspectors sample plantations at harvest.\n")
    (root / "curriculum" / "contexts" / "glossary.yml").write_text(
        (root / "curriculum" / "contexts" / "glossary.yml").read_text(encoding="utf-8")
        + "  - term: Homeworker\n    definition: A person who works at home for a supplier, paid by the piece.\n",
        encoding="utf-8")
    (root / "modules" / "assets").mkdir()
    (root / "modules" / "assets" / "chain.png").write_bytes(_png((200, 30, 30)))


def _rename_module(root: Path) -> None:
    (root / "modules" / "inspection.yml").rename(root / "modules" / "enforcement.yml")
    _edit(root / "modules" / "enforcement.yml", "id: inspection\n", "id: enforcement\n")
    _edit(root / "curriculum" / "sample.yml", "modules: [intro, inspection]", "modules: [intro, enforcement]")


INTRO, INSPECTION = Path("modules/intro.yml"), Path("modules/inspection.yml")
EDITS = [
    # (what, edit, text no page, index or package may hold afterwards, text one must hold afterwards)
    ("change a sentence", lambda r: _edit(r / INTRO, "links a lead firm", "connects a lead firm"), "links a lead",
     "connects a lead"),
    ("remove a sentence", lambda r: _edit(r / INTRO, " Brokers recruit seasonal pickers.", ""), "broker", None),
    ("move a sentence into the facilitator notes", lambda r: (
        _edit(r / INSPECTION, " Inspectors sample plantations at harvest.", ""),
        _edit(r / INSPECTION, "        body: Farms are scattered.\n",
              "        body: Farms are scattered.\n    facilitator_notes: Inspectors sample plantations at harvest.\n"),
    ), "harvest", None),
    ("delete a session", lambda r: _edit(
        r / INTRO, "  - id: audits\n    title: Social audits\n    minutes: 20\n"
                   "    body: Auditors announce their visits to the packhouse.\n", ""), "auditors", None),
    ("change an image", lambda r: (r / "modules" / "assets" / "chain.png").write_bytes(_png((30, 30, 200))), None,
     None),
    ("show another image of the same name", lambda r: (
        (r / "modules" / "assets" / "farms").mkdir(),
        (r / "modules" / "assets" / "farms" / "chain.png").write_bytes(_png((30, 200, 30))),
        _edit(r / INSPECTION, "        body: Farms are scattered.\n",
              "        body: |\n          Farms are scattered.\n\n"
              "          ![A chain of farms](assets/farms/chain.png)\n"),
    ), None, "chain of farms"),
    ("stop showing an image", lambda r: _edit(r / INTRO, "      ![A chain of three tiers](assets/chain.png)\n", ""),
     "chain of three tiers", None),
    ("rename a session", lambda r: _edit(r / INTRO, "    title: Tiers\n", "    title: Supplier tiers\n"), None,
     "supplier tiers"),
    ("rename a module", _rename_module, "modules/inspection", "modules/enforcement"),
    ("change a country fact", lambda r: _edit(r / "curriculum" / "contexts" / "countries" / "BD.yml",
                                              'C081: {status: ratified, year: "1972"',
                                              'C081: {status: ratified, year: "1979"'), None, "1979"),
    ("remove a glossary term", lambda r: _edit(
        r / "curriculum" / "contexts" / "glossary.yml",
        "  - term: Homeworker\n    definition: A person who works at home for a supplier, paid by the piece.\n", ""),
     "homework", None),
    ("change the site's stylesheet", lambda r: (r / "templates" / "site" / "static" / "coursepack.css").write_text(
        (r / "templates" / "site" / "static" / "coursepack.css").read_text(encoding="utf-8")
        + "\nmain img { border: 1px solid; }\n", encoding="utf-8"), None, "main img { border"),
    ("retitle the course", lambda r: _edit(r / "curriculum" / "sample.yml", "title: Supply chains sample course",
                                           "title: Supply chains course"), None, "supply chains course"),
]


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, zips opened: ``a.zip`` itself and ``a.zip!member`` for each member."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(folder).as_posix()
        data = found[name] = path.read_bytes()
        if path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for info in zf.infolist():
                    found[f"{name}!{info.filename}"] = zf.read(info)
    return found


def _differences(incremental: dict[str, bytes], clean: dict[str, bytes]) -> list[str]:
    said = [f"only after the incremental build: {n}" for n in sorted(incremental.keys() - clean.keys())]
    said += [f"only after the clean build: {n}" for n in sorted(clean.keys() - incremental.keys())]
    for name in sorted(incremental.keys() & clean.keys()):
        if incremental[name] != clean[name]:
            said.append(f"differs: {name}")
            if not name.endswith((".pdf", ".zip", ".png")):
                a, b = (data.decode("utf-8", "replace").replace(",", ",\n").splitlines()
                        for data in (incremental[name], clean[name]))
                said += [f"    {line}" for line in list(difflib.unified_diff(a, b, "incremental", "clean", n=0,
                                                                            lineterm=""))[2:12]]
    return said


@pytest.fixture
def tree(minimal_root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _prepare(minimal_root)
    return minimal_root


def _build(capsys, root: Path, out: Path) -> dict[str, bytes]:
    code, _, err = run_cli(capsys, *ARGS, "--root", str(root), "--output", str(out))
    assert code == 0, err
    return _files(out / PACK)


def test_every_output_of_an_incremental_build_equals_a_clean_builds_after_each_edit(tree, tmp_path, capsys):
    incremental = tmp_path / "incremental"
    _build(capsys, tree, incremental)
    failures = []
    for step, (what, edit, gone, now) in enumerate(EDITS):
        edit(tree)
        after = _build(capsys, tree, incremental)
        clean = _build(capsys, tree, tmp_path / f"clean-{step}")
        # the edit reached the outputs (PDFs are compressed: their text is not searched here)
        if gone is not None:
            assert not [n for n, data in clean.items()
                        if "_static/" not in n and (gone.encode() in data.lower() or gone in n)], what
        if now is not None:
            assert any(now.encode() in data.lower() or now in n for n, data in clean.items()), what
        differences = _differences(after, clean)
        if differences:
            failures.append(f"after '{what}':\n  " + "\n  ".join(differences))
        shutil.rmtree(tmp_path / f"clean-{step}")
    assert not failures, "\n".join(failures)
