"""Find the content files of a repository, load them and turn them into the typed model.

The repository layout is fixed (see ``docs/content-model.md``)::

    modules/<module-id>.yml                 one Module each
    curriculum/<course-id>.yml              one Course each
    curriculum/contexts/audiences.yml       AudiencesFile
    curriculum/contexts/sectors.yml         SectorsFile
    curriculum/contexts/regions.yml         RegionsFile
    curriculum/contexts/instruments.yml     InstrumentsFile
    curriculum/contexts/glossary.yml        GlossaryFile
    curriculum/contexts/countries/<CC>.yml  one Country each

Schema errors from pydantic are mapped back to file:line:column through the loader's locations, and
rewritten in words a trainer can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Location, Problem, Problems, did_you_mean, display_path
from . import model as m
from .branding import BRANDING_FILE, Branding
from .loader import Loaded, Locations, load_file
from .salvage import salvage


@dataclass
class Source:
    """Where one object of the catalogue came from."""

    path: str
    locations: Locations
    base: tuple = ()
    """Path of the object inside its file's data (e.g. ``('audiences', 2)``)."""

    def at(self, *data_path, key: bool = False) -> Location:
        return self.locations.of(self.base + tuple(data_path), key=key)

    def text_line(self, data_path: tuple, offset: int) -> Location:
        return self.locations.text_line(self.base + tuple(data_path), offset)


@dataclass
class Repo:
    """A loaded repository: the catalogue, where each object came from, and the problems found so far."""

    root: Path
    catalogue: m.Catalogue
    sources: dict[tuple[str, str], Source] = field(default_factory=dict)
    """(kind, id) → source; kind is module, course, audience, sector, region, instrument, country, term."""
    problems: Problems = field(default_factory=Problems)
    files: list[Path] = field(default_factory=list)
    cache: dict = field(default_factory=dict)
    """Derived data reused across the packs of one run (e.g. the catalogue in each language)."""
    unloadable: set[tuple[str, str]] = field(default_factory=set)
    """(kind, id) of objects whose file failed to load: references to them are not reported again.
    The id is the file name's stem; ``*`` stands for every id of a kind whose context file failed."""
    salvaged: set[str] = field(default_factory=set)
    """Files with schema errors whose valid part was loaded (:mod:`.salvage`), so later checks see it."""

    def is_unloadable(self, kind: str, ident: str) -> bool:
        return (kind, ident) in self.unloadable or (kind, "*") in self.unloadable

    def source(self, kind: str, ident: str) -> Source:
        return self.sources[(kind, ident)]


CONTEXT_LISTS = {
    # file name: (container model, list field, kind, id field, catalogue attribute)
    "audiences.yml": (m.AudiencesFile, "audiences", "audience", "id", "audiences"),
    "sectors.yml": (m.SectorsFile, "sectors", "sector", "id", "sectors"),
    "regions.yml": (m.RegionsFile, "regions", "region", "id", "regions"),
    "instruments.yml": (m.InstrumentsFile, "instruments", "instrument", "code", "instruments"),
    "glossary.yml": (m.GlossaryFile, "terms", "term", "term", "glossary"),
}


def load_repo(root: Path) -> Repo:
    """Load every content file under ``root``; never raises for bad content (see ``repo.problems``)."""
    root = root.resolve()
    repo = Repo(root, m.Catalogue())
    contexts = root / "curriculum" / "contexts"
    for name, (container, list_field, kind, id_field, attr) in CONTEXT_LISTS.items():
        path = contexts / name
        if not path.exists():
            repo.problems.add(Location(display_path(path, root)), "missing-file",
                              f"the context file {name} is missing",
                              f"create curriculum/contexts/{name} with a `{list_field}:` list")
            continue
        parsed = _parse(repo, path, container)
        if parsed is None or parsed[1].path in repo.salvaged:
            repo.unloadable.add((kind, "*"))  # an entry left out: references to it are not reported again
        if parsed is None:
            continue
        obj, source = parsed
        for i, item in enumerate(getattr(obj, list_field)):
            ident = getattr(item, id_field)
            _register(repo, kind, ident, item, Source(source.path, source.locations, (list_field, i)),
                      getattr(repo.catalogue, attr), (id_field,))
    for kind, folder, cls, attr, id_field in (
        ("country", contexts / "countries", m.Country, "countries", "code"),
        ("module", root / "modules", m.Module, "modules", "id"),
        ("course", root / "curriculum", m.Course, "courses", "id"),
    ):
        for path in sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml")):
            if path.relative_to(root).as_posix() == BRANDING_FILE:
                continue
            parsed = _parse(repo, path, cls)
            if parsed is None:
                repo.unloadable.add((kind, path.stem))
                continue
            obj, source = parsed
            ident = getattr(obj, id_field)
            if path.stem != ident:
                repo.problems.add(source.at(id_field), "id-mismatch",
                                  f"{kind} id {ident!r} does not match the file name {path.name!r}",
                                  f"rename the file to {ident}.yml or change the id to {path.stem!r}")
            _register(repo, kind, ident, obj, source, getattr(repo.catalogue, attr), (id_field,))
    branding = root / BRANDING_FILE
    if branding.exists():
        parsed = _parse(repo, branding, Branding)
        if parsed is None:
            repo.unloadable.add(("branding", "branding"))
        else:
            repo.catalogue.branding, repo.sources[("branding", "branding")] = parsed
    return repo


