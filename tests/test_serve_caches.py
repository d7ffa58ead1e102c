"""What ``serve`` keeps between two rebuilds answers as a fresh run would: a file's parse is kept by its
content (a save that keeps the size and the modification time is still seen), and a text's lint by what
the lint reads (the catalogue's instruments included)."""

from __future__ import annotations

import os

import pytest

from build_tools.content.lint import lint_text
from build_tools.content.loader import load_file
from build_tools.content.repository import load_repo
from build_tools.content.validate import validate


def test_a_save_with_the_same_size_and_time_is_parsed_again(minimal_root):
    path = minimal_root / "modules" / "intro.yml"
    text = path.read_text(encoding="utf-8")
    stat = path.stat()
    first = load_file(path, "modules/intro.yml")
    assert "links a lead firm" in text
    path.write_text(text.replace("links a lead firm", "links a load firm"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    second = load_file(path, "modules/intro.yml")
    assert second is not first and "links a load firm" in repr(second.data)
    # and the same content again is the same parse
    assert load_file(path, "modules/intro.yml") is second


@pytest.mark.parametrize("kind, expected", [("convention", set()), ("recommendation", {"not-ratifiable"}),
                                            ("protocol", set()), ("declaration", {"not-ratifiable"})])
def test_the_lint_of_a_text_follows_the_instruments(minimal_root, kind, expected):
    contexts = minimal_root / "curriculum" / "contexts" / "instruments.yml"
    text = "Status: {{ country.ratification('C087') }}."
    for current in ("convention", kind):  # linted first under the file as it is, then after the change
        source = contexts.read_text(encoding="utf-8")
        head, rest = source.split("  - code: C087\n", 1)
        rest = rest.replace(rest.split("kind: ", 1)[1].split("\n", 1)[0], current, 1)
        contexts.write_text(head + "  - code: C087\n" + rest, encoding="utf-8")
        repo = load_repo(minimal_root)
        assert repo.catalogue.instruments["C087"].kind == current
        found = {code for _offset, code, _message, _hint in lint_text(text, repo.catalogue)}
    assert found == expected
    assert not {p.code for p in validate(repo).errors} - {"not-ratifiable"}
