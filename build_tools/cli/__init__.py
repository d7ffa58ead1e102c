"""The ``coursepack`` command line: one module per command (its options and what it does), the parser and
the one place an error becomes output and an exit code in :mod:`.app`, what several commands share in
:mod:`.options` (their arguments) and :mod:`.common` (reading those arguments, loading the content)."""

from .app import build_parser, find_root, main, report_failure
from .common import parse_formats as _formats  # the name the tests of format parsing import

__all__ = ["build_parser", "find_root", "main", "report_failure"]