def _register(repo: Repo, kind: str, ident: str, obj: Any, source: Source, target: dict, id_path: tuple) -> None:
    previous = repo.sources.get((kind, ident))
    if previous is not None:
        repo.problems.add(source.at(*id_path), f"duplicate-{kind}",
                          f"{kind} {ident!r} is defined twice (first at {previous.at(*id_path)})",
                          "give each a unique id")
        return
    folded = {k.lower(): k for (kk, k) in repo.sources if kk == kind}
    if ident.lower() in folded:
        repo.problems.add(source.at(*id_path), f"duplicate-{kind}",
                          f"{kind} {ident!r} differs from {folded[ident.lower()]!r} only in case",
                          "ids that differ only in case collide on some file systems; rename one")
        return
    repo.sources[(kind, ident)] = source
    target[ident] = obj


def _parse(repo: Repo, path: Path, cls: type[BaseModel]) -> tuple[Any, Source] | None:
    shown = display_path(path, repo.root)
    repo.files.append(path)
    loaded = load_file(path, shown)
    if isinstance(loaded, Problem):
        repo.problems.extend([loaded])
        return None
    source = Source(shown, loaded.locations)
    if loaded.data is None:
        repo.problems.add(Location(shown), "empty-file", "the file is empty",
                          f"write a {cls.__name__} here, or delete the file")
        return None
    if not isinstance(loaded.data, dict):
        repo.problems.add(Location(shown), "wrong-type",
                          f"the file must hold `key: value` lines ({_doc_name(cls)}), not {_show(loaded.data)}",
                          "start with the first key at the left margin, e.g. `id: ...`")
        return None
    try:
        return cls.model_validate(loaded.data), source
    except ValidationError as exc:
        found = schema_problems(exc, loaded, cls)
    repo.problems.extend(found)
    saved = salvage(cls, loaded)  # what is valid still goes through every later check
    if saved is None:
        return None
    obj, kept, rules = saved
    if rules:  # content rules that the schema errors of the same object had hidden
        repo.problems.extend(p for p in schema_problems(rules, kept, cls) if p not in found)
    repo.salvaged.add(shown)
    return obj, Source(shown, kept.locations)


def _doc_name(cls: type[BaseModel]) -> str:
    return "a " + cls.__name__.removesuffix("File").lower() + (" list" if cls.__name__.endswith("File") else "")


# --------------------------------------------------------------------------- schema errors in plain words

_PATTERNS = {
    m.SLUG_RE: "an id: lower-case letters, digits and hyphens, starting with a letter or digit (e.g. 'labour-inspectors')",
    r"^[A-Z]{2}$": "an ISO 3166 alpha-2 country code in capitals (e.g. 'BD')",
    r"^[a-z]{2,3}$": "an ISO 639 language code (e.g. 'en', 'fr')",
    r"^([01][0-9]|2[0-3]):[0-5][0-9]$": "a 24-hour time HH:MM (e.g. \"09:30\", quoted)",
    r"^[^\n]*$": "a single line of text",
    r"^\d+(\.\d+){0,2}$": "a version such as \"1.0\" or \"2.1.3\" (quoted)",
    r"^\d{4}(-\d{2}(-\d{2})?)?$": "a date YYYY-MM-DD (quoted)",
    r"^https://": "an https:// URL",
    r"^https?://": "an http(s):// URL",
}


def _field_names() -> set[str]:
    names: set[str] = set()
    for obj in vars(m).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            for name, info in obj.model_fields.items():
                names.add(info.alias or name)
    return names


_FIELDS = _field_names()


def data_path(loc: tuple, data: Any) -> tuple:
    """Strip pydantic's union-member and type segments from an error location, keeping real data keys."""
    out: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part in _FIELDS:
            out.append(part)  # a missing or unknown key: keep it, the data has nothing there
            node = None
    return tuple(out)


