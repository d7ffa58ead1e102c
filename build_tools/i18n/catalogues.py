"""Translations as gettext catalogues: extract, update (with fuzzy marking), and apply to the model.

Why gettext rather than per-language YAML: translators already work in .po files with Poedit, Weblate,
Crowdin or Lokalize, which show the source next to the translation, keep translation memories and flag
fuzzy entries; per-language YAML would make them edit structure they should never touch. Trainers keep
writing English YAML; the structure (ids, minutes, `when:`) exists once.

Layout::

    modules/locale/<module-id>.pot            source strings of a module (written by `i18n extract`)
    modules/locale/<lang>/<module-id>.po      its translation
    curriculum/locale/courses.pot, contexts.pot
    curriculum/locale/<lang>/courses.po, contexts.po

Each entry's ``msgctxt`` is a stable key built from ids (``sessions[tiers].activities[0].instructions``),
its ``#:`` comment the YAML file and line. A translation is used only when its ``msgid`` is exactly the
current source text and it is not fuzzy: a stale translation is never silently used as current.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from ..atomic import replacing
from ..content import model as m
from ..content.repository import Repo

FIXED_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)  # keeps catalogue bytes stable between runs


@dataclass(frozen=True)
class Unit:
    """One translatable text: its stable key, where it sits in the file's data, and the source text."""

    context: str
    path: tuple
    text: str


def module_units(module: m.Module) -> Iterator[Unit]:
    yield Unit("title", ("title",), module.title)
    yield Unit("summary", ("summary",), module.summary)
    for i, text in enumerate(module.objectives):
        yield Unit(f"objectives[{i}]", ("objectives", i), text)
    for i, text in enumerate(module.key_points):
        yield Unit(f"key_points[{i}]", ("key_points", i), text)
    for si, s in enumerate(module.sessions):
        base, path = f"sessions[{s.id}]", ("sessions", si)
        yield Unit(f"{base}.title", path + ("title",), s.title)
        yield Unit(f"{base}.body", path + ("body",), s.body)
        if s.facilitator_notes:
            yield Unit(f"{base}.facilitator_notes", path + ("facilitator_notes",), s.facilitator_notes)
        for ai, a in enumerate(s.activities):
            ab, ap = f"{base}.activities[{ai}]", path + ("activities", ai)
            yield Unit(f"{ab}.title", ap + ("title",), a.title)
            yield Unit(f"{ab}.instructions", ap + ("instructions",), a.instructions)
            if a.rubric:
                yield from _rubric_units(f"{ab}.rubric", ap + ("rubric",), a.rubric)
        for qi, q in enumerate(s.assessment):
            qb, qp = f"{base}.assessment[{q.id}]", path + ("assessment", qi)
            yield Unit(f"{qb}.question", qp + ("question",), q.question)
            if q.feedback:
                yield Unit(f"{qb}.feedback", qp + ("feedback",), q.feedback)
            for ci, c in enumerate(q.choices):
                yield Unit(f"{qb}.choices[{ci}].text", qp + ("choices", ci, "text"), c.text)
                if c.feedback:
                    yield Unit(f"{qb}.choices[{ci}].feedback", qp + ("choices", ci, "feedback"), c.feedback)
        for vi, v in enumerate(s.variants):
            vb, vp = f"{base}.variants[{vi}]", path + ("variants", vi)
            if v.title:
                yield Unit(f"{vb}.title", vp + ("title",), v.title)
            yield Unit(f"{vb}.body", vp + ("body",), v.body)
    yield from material_units(module)


def material_units(module: m.Module) -> Iterator[Unit]:
    """A material's title, body, variant titles and bodies, role names and briefs; ids are not translated."""
    for mi, x in enumerate(module.materials):
        base, path = f"materials[{x.id}]", ("materials", mi)
        yield Unit(f"{base}.title", path + ("title",), x.title)
        if x.body:
            yield Unit(f"{base}.body", path + ("body",), x.body)
        for vi, v in enumerate(x.variants):
            if v.title:
                yield Unit(f"{base}.variants[{vi}].title", path + ("variants", vi, "title"), v.title)
            yield Unit(f"{base}.variants[{vi}].body", path + ("variants", vi, "body"), v.body)
        for ri, r in enumerate(x.roles):
            yield Unit(f"{base}.roles[{ri}].role", path + ("roles", ri, "role"), r.role)
            yield Unit(f"{base}.roles[{ri}].brief", path + ("roles", ri, "brief"), r.brief)


def _rubric_units(base: str, path: tuple, rubric: m.Rubric) -> Iterator[Unit]:
    for li, level in enumerate(rubric.levels):
        yield Unit(f"{base}.levels[{li}]", path + ("levels", li), level)
    for ci, row in enumerate(rubric.criteria):
        yield Unit(f"{base}.criteria[{ci}].criterion", path + ("criteria", ci, "criterion"), row.criterion)
        for li, text in enumerate(row.levels):
            yield Unit(f"{base}.criteria[{ci}].levels[{li}]", path + ("criteria", ci, "levels", li), text)


