"""``coursepack clean``: remove cached layouts and work folders unused for a while."""

from __future__ import annotations

from pathlib import Path

from .options import add_root, amount


def add_parser(sub) -> None:
    p = sub.add_parser("clean", help="remove cached layouts and work folders unused for a while",
                       description="Remove what builds keep in the output folder only to go faster, once unused "
                                   "for DAYS days: laid-out pieces of manuals, joined participant manuals, and "
                                   "each pack's work folder (generated sources, Sphinx environment). Published "
                                   "packs, manifest.json and index.html are kept. A pack whose cache was removed "
                                   "takes longer to build next time and gives the same files. Refuses to run "
                                   "while a build is using the folder.")
    add_root(p)
    p.add_argument("--output", "-o", type=Path, default=None, help="output folder (default: ROOT/_build)")
    p.add_argument("--older-than", type=amount("days"), default=30.0, metavar="DAYS",
                   help="remove what was last used more than DAYS days ago (default: 30; 0 removes it all)")
    p.add_argument("--dry-run", "-n", action="store_true", help="say what would be removed, remove nothing")
    p.set_defaults(handler=run)


def run(args, root: Path) -> int:
    from ..errors import CoursepackError
    from ..pipeline.clean import remove, sweep

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
    removed = _removed(doomed)
    if args.dry_run:
        print(f"clean: {out}: would remove {removed}; nothing removed (--dry-run)")
    else:
        print(f"clean: {out}: removed {removed}")
    if kept:
        print(f"clean: kept {len(kept)} cached item(s), {_mib(sum(e.size for e in kept))}, used in the last "
              f"{args.older_than:g} day(s)")
    return 0


def _removed(doomed) -> str:
    """What ``doomed`` holds, by kind: "2 layouts (1.5 MiB), 1 work folder (3.0 MiB)", or "nothing"."""
    from ..pipeline.clean import KINDS

    parts = []
    for kind, names in KINDS.items():
        of_kind = [e for e in doomed if e.kind == kind]
        if of_kind:
            parts.append(f"{len(of_kind)} {names[len(of_kind) != 1]} ({_mib(sum(e.size for e in of_kind))})")
    return ", ".join(parts) if parts else "nothing"


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"
