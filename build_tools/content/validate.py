"""Cross-reference checks over the whole catalogue, every problem reported in one run.

Schema errors (a wrong type, a missing field) are found while loading (:mod:`build_tools.content.repository`);
this module checks what only the whole catalogue can tell: that every id a file names exists, that
prerequisites form no cycle, that a course's sessions fit its schedule, and that trainer text uses only
what is allowed (:mod:`build_tools.content.lint`).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from ..errors import Location, Problems, did_you_mean
from . import model as m
from .branding import branding_problems
from .electives import check_electives, check_modules_in_courses
from .assessment_lint import answer_key_problems, rubric_problems
from .lint import ASSETS, lint_module, module_reference_problems, text_fields
from .materials import check_materials
from .repository import Repo, Source
from .scope import outside_the_build
from .timetable import place, to_minutes


def validate(repo: Repo, courses: Iterable[str] | None = None, *, translations: bool = False) -> Problems:
    """Run every check; returns the problems (loading problems included).

    ``courses`` limits the checks to what a build of those courses' packs is made from: the courses, the
    modules they list, the countries they offer and the shared context lists. A problem in any other
    content file is a warning naming that file, so a trainer building one course is not held up by a
    module or a country it does not use; ``coursepack check`` and CI check everything.
    ``translations`` adds the translations that packs in a language other than a fallback need
    (:func:`build_tools.resolve.localize.translation_problems`); a build checks those per pack."""
    problems = repo.problems
    cat = repo.catalogue
    wanted = set(cat.courses) if courses is None else set(courses)
    used = set(cat.modules) if courses is None else \
        {mid for cid in wanted & set(cat.courses) for mid in cat.courses[cid].modules}
    for mid, module in cat.modules.items():
        if mid not in used:
            continue
        src = repo.source("module", mid)
        _check_module(module, src, repo)
        check_materials(module, src, problems)
        problems.extend(lint_module(module, src, cat))
        problems.extend(rubric_problems(module, src))
    _check_prerequisite_cycles(repo, problems)
    if courses is None:  # `check`: every file still holding TODO markers (`coursepack new` writes them)
        from .drafts import draft_problems

        problems.extend(draft_problems(repo.files, repo.root))
    for cid, course in cat.courses.items():
        if cid in wanted:
            _check_course(course, repo.source("course", cid), repo)
            problems.extend(module_reference_problems(course, cat, lambda mid: repo.source("module", mid)))
    for code, country in cat.countries.items():
        _check_country(country, repo.source("country", code), repo)
    _check_outside_links(repo, used & set(cat.modules))
    if courses is None:  # the whole content: keys and the modules no course teaches
        problems.extend(answer_key_problems(cat, lambda mid: repo.source("module", mid)))
    if courses is None and not problems.errors:  # a course that did not load would make every module "unused"
        check_modules_in_courses(repo)
    branding_problems(repo, wanted)
    if translations:
        from ..resolve.localize import translation_problems

        problems.extend(translation_problems(repo, wanted & set(cat.courses)))
    return problems if courses is None else outside_the_build(repo, problems, wanted, used)


# --------------------------------------------------------------------------- files outside the repository

READ_BY_BUILDS = ("conf.py", "modules", "curriculum", "templates")
"""What a build reads from the repository, below its root: every file in these folders may be read (the
digest reads every asset and template), and images are copied from ``modules/assets/``."""
_IMAGE = re.compile(r"!\[[^\]]*\]\(" + ASSETS + r"/([^)\s]+)")


def _check_outside_links(repo: Repo, modules: set[str]) -> None:
    """A symbolic link that leads outside the repository is refused wherever a build could follow it:
    at the link itself (a folder a build reads, or any file or folder in it), and at each line of
    trainer text whose image goes through it. Checked before any build reads or copies a file."""
    root = repo.root.resolve()
    for link, target in _links_outside(root):
        repo.problems.add(Location(link), "outside-repository",
                          f"{link} is a symbolic link to {target}, outside the repository",
                          _OUTSIDE_HINT)
    for mid in sorted(modules):
        src = repo.source("module", mid)
        for data_path, text in text_fields(repo.catalogue.modules[mid]):
            for match in _IMAGE.finditer(text):
                escape = _first_link_outside(root, ("modules", ASSETS, *PurePosixPath(match.group(1)).parts))
                if escape is not None:
                    link, target = escape
                    repo.problems.add(src.text_line(data_path, text[:match.start()].count("\n")),
                                      "outside-repository", f"the image assets/{match.group(1)} leads outside the "
                                      f"repository: {link} is a symbolic link to {target}", _OUTSIDE_HINT)


def refuse_links_outside(root: Path, assets: Iterable[str]) -> None:
    """Raise ProblemsFound if an asset about to be copied into a pack (``assets/…``, under ``modules/``)
    goes through a symbolic link out of the repository: the same rule as ``check``, again at the copy,
    for builds that were not validated in the same process (matrix workers)."""
    root = root.resolve()
    found = Problems()
    for name in sorted(assets):
        escape = _first_link_outside(root, ("modules", *PurePosixPath(name).parts))
        if escape is not None:
            found.add(Location(f"modules/{name}"), "outside-repository",
                      f"the image {name} leads outside the repository: {escape[0]} is a symbolic link to "
                      f"{escape[1]}", _OUTSIDE_HINT)
    found.raise_if_errors()


_OUTSIDE_HINT = ("a build reads nothing from outside the repository: replace the link by a copy of the files "
                 "it points to, inside the repository")


def _first_link_outside(root: Path, parts: tuple[str, ...]) -> tuple[str, str] | None:
    """The first symbolic link on the way from ``root`` through ``parts`` that leads outside ``root``
    (relative path, target), or None. Each component is looked at, not only where the whole path ends."""
    for i in range(1, len(parts) + 1):
        path = root.joinpath(*parts[:i])
        if path.is_symlink():
            target = Path(os.path.realpath(path))
            if not target.is_relative_to(root):
                return "/".join(parts[:i]), str(target)
        elif not path.exists():
            return None
    return None


def _links_outside(root: Path) -> Iterator[tuple[str, str]]:
    """Every symbolic link under what builds read that leads outside ``root``: (relative path, target).
    Links that stay inside are followed (once each), so a link inside a linked folder is seen too."""
    seen: set[Path] = set()
    stack = [(name, root / name) for name in READ_BY_BUILDS]
    while stack:
        rel, path = stack.pop()
        real = Path(os.path.realpath(path))
        if path.is_symlink() and not real.is_relative_to(root):
            yield rel, str(real)
            continue
        if real in seen or not real.is_dir():
            continue
        seen.add(real)
        try:
            children = sorted(os.listdir(real))
        except OSError:
            continue
        stack.extend((f"{rel}/{name}", real / name) for name in reversed(children))


def _known(repo: Repo, src: Source, path: tuple, value: str, known, what: str, hint_more: str) -> bool:
    if value in known:
        return True
    if repo.is_unloadable(what, value):
        return False  # its own file's errors are reported; do not report every reference to it too
    problems = repo.problems
    problems.add(src.at(*path), f"unknown-{what}", f"unknown {what} {value!r}",
                 did_you_mean(value, known) or hint_more)
    return False


def _unique(problems: Problems, src: Source, items, list_path: tuple, what: str) -> None:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in seen:
            first = src.at(*list_path, seen[item.id], "id")
            problems.add(src.at(*list_path, i, "id"), f"duplicate-{what}",
                         f"{what} id {item.id!r} is used twice (first at line {first.line})",
                         "give each a unique id")
        else:
            seen[item.id] = i


def iter_whens(module: m.Module) -> Iterator[tuple[tuple, m.When]]:
    """Every `when:` of a module with its data path, nested `not:` and `any:` included."""
    def walk(path: tuple, when: m.When):
        yield path, when
        if when.not_ is not None:
            yield from walk(path + ("not",), when.not_)
        for i, sub in enumerate(when.any or []):
            yield from walk(path + ("any", i), sub)

    for si, session in enumerate(module.sessions):
        for vi, variant in enumerate(session.variants):
            yield from walk(("sessions", si, "variants", vi, "when"), variant.when)
        for ai, activity in enumerate(session.activities):
            if activity.when is not None:
                yield from walk(("sessions", si, "activities", ai, "when"), activity.when)
    for mi, material in enumerate(module.materials):
        for vi, variant in enumerate(material.variants):
            yield from walk(("materials", mi, "variants", vi, "when"), variant.when)


def _check_module(module: m.Module, src: Source, repo: Repo) -> None:
    cat, problems = repo.catalogue, repo.problems
    for i, a in enumerate(module.audiences):
        _known(repo, src, ("audiences", i), a, cat.audiences, "audience",
               "audiences are listed in curriculum/contexts/audiences.yml")
    for i, s in enumerate(module.sectors):
        _known(repo, src, ("sectors", i), s, cat.sectors, "sector",
               "sectors are listed in curriculum/contexts/sectors.yml")
    for i, code in enumerate(module.instruments):
        _known(repo, src, ("instruments", i), code, cat.instruments, "instrument",
               "instruments are listed in curriculum/contexts/instruments.yml")
    for i, pre in enumerate(module.prerequisites):
        if pre == module.id:
            problems.add(src.at("prerequisites", i), "prerequisite-cycle",
                         f"module {module.id!r} lists itself as a prerequisite", "remove it")
        else:
            _known(repo, src, ("prerequisites", i), pre, cat.modules, "module",
                   "prerequisites name other files in modules/")
    _unique(problems, src, module.sessions, ("sessions",), "session")
    for si, session in enumerate(module.sessions):
        _unique(problems, src, session.assessment, ("sessions", si, "assessment"), "assessment")
    known = {"audience": cat.audiences, "sector": cat.sectors, "country": cat.countries, "region": cat.regions,
             "language": {lang for c in cat.courses.values() for lang in c.languages}}
    where = {"audience": "curriculum/contexts/audiences.yml", "sector": "curriculum/contexts/sectors.yml",
             "country": "curriculum/contexts/countries/", "region": "curriculum/contexts/regions.yml",
             "language": "no course is offered in it"}
    for path, when in iter_whens(module):
        for key in m.WHEN_KEYS:
            if key == "edition":
                continue  # the schema already allows only the two editions
            value = getattr(when, key)
            values = value if isinstance(value, list) else [value] if value is not None else []
            for j, v in enumerate(values):
                vpath = path + (key, j) if isinstance(value, list) else path + (key,)
                if v not in known[key]:
                    problems.add(src.at(*vpath), "unknown-when-value", f"`when: {key}` names unknown {key} {v!r}",
                                 did_you_mean(v, known[key]) or f"see {where[key]}")


def _check_prerequisite_cycles(repo: Repo, problems: Problems) -> None:
    modules = repo.catalogue.modules
    graph = {mid: [p for p in mod.prerequisites if p in modules and p != mid] for mid, mod in modules.items()}
    reported: set[frozenset] = set()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        trail.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = trail[trail.index(nxt):] + [nxt]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    start = cycle[0]
                    index = modules[start].prerequisites.index(cycle[1])
                    problems.add(repo.source("module", start).at("prerequisites", index), "prerequisite-cycle",
                                 "prerequisites form a cycle: " + " → ".join(cycle),
                                 "a module cannot (even indirectly) require itself; remove one of these prerequisites")
            elif state.get(nxt) is None:
                visit(nxt, trail)
        trail.pop()
        state[node] = 2

    for mid in sorted(graph):
        if mid not in state:
            visit(mid, [])


def _check_course(course: m.Course, src: Source, repo: Repo) -> None:
    cat, problems = repo.catalogue, repo.problems
    dims = course.offered_for
    for i, a in enumerate(dims.audiences):
        _known(repo, src, ("offered_for", "audiences", i), a, cat.audiences, "audience",
               "audiences are listed in curriculum/contexts/audiences.yml")
    for i, s in enumerate(dims.sectors):
        _known(repo, src, ("offered_for", "sectors", i), s, cat.sectors, "sector",
               "sectors are listed in curriculum/contexts/sectors.yml")
    for i, c in enumerate(dims.countries):
        _known(repo, src, ("offered_for", "countries", i), c, cat.countries, "country",
               "country profiles are the files in curriculum/contexts/countries/")
    position: dict[str, int] = {}
    for i, mid in enumerate(course.modules):
        if mid in position:
            problems.add(src.at("modules", i), "duplicate-module",
                         f"module {mid!r} is listed twice (first as item {position[mid] + 1})", "remove one")
            continue
        if _known(repo, src, ("modules", i), mid, cat.modules, "module",
                  "modules are the files in modules/"):
            position[mid] = i
            module = cat.modules[mid]
            if module.status == "draft":
                problems.add(src.at("modules", i), "draft-module",
                             f"module {mid!r} is still a draft", "review it and set `status: reviewed`",
                             severity="warning")
    for mid, i in position.items():
        for pre in cat.modules[mid].prerequisites:
            if pre in position and position[pre] > i:
                problems.add(src.at("modules", i), "prerequisite-order",
                             f"module {mid!r} comes before its prerequisite {pre!r}",
                             f"move {pre!r} above {mid!r} in `modules:`")
    check_electives(course, src, problems, position)
    if _check_schedule_shape(course.schedule, src, problems):
        for set_id in course.elective_set_ids():
            listed = [mid for mid in course.pack_modules(set_id) if mid in position]
            _check_schedule(course, src, cat, problems, listed, set_id)
    if "facilitator" in course.editions and "participant" not in course.editions:
        problems.add(src.at("editions"), "facilitator-needs-participant",
                     "a course with the facilitator edition needs the participant edition too: the facilitator "
                     "guide quotes the pages of the participant manual", "add participant to `editions`")


def _check_schedule(course: m.Course, src: Source, cat: m.Catalogue, problems: Problems, modules: list[str],
                    set_id: str = "") -> None:
    worst = None
    seen_too_long: set = set()
    for audience, sector in itertools.product(course.offered_for.audiences, course.offered_for.sectors):
        sessions = [((mid, s.id), s.title, s.minutes) for mid in modules
                    if cat.modules[mid].applies_to(audience, sector) for s in cat.modules[mid].sessions]
        table = place(sessions, course.schedule)
        for t in table.too_long:
            if t.key not in seen_too_long:
                seen_too_long.add(t.key)
                problems.add(src.at("schedule"), "session-too-long",
                             f"session {t.key[1]!r} of module {t.key[0]!r} takes {t.minutes} minutes, more than "
                             f"a whole day's {t.day_minutes} teaching minutes",
                             "shorten the session or split it in two")
        if table.overflow and (worst is None or table.overflow.minutes > worst[0].minutes):
            worst = (table.overflow, audience, sector)
    if worst:
        overflow, audience, sector = worst
        day_end = course.schedule.day_end
        chosen = course.elective_set(set_id)
        electives = f", elective set {chosen.id!r}" if chosen else ""
        problems.add(
            src.at("schedule"), "schedule-overflow",
            f"the sessions do not fit the schedule: {overflow.minutes} minutes of sessions are left over after "
            f"day {overflow.day} ends at {day_end} (pack for audience {audience!r}, sector {sector!r}{electives}; "
            f"first session left over: {overflow.sessions[0][0]}/{overflow.sessions[0][1]})",
            f"add {-(-overflow.minutes // _day_minutes(course.schedule))} day(s) to `days`, lengthen the days, "
            "or remove a module" + (" (or move it to an elective set)" if course.electives else ""))


def _check_schedule_shape(schedule: m.Schedule, src: Source, problems: Problems) -> bool:
    """Times that make sense: the day ends after it starts, breaks fall inside the day and do not overlap."""
    ok = True
    if schedule.day_end <= schedule.day_start:
        problems.add(src.at("schedule", "day_end"), "schedule-times",
                     f"day_end {schedule.day_end} is not after day_start {schedule.day_start}",
                     "times are 24-hour HH:MM, e.g. day_start: \"09:00\", day_end: \"17:00\"")
        return False
    previous_end, previous_title = None, None
    for i, b in sorted(enumerate(schedule.breaks), key=lambda ib: ib[1].at):
        start, end = to_minutes(b.at), to_minutes(b.at) + b.minutes
        if not (to_minutes(schedule.day_start) <= start and end <= to_minutes(schedule.day_end)):
            problems.add(src.at("schedule", "breaks", i, "at"), "break-outside-day",
                         f"the break {b.title!r} ({b.at}, {b.minutes} minutes) is not inside the day "
                         f"({schedule.day_start}-{schedule.day_end})",
                         "move the break, shorten it, or change day_start/day_end")
            ok = False
        elif previous_end is not None and start < previous_end:
            problems.add(src.at("schedule", "breaks", i, "at"), "break-overlap",
                         f"the break {b.title!r} at {b.at} starts before {previous_title!r} has ended",
                         "move one of the two breaks")
            ok = False
        previous_end, previous_title = end, b.title
    return ok


def _day_minutes(schedule: m.Schedule) -> int:
    total = to_minutes(schedule.day_end) - to_minutes(schedule.day_start)
    return max(1, total - sum(b.minutes for b in schedule.breaks))


def _check_country(country: m.Country, src: Source, repo: Repo) -> None:
    cat, problems = repo.catalogue, repo.problems
    _known(repo, src, ("region",), country.region, cat.regions, "region",
           "regions are listed in curriculum/contexts/regions.yml")
    for code, fact in country.ratifications.items():
        if not _known(repo, src, ("ratifications", code), code, cat.instruments, "instrument",
                      "instruments are listed in curriculum/contexts/instruments.yml"):
            continue
        if not cat.instruments[code].ratifiable and fact.status != "unverified":
            problems.add(src.at("ratifications", code, key=True), "not-ratifiable",
                         f"{code} is a {cat.instruments[code].kind}; only Conventions and Protocols are ratified",
                         "remove this entry")