def course_units(course: m.Course) -> Iterator[Unit]:
    for name in ("title", "centre", "summary"):
        yield Unit(f"{course.id}.{name}", (name,), getattr(course, name))


def context_units(cat: m.Catalogue) -> Iterator[tuple[str, str, Unit]]:
    """(kind, id, unit) for every translatable text of the contexts."""
    for kind, items, names in (("audience", cat.audiences, ("title", "description")),
                               ("sector", cat.sectors, ("title", "description")),
                               ("region", cat.regions, ("title",)),
                               ("instrument", cat.instruments, ("title", "summary")),
                               ("term", cat.glossary, ("term", "definition"))):
        for ident, item in items.items():
            for name in names:
                yield kind, ident, Unit(f"{kind}[{ident}].{name}", (name,), getattr(item, name))
    for code, country in cat.countries.items():
        yield "country", code, Unit(f"country[{code}].name", ("name",), country.name)
        if country.epz:
            yield "country", code, Unit(f"country[{code}].epz", ("epz", "text"), country.epz.text)
        for i, note in enumerate(country.notes):
            yield "country", code, Unit(f"country[{code}].notes[{i}]", ("notes", i, "text"), note.text)
        for kind, fact in country.facts.items():
            if fact.verified:
                yield "country", code, Unit(f"country[{code}].facts.{kind}", ("facts", kind, "text"), fact.text)


# --------------------------------------------------------------------------- files

def pot_files(repo: Repo) -> dict[str, list[tuple[Unit, str, int]]]:
    """Template path (relative to the repo) → its units with their YAML file and line."""
    out: dict[str, list] = {}
    for mid, module in sorted(repo.catalogue.modules.items()):
        src = repo.source("module", mid)
        out[f"modules/locale/{mid}.pot"] = [(u, src.path, src.at(*u.path).line) for u in module_units(module)]
    out["curriculum/locale/courses.pot"] = [
        (u, repo.source("course", cid).path, repo.source("course", cid).at(*u.path).line)
        for cid, course in sorted(repo.catalogue.courses.items()) for u in course_units(course)]
    out["curriculum/locale/contexts.pot"] = [
        (u, repo.source(kind, ident).path, repo.source(kind, ident).at(*u.path).line)
        for kind, ident, u in context_units(repo.catalogue)]
    return out


def po_path(pot: str, language: str) -> str:
    folder, name = pot.rsplit("/", 1)
    return f"{folder}/{language}/{name.removesuffix('.pot')}.po"


def _catalog(language: str | None) -> Catalog:
    return Catalog(locale=language, project="coursepack", version=None, creation_date=FIXED_DATE,
                   revision_date=FIXED_DATE, fuzzy=False, charset="utf-8")


def _dump(catalog: Catalog) -> str:
    """The entries of ``catalog`` as .po text, without the header (see ``_write``)."""
    buf = io.BytesIO()
    # No "#| msgid" previous-source comments: Babel writes multi-line ones that msgfmt rejects. A fuzzy
    # entry keeps its old translation; its source reference (#:) leads the translator to the new text.
    write_po(buf, catalog, width=100, include_previous=False, sort_output=False, omit_header=True)
    return buf.getvalue().decode("utf-8")


