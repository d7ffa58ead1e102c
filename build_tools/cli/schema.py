"""``coursepack schema``: write (or check) the JSON Schemas editors use for content files."""

from __future__ import annotations

import sys
from pathlib import Path

from .options import add_root


def add_parser(sub) -> None:
    p = sub.add_parser("schema", help="write JSON Schema files for module, course and context files",
                       description="Write JSON Schemas that editors (yaml-language-server) use to autocomplete "
                                   "and flag mistakes. Content files point at them in their first line.")
    add_root(p)
    p.add_argument("--output", "-o", type=Path, default=None,
                   help="folder to write to (default: ROOT/docs/schemas)")
    p.add_argument("--check", action="store_true",
                   help="do not write; exit 1 if the files on disk differ from the model")
    p.set_defaults(handler=run)


def run(args, root: Path) -> int:
    from ..content.schema import write_schemas

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
