"""One atomic-write helper (``build_tools.atomic.replacing``): a reader sees the old file or the new, never
half, and a failed write leaves the old file and no temporary behind. No Sphinx: under a second."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_tools.atomic import replacing

BUILD_TOOLS = Path(__file__).resolve().parents[1] / "build_tools"


def test_a_write_that_succeeds_replaces_the_file_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    with replacing(target) as tmp:
        tmp.write_text("new", encoding="utf-8")
        assert not target.exists()  # nothing in place until the block succeeds
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_a_write_that_fails_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(OSError), replacing(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


# A hand-made copy of the helper: a temporary beside the file, renamed over it.
HAND_MADE = re.compile(r"os\.replace\(|tempfile\.mkstemp|NamedTemporaryFile|\.with_suffix\(\"\.tmp\"\)|"
                       r"name \+ \"\.tmp\"|\btmp\.replace\(")


def test_no_module_writes_atomically_by_hand():
    found = [f"{path.relative_to(BUILD_TOOLS)}:{n}" for path in sorted(BUILD_TOOLS.rglob("*.py"))
             if path.name != "atomic.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if HAND_MADE.search(line)]
    assert found == []
