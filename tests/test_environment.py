"""Failures of the environment: a full disk, a read-only output folder, a missing system library or font.
Each says what is wrong, where and how to fix it, exits with its own code, leaves the previous output as
it was and no temporary file or folder behind; none is reported as a bug in coursepack."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools.errors import EXIT_IOERR, EXIT_NOPERM, EXIT_UNAVAILABLE
from tests.conftest import REPO, ROOTS, run_cli

PACK = "sample.labour-inspectors.garment-textile.bd.en.participant"


def _mount(point: Path, size: str) -> None:
    """A small tmpfs: a file system that really fills up (CI runs as root, as this machine does)."""
    point.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], check=True)


@pytest.fixture
def small_disk(tmp_path):
    point = tmp_path / "disk"
    _mount(point, "24m")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _temporaries(out: Path) -> list[Path]:
    """What a build writes only for a while: staging folders, print-cache entries and files being written."""
    return [p for p in out.rglob("*")
            if p.name.startswith((".staging-", ".tmp-", ".old-")) or p.name.endswith(".tmp")]


def _fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` up to ``leave`` bytes free."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with open(disk / "filler", "wb") as handle:
        handle.write(b"\0" * max(0, free - leave))


def _edit_session(root: Path, n: int) -> None:
    module = root / "modules" / "intro.yml"
    module.write_text(module.read_text().replace("suppliers in {{ country.name }}.",
                                                 f"suppliers in {{{{ country.name }}}}. Edit {n}." * 40, 1))


# free space that runs out while the generated sources are written (0), while Sphinx writes pages (4 KiB),
# while copying the site, while the print cache is written (where qpdf used to abort the process), and near
# the end, in the last of the manual's and handouts' writes (660 KiB; 680 KiB is enough for this rebuild since
# joined manuals embed each font once)
@pytest.mark.parametrize("leave", [k * 1024 for k in (0, 4, 32, 400, 660)])
def test_a_full_disk_is_a_clear_error_and_keeps_the_previous_output(minimal_root, small_disk, capsys, leave):
    shutil.copy(ROOTS / "materials" / "modules" / "intro.yml", minimal_root / "modules")  # handouts to write
    out = small_disk / "out"
    args = ("build", PACK, "--format", "html,pdf", "--root", str(minimal_root), "--output", str(out))
    assert run_cli(capsys, *args)[0] == 0
    before = _snapshot(out / PACK)
    _edit_session(minimal_root, 1)  # a new site and a new manual are needed
    _fill(small_disk, leave)

    code, _, err = run_cli(capsys, *args)

    assert code == EXIT_IOERR, err
    assert err.startswith(f"coursepack: disk full: {out}"), err  # names a path in the output folder
    assert "hint: free some space" in err and "internal error" not in err
    assert _snapshot(out / PACK) == before
    assert _temporaries(out) == []
    (small_disk / "filler").unlink()
    assert run_cli(capsys, *args)[0] == 0  # space freed: the same command now succeeds


def test_qpdf_writing_to_a_full_disk_raises_instead_of_aborting(small_disk, tmp_path):
    """qpdf writing to a file itself aborts the process (SIGABRT) when the disk is full: the join goes
    through memory, so the failure is an OSError naming the file."""
    script = f"""
import pikepdf, sys
from pathlib import Path
from build_tools.printing.join import join
piece = pikepdf.new()
for i in range(40):
    piece.add_blank_page()
    piece.pages[-1].contents_add(pikepdf.Stream(piece, bytes(range(256)) * 64))
piece.save({str(tmp_path / 'piece.pdf')!r}, compress_streams=False)
footer = pikepdf.new()
for i in range(40):
    footer.add_blank_page()
footer.save({str(tmp_path / 'footer.pdf')!r})
try:
    join([(Path({str(tmp_path / 'piece.pdf')!r}), [])], Path({str(tmp_path / 'footer.pdf')!r}), list(range(40)),
         [None] * 40, Path({str(small_disk / 'joined.pdf')!r}))
except OSError as exc:
    print(exc.errno, exc.filename)
    sys.exit(3)
"""
    _fill(small_disk, 8 * 1024)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 3, done.stderr  # not -6 (SIGABRT)
    assert done.stdout.split() == ["28", str(small_disk / "joined.pdf")]


def test_a_read_only_output_folder_is_a_clear_error(minimal_root, small_disk, capsys):
    out = small_disk / "out"
    args = ("build", PACK, "--format", "html", "--root", str(minimal_root), "--output", str(out))
    assert run_cli(capsys, *args)[0] == 0
    before = _snapshot(out / PACK)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)

    code, _, err = run_cli(capsys, *args, "--force")

    assert code == EXIT_NOPERM, err
    assert err.startswith(f"coursepack: cannot write: {out}/") and "Read-only file system" in err
    assert "hint: make the folder writable" in err and "internal error" not in err
    assert _snapshot(out / PACK) == before


def test_a_missing_system_library_is_named(minimal_root, tmp_path):
    """As WeasyPrint fails when Pango is not installed: cffi cannot load the library."""
    script = f"""
