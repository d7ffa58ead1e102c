"""``coursepack list``: courses and modules; with COURSE, what the course is offered for (every dimension,
its values and their number) and how many packs that makes; ``--ids`` prints every pack id."""

from __future__ import annotations

import json
from pathlib import Path

from .common import load_checked
from .options import add_root

PLURALS = {"audience": "audiences", "sector": "sectors", "country": "countries", "language": "languages",
           "edition": "editions"}


def add_parser(sub) -> None:
    p = sub.add_parser("list", help="list courses, modules, and what a course is offered for",
                       description="List courses and modules; with COURSE, a summary of what it is offered for "
                                   "(languages, audiences, sectors, countries, editions, formats) and its number "
                                   "of packs; --ids prints every pack id (ids that `build` and `export` accept).")
    add_root(p)
    p.add_argument("course", nargs="?", help="a course id: summarise what it is offered for")
    p.add_argument("--ids", action="store_true", help="with COURSE: print every pack id, one a line")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=run)


def run(args, root: Path) -> int:
    from ..errors import SelectionError, did_you_mean

    cat = load_checked(root).catalogue
    if args.course and args.course not in cat.courses:
        hint = did_you_mean(args.course, cat.courses) or f"courses: {', '.join(sorted(cat.courses))}"
        raise SelectionError(f"unknown course {args.course!r}; {hint}")
    if args.ids and not args.course:
        raise SelectionError("--ids lists the packs of one course: name it, e.g. `coursepack list COURSE --ids`")
    courses = [cat.courses[args.course]] if args.course else list(cat.courses.values())
    if args.json:
        _print_json(courses, cat.modules.values())
    elif args.ids:
        _print_ids(courses[0])
    elif args.course:
        _print_course(courses[0])
    else:
        _print_all(courses, cat.modules.values())
    return 0


def summary(course) -> dict[str, list[str]]:
    """What a course is offered for: each dimension's values, then its formats."""
    from ..resolve.keys import DIMENSIONS, dimension_choices

    choices = dimension_choices(course)
    order = ("language", "audience", "sector", "country", "edition")
    assert sorted(order) == sorted(DIMENSIONS)
    return {**{PLURALS[d]: choices[d] for d in order}, "formats": list(course.outputs)}


def _print_json(courses, modules) -> None:
    from ..resolve.keys import expand

    modules = list(modules)
    print(json.dumps({
        "courses": [{"id": c.id, "kind": c.kind, "title": c.title, "languages": c.languages,
                     "modules": c.modules, "core": c.core_modules,
                     "electives": [{"id": es.id, "title": set_title(es, modules), "modules": es.modules,
                                    "default": i == 0} for i, es in enumerate(c.electives)],
                     "offered_for": summary(c), "packs": [k.id for k in expand(c)]}
                    for c in courses],
        "modules": [{"id": mod.id, "title": mod.title, "version": mod.version, "status": mod.status,
                     "sessions": len(mod.sessions), "minutes": mod.minutes} for mod in modules],
    }, indent=2, ensure_ascii=False))


def set_title(es, modules) -> str:
    """An elective set's title: its own, or its modules' titles."""
    titles = {mod.id: mod.title for mod in modules}
    return es.title or "; ".join(titles.get(mid, mid) for mid in es.modules)


def _print_ids(course) -> None:
    from ..resolve.keys import expand

    for key in expand(course):
        print(key.id)


def _print_course(course) -> None:
    from ..resolve.keys import expand

    print(f"{course.id}: {course.title} ({course.kind}, {len(course.modules)} modules)")
    for name, values in summary(course).items():
        print(f"  {name + ':':<11} {len(values):>3}  {', '.join(values)}")
    sizes = " x ".join(str(len(v)) for n, v in summary(course).items() if n != "formats")
    print(f"  {'packs:':<11} {len(expand(course)):>3}  ({sizes}; each built in the formats above)")
    if course.electives:
        print(f"\nCore modules: {', '.join(course.core_modules)}")
        print("Elective sets (--electives SET; a pack id of another set than the default ends in .SET):")
        for i, es in enumerate(course.electives):
            print(f"  {es.id:<28} {', '.join(es.modules)}{'  (default)' if i == 0 else ''}")
    print(f"\nRun `coursepack list {course.id} --ids` for every pack id "
          f"(course.audience.sector.country.language.edition).")


def _print_all(courses, modules) -> None:
    from ..resolve.keys import expand

    print("Courses:")
    for c in courses:
        print(f"  {c.id:<28} {c.kind:<9} {len(c.modules):>2} modules  {len(expand(c)):>5} packs  {c.title}")
    print("\nModules:")
    for mod in modules:
        print(f"  {mod.id:<32} {len(mod.sessions)} sessions {mod.minutes:>4} min  {mod.status:<9} {mod.title}")
    print("\nRun `coursepack list COURSE` for what one course is offered for.")
