"""``coursepack check``: validate the content and report every problem at file:line:column."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .options import add_root


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="validate the content and report every problem at file:line:column",
                       description="Validate modules, courses and contexts. Exits 1 if any error is found.")
    add_root(p)
    p.add_argument("--json", action="store_true", help="print problems and the summary as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="print problems only, no summary")
    p.add_argument("--lang", metavar="L", help="also report, per module, the translations into L that are "
                                              "missing, fuzzy or out of date")
    p.set_defaults(handler=run)


def run(args, root: Path) -> int:
    from ..content.repository import load_repo
    from ..content.validate import validate
    from ..resolve.localize import translations_needed

    repo = load_repo(root)
    problems = validate(repo, translations=True)
    coverage: list[str] = []
    if args.lang:
        from ..resolve.localize import translation_report

        coverage, found = translation_report(repo, args.lang)
        errors = {(p.location, p.code) for p in problems.errors}
        problems.extend(p for p in found if (p.location, p.code) not in errors)  # said once, as the error
    summary = _summary(repo.catalogue, problems)
    summary["translations_needed"] = translations_needed(repo, repo.catalogue.courses)
    if args.json:
        print(json.dumps({"ok": not problems.errors, "summary": summary, "translations": coverage,
                          "problems": [p.as_dict() for p in problems.sorted()]}, indent=2))
        return 1 if problems.errors else 0
    for problem in problems.sorted():
        print(problem.format(), file=sys.stderr if problem.severity == "error" else sys.stdout)
    if not args.quiet:
        _print_summary(summary, coverage, args.lang)
    return 1 if problems.errors else 0


def _summary(cat, problems) -> dict:
    """What the content holds and how many problems it has, as `check --json` reports it."""
    from ..content.materials import material_counts
    from ..resolve.keys import expand

    return {
        "modules": len(cat.modules),
        "sessions": sum(len(mod.sessions) for mod in cat.modules.values()),
        "materials": material_counts(cat),
        "assessment_items": sum(len(s.assessment) for mod in cat.modules.values() for s in mod.sessions),
        "courses": len(cat.courses),
        "packs": sum(len(expand(c)) for c in cat.courses.values()),
        "audiences": len(cat.audiences), "sectors": len(cat.sectors), "countries": len(cat.countries),
        "instruments": len(cat.instruments),
        "errors": len(problems.errors), "warnings": len(problems.items) - len(problems.errors),
        **_teaching(cat),
    }


def _teaching(cat) -> dict:
    """Which courses teach each module (core or elective), and how many single-answer items have four options."""
    singles = {mid: [item for s in mod.sessions for item in s.assessment if sum(c.correct for c in item.choices) == 1]
               for mid, mod in cat.modules.items()}
    total = sum(len(items) for items in singles.values())
    four = sum(len(item.choices) == 4 for items in singles.values() for item in items)
    return {
        "four_option_share": round(four / total, 3) if total else None,
        "module_detail": {mid: {
            "courses": [c.id for c in cat.courses.values() if mid in c.modules],
            "electives_in": [c.id for c in cat.courses.values() if mid in c.elective_modules],
            "single_answer": len(singles[mid]),
            "four_option_share": round(sum(len(i.choices) == 4 for i in singles[mid]) / len(singles[mid]), 3)
            if singles[mid] else None,
        } for mid in sorted(cat.modules)},
    }


def _print_summary(summary: dict, coverage: list[str], lang: str | None) -> None:
    if coverage:
        print(f"Translations into {lang!r}:")
        for line in coverage:
            print(f"  {line}")
    for course, languages in summary["translations_needed"].items():
        for language, tally in languages.items():
            counts = ", ".join(f"{tally[state]} {word}" for state, word in
                               (("missing", "missing"), ("fuzzy", "fuzzy"), ("stale", "out of date")) if tally[state])
            print(f"Translations {course} needs in {language!r}: {counts} (for {tally['packs']} packs: "
                  f"{tally['policy']})")
    materials = ", ".join(f"{n} {kind}" for kind, n in summary["materials"].items()) or "none"
    print(f"{summary['modules']} modules, {summary['sessions']} sessions, {summary['assessment_items']} assessment "
          f"items; materials: {materials}; {summary['courses']} courses "
          f"expanding to {summary['packs']} packs; {summary['audiences']} audiences, {summary['sectors']} "
          f"sectors, {summary['countries']} countries, {summary['instruments']} instruments")
    verdict = "ok" if not summary["errors"] else f"{summary['errors']} error(s)"
    print(f"check: {verdict}, {summary['warnings']} warning(s)")
