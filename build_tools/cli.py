"""The ``coursepack`` command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__

EPILOG = """\
Typical use:
  coursepack check                       validate every module, course and country profile
  coursepack list                        courses, modules and the packs each course expands to
  coursepack build                       build the bundled sample pack (site and PDF)
  coursepack schema                      write JSON Schemas for editor autocompletion

Run `coursepack COMMAND --help` for the options of one command.
"""


def find_root(start: Path) -> Path:
    """The content repository: the nearest folder at or above ``start`` that has modules/ and curriculum/."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "modules").is_dir() and (folder / "curriculum").is_dir():
            return folder
    return start


def _add_root(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", type=Path, default=None,
                   help="content repository (default: the nearest folder with modules/ and curriculum/)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coursepack",
        description="Build tailored ILO training course packs (site, PDF manuals, e-campus packages) "
                    "from YAML modules and courses.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"coursepack {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help="validate the content and report every problem at file:line:column",
                       description="Validate modules, courses and contexts. Exits 1 if any error is found.")
    _add_root(p)
    p.add_argument("--json", action="store_true", help="print problems and the summary as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="print problems only, no summary")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("schema", help="write JSON Schema files for module, course and context files",
                       description="Write JSON Schemas that editors (yaml-language-server) use to autocomplete "
                                   "and flag mistakes. Content files point at them in their first line.")
    _add_root(p)
    p.add_argument("--output", "-o", type=Path, default=None, help="folder to write to (default: ROOT/schemas)")
    p.add_argument("--check", action="store_true",
                   help="do not write; exit 1 if the files on disk differ from the model")
    p.set_defaults(handler=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
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


def cmd_check(args, root: Path) -> int:
    from .catalogue import load_repo
    from .packs import expand
    from .validate import validate

    repo = load_repo(root)
    problems = validate(repo)
    cat = repo.catalogue
    summary = {
        "modules": len(cat.modules),
        "sessions": sum(len(mod.sessions) for mod in cat.modules.values()),
        "courses": len(cat.courses),
        "packs": sum(len(expand(c)) for c in cat.courses.values()),
        "audiences": len(cat.audiences), "sectors": len(cat.sectors), "countries": len(cat.countries),
        "instruments": len(cat.instruments),
        "errors": len(problems.errors), "warnings": len(problems.items) - len(problems.errors),
    }
    if args.json:
        print(json.dumps({"ok": not problems.errors, "summary": summary,
                          "problems": [p.as_dict() for p in problems.sorted()]}, indent=2))
        return 1 if problems.errors else 0
    for problem in problems.sorted():
        print(problem.format(), file=sys.stderr if problem.severity == "error" else sys.stdout)
    if not args.quiet:
        print(f"{summary['modules']} modules, {summary['sessions']} sessions, {summary['courses']} courses "
              f"expanding to {summary['packs']} packs; {summary['audiences']} audiences, {summary['sectors']} "
              f"sectors, {summary['countries']} countries, {summary['instruments']} instruments")
        verdict = "ok" if not problems.errors else f"{summary['errors']} error(s)"
        print(f"check: {verdict}, {summary['warnings']} warning(s)")
    return 1 if problems.errors else 0


def cmd_schema(args, root: Path) -> int:
    from .schema import write_schemas

    out = args.output or (root / "schemas")
    changed = write_schemas(out, check_only=args.check)
    if args.check:
        if changed:
            print("schema: out of date: " + ", ".join(changed) + "; run `coursepack schema`", file=sys.stderr)
            return 1
        print("schema: up to date")
        return 0
    print(f"schema: wrote {len(changed)} changed file(s) to {out}" if changed else f"schema: {out} is up to date")
    return 0
