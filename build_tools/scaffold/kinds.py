"""The kinds ``coursepack new`` makes: each checks its id and options, fills its template and writes it.
Adding a kind: a template in ``templates/scaffold/`` and a function in :data:`KINDS`."""

from __future__ import annotations

import re

from ..errors import SelectionError
from . import create, edits, known, offer, render, schedule, slug

GIVEN_TO = {"handout": "participant", "case": "group", "role-card": "role", "data-sheet": "participant",
            "worksheet": "participant", "checklist": "group", "brief": "participant", "template": "participant",
            "slide-notes": "facilitator", "supply": "group"}
"""Every material kind (docs: the materials format) and who gets it unless the author says otherwise."""


def new_module(repo, ident: str, args) -> list[str]:
    ident = slug("module", ident)
    courses = [known("course", c, repo.catalogue.courses, "see `coursepack list`") for c in args.course]
    path = repo.root / "modules" / f"{ident}.yml"
    if ident in repo.catalogue.modules:
        path = repo.root / repo.source("module", ident).path
    written = [create(path, render(repo.root, "module", path, id=ident, session="introduction"), repo.root,
                      "module")]
    written += [f for c in courses if (f := offer(repo, c, ("modules",), ident))]
    return written + [f for c in courses if (f := schedule.fit(repo.root, c))]


def new_course(repo, ident: str, args) -> list[str]:
    ident = slug("course", ident)
    cat = repo.catalogue
    path = repo.root / "curriculum" / f"{ident}.yml"
    if ident in cat.courses:
        path = repo.root / repo.source("course", ident).path
    modules = [known("module", mid, cat.modules, "modules are the files in modules/") for mid in args.module] \
        or list(cat.modules)[:1]
    if not modules:
        raise SelectionError("a course needs a module: make one first with `coursepack new module ID`")
    modules = _with_linked(modules, cat)
    context = {"id": ident, "modules": modules, "languages": ["en"], "days": 1,
               "audiences": _chosen(args.audience, cat.audiences, "audience"),
               "sectors": _chosen(args.sector, cat.sectors, "sector"),
               "countries": _chosen([c.upper() for c in args.country], cat.countries, "country")}
    written = [create(path, render(repo.root, "course", path, **context), repo.root, "course")]
    schedule.fit(repo.root, ident)  # as many days as its modules need
    return written


def _with_linked(modules: list[str], cat) -> list[str]:
    """The modules asked for, then the modules their text links to (``module:`` links), transitively: a course
    must teach every module its modules point to (``check``: module-reference-outside-pack). Each module
    added comes after the ones that link to it, and prerequisites before the modules that need them."""
    from ..content.lint import module_links

    chosen = list(modules)
    for mid in chosen:  # grows while it is read: links of added modules are followed too
        chosen += [target for _, _, target in module_links(cat.modules[mid])
                   if target in cat.modules and target not in chosen]
    ordered: list[str] = []

    def place(mid: str) -> None:
        if mid in ordered:
            return
        for pre in cat.modules[mid].prerequisites:
            if pre in chosen:
                place(pre)
        ordered.append(mid)

    for mid in chosen:
        place(mid)
    return ordered


def _chosen(given: list[str], choices, kind: str) -> list[str]:
    """The values asked for (each known), or the first known one (a TODO in the template says to choose)."""
    picked = [known(kind, value, choices, f"see curriculum/contexts/ for the {kind} ids") for value in given]
    if not picked and not choices:
        raise SelectionError(f"there is no {kind} to offer the course for: add one to curriculum/contexts/ first")
    return picked or list(choices)[:1]


