"""``coursepack new``: start a module, a course, a country profile or a material as a valid draft."""

from __future__ import annotations

import argparse
from pathlib import Path

from .options import add_root


def add_parser(sub) -> None:
    from ..scaffold.kinds import GIVEN_TO, KINDS

    p = sub.add_parser("new", help="start a module, course, country profile or material as a draft",
                       description="Write a valid, schema-linked draft with every required field; what is left "
                                   "to write is marked TODO, and `check` reports the file as a draft until no "
                                   "TODO is left. A pack that uses a draft builds, but cannot be exported.",
                       epilog="Examples:\n"
                              "  coursepack new module living-wages --course gsc-turin\n"
                              "  coursepack new course wages-asia --module living-wages --country VN\n"
                              "  coursepack new country KE --course foundations-blended\n"
                              "  coursepack new material wage-calculator --module living-wages --kind worksheet",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_root(p)
    p.add_argument("kind", choices=list(KINDS), help="what to start")
    p.add_argument("id", help="its id (a slug such as living-wages; a country: its ISO 3166 code, e.g. KE)")
    p.add_argument("--course", action="append", default=[], metavar="COURSE",
                   help="module, country: also offer it in this course (repeatable)")
    p.add_argument("--module", action="append", default=[], metavar="MODULE",
                   help="course: a module it teaches (repeatable); material: the module it belongs to")
    for dim, example in (("audience", "labour-inspectors"), ("sector", "garment-textile"), ("country", "BD")):
        p.add_argument(f"--{dim}", action="append", default=[], metavar=dim.upper(),
                       help=f"course: offer it for this {dim}, e.g. {example} (repeatable; default: the first "
                            f"known, marked TODO)")
    p.add_argument("--region", help="country: its ILO region id (default: the first, marked TODO)")
    p.add_argument("--kind", dest="material_kind", metavar="KIND",
                   help=f"material: what it is, one of {', '.join(sorted(GIVEN_TO))}")
    p.add_argument("--session", help="material: the session whose activity uses it")
    p.add_argument("--activity", type=int, help="material: which activity of the session (1 is the first)")
    p.set_defaults(handler=run)


def run(args, root: Path) -> int:
    from ..content.repository import load_repo
    from ..errors import SelectionError
    from ..scaffold import KINDS

    if args.kind != "course" and args.country:
        raise SelectionError("--country is for `new course`; a new country is `coursepack new country CODE`")
    written = KINDS[args.kind](load_repo(root), args.id, args)
    for path in written:
        print(f"wrote {path}")
    print("next: replace every TODO in it; `coursepack check` lists the drafts")
    return 0
