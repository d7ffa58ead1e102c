"""A build command repeated with nothing changed answers without loading the content; any change on disk
takes the long way, which decides by content."""

from __future__ import annotations

import os

import pytest

import build_tools.content.repository

from .conftest import run_cli

ARGS = ("build", "sample", "--audience", "labour-inspectors", "--sector", "agriculture", "--country", "BD",
        "--edition", "participant", "--format", "html")
PACK = "sample.labour-inspectors.agriculture.bd.en.participant"


@pytest.fixture
def loads(monkeypatch):
    """How many times the content is loaded."""
    calls = []
    real = build_tools.content.repository.load_repo

    def counting(root):
        calls.append(root)
        return real(root)

    monkeypatch.setattr(build_tools.content.repository, "load_repo", counting)
    return calls


def build(capsys, root) -> str:
    code, out, err = run_cli(capsys, *ARGS, "--root", str(root))
    assert code == 0, err
    return out


def test_repeated_build_answers_without_loading(minimal_root, capsys, loads):
    first = build(capsys, minimal_root)
    assert "site built" in first and len(loads) == 1
    again = build(capsys, minimal_root)
    assert len(loads) == 1, "the content was loaded for a build with nothing changed"
    assert "up to date" in again and f"{PACK}/site/index.html" in again

    module = minimal_root / "modules" / "intro.yml"
    os.utime(module, ns=(module.stat().st_atime_ns, module.stat().st_mtime_ns + 10**9))  # touched, same bytes
    touched = build(capsys, minimal_root)
    assert len(loads) == 2 and "up to date" in touched  # loaded, compared by content, nothing rebuilt

    module.write_text(module.read_text().replace("A supply chain links", "A supply chain connects"))
    changed = build(capsys, minimal_root)
    assert len(loads) == 3 and "site built" in changed


def test_a_missing_output_is_rebuilt(minimal_root, capsys, loads):
    build(capsys, minimal_root)
    (minimal_root / "_build" / PACK / "site" / "index.html").unlink()
    again = build(capsys, minimal_root)
    assert len(loads) == 2 and "site built" in again
    assert (minimal_root / "_build" / PACK / "site" / "index.html").exists()


def test_force_always_builds(minimal_root, capsys, loads):
    build(capsys, minimal_root)
    code, out, err = run_cli(capsys, *ARGS, "--force", "--root", str(minimal_root))
    assert code == 0, err
    assert len(loads) == 2 and "site built" in out
