"""The ``coursepack`` command line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from . import __version__

EPILOG = """\
Typical use:
  coursepack check                       validate every module, course and country profile
  coursepack list                        courses, modules and the packs each course expands to
  coursepack build                       build the bundled sample pack (site and PDF)
  coursepack schema                      write JSON Schemas for editor autocompletion
  coursepack clean                       remove cached layouts unused for 30 days

Run `coursepack COMMAND --help` for the options of one command.
"""


def _epilog() -> str:
    from .errors import EXIT_CODES

    return EPILOG + "\nExit codes:\n" + "".join(f"  {code:<4} {meaning}\n" for code, meaning in EXIT_CODES.items())


def find_root(start: Path) -> Path:
    """The content repository: the nearest folder at or above ``start`` that has modules/ and curriculum/."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "modules").is_dir() and (folder / "curriculum").is_dir():
            return folder
    return start


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return port


def _add_pack_selection(p: argparse.ArgumentParser, edition_default: str) -> None:
    """The options that name a pack (read by :func:`_pick`): a course or pack id, and its dimensions."""
    p.add_argument("target", nargs="?",
                   help="a course id or a pack id (from `coursepack list COURSE`); default: the sample pack")
    from .resolve.keys import DIMENSIONS, flag

    helps = {"audience": "audience id, e.g. labour-inspectors", "sector": "sector id, e.g. garment-textile",
             "country": "ISO 3166 alpha-2 code, e.g. BD", "language": "language code, e.g. en"}
    for dim in DIMENSIONS[:-1]:
        p.add_argument(f"--{flag(dim)}", dest=dim, help=helps[dim])
    p.add_argument("--edition", choices=["participant", "facilitator"], help=f"default: {edition_default}")


def _add_root(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", type=Path, default=None,
                   help="content repository (default: the nearest folder with modules/ and curriculum/)")