def _show(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _fields_at(cls: type[BaseModel], loc: tuple) -> set[str]:
    """The field names of the model class an error location points into (for "did you mean")."""
    current: list = [cls]
    for part in loc[:-1]:
        following: list = []
        for t in current:
            if isinstance(t, type) and issubclass(t, BaseModel):
                info = next((f for n, f in t.model_fields.items() if (f.alias or n) == part), None)
                following += _unwrap(info.annotation) if info else []
            elif isinstance(part, int) or isinstance(part, str):
                following.append(t)  # a list index or a union tag: stay on the same candidates
        current = following or current
    names = set()
    for t in current:
        if isinstance(t, type) and issubclass(t, BaseModel):
            names |= {f.alias or n for n, f in t.model_fields.items()}
    return names or _FIELDS


def _unwrap(annotation) -> list:
    """Model classes reachable from a field annotation through Optional, unions, lists and dicts."""
    from typing import get_args

    args = get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [t for a in args for t in _unwrap(a)]


def schema_problems(exc: ValidationError | list[dict], loaded: Loaded, cls: type[BaseModel]) -> list[Problem]:
    """Turn pydantic's errors (or a list of them) into located, plain-language problems: the most specific
    one per place."""
    chosen: dict[tuple, dict] = {}
    for err in exc if isinstance(exc, list) else exc.errors(include_url=False):
        path = data_path(err["loc"], loaded.data)
        known = chosen.get(path)
        if known is None or len(err["loc"]) > len(known["loc"]):
            chosen[path] = err
    # A parent union failing on every member also reports its children; keep the deepest only.
    problems = []
    for path, err in chosen.items():
        if any(other != path and other[:len(path)] == path for other in chosen):
            continue
        problems.append(_problem(err, path, loaded, cls))
    return problems


def _problem(err: dict, path: tuple, loaded: Loaded, cls: type[BaseModel]) -> Problem:
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    name = next((p for p in reversed(path) if isinstance(p, str)), "value")
    locs = loaded.locations
    where = locs.of(path)
    hint = None
    if kind == "missing":
        code, message = "missing-field", f"missing required field `{name}`"
        where = locs.of(path[:-1])
        hint = f"add `{name}:` here"
    elif kind == "extra_forbidden":
        code, message = "unknown-field", f"unknown field `{name}`"
        where = locs.of(path, key=True)
        hint = did_you_mean(name, _fields_at(cls, err["loc"]) - {name}) or "remove it"
    elif kind == "string_pattern_mismatch":
        want = _PATTERNS.get(ctx.get("pattern"), f"text matching {ctx.get('pattern')}")
        code, message = "bad-format", f"`{name}` must be {want}, not {_show(value)}"
        if ctx.get("pattern") == m.SLUG_RE and isinstance(value, str):
            suggestion = "-".join("".join(c if c.isalnum() else " " for c in value.lower()).split())[:64]
            hint = f"for example {suggestion!r}" if suggestion else None
    elif kind == "literal_error":
        code, message = "bad-value", f"`{name}` must be one of {ctx.get('expected')}, not {_show(value)}"
        options = [o.strip(" '") for o in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        hint = did_you_mean(str(value), options) if isinstance(value, str) else None
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        code, message = "wrong-type", f"`{name}` must be a whole number, not {_show(value)}"
    elif kind in ("bool_parsing", "bool_type"):
        code, message = "wrong-type", f"`{name}` must be true or false, not {_show(value)}"
    elif kind == "list_type":
        code, message = "wrong-type", f"`{name}` must be a list, not {_show(value)}"
        hint = f"write it as `{name}: [a, b]` or as lines starting with '- '"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        code, message = "wrong-type", f"`{name}` must be a mapping of `key: value` lines, not {_show(value)}"
    elif kind == "string_type":
        code = "wrong-type"
        message = f"`{name}` is empty" if value is None else f"`{name}` must be text, not {_show(value)}"
        hint = "write a value after the colon" if value is None else None
    elif kind in ("too_short", "string_too_short"):
        code = "empty"
        n = ctx.get("min_length", 1)
        message = f"`{name}` needs at least {n} {'item' if kind == 'too_short' else 'character'}{'s' if n != 1 else ''}"
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = {"greater_than": "more than", "greater_than_equal": "at least",
                 "less_than": "less than", "less_than_equal": "at most"}[kind]
        limit = next(iter(ctx.values()), "?")
        code, message = "out-of-range", f"`{name}` must be {bound} {limit}, not {_show(value)}"
    elif "-" in kind:  # our own validators name their error type (content/model.py, PydanticCustomError)
        code, message = kind, err["msg"]
    elif kind == "value_error":
        code, message = "invalid", str(err["msg"]).removeprefix("Value error, ")
    else:
        code, message = "invalid", f"`{name}`: {err['msg']}"
    return Problem(where, code, message, hint)