import cffi, sys
real = cffi.FFI.dlopen
def dlopen(self, name, *args, **kwargs):
    if "pango" in str(name):
        raise OSError(f"cannot load library '{{name}}': {{name}}: cannot open shared object file: No such file")
    return real(self, name, *args, **kwargs)
cffi.FFI.dlopen = dlopen
from build_tools.cli import main
sys.exit(main(["build", {PACK!r}, "--format", "pdf", "--root", {str(minimal_root)!r}, "-q"]))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == EXIT_UNAVAILABLE, done.stderr
    assert "coursepack: missing system library: libpango" in done.stderr
    assert "hint: install Pango" in done.stderr and "internal error" not in done.stderr


def _a_character_no_font_has() -> str:
    """A letter of a rare script that no font on this machine covers (fontconfig says so), so the test does
    not depend on which font packages are installed."""
    for code in (0x1E290, 0x10570, 0x11AB0, 0x12F90, 0x17001):  # Toto, Vithkuqi, Nattilik, Cypro-Minoan, Tangut
        covered = subprocess.run(["fc-list", f":charset={code:x}"], capture_output=True, text=True).stdout
        if not covered.strip():
            return chr(code)
    pytest.fail("every candidate character has a font here: add a rarer one")


def test_a_character_no_font_has_fails_the_build_at_its_line(minimal_root, capsys):
    """WeasyPrint warns of a missing glyph only when it writes the PDF, after the layout: that warning,
    like every other, fails the build."""
    sign = _a_character_no_font_has()
    module = minimal_root / "modules" / "intro.yml"
    text = module.read_text()
    anchor = "suppliers in {{ country.name }}.\n"
    module.write_text(text.replace(anchor, anchor + f"\n      The sign {sign} is rare.\n"))
    line = text[:text.index(anchor)].count("\n") + 3
    out = minimal_root / "_build"

    code, _, err = run_cli(capsys, "build", PACK, "--format", "pdf", "--root", str(minimal_root))

    assert code == EXIT_UNAVAILABLE, err
    assert f"coursepack: missing font: modules/intro.yml:{line}:16: no installed font has the character(s) " \
           f"'{sign}' (U+{ord(sign):04X})" in err
    assert "hint: install a font that has it" in err
    assert not (out / PACK).exists() and _temporaries(out) == []
    assert not (out / ".work" / PACK / "print").exists()  # no copy of the manual's HTML and images is left


@pytest.mark.parametrize("logger", ["weasyprint", "fontTools", "pydyf"])
def test_every_warning_of_the_pdf_libraries_fails_the_layout(tmp_path, logger):
    import logging

    from build_tools.errors import ProblemsFound
    from build_tools.printing.manuals import WARNING_LOGGERS, failing_on_warnings

    assert logger in WARNING_LOGGERS
    logging.getLogger(logger).setLevel(logging.ERROR)  # silenced elsewhere: still fails the build
    try:
        with pytest.raises(ProblemsFound) as failure:
            with failing_on_warnings(tmp_path, tmp_path / "piece.html"):
                logging.getLogger(f"{logger}.sub").warning("something is wrong with %s", "this font")
    finally:
        logging.getLogger(logger).setLevel(logging.NOTSET)
    assert [p.message for p in failure.value.problems] == ["something is wrong with this font"]


def test_temporaries_of_killed_builds_are_swept(tmp_path):
    from build_tools.printing import cache as printcache

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    cache = tmp_path / "print"
    stale = [cache / f".tmp-0123abcd-{dead.pid}", cache / "pieces" / f".abc.pdf.{dead.pid}.tmp",
             cache / "0123abcd" / "handouts" / f".intro.pdf.{dead.pid}.tmp"]
    live = [cache / f".tmp-4567abcd-{os.getpid()}", cache / "pieces" / f".def.pdf.{os.getpid()}.tmp"]
    stale[0].mkdir(parents=True)
    live[0].mkdir(parents=True)
    for path in stale[1:] + live[1:]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")

    assert sorted(printcache.sweep(cache)) == sorted(stale)
    assert all(p.exists() for p in live) and not any(p.exists() for p in stale)


def test_exit_codes_are_documented():
    from build_tools.cli import build_parser
    from build_tools.errors import EXIT_CODES

    out = build_parser().format_help()
    readme = (REPO / "README.md").read_text()
    for number, meaning in EXIT_CODES.items():
        assert f"  {number:<4} {meaning}" in out
        assert f"| {number} |" in readme


def test_a_matrix_reports_a_full_disk_with_its_pack(minimal_root, small_disk):
    """A matrix worker reports the pack failed with the same message as `build`, not as an internal error."""
    from build_tools.matrix import jobs as matrix

    out = small_disk / "out"
    _fill(small_disk, 0)
    result = matrix.run_job(matrix.Job(PACK, str(minimal_root), str(out), ("html",)))
    assert result.status == "failed"
    assert result.problems[0].startswith(f"coursepack: disk full: {out}"), result.problems