def build_parser() -> argparse.ArgumentParser:
    from .content.model import EXPORT_FORMATS
    from .resolve.keys import DIMENSIONS, flag

    parser = argparse.ArgumentParser(
        prog="coursepack",
        description="Build tailored ILO training course packs (site, PDF manuals, e-campus packages) "
                    "from YAML modules and courses.",
        epilog=_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"coursepack {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help="validate the content and report every problem at file:line:column",
                       description="Validate modules, courses and contexts. Exits 1 if any error is found.")
    _add_root(p)
    p.add_argument("--json", action="store_true", help="print problems and the summary as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="print problems only, no summary")
    p.add_argument("--lang", metavar="L", help="also report, per module, the translations into L that are "
                                              "missing, fuzzy or out of date")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("i18n", help="gettext catalogues for translators: extract, update",
                       description="Translations are gettext .po files beside the content "
                                   "(modules/locale/<lang>/<module>.po, curriculum/locale/<lang>/*.po).",
                       epilog="extract: write the .pot templates and create .po files for new languages\n"
                              "update:  merge changed sources into every .po; changed entries become fuzzy",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_root(p)
    p.add_argument("action", choices=["extract", "update"])
    p.add_argument("--lang", action="append", default=[], metavar="L",
                   help="with extract: create catalogues for this language (repeatable)")
    p.set_defaults(handler=cmd_i18n)

    p = sub.add_parser("schema", help="write JSON Schema files for module, course and context files",
                       description="Write JSON Schemas that editors (yaml-language-server) use to autocomplete "
                                   "and flag mistakes. Content files point at them in their first line.")
    _add_root(p)
    p.add_argument("--output", "-o", type=Path, default=None,
                   help="folder to write to (default: ROOT/docs/schemas)")
    p.add_argument("--check", action="store_true",
                   help="do not write; exit 1 if the files on disk differ from the model")
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser("list", help="list courses, modules and the packs a course expands to",
                       description="List courses and modules; with COURSE, every pack id of that course "
                                   "(ids that `build` and `export` accept).")
    _add_root(p)
    p.add_argument("course", nargs="?", help="a course id: list its packs")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("build", help="build a course pack: HTML site and PDF manuals",
                       description="Build one pack, or both editions of one pack. With no arguments, builds "
                                   "the bundled sample pack named in pyproject.toml ([tool.coursepack.sample]).",
                       epilog="Examples:\n  coursepack build\n"
                              "  coursepack build gsc-turin --audience labour-inspectors --sector garment-textile "
                              "--country BD --lang en\n"
                              "  coursepack build gsc-turin.labour-inspectors.garment-textile.bd.en.participant",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_root(p)
    _add_pack_selection(p, edition_default="both editions")
    p.add_argument("--format", default=None, metavar="LIST",
                   help="what to build, comma-separated: html (the site), pdf (manuals and handouts), "
                        f"{', '.join(EXPORT_FORMATS)}; default: the course's outputs")
    p.add_argument("--force", action="store_true", help="rebuild even if the pack is up to date")
    p.add_argument("--output", "-o", type=Path, default=None, help="output folder (default: ROOT/_build)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the paths of what was built")
    p.set_defaults(handler=cmd_build)

    p = sub.add_parser("export", help="e-campus packages of a pack: SCORM, Common Cartridge, offline zip, questions",
                       description="Write deterministic zips of a pack for an LMS or a USB stick: scorm12 (what "
                                   "Moodle's SCORM activity plays best), scorm2004, cc (IMS Common Cartridge 1.1), "
                                   "offline (the site, opened from index.html), questions (Moodle GIFT and XML).")
    _add_root(p)
    p.add_argument("pack", help="a pack id (from `coursepack list COURSE`); participant edition for packages")
    p.add_argument("--format", required=True, metavar="LIST", help="comma-separated: " + ", ".join(EXPORT_FORMATS))
    p.add_argument("--output", "-o", type=Path, default=None,
                   help="folder for the zips (default: ROOT/_build/export); the site they are made from is "
                        "built in ROOT/_build as usual")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("serve", help="live preview of one pack: rebuilds on save, with a picker",
                       description="Build one pack's site, serve it on http://HOST:PORT/ and rebuild it when "
                                   "modules, courses, contexts or templates change; pages reload themselves. A bar "
                                   "at the bottom switches audience, sector, country, language and edition.")
    _add_root(p)
    _add_pack_selection(p, edition_default="participant")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0 picks a free one)")
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("matrix", help="build every pack of one or more courses, in parallel",
                       description="Build every pack the courses expand to (audiences x sectors x countries x "
                                   "languages x editions), skipping packs that are up to date. Validates "
                                   "those courses and their modules first (`coursepack check` validates "
                                   "everything). Writes OUT/manifest.json and OUT/index.html. Exits 1 if any "
                                   "pack failed.")
    _add_root(p)
    p.add_argument("courses", nargs="*", metavar="COURSE", help="course ids (default: every course)")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: cores)")
    p.add_argument("--format", default=None, metavar="LIST", help="as for build (default: each course's outputs)")
    p.add_argument("--output", "-o", default=None, help="output folder, or an fsspec URL with --scheduler "
                                                        "(default: ROOT/_build)")
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                   help="run the pack jobs on this Dask scheduler instead of local processes")
    p.add_argument("--shard", default=None, metavar="K/N", help="build only the K-th of N shares of the packs "
                                                               "(for CI job matrices)")
    p.add_argument("--force", action="store_true", help="rebuild packs even if up to date")
    p.add_argument("--timeout", type=_amount("minutes"), default=30.0, metavar="MINUTES",
                   help="stop a pack that takes longer than this and report it failed (default: 30; 0: no "
                        "limit; local workers only, a Dask cluster applies its own limits)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress, only the summary")
    for dim in DIMENSIONS:
        p.add_argument(f"--{flag(dim)}", dest=dim, metavar="LIST", help=f"only these {dim} values (comma-separated)")
    p.set_defaults(handler=cmd_matrix)

    p = sub.add_parser("clean", help="remove cached layouts and work folders unused for a while",
                       description="Remove what builds keep in the output folder only to go faster, once unused "
                                   "for DAYS days: laid-out pieces of manuals, joined participant manuals, and "
                                   "each pack's work folder (generated sources, Sphinx environment). Published "
                                   "packs, manifest.json and index.html are kept. A pack whose cache was removed "
                                   "takes longer to build next time and gives the same files. Refuses to run "
                                   "while a build is using the folder.")
    _add_root(p)
    p.add_argument("--output", "-o", type=Path, default=None, help="output folder (default: ROOT/_build)")
    p.add_argument("--older-than", type=_amount("days"), default=30.0, metavar="DAYS",
                   help="remove what was last used more than DAYS days ago (default: 30; 0 removes it all)")
    p.add_argument("--dry-run", "-n", action="store_true", help="say what would be removed, remove nothing")
    p.set_defaults(handler=cmd_clean)
    return parser