def new_country(repo, code: str, args) -> list[str]:
    from babel import Locale, UnknownLocaleError
    from babel.languages import get_official_languages

    from .catalogues import add_country

    if not re.fullmatch(r"[A-Za-z]{2}", code):
        raise SelectionError(f"{code!r} is not a country code: use the ISO 3166 alpha-2 code, e.g. KE for Kenya")
    code = code.upper()
    courses = [known("course", c, repo.catalogue.courses, "see `coursepack list`") for c in args.course]
    regions = repo.catalogue.regions
    region = known("region", args.region, regions, f"regions: {', '.join(regions)}") if args.region \
        else next(iter(regions), "TODO")
    try:
        name = Locale("en").territories.get(code, "TODO: the country's short English name")
    except UnknownLocaleError:  # pragma: no cover (English is always there)
        name = "TODO: the country's short English name"
    languages = [lang for lang in get_official_languages(code) if re.fullmatch(r"[a-z]{2,3}", lang)] or ["en"]
    path = repo.root / "curriculum" / "contexts" / "countries" / f"{code}.yml"
    if code in repo.catalogue.countries:
        path = repo.root / repo.source("country", code).path
    written = [create(path, render(repo.root, "country", path, code=code, name=name, region=region,
                                   languages=languages), repo.root, "country")]
    written += [f for c in courses if (f := offer(repo, c, ("offered_for", "countries"), code))]
    return written + add_country(repo.root, code)


def new_material(repo, ident: str, args) -> list[str]:
    ident = slug("material", ident)
    kind = args.material_kind
    if kind not in GIVEN_TO:
        raise SelectionError(f"name what the material is with --kind, one of {', '.join(sorted(GIVEN_TO))}"
                             + (f" (not {kind!r})" if kind else ""))
    if len(args.module) != 1:
        raise SelectionError("name the one module the material belongs to: --module MODULE")
    if repo.is_unloadable("module", args.module[0]):
        raise SelectionError(f"the module {args.module[0]!r} does not load: fix its errors first "
                             f"(`coursepack check`)")
    mid = known("module", args.module[0], repo.catalogue.modules, "modules are the files in modules/")
    module = repo.catalogue.modules[mid]
    path = repo.root / repo.source("module", mid).path
    if ident in {getattr(m, "id", None) for m in getattr(module, "materials", [])}:
        raise SelectionError(f"the material {ident!r} exists already in {path.relative_to(repo.root)}; "
                             f"choose another id")
    session, activity = _activity(module, args.session, args.activity)
    text = path.read_text(encoding="utf-8")
    block = render(repo.root, "material", id=ident, kind=kind, given_to=GIVEN_TO[kind])
    text = _add_material(text, block)
    text = _use_material(text, session, activity, ident)
    edits.write(path, text)
    return [path.relative_to(repo.root).as_posix()]


def _activity(module, session_id: str | None, number: int | None) -> tuple[int, int]:
    """(session index, activity index) of the activity that will use the new material: the one named,
    or the module's only activity; :class:`SelectionError` listing them otherwise."""
    found = [(i, j, s, a) for i, s in enumerate(module.sessions) for j, a in enumerate(s.activities)
             if (session_id is None or s.id == session_id) and (number is None or j == number - 1)]
    if len(found) == 1:
        return found[0][0], found[0][1]
    every = [f"--session {s.id} --activity {j + 1} ({a.title})" for s in module.sessions
             for j, a in enumerate(s.activities)]
    if not every:
        raise SelectionError(f"module {module.id!r} has no activity to use the material: add one first")
    raise SelectionError("name the activity that uses the material: " + "; ".join(every))


def _add_material(text: str, block: str) -> str:
    """``text`` with the material item ``block`` appended to the module's top-level ``materials:`` list
    (made if absent)."""
    node = edits.node_at(text, ("materials",))
    if node is None:
        return text.rstrip("\n") + "\nmaterials:\n" + block
    if not node.value:  # `materials: []`
        return text[:node.start_mark.index].rstrip(" ") + "\n" + block + text[node.end_mark.index:].lstrip(" \n")
    return edits.insert_after(text, node.value[-1], block)


def _use_material(text: str, session: int, activity: int, ident: str) -> str:
    """``text`` with ``ident`` in the ``materials:`` of the activity (the list made if absent)."""
    keys = ("sessions", session, "activities", activity)
    added = edits.add_to_sequence(text, (*keys, "materials"), ident)
    if added is not None:
        return added
    return edits.append_to_mapping(text, keys, f"{edits.mapping_indent(text, keys)}materials: [{ident}]\n")


KINDS = {"module": new_module, "course": new_course, "country": new_country, "material": new_material}
"""Kind → the function that makes one: (repo, id, parsed options) → the files written or changed."""
