"""`coursepack check` on a corpus of invalid inputs: each is refused with exactly the expected messages.

Each folder of ``tests/invalid/`` is one case (see ``tests/invalid/README.md``): the files in it are copied
over a copy of ``tests/roots/minimal`` and ``check`` must fail with exactly the lines of ``expected.txt``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_tools.content.loader import MAX_BYTES, Loaded, load_bytes

try:
    from .conftest import run_cli
except ImportError:  # tests/ is not a package: pytest puts it on sys.path instead
    from conftest import run_cli

INVALID = Path(__file__).resolve().parent / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def _overlay(case: Path, root: Path) -> None:
    for src in sorted(case.rglob("*")):
        if src.is_file() and src.relative_to(case).as_posix() != "expected.txt":
            dst = root / src.relative_to(case)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)  # byte for byte: some cases are deliberately not UTF-8


def test_corpus_is_large_enough():
    assert len(CASES) >= 34
    for name in CASES:
        assert (INVALID / name / "expected.txt").is_file(), name


def test_minimal_root_passes(minimal_root, capsys):
    code, out, err = run_cli(capsys, "check", "--root", str(minimal_root), "--quiet")
    assert (code, out, err) == (0, "", "")


@pytest.mark.parametrize("name", CASES)
def test_invalid_input(name, minimal_root, capsys):
    case = INVALID / name
    _overlay(case, minimal_root)
    code, out, err = run_cli(capsys, "check", "--root", str(minimal_root), "--quiet")
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    assert err.rstrip("\n") == expected.rstrip("\n")
    assert out == ""
    assert code == 1


def test_file_over_size_cap(minimal_root, capsys):
    big = minimal_root / "modules" / "big.yml"
    line = b"# " + b"x" * 1021 + b"\n"  # 1 KiB per line
    big.write_bytes(line * 600)
    assert big.stat().st_size == 600 * 1024 > MAX_BYTES
    code, out, err = run_cli(capsys, "check", "--root", str(minimal_root), "--quiet")
    assert code == 1
    assert err.rstrip("\n") == (
        "modules/big.yml:1:1: error[file-too-large]: file is 600 KiB; the limit is 512 KiB\n"
        "  hint: split the content into smaller files (one module per file)")


def test_alias_bomb_refused_before_any_expansion():
    levels = ['a0: &a0 "lol"'] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    result = load_bytes("\n".join(levels).encode(), "bomb.yml")
    assert not isinstance(result, Loaded)
    assert (result.code, result.location.line, result.location.column) == ("anchor", 1, 5)


def test_scalars_are_kept_as_written():
    raw = b"""\
version: 1.10
country: NO
other: [no, yes, on, off, y, n, True]
at: 12:30
octal: 010
sexagesimal: 1:30:00
exponent: 1e3
minutes: 90
empty:
tilde: ~
quoted: "null"
"""
    loaded = load_bytes(raw, "values.yml")
    assert isinstance(loaded, Loaded)
    assert loaded.data == {
        "version": "1.10", "country": "NO", "other": ["no", "yes", "on", "off", "y", "n", "True"],
        "at": "12:30", "octal": "010", "sexagesimal": "1:30:00", "exponent": "1e3", "minutes": "90",
        "empty": None, "tilde": None, "quoted": "null",
    }


def test_unquoted_version_and_times_pass_check(minimal_root, capsys):
    """The model still accepts unquoted values YAML 1.1 would have coerced: 1.10, 09:00, 13:00."""
    intro = minimal_root / "modules" / "intro.yml"
    intro.write_text(intro.read_text().replace('version: "1.0"', "version: 1.10"))
    course = minimal_root / "curriculum" / "sample.yml"
    course.write_text(course.read_text().replace('"09:00"', "09:00").replace('"13:00"', "13:00")
                      .replace('"10:30"', "10:30"))
    code, out, err = run_cli(capsys, "check", "--root", str(minimal_root), "--quiet")
    assert (code, err) == (0, "")


_REFUSED = [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *range(0xFDD0, 0xFDF0),
            *(plane | low for plane in range(0, 0x110000, 0x10000) for low in (0xFFFE, 0xFFFF))]
_KEPT = [0x09, 0x0A, 0x20, 0xA0, 0xFDCF, 0xFDF0, 0xFFFD, 0x10FFFD, 0x200F]


def test_characters_written_as_escapes_are_refused_at_their_value():
    """Every control character (but tab and line feed) and every non-character, written as a YAML escape in
    a double-quoted value, is refused at the value's line and column, not passed on to the pages."""
    for point in _REFUSED + _KEPT:
        raw = f'id: x\ntitle: "before \\U{point:08X} after"\n'.encode()
        result = load_bytes(raw, "m.yml")
        if point in _KEPT:
            assert isinstance(result, Loaded) and result.data["title"] == f"before {chr(point)} after", hex(point)
        else:
            assert not isinstance(result, Loaded), hex(point)
            assert (result.code, result.location.line, result.location.column) == ("control-character", 2, 8)
            assert f"U+{point:04X}" in result.message and "\\x1b" in result.hint
