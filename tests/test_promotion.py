"""A build stopped at any moment leaves the published pack either the complete old build or the complete new one.

Nothing here times a kill: the build is stopped at named points by the test-only hook
:func:`build_tools.pipeline.publish.fault` (``COURSEPACK_FAULT``), in a real ``coursepack build`` process that dies by
``os._exit`` there, and :func:`~build_tools.pipeline.publish.promote` is stopped before each of its file-system
operations in turn. What is published afterwards is compared, file by file, with a known old build and a
known new one, the build an uninterrupted run makes from the same start.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools.pipeline import publish
from build_tools.pipeline.publish import FAULT, FAULT_EXIT, promote, recover

from .conftest import REPO, run_cli

PACK = "sample.labour-inspectors.agriculture.bd.en.participant"
BUILD = ("build", PACK, "--format", "html")


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(root: Path) -> None:
    """A change every page of the pack shows (the module's intro is on its pages and in the contents)."""
    intro = root / "modules" / "intro.yml"
    text = intro.read_text()
    assert "A supply chain links" in text
    intro.write_text(text.replace("A supply chain links", "A supply chain connects"))


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """A content root with the old build published in it, and the new build: what an uninterrupted build
    after :func:`edit` publishes, from the same start (root, old files, new files)."""
    from build_tools.cli import main

    base = tmp_path_factory.mktemp("promotion")
    root = base / "repo"
    shutil.copytree(REPO / "tests" / "roots" / "minimal", root)
    shutil.copy(REPO / "conf.py", root / "conf.py")
    shutil.copytree(REPO / "templates", root / "templates")
    assert main([*BUILD, "--root", str(root)]) == 0
    old = tree(root / "_build" / PACK)
    uninterrupted = base / "uninterrupted"
    shutil.copytree(root, uninterrupted)
    edit(uninterrupted)
    assert main([*BUILD, "--root", str(uninterrupted)]) == 0
    new = tree(uninterrupted / "_build" / PACK)
    assert old != new and old.keys() == new.keys() and "site/index.html" in old
    return root, old, new


@pytest.fixture
def edited(builds, tmp_path):
    """A copy of the root with the old build published (and its work folders), then the content edited."""
    root, old, new = builds
    copy = tmp_path / "repo"
    shutil.copytree(root, copy)
    edit(copy)
    return copy, old, new


def build_stopped_at(root: Path, point: str) -> subprocess.CompletedProcess:
    """``coursepack build`` in its own process, which dies (``os._exit``) at ``point``."""
    done = subprocess.run([sys.executable, "-m", "build_tools", *BUILD, "--root", str(root)],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(REPO), FAULT: f"{point} exit {PACK}"})
    assert done.returncode == FAULT_EXIT, f"the build did not stop at {point}: {done.stdout}{done.stderr}"
    return done


@pytest.mark.parametrize("point", ["build-start", "mid-copy", "staging-written"])
def test_a_build_killed_before_promotion_leaves_the_old_pack_published(edited, point, capsys):
    root, old, new = edited
    build_stopped_at(root, point)
    final = root / "_build" / PACK
    assert tree(final) == old
    recover(final)  # what the next build does first
    assert tree(final) == old
    # the next build publishes the complete new pack, the same files as an uninterrupted build
    code, _, err = run_cli(capsys, *BUILD, "--root", str(root))
    assert code == 0, err
    assert tree(final) == new
    assert not list(final.parent.glob(f".staging-{PACK}-*")) and not (final.parent / f".old-{PACK}").exists()


def test_a_build_killed_between_the_renames_of_promotion_is_recovered(edited, capsys):
    root, old, new = edited
    build_stopped_at(root, "promote-between-renames")
    final = root / "_build" / PACK
    aside = final.with_name(f".old-{PACK}")
    staging = list(final.parent.glob(f".staging-{PACK}-*"))
    # the moment promotion is about: the old pack aside, whole; the new one complete, not yet in place
    assert not final.exists() and tree(aside) == old
    assert len(staging) == 1 and tree(staging[0]) == new
    recover(final)
    assert tree(final) == old and not aside.exists()
    assert not staging[0].exists()  # its build process is gone
    code, _, err = run_cli(capsys, *BUILD, "--root", str(root))
    assert code == 0, err
    assert tree(final) == new


