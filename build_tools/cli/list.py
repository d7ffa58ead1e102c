"""``coursepack list``: courses, modules, and the pack ids a course expands to."""

from __future__ import annotations

import json
from pathlib import Path

from .common import load_checked
from .options import add_root


def add_parser(sub) -> None:
    p = sub.add_parser("list", help="list courses, modules and the packs a course expands to",
                       description="List courses and modules; with COURSE, every pack id of that course "
                                   "(ids that `build` and `export` accept).")
    add_root(p)
    p.add_argument("course", nargs="?", help="a course id: list its packs")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=run)


def run(args, root: Path) -> int:
    from ..errors import SelectionError

    cat = load_checked(root).catalogue
    if args.course and args.course not in cat.courses:
        raise SelectionError(f"unknown course {args.course!r}; courses: {', '.join(sorted(cat.courses))}")
    courses = [cat.courses[args.course]] if args.course else list(cat.courses.values())
    if args.json:
        _print_json(courses, cat.modules.values())
    else:
        _print_text(courses, cat.modules.values(), args.course)
    return 0


def _print_json(courses, modules) -> None:
    from ..resolve.keys import expand

    modules = list(modules)
    print(json.dumps({
        "courses": [{"id": c.id, "kind": c.kind, "title": c.title, "languages": c.languages,
                     "modules": c.modules, "core": c.core_modules,
                     "electives": [{"id": es.id, "title": set_title(es, modules), "modules": es.modules,
                                    "default": i == 0} for i, es in enumerate(c.electives)],
                     "packs": [k.id for k in expand(c)]} for c in courses],
        "modules": [{"id": mod.id, "title": mod.title, "version": mod.version, "status": mod.status,
                     "sessions": len(mod.sessions), "minutes": mod.minutes} for mod in modules],
    }, indent=2, ensure_ascii=False))


def set_title(es, modules) -> str:
    """An elective set's title: its own, or its modules' titles."""
    titles = {mod.id: mod.title for mod in modules}
    return es.title or "; ".join(titles.get(mid, mid) for mid in es.modules)


def _print_text(courses, modules, course_id: str | None) -> None:
    from ..resolve.keys import expand

    print("Courses:")
    for c in courses:
        print(f"  {c.id:<28} {c.kind:<9} {len(c.modules):>2} modules  {len(expand(c)):>5} packs  {c.title}")
    if course_id:
        course = courses[0]
        if course.electives:
            print(f"\nCore modules: {', '.join(course.core_modules)}")
            print("Elective sets (--electives SET; a pack id of another set than the default ends in .SET):")
            for i, es in enumerate(course.electives):
                default = "  (default)" if i == 0 else ""
                print(f"  {es.id:<28} {', '.join(es.modules)}{default}")
        print(f"\nPacks of {course_id} (course.audience.sector.country.language.edition), default elective set:")
        for key in expand(course):
            print(f"  {key.id}")
        return
    print("\nModules:")
    for mod in modules:
        print(f"  {mod.id:<32} {len(mod.sessions)} sessions {mod.minutes:>4} min  {mod.status:<9} {mod.title}")
    print("\nRun `coursepack list COURSE` for the pack ids of one course.")
