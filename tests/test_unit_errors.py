"""The error family: every kind a stage raises becomes output and an exit code in one place
(``cli.report_failure``), and the files a user may edit besides the content (labels, the manual template)
are reported as located problems, not as internal errors. No Sphinx: under a second."""

from __future__ import annotations

import errno

import pytest

from build_tools import errors
from build_tools.cli import report_failure
from build_tools.errors import (EXIT_CODES, EXIT_CONTENT, EXIT_IOERR, EXIT_SOFTWARE, EXIT_USAGE, CoursepackError,
                                EnvironmentFailure, Location, Problem, ProblemsFound, SelectionError)
from build_tools.i18n.labels import load_labels
from build_tools.printing.pieces import split

PROBLEM = Problem(Location("modules/intro.yml", 3, 5), "some-code", "what is wrong", "how to fix it")

FAILURES = {
    "content": (ProblemsFound([PROBLEM]), EXIT_CONTENT, [PROBLEM.format()]),
    "content with its meaning": (ProblemsFound([PROBLEM], "1 error(s) in the content"), EXIT_CONTENT,
                                 [PROBLEM.format(), "1 error(s) in the content"]),
    "selection": (SelectionError("unknown course 'x'"), EXIT_USAGE, ["coursepack build: unknown course 'x'"]),
    "other": (CoursepackError("a build is using it"), EXIT_CONTENT, ["coursepack build: a build is using it"]),
    "environment": (EnvironmentFailure("disk full", "out", "no space", "free some", EXIT_IOERR), EXIT_IOERR,
                    ["coursepack: disk full: out: no space\n  hint: free some"]),
    "disk full as the system says it": (OSError(errno.ENOSPC, "No space left on device", "out/x"), EXIT_IOERR,
                                        ["coursepack: disk full: out/x: No space left on device"]),
}


@pytest.mark.parametrize("name", FAILURES)
def test_every_kind_of_failure_is_told_with_its_exit_code(name, capsys):
    exc, code, lines = FAILURES[name]
    assert report_failure(exc, "build") == code
    out, err = capsys.readouterr()
    assert out == ""
    for line in lines:
        assert line in err
    assert "internal error" not in err and code in EXIT_CODES


def test_anything_else_is_a_bug_in_coursepack(capsys):
    assert report_failure(RuntimeError("oops"), "build") == EXIT_SOFTWARE
    err = capsys.readouterr().err
    assert err.startswith("coursepack: internal error: RuntimeError: oops\n") and "this is a bug" in err


def test_every_error_class_of_build_tools_is_of_the_family():
    family = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, BaseException)]
    assert {c.__name__ for c in family} == {"CoursepackError", "ProblemsFound", "SelectionError",
                                            "EnvironmentFailure", "PackTimeout"}
    for cls in family:
        assert cls.kind and cls.exit_code in EXIT_CODES, cls


@pytest.mark.parametrize("text, code", [("a: [\n", "yaml-syntax"), ("- a list\n", "labels-not-mapping"),
                                        ("", "labels-not-mapping")])
def test_a_broken_labels_file_is_a_located_problem(tmp_path, text, code):
    (tmp_path / "templates" / "labels").mkdir(parents=True)
    (tmp_path / "templates" / "labels" / "en.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsFound) as failure:
        load_labels(tmp_path / "templates", "en")
    [problem] = failure.value.problems
    assert (problem.location.path, problem.code) == ("templates/labels/en.yml", code)


def test_a_manual_template_without_pieces_is_a_located_problem():
    with pytest.raises(ProblemsFound) as failure:
        split("<html><head></head><body>no markers</body></html>")
    [problem] = failure.value.problems
    assert problem.location.path == "templates/print/manual.html.j2" and problem.hint


# --------------------------------------------------------------------------- one list of dimensions, one of formats


@pytest.mark.parametrize("command", ["build", "serve", "matrix"])
def test_every_pack_dimension_has_its_option_in_each_command_that_names_packs(command):
    from build_tools.cli import build_parser
    from build_tools.resolve.keys import DIMENSIONS, flag

    parser = build_parser()
    args = parser.parse_args([command] + [a for dim in DIMENSIONS for a in (f"--{flag(dim)}", "participant")])
    assert {dim: getattr(args, dim) for dim in DIMENSIONS} == {dim: "participant" for dim in DIMENSIONS}


def test_the_content_schema_and_the_command_line_accept_the_same_formats():
    import typing

    from build_tools.cli import _formats
    from build_tools.content.model import FORMATS, Output

    assert typing.get_args(Output) == FORMATS
    assert _formats(",".join(FORMATS)) == FORMATS
    with pytest.raises(SelectionError, match="choose from " + ", ".join(FORMATS)):
        _formats("epub")