def test_a_failed_build_after_a_killed_promotion_still_restores_the_old_pack(edited):
    """recover() runs before every build of the pack: even one that then fails (here Sphinx refuses a page)
    brings the old pack back."""
    from build_tools.pipeline.build import build_pack
    from build_tools.content.repository import load_repo
    from build_tools.errors import ProblemsFound
    from build_tools.resolve.keys import PackKey

    root, old, _ = edited
    build_stopped_at(root, "promote-between-renames")
    final = root / "_build" / PACK
    intro = root / "modules" / "intro.yml"
    intro.write_text(intro.read_text().replace(
        "to its suppliers in {{ country.name }}.",
        "to its suppliers in {{ country.name }}.\n\n      #### A heading that skips levels"))
    with pytest.raises(ProblemsFound):  # build_pack alone: `check` would refuse this page before any build
        build_pack(load_repo(root), PackKey.parse(PACK), root / "_build", formats=("html",))
    assert tree(final) == old


# --- promote() and recover() on their own: every moment of a promotion ------------------------------------


class Killed(BaseException):
    """The process stops here (a ``BaseException``: nothing of the code under test catches it)."""


OPERATIONS = [(os, "rename"), (os, "replace"), (os, "unlink"), (os, "remove"), (os, "rmdir"), (os, "mkdir"),
              (shutil, "copyfile"), (shutil, "copytree"), (shutil, "move"), (shutil, "rmtree")]
"""Every call that changes the file system, on the way from ``promote`` to the disk."""


def make_pack(folder: Path, version: str) -> dict[str, str]:
    for rel in ("site/index.html", "site/a/page.html", "site/_static/style.css", "manual.pdf",
                f"only-in-{version}.txt", ".coursepack.json"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(f"{rel} of the {version} build")
    return tree(folder)


def stop_at(monkeypatch, n: int) -> list[str]:
    """Make the ``n``-th file-system call (counting from 1) stop the process before it acts."""
    calls: list[str] = []
    for module, name in OPERATIONS:
        real = getattr(module, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            if len(calls) == n:
                raise Killed(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    return calls


def test_promotion_stopped_before_any_of_its_steps_leaves_the_old_or_the_new_pack(tmp_path, monkeypatch):
    stopped_at = []
    for n in range(1, 200):
        out = tmp_path / str(n)
        final = out / "pack"
        old = make_pack(final, "old")
        staging = out / f".staging-pack-{os.getpid()}"
        new = make_pack(staging, "new")
        calls = stop_at(monkeypatch, n)
        try:
            promote(staging, final)
        except Killed:
            stopped_at.append(calls[-1])
        finally:
            monkeypatch.undo()
        recover(final)
        assert tree(final) in (old, new), f"stopped at call {n} ({calls[-1]}): {sorted(tree(final))}"
        if len(calls) < n:  # promotion finished before the n-th call
            assert tree(final) == new and not (out / ".old-pack").exists()
            break
    else:
        pytest.fail("promote never finished")
    assert "rename" in stopped_at and len(stopped_at) >= 3, stopped_at


def test_recover_puts_back_the_pack_moved_aside(tmp_path):
    final = tmp_path / "pack"
    old = make_pack(tmp_path / ".old-pack", "old")
    recover(final)
    assert tree(final) == old and not (tmp_path / ".old-pack").exists()


def test_recover_drops_the_old_pack_once_the_new_one_is_in_place(tmp_path):
    final = tmp_path / "pack"
    new = make_pack(final, "new")
    make_pack(tmp_path / ".old-pack", "old")
    recover(final)
    assert tree(final) == new and not (tmp_path / ".old-pack").exists()


def test_recover_removes_the_staging_folders_of_dead_builds_only(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    gone = tmp_path / f".staging-pack-{int(dead.stdout)}"
    mine = tmp_path / f".staging-pack-{os.getpid()}"
    make_pack(gone, "killed")
    kept = make_pack(mine, "running")
    recover(tmp_path / "pack")
    assert not gone.exists() and tree(mine) == kept
    assert not (tmp_path / "pack").exists()  # nothing to restore: nothing made up


def test_the_fault_hook_does_nothing_unless_asked(monkeypatch):
    monkeypatch.delenv(FAULT, raising=False)
    publish.fault("staging-written", PACK)
    monkeypatch.setenv(FAULT, f"staging-written raise {PACK}")
    publish.fault("mid-copy", PACK)  # another point
    publish.fault("staging-written", "another.pack")  # another pack
    with pytest.raises(publish.FaultInjected):
        publish.fault("staging-written", PACK)