def _amount(unit: str):
    """An argparse type: a number of ``unit`` (days, minutes), 0 or more."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0 <= value < 100_000:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of {unit} (0 or more)")
        return value

    return parse


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
    from .errors import EXIT_SOFTWARE, CoursepackError, environment_failure

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


def cmd_check(args, root: Path) -> int:
    from .content.repository import load_repo
    from .resolve.keys import expand
    from .content.validate import validate

    repo = load_repo(root)
    problems = validate(repo)
    coverage: list[str] = []
    if args.lang:
        from .resolve.localize import translation_report

        coverage, found = translation_report(repo, args.lang)
        problems.extend(found)
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
        print(json.dumps({"ok": not problems.errors, "summary": summary, "translations": coverage,
                          "problems": [p.as_dict() for p in problems.sorted()]}, indent=2))
        return 1 if problems.errors else 0
    for problem in problems.sorted():
        print(problem.format(), file=sys.stderr if problem.severity == "error" else sys.stdout)
    if coverage and not args.quiet:
        print(f"Translations into {args.lang!r}:")
        for line in coverage:
            print(f"  {line}")
    if not args.quiet:
        print(f"{summary['modules']} modules, {summary['sessions']} sessions, {summary['courses']} courses "
              f"expanding to {summary['packs']} packs; {summary['audiences']} audiences, {summary['sectors']} "
              f"sectors, {summary['countries']} countries, {summary['instruments']} instruments")
        verdict = "ok" if not problems.errors else f"{summary['errors']} error(s)"
        print(f"check: {verdict}, {summary['warnings']} warning(s)")
    return 1 if problems.errors else 0


def cmd_schema(args, root: Path) -> int:
    from .content.schema import write_schemas

    out = args.output or (root / "docs" / "schemas")
    changed = write_schemas(out, check_only=args.check)
    if args.check:
        if changed:
            print("schema: out of date: " + ", ".join(changed) + "; run `coursepack schema`", file=sys.stderr)
            return 1
        print("schema: up to date")
        return 0
    print(f"schema: wrote {len(changed)} changed file(s) to {out}" if changed else f"schema: {out} is up to date")
    return 0


def _load_checked(root: Path):
    """Load and validate the repository; print its warnings; raise :class:`ProblemsFound` on errors."""
    from .content.repository import load_repo
    from .content.validate import validate

    repo = load_repo(root)
    problems = validate(repo)
    _stop_on_errors(problems)
    for problem in problems.sorted():
        print(problem.format(), file=sys.stderr)
    return repo


def _stop_on_errors(problems) -> None:
    """Raise :class:`ProblemsFound` (every problem, then what it means) if ``problems`` has errors."""
    from .errors import ProblemsFound

    if problems.errors:
        raise ProblemsFound(problems.items, f"{len(problems.errors)} error(s) in the content: nothing was "
                            f"built; fix them and run again (`coursepack check` lists them too)")


def cmd_list(args, root: Path) -> int:
    from .errors import SelectionError
    from .resolve.keys import expand

    repo = _load_checked(root)
    cat = repo.catalogue
    if args.course and args.course not in cat.courses:
        raise SelectionError(f"unknown course {args.course!r}; courses: {', '.join(sorted(cat.courses))}")
    courses = [cat.courses[args.course]] if args.course else list(cat.courses.values())
    if args.json:
        print(json.dumps({
            "courses": [{"id": c.id, "kind": c.kind, "title": c.title, "languages": c.languages,
                         "modules": c.modules, "packs": [k.id for k in expand(c)]} for c in courses],
            "modules": [{"id": mod.id, "title": mod.title, "version": mod.version, "status": mod.status,
                         "sessions": len(mod.sessions), "minutes": mod.minutes} for mod in cat.modules.values()],
        }, indent=2, ensure_ascii=False))
        return 0
    print("Courses:")
    for c in courses:
        print(f"  {c.id:<28} {c.kind:<9} {len(c.modules):>2} modules  {len(expand(c)):>5} packs  {c.title}")
    if args.course:
        print(f"\nPacks of {args.course} (course.audience.sector.country.language.edition):")
        for key in expand(courses[0]):
            print(f"  {key.id}")
        return 0
    print("\nModules:")
    for mod in cat.modules.values():
        print(f"  {mod.id:<32} {len(mod.sessions)} sessions {mod.minutes:>4} min  {mod.status:<9} {mod.title}")
    print("\nRun `coursepack list COURSE` for the pack ids of one course.")
    return 0


def cmd_build(args, root: Path) -> int:
    from .pipeline import unchanged
    from .resolve.keys import DIMENSIONS

    out = (args.output or root / "_build").resolve()
    command = {"command": "build", "target": args.target, "root": str(root), "output": str(out),
               "format": args.format,
               **{d: getattr(args, d) for d in DIMENSIONS}}
    fingerprint = unchanged.fingerprint(root, command)  # before anything is read: a later edit is seen next time
    if not args.force:
        done = unchanged.still_built(out, fingerprint)
        if done is not None:
            for pack_id, files, digest in done:
                _print_built(args, pack_id, files, digest, skipped=True, seconds=0.0)
            return 0

    from .pipeline.build import build_pack
    from .content.repository import load_repo
    from .errors import ProblemsFound, naming
    from .content.validate import validate

    repo = load_repo(root)
    _stop_on_errors(repo.problems)
    keys = _pick(args, root, repo.catalogue)
    formats = _formats(args.format)
    # Validation covers the courses built and their modules, and comes first: telling whether a pack is
    # up to date resolves it and reads its files, which needs every reference to resolve and every path
    # to stay inside the repository.
    _stop_on_errors(validate(repo, {key.course for key in keys}))
    failed, built = 0, []
    for key in keys:
        if not args.quiet:
            print(f"building {key.id}")
        try:
            with naming(out):
                result = build_pack(repo, key, out, formats=formats, force=args.force,
                                    log=(lambda s: None) if args.quiet else print)
        except ProblemsFound as exc:
            failed += 1
            for problem in exc.problems:
                print(problem.format(), file=sys.stderr)
            print(f"build of {key.id} failed: the previous output (if any) is unchanged", file=sys.stderr)
            continue
        _print_built(args, None, result.files, result.digest, result.skipped, result.seconds)
        if result.files:
            built.append(key.id)
    if not failed and len(built) == len(keys):  # a pack with nothing to build says so every time
        unchanged.remember(out, fingerprint, built)
    return 1 if failed else 0


def _print_built(args, pack_id: str | None, files: dict, digest: str, skipped: bool, seconds: float) -> None:
    """What `build` says of one pack: its outputs (handouts as one line), and whether it was up to date."""
    if pack_id is not None and not args.quiet:
        print(f"building {pack_id}")
    for name, path in files.items():
        if not name.startswith("handout-"):
            print(f"{name}: {path}" if not args.quiet else path)
    handouts = [p for n, p in files.items() if n.startswith("handout-")]
    if skipped and not args.quiet:
        print("  up to date: nothing to rebuild (--force rebuilds)")
    if handouts:
        print(f"handouts: {len(handouts)} in {handouts[0].parent}" if not args.quiet else handouts[0].parent)
    if not args.quiet:
        print(f"  done in {seconds:.1f} s (digest {digest})")


def _sample(root: Path) -> dict | None:
    import tomllib

    try:
        config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    sample = config.get("tool", {}).get("coursepack", {}).get("sample")
    return dict(sample) if sample else None


def cmd_i18n(args, root: Path) -> int:
    from .content.repository import load_repo
    from .errors import ProblemsFound
    from .i18n.catalogues import extract, update

    repo = load_repo(root)  # only loading errors matter here: out-of-date translations are what update is for
    if repo.problems.errors:
        raise ProblemsFound(repo.problems.items)
    if args.action == "extract":
        changed = extract(repo, args.lang)
        print(f"i18n extract: {len(changed)} file(s) written" + "".join(f"\n  {c}" for c in changed))
        return 0
    changed, fuzzy = update(repo)
    print(f"i18n update: {len(changed)} catalogue(s) changed, {fuzzy} entr{'y' if fuzzy == 1 else 'ies'} "
          f"marked fuzzy (source text changed)" + "".join(f"\n  {c}" for c in changed))
    return 0


def _formats(text: str | None):
    """The formats asked for, or None for the course's default; :class:`SelectionError` if one is unknown."""
    from .errors import SelectionError
    from .content.model import FORMATS

    if text is None:
        return None
    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise SelectionError(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return formats


def cmd_export(args, root: Path) -> int:
    from .pipeline.build import build_pack
    from .pipeline.layout import Layout
    from .errors import SelectionError, naming
    from .content.model import EXPORT_FORMATS, PARTICIPANT_FORMATS
    from .export.pack import export_pack
    from .resolve.localize import resolve_pack
    from .resolve.keys import PackKey

    formats = _formats(args.format)
    if any(f not in EXPORT_FORMATS for f in formats):
        raise SelectionError(f"formats are {', '.join(EXPORT_FORMATS)}; html and pdf come from `coursepack build`")
    key = PackKey.parse(args.pack)
    if key is None:
        raise SelectionError(f"{args.pack!r} is not a pack id; see `coursepack list COURSE`")
    wrong = [f for f in formats if (f in PARTICIPANT_FORMATS) == (key.edition == "facilitator")]
    if wrong:
        raise SelectionError(f"{', '.join(wrong)} cannot be made from the {key.edition} edition: SCORM, cartridges "
                             f"and offline zips are for participants; the question bank (answer keys) is exported "
                             f"from the facilitator edition")
    repo = _load_checked(root)
    out = (args.output or Layout(root / "_build").exports).resolve()
    pack = resolve_pack(repo, key)
    site_needed = any(f != "questions" for f in formats)
    with naming(root / "_build"):
        build = build_pack(repo, key, root / "_build", formats=("html",)) if site_needed else None
    with naming(out):
        for fmt in formats:
            path = export_pack(repo, pack, build.output / "site" if build else Path(), out, fmt)
            print(f"{fmt}: {path}")
    return 0


def _shard(text: str) -> tuple[int, int]:
    """``K/N`` as a pair; :class:`SelectionError` unless 1 <= K <= N."""
    from .errors import SelectionError

    parts = text.split("/")
    if len(parts) == 2 and all(p.strip().isdigit() for p in parts) and 1 <= int(parts[0]) <= int(parts[1]):
        return int(parts[0]), int(parts[1])
    raise SelectionError(f"--shard takes K/N with 1 <= K <= N, not {text!r}")


def cmd_matrix(args, root: Path) -> int:
    from .errors import SelectionError
    from .matrix import jobs as matrix
    from .resolve.keys import DIMENSIONS, expand

    formats = _formats(args.format)
    shard = _shard(args.shard) if args.shard else None
    from .content.repository import load_repo
    from .content.validate import validate

    repo = load_repo(root)
    _stop_on_errors(repo.problems)
    cat = repo.catalogue
    unknown = [c for c in args.courses if c not in cat.courses]
    if unknown:
        raise SelectionError(f"unknown course(s) {', '.join(unknown)}; courses: {', '.join(sorted(cat.courses))}")
    courses = args.courses or sorted(cat.courses)
    # As for build: the courses built and their modules are validated, so a draft module no course of the
    # matrix uses does not stop it (`coursepack check` and CI validate everything).
    problems = validate(repo, set(courses))
    _stop_on_errors(problems)
    for problem in problems.sorted():
        print(problem.format(), file=sys.stderr)
    keys = [k for c in courses for k in expand(cat.courses[c])]
    for dim in DIMENSIONS:
        wanted = getattr(args, dim)
        if wanted:
            values = {v.strip().upper() if dim == "country" else v.strip() for v in wanted.split(",")}
            keys = [k for k in keys if getattr(k, dim) in values]
    if not keys:
        raise SelectionError("no pack matches these courses and filters")
    remote = args.output is not None and "://" in args.output
    if remote and not args.scheduler:
        raise SelectionError("an output URL needs --scheduler (Dask workers upload to it); give a folder for a "
                             "local matrix")
    out = Path(args.output).resolve() if args.output and not remote else (root / "_build").resolve()
    jobs = matrix.plan(keys, root, out, formats, shard)
    jobs = [matrix.Job(j.pack_id, j.root, j.out, j.formats, args.force, args.timeout * 60 or None) for j in jobs]
    progress = matrix.Progress(len(jobs), quiet=args.quiet)
    print(f"matrix: {len(jobs)} packs{f' (shard {args.shard})' if shard else ''}, "
          f"{'Dask at ' + args.scheduler if args.scheduler else f'{args.jobs} worker(s)'}", file=sys.stderr)
    if args.scheduler:
        from .matrix.distributed import run_dask

        results = run_dask(jobs, args.scheduler, progress, output_url=args.output if remote else None)
    else:
        results = matrix.run_local(jobs, args.jobs, progress, repo)
    where = args.output.rstrip("/") if remote else out
    matrix.write_catalogue(where, results)
    print(matrix.summary(results))
    print(f"catalogue: {where}/index.html")
    return 1 if any(r.status == "failed" for r in results) else 0


def cmd_clean(args, root: Path) -> int:
    from .errors import CoursepackError
    from .pipeline.clean import KINDS, remove, sweep

    out = (args.output or root / "_build").resolve()
    if not out.is_dir():
        print(f"clean: {out} does not exist; nothing to clean")
        return 0
    doomed, kept = sweep(out, args.older_than)
    if not args.dry_run:
        try:
            remove(out, doomed)
        except BlockingIOError:
            raise CoursepackError(f"a build is using {out} right now; run clean once it has finished") from None
    parts = []
    for kind, names in KINDS.items():
        of_kind = [e for e in doomed if e.kind == kind]
        if of_kind:
            parts.append(f"{len(of_kind)} {names[len(of_kind) != 1]} ({_mib(sum(e.size for e in of_kind))})")
    removed = ", ".join(parts) if parts else "nothing"
    if args.dry_run:
        print(f"clean: {out}: would remove {removed}; nothing removed (--dry-run)")
    else:
        print(f"clean: {out}: removed {removed}")
    if kept:
        print(f"clean: kept {len(kept)} cached item(s), {_mib(sum(e.size for e in kept))}, used in the last "
              f"{args.older_than:g} day(s)")
    return 0


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def _pick(args, root: Path, cat):
    """The packs a build-like command names (course, pack id or sample, plus dimension flags);
    :class:`SelectionError` if they name none."""
    from .errors import SelectionError, did_you_mean
    from .resolve.keys import DIMENSIONS, PackKey, select

    given = {d: getattr(args, d) for d in DIMENSIONS}
    target = args.target
    if target is None:
        sample = _sample(root)
        if sample is None:
            raise SelectionError("name a course or a pack (see `coursepack list`)")
        target = sample.pop("course")
        given = {**sample, **{k: v for k, v in given.items() if v}}
    key = PackKey.parse(target) if "." in target else None
    if "." in target and key is None:
        raise SelectionError(f"{target!r} is not a pack id (course.audience.sector.country.language.edition)")
    course_id = key.course if key else target
    if course_id not in cat.courses:
        hint = did_you_mean(course_id, cat.courses) or "see `coursepack list`"
        raise SelectionError(f"unknown course {course_id!r}; {hint}")
    if key:
        given = {d: getattr(key, d) for d in DIMENSIONS}
    return select(cat.courses[course_id], given)


def cmd_serve(args, root: Path) -> int:
    from .errors import CoursepackError
    from .content.repository import load_repo
    from .serve.preview import serve

    repo = load_repo(root)
    keys = _pick(args, root, repo.catalogue)
    key = next((k for k in keys if k.edition == (args.edition or "participant")), keys[0])
    try:
        serve(root, key, host=args.host, port=args.port)
    except OSError as exc:
        raise CoursepackError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    return 0
