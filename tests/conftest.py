"""Shared fixtures: the repository root, tiny test repositories, and running the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_tools.cli import main

REPO = Path(__file__).resolve().parents[1]
ROOTS = Path(__file__).resolve().parent / "roots"
SHARED = REPO.parent / "shared"


@pytest.fixture
def minimal_root(tmp_path: Path) -> Path:
    """A copy of the smallest valid content repository, with the project's conf.py and templates."""
    target = tmp_path / "repo"
    shutil.copytree(ROOTS / "minimal", target)
    shutil.copy(REPO / "conf.py", target / "conf.py")
    shutil.copytree(REPO / "templates", target / "templates")
    return target


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``coursepack ARGV`` in-process; return (exit code, stdout, stderr)."""
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="session")
def repo():
    """The repository's own content, loaded once."""
    from build_tools.content.repository import load_repo

    return load_repo(REPO)


@pytest.fixture(scope="session")
def built(tmp_path_factory, repo):
    """Build packs of the repository's content once per session: ``built(key)`` → the pack's output folder.

    The participant and facilitator packs of the sample get the site and the PDFs; other packs the site only.
    """
    from build_tools.pipeline.build import build_pack

    out = tmp_path_factory.mktemp("packs")
    cache = {}

    def build(key, formats=("html",)):
        full = ("html", "pdf")
        if (key, full) in cache:
            return cache[(key, full)]
        if (key, tuple(formats)) not in cache:
            cache[(key, tuple(formats))] = build_pack(repo, key, out, formats=tuple(formats)).output
        return cache[(key, tuple(formats))]

    return build