def _new_header(name: str) -> str:
    """The header of a catalogue written for the first time. Ours, not Babel's: Babel writes its own version
    and its CLDR plural rules into the header, so a newer Babel would rewrite every catalogue."""
    language = "" if name.endswith(".pot") else name.rsplit("/", 2)[-2]
    lines = ["Project-Id-Version: coursepack", *([f"Language: {language}"] if language else []),
             "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
    kind = f"{language} translations" if language else "Translations template"
    return (f"# {kind} for coursepack.\n# This file is distributed under the same license as the coursepack "
            f"project.\n#\nmsgid \"\"\nmsgstr \"\"\n" + "".join(f'"{line}\\n"\n' for line in lines) + "\n")


def _split_header(text: str) -> tuple[str, str]:
    """(header, entries) of a catalogue's text: the header is the first block when it is the ``msgid ""``
    entry, kept as the translator or their tool left it."""
    head, sep, rest = text.partition("\n\n")
    if sep and '\nmsgid ""\n' in f"\n{head}\n":
        return head + sep, rest
    return "", text


def extract(repo: Repo, languages: list[str], only=None) -> list[str]:
    """Write the .pot templates (those in ``only`` if given), and a .po for each language that has none yet;
    return changed files."""
    files: dict[str, str] = {}
    for pot, units in pot_files(repo).items():
        if only is not None and pot not in only:
            continue
        catalog = _catalog(None)
        for unit, path, line in units:
            catalog.add(unit.text, "", locations=[(path, line)], context=unit.context)
        files[pot] = _dump(catalog)
        for language in languages:
            po = po_path(pot, language)
            if not (repo.root / po).exists():
                catalog.locale = language
                files[po] = _dump(_retarget(catalog, language))
    return _write(repo.root, files)


def _retarget(template: Catalog, language: str) -> Catalog:
    catalog = _catalog(language)
    for message in template:
        if message.id:
            catalog.add(message.id, "", locations=message.locations, context=message.context)
    return catalog


def update(repo: Repo, only=None) -> tuple[list[str], int]:
    """Merge the current sources into every existing .po (of the templates in ``only`` if given): new entries
    added, changed ones kept but marked fuzzy with the previous source, removed ones dropped. Returns
    (changed files, entries made fuzzy)."""
    files, fuzzied = {}, 0
    for pot, units in pot_files(repo).items():
        if only is not None and pot not in only:
            continue
        folder = repo.root / pot.rsplit("/", 1)[0]
        for lang_dir in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.exists() else []:
            po = po_path(pot, lang_dir.name)
            if not (repo.root / po).exists():
                continue
            old = {msg.context: msg for msg in load_po(repo.root / po, lang_dir.name) if msg.id}
            catalog = _catalog(lang_dir.name)
            for unit, path, line in units:
                previous = old.get(unit.context)
                string, flags, previous_id = "", (), ()
                if previous is not None and previous.string:
                    string = previous.string
                    flags = tuple(previous.flags)
                    if previous.id != unit.text:
                        flags = tuple(set(flags) | {"fuzzy"})
                        previous_id = (previous.id,)
                        fuzzied += "fuzzy" not in previous.flags
                    elif previous.previous_id:
                        previous_id = tuple(previous.previous_id)
                catalog.add(unit.text, string, locations=[(path, line)], flags=flags, context=unit.context,
                            previous_id=previous_id)
            files[po] = _dump(catalog)
    return _write(repo.root, files), fuzzied


def _write(root: Path, files: dict[str, str]) -> list[str]:
    """Write each catalogue whose entries changed; return their names. An existing file keeps its header, so
    a file is rewritten only when an entry changed, whatever Babel version or translation tool wrote it."""
    changed = []
    for name, entries in files.items():
        path = root / name
        header = _new_header(name)
        if path.exists():
            header, old = _split_header(path.read_text(encoding="utf-8"))
            if old == entries:
                continue
        _write_one(path, header + entries)
        changed.append(name)
    return changed


def fill(root: Path, po: str, language: str, strings: dict[str, str]) -> list[str]:
    """Translate the untranslated entries of ``po`` whose context is a key of ``strings``; the changed file."""
    catalog = load_po(root / po, language)
    for message in catalog:
        if message.id and not message.string and message.context in strings:
            message.string = strings[message.context]
    return _write(root, {po: _dump(catalog)})


def _write_one(path: Path, text: str) -> None:
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def load_po(path: Path, language: str) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale=language)


# --------------------------------------------------------------------------- using translations


@dataclass
class Status:
    """How one language's catalogue covers one file's units."""

    translated: int = 0
    missing: list[Unit] = field(default_factory=list)
    fuzzy: list[tuple[Unit, int]] = field(default_factory=list)
    """Entries flagged fuzzy, with their line in the .po."""
    stale: list[tuple[Unit, int]] = field(default_factory=list)
    """Entries whose msgid is no longer the source text (the sources changed since the last update)."""
    lines: dict[str, int] = field(default_factory=dict)
    """Context → line in the .po of each entry it has (usable or not)."""
    previous: dict[str, str] = field(default_factory=dict)
    """Context → the source text a stale entry was translated from (its ``msgid``)."""

    @property
    def complete(self) -> bool:
        return not (self.missing or self.fuzzy or self.stale)


def translations(path: Path, language: str, units: list[Unit]) -> tuple[dict[str, str], Status]:
    """The usable translations of ``units`` from the .po at ``path`` (context → text), and the coverage.
    ``status.lines`` gives the .po line of every entry found."""
    status = Status()
    entries = {}
    if path.exists():
        entries = {msg.context: msg for msg in load_po(path, language) if msg.id}
    usable = {}
    for unit in units:
        msg = entries.get(unit.context)
        if msg is not None:
            status.lines[unit.context] = msg.lineno or 1
        if msg is None or not msg.string:
            status.missing.append(unit)
        elif msg.fuzzy:
            status.fuzzy.append((unit, msg.lineno or 1))
        elif msg.id != unit.text:
            status.stale.append((unit, msg.lineno or 1))
            status.previous[unit.context] = msg.id
        else:
            usable[unit.context] = msg.string
            status.translated += 1
    return usable, status


def _set(data, path: tuple, value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def translate_module(module: m.Module, usable: dict[str, str]) -> m.Module:
    """The module with every usable translation applied (the rest stays in the source language)."""
    data = module.model_dump(by_alias=True, exclude_none=True)
    for unit in module_units(module):
        if unit.context in usable:
            _set(data, unit.path, usable[unit.context])
    return m.Module.model_validate(data, context={"translated": True})
