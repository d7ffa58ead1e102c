"""The output folder's layout is named in one module, and the stamp of a pack read and written by one type."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from build_tools.pipeline.layout import STAMP, Stamp

PACKAGE = Path(__file__).resolve().parents[1] / "build_tools"
UNDER_BUILD = re.compile(r"(^|/)\.(work|cache|serve|locks|staging-|old-)(/|$|-|\b)|\.coursepack\.json|\.lock$|"
                         r"in-use|builds\.json|^doctrees$|docutils-locked|site-unfinished|environment\.pickle")
"""A name of something the builds keep under the output folder, as a string in code (not a docstring)."""


def _strings(tree: ast.AST):
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


@pytest.mark.parametrize("module", sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                                          if p.name != "layout.py"))
def test_no_module_but_the_layout_spells_a_path_under_the_output_folder(module):
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    spelled = [f"{module}:{n.lineno}: {n.value!r}" for n in _strings(tree) if UNDER_BUILD.search(n.value)]
    assert not spelled, "ask build_tools.pipeline.layout for these paths:\n" + "\n".join(spelled)


def test_a_stamp_reads_back_what_was_written(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("x")
    written = Stamp("abc", ["html", "pdf"], {"site": "site/index.html"})
    written.write(tmp_path)
    assert Stamp.read(tmp_path) == written
    assert written.covers(tmp_path, "abc", ["html"])
    assert not written.covers(tmp_path, "abd", ["html"])
    assert not written.covers(tmp_path, "abc", ["scorm"])
    (tmp_path / "site" / "index.html").unlink()
    assert not written.covers(tmp_path, "abc", ["html"])


@pytest.mark.parametrize("text", ["", "{", "[]", '{"digest": "a"}', '{"digest": 1, "formats": [], "files": {}}',
                                  '{"digest": "a", "formats": [], "files": []}',
                                  '{"digest": "a", "formats": [], "files": {"site": 3}}'])
def test_an_unreadable_stamp_is_no_stamp(tmp_path, text):
    (tmp_path / STAMP).write_text(text)
    assert Stamp.read(tmp_path) is None


def test_no_stamp_is_no_stamp(tmp_path):
    assert Stamp.read(tmp_path) is None


def test_a_stamp_is_written_as_before(tmp_path):
    """Byte for byte what builds wrote before the type existed (sorted keys, indent 1): a published pack does not
    change because its stamp is now written by a type."""
    Stamp("d", ["html"], {"site": "site/index.html"}).write(tmp_path)
    expected = json.dumps({"digest": "d", "formats": ["html"], "files": {"site": "site/index.html"}},
                          indent=1, sort_keys=True)
    assert (tmp_path / STAMP).read_text(encoding="utf-8") == expected
