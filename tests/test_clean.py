"""`coursepack clean`: caches unused for N days go, published packs stay, a build after it gives the same files."""

from __future__ import annotations

import hashlib
import os
import time

from build_tools.pipeline.layout import Layout
from build_tools.pipeline.publish import locked

from .conftest import run_cli

PACK = "sample.labour-inspectors.agriculture.bd.en.participant"
ARGS = ("build", PACK, "--format", "html,pdf")


def digests(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def age(path, days):
    """Make ``path`` (and everything under it) look last used ``days`` days ago."""
    when = time.time() - days * 86400
    for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.utime(p, (when, when))


def test_clean_removes_what_went_unused_and_nothing_published(minimal_root, capsys):
    code, _, err = run_cli(capsys, *ARGS, "--root", str(minimal_root))
    assert code == 0, err
    out = minimal_root / "_build"
    published = digests(out / PACK)
    pieces = sorted((out / ".cache" / "print" / "pieces").glob("*.pdf"))
    assert len(pieces) > 5
    old, recent = pieces[:3], pieces[3:]
    for pdf in old:
        age(pdf, 40)
    work = out / ".work" / PACK
    age(work, 40)

    code, said, _ = run_cli(capsys, "clean", "--root", str(minimal_root), "--dry-run")
    assert code == 0 and "would remove 3 laid-out pieces" in said and "1 work folder" in said
    assert all(p.exists() for p in old) and work.exists()

    code, said, _ = run_cli(capsys, "clean", "--root", str(minimal_root))
    assert code == 0 and "removed 3 laid-out pieces" in said and "1 work folder" in said, said
    assert not any(p.exists() or p.with_suffix(".json").exists() for p in old)
    assert all(p.exists() for p in recent) and not work.exists()
    assert digests(out / PACK) == published

    code, said, _ = run_cli(capsys, "clean", "--root", str(minimal_root), "--older-than", "0")
    assert code == 0 and "laid-out pieces" in said and "joined manual" in said
    assert not list((out / ".cache" / "print").glob("*/*.pdf"))
    assert digests(out / PACK) == published

    code, _, err = run_cli(capsys, *ARGS, "--root", str(minimal_root), "--force")  # cold again: same bytes
    assert code == 0, err
    assert digests(out / PACK) == published


def test_after_an_edit_the_old_version_goes_and_the_reused_pieces_stay(minimal_root, capsys):
    assert run_cli(capsys, *ARGS, "--root", str(minimal_root))[0] == 0
    cache = minimal_root / "_build" / ".cache" / "print" / "pieces"
    before = set(cache.glob("*.pdf"))
    for pdf in before:
        age(pdf, 40)
    module = minimal_root / "modules" / "intro.yml"
    module.write_text(module.read_text().replace("A supply chain links", "A supply chain connects"))
    assert run_cli(capsys, *ARGS, "--root", str(minimal_root))[0] == 0  # lays out the changed pieces only
    reused = {p for p in before if p.stat().st_mtime > time.time() - 86400}
    replaced = before - reused
    assert reused and replaced, "the edit should replace some pieces and reuse the others"

    code, said, _ = run_cli(capsys, "clean", "--root", str(minimal_root), "--older-than", "30")
    assert code == 0 and f"removed {len(replaced)} laid-out piece" in said, said
    assert not any(p.exists() for p in replaced)
    assert all(p.exists() for p in reused)


def test_clean_waits_for_no_build(minimal_root, capsys):
    assert run_cli(capsys, *ARGS, "--root", str(minimal_root))[0] == 0
    out = minimal_root / "_build"
    with locked(Layout(out).in_use, shared=True):  # what a running build holds
        code, _, err = run_cli(capsys, "clean", "--root", str(minimal_root), "--older-than", "0")
    assert code == 1 and "a build is using" in err
    assert list((out / ".cache" / "print" / "pieces").glob("*.pdf"))
