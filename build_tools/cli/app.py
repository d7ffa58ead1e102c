"""The parser of every command, and :func:`main`: run the command, turn any error into output and an exit
code (:func:`report_failure`, the one place that does)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from .. import __version__
from . import build, check, clean, export, i18n, matrix, new, schema, serve
from . import list as list_

EPILOG = """\
Typical use:
  coursepack check                       validate every module, course and country profile
  coursepack new country XX --course C   start a country profile (also: module, course, material)
  coursepack list [COURSE]               courses and modules; what a course is offered for
  coursepack build                       build the bundled sample pack (site and PDF)
  coursepack serve                       live preview of the sample pack, rebuilt on save
  coursepack export PACK-ID --format scorm12
                                         an e-campus package of one pack (SCORM, cartridge, offline zip)
  coursepack matrix COURSE               build every pack of a course, in parallel
  coursepack i18n update                 bring the translators' catalogues up to date
  coursepack schema                      write JSON Schemas for editor autocompletion
  coursepack clean                       remove cached layouts unused for 30 days

Run `coursepack COMMAND --help` for the options of one command.
"""

COMMANDS = (check, new, i18n, schema, list_, build, export, serve, matrix, clean)
"""The command modules, in the order `coursepack --help` lists them; each has ``add_parser(sub)``."""


def _epilog() -> str:
    from ..errors import EXIT_CODES

    return EPILOG + "\nExit codes:\n" + "".join(f"  {code:<4} {meaning}\n" for code, meaning in EXIT_CODES.items())


def find_root(start: Path) -> Path:
    """The content repository: the nearest folder at or above ``start`` that has modules/ and curriculum/."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "modules").is_dir() and (folder / "curriculum").is_dir():
            return folder
    return start


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coursepack",
        description="Build tailored ILO training course packs (site, PDF manuals, e-campus packages) "
                    "from YAML modules and courses.",
        epilog=_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"coursepack {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


class _ToStderr(logging.Handler):
    """Writes to whatever sys.stderr is at the time (not the stream of the first call)."""

    def emit(self, record):
        sys.stderr.write(self.format(record) + "\n")


def _configure_logging() -> None:
    """Give the root logger a handler before any library does: one theme dependency calls
    logging.basicConfig(INFO) on import, which would print every layout step of WeasyPrint."""
    root = logging.getLogger()
    if not any(isinstance(h, _ToStderr) for h in root.handlers):
        handler = _ToStderr(logging.WARNING)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level < logging.WARNING:
        root.setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    _configure_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    root = args.root.resolve() if getattr(args, "root", None) else find_root(Path.cwd())
    try:
        return args.handler(args, root)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `coursepack list | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("COURSEPACK_DEBUG"):
            raise
        return report_failure(exc, args.command)


def report_failure(exc: Exception, command: str) -> int:
    """The one place an error becomes output and an exit code: a :class:`CoursepackError` says what to fix
    and exits with its code; an ``OSError`` of the disk or permissions, or a missing library, becomes an
    :class:`EnvironmentFailure`; anything else is a bug in coursepack (exit 70)."""
    from ..errors import EXIT_SOFTWARE, CoursepackError, environment_failure

    failure = exc if isinstance(exc, CoursepackError) else environment_failure(exc)
    if failure is not None:
        for line in failure.lines(command):
            print(line, file=sys.stderr)
        return failure.exit_code
    # a bug in coursepack, not in the content: say so in one line
    print(f"coursepack: internal error: {type(exc).__name__}: {exc}\n"
          f"  this is a bug in coursepack, not in your content; run again with COURSEPACK_DEBUG=1 "
          f"for the full traceback and report it", file=sys.stderr)
    return EXIT_SOFTWARE
