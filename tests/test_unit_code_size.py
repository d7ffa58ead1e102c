"""Every module of build_tools stays small enough to read in one sitting, and every function in one screen.

Limits: 400 lines a module, 60 lines a function. Functions still over the limit are listed by name; the list
may only shrink (a listed function that got short enough must leave it, so the test fails until it does).
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "build_tools"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
STILL_LONG: set[str] = set()

MODULES = sorted(PACKAGE.rglob("*.py"))


def _functions(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node.end_lineno - node.lineno + 1


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_module_is_short(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines; split it by what its parts do"


def test_functions_are_short():
    long = {f"{p.relative_to(PACKAGE).as_posix()}:{name}": n for p in MODULES for name, n in _functions(p)
            if n > MAX_FUNCTION_LINES}
    assert set(long) - STILL_LONG == set(), f"functions over {MAX_FUNCTION_LINES} lines: {long}"
    assert STILL_LONG - set(long) == set(), "these are short now: remove them from STILL_LONG"
