"""What a build reads of the content, and what it does with problems in the rest.

A build of some courses reads those courses, the modules they list, the countries they offer and the
shared context lists. A problem in any other content file (a module no course of the build uses, a
country it does not offer, another course) cannot change its packs: it is a warning there, naming the
file, and an error for ``coursepack check``, which validates everything.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import Problems, display_path
from .repository import Repo


def outside_the_build(repo: Repo, problems: Problems, courses: set[str], modules: set[str]) -> Problems:
    """``problems`` with those in content files the build does not read (another course, a module none of
    ``courses`` lists, a country none of them offers) turned into warnings that say so."""
    cat = repo.catalogue
    countries = {c for cid in courses & set(cat.courses) for c in cat.courses[cid].offered_for.countries}
    kept = {"modules": (modules, "a module"), "curriculum": (courses, "a course"),
            "curriculum/contexts/countries": (countries, "a country")}
    unused = {}
    for path in repo.files:
        shown = display_path(path, repo.root)
        folder = shown.rsplit("/", 1)[0] if "/" in shown else ""
        if folder in kept and path.stem not in kept[folder][0]:
            unused[shown] = kept[folder][1]
    out = Problems()
    for p in problems.items:
        what = unused.get(p.location.path)
        if what is not None and p.severity == "error":
            p = replace(p, severity="warning", message=f"{p.message} ({what} that {', '.join(sorted(courses))} "
                        f"does not use: not built now; `coursepack check` reports it as an error)")
        out.items.append(p)
    return out
