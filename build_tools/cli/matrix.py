"""``coursepack matrix``: every pack of one or more courses, in parallel (local processes or Dask)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .common import load_loadable, parse_formats, validated
from .options import add_root, amount


def add_parser(sub) -> None:
    from ..resolve.keys import DIMENSIONS, flag

    p = sub.add_parser("matrix", help="build every pack of one or more courses, in parallel",
                       description="Build every pack the courses expand to (audiences x sectors x countries x "
                                   "languages x editions), skipping packs that are up to date. Validates "
                                   "those courses and their modules first (`coursepack check` validates "
                                   "everything). Writes OUT/manifest.json and OUT/index.html. Exits 1 if any "
                                   "pack failed.")
    add_root(p)
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
    p.add_argument("--timeout", type=amount("minutes"), default=30.0, metavar="MINUTES",
                   help="stop a pack that takes longer than this and report it failed (default: 30; 0: no "
                        "limit; on Dask workers too)")
    p.add_argument("--merge", nargs="+", default=None, metavar="DIR",
                   help="build nothing: merge the outputs of shard runs (their folders) into --output, with one "
                        "catalogue of all their packs")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress, only the summary")
    for dim in DIMENSIONS:
        p.add_argument(f"--{flag(dim)}", dest=dim, metavar="LIST", help=f"only these {dim} values (comma-separated)")
    p.set_defaults(handler=run)


def run(args, root: Path) -> int:
    from ..matrix import jobs as matrix

    if args.merge:
        return _merge(args, root)
    formats = parse_formats(args.format)
    shard = _shard(args.shard) if args.shard else None
    repo = load_loadable(root)
    keys = _packs(args, repo)
    remote = args.output is not None and "://" in args.output
    if remote and not args.scheduler:
        from ..errors import SelectionError

        raise SelectionError("an output URL needs --scheduler (Dask workers upload to it); give a folder for a "
                             "local matrix")
    out = Path(args.output).resolve() if args.output and not remote else (root / "_build").resolve()
    jobs = matrix.plan(keys, root, out, formats, shard)
    jobs = [matrix.Job(j.pack_id, j.root, j.out, j.formats, args.force, args.timeout * 60 or None) for j in jobs]
    progress = matrix.Progress(len(jobs), quiet=args.quiet)
    print(f"matrix: {len(jobs)} packs{f' (shard {args.shard})' if shard else ''}, "
          f"{'Dask at ' + args.scheduler if args.scheduler else f'{args.jobs} worker(s)'}", file=sys.stderr)
    if args.scheduler:
        from ..matrix.distributed import run_dask

        results = run_dask(jobs, args.scheduler, progress, output_url=args.output if remote else str(out))
    else:
        results = matrix.run_local(jobs, args.jobs, progress, repo)
    where = args.output.rstrip("/") if remote else out
    matrix.write_catalogue(where, results)
    print(matrix.summary(results))
    print(f"catalogue: {where}/index.html")
    return 1 if any(r.status == "failed" for r in results) else 0


def _packs(args, repo):
    """The packs of the courses named (all if none) that pass the dimension filters, once those courses
    and their modules are valid; :class:`SelectionError` if a course is unknown or no pack is left."""
    from ..errors import SelectionError
    from ..matrix.selection import matrix_packs
    from ..resolve.keys import DIMENSIONS

    cat = repo.catalogue
    courses = args.courses or sorted(cat.courses)
    # As for build: what the courses built are made from is validated (first: a course whose file has errors
    # is reported as such), so a module no course of the matrix uses does not stop it (`coursepack check`
    # and CI validate everything).
    validated(repo, set(courses))
    unknown = [c for c in args.courses if c not in cat.courses]
    if unknown:
        raise SelectionError(f"unknown course(s) {', '.join(unknown)}; courses: {', '.join(sorted(cat.courses))}")
    keys = matrix_packs([cat.courses[c] for c in courses], {d: getattr(args, d) for d in DIMENSIONS})
    if not keys:
        raise SelectionError("no pack matches these courses and filters")
    return keys


def _shard(text: str) -> tuple[int, int]:
    """``K/N`` as a pair; :class:`SelectionError` unless 1 <= K <= N."""
    from ..errors import SelectionError

    parts = text.split("/")
    if len(parts) == 2 and all(p.strip().isdigit() for p in parts) and 1 <= int(parts[0]) <= int(parts[1]):
        return int(parts[0]), int(parts[1])
    raise SelectionError(f"--shard takes K/N with 1 <= K <= N, not {text!r}")


def _merge(args, root: Path) -> int:
    """``--merge DIR...``: the shards' packs and catalogues in one output folder."""
    from ..errors import SelectionError
    from ..matrix.merge import merge

    if args.output and "://" in args.output:
        raise SelectionError("--merge writes to a folder: give --output a path (merge the shard folders before "
                             "uploading them)")
    out = Path(args.output).resolve() if args.output else (root / "_build").resolve()
    count = merge([Path(d) for d in args.merge], out)
    print(f"merged {count} packs from {len(args.merge)} folder(s); catalogue: {out}/index.html")
    return 0
