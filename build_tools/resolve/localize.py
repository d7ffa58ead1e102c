"""The catalogue in one language: translations applied, coverage measured, gaps found per pack.

A pack in the course's source language uses the YAML as written. A pack in another language uses the
translations that are current (see :mod:`build_tools.i18n.catalogues`). It needs exactly the strings it shows
(:mod:`build_tools.i18n.needs`); where one of those is missing, fuzzy or stale, the source text is used only if
the course lists the language in ``fallback_languages``, and the session or module that shows it is marked, so
a participant knows why a passage is in English. Otherwise that pack, and only that pack, is not built.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content import model as m
from ..content.repository import Repo
from ..errors import Location, Problem
from ..i18n.catalogues import Status, context_units, course_units, module_units, translate_module, translations
from ..i18n.needs import Gap, gap_problems, gaps, pack_needs


@dataclass
class Localized:
    language: str
    catalogue: m.Catalogue
    status: dict[str, Status] = field(default_factory=dict)
    """Catalogue file (relative path of the .po) → coverage."""
    text_problems: dict[str, list[Problem]] = field(default_factory=dict)
    """Module id → translated trainer text that breaks the rules of content.lint (at its .po line)."""
    _unusable: dict | None = field(default=None, repr=False)

    def unusable(self) -> dict[str, dict[str, tuple[str, int | None, str | None]]]:
        """``.po`` → context → (``missing``/``fuzzy``/``stale``, line of the entry, the source it was
        translated from if stale) of every entry that cannot be used."""
        out: dict[str, dict[str, tuple[str, int | None, str | None]]] = {}
        for po, status in self.status.items():
            found = out.setdefault(po, {})
            for unit in status.missing:
                found[unit.context] = ("missing", status.lines.get(unit.context), None)
            for unit, line in status.fuzzy:
                found[unit.context] = ("fuzzy", line, None)
            for unit, line in status.stale:
                found[unit.context] = ("stale", line, status.previous.get(unit.context))
        return out

    def gaps(self, cat: m.Catalogue, key) -> list[Gap]:
        """The strings the pack ``key`` shows whose translation cannot be used (``cat``: the source catalogue)."""
        if self._unusable is None:
            self._unusable = self.unusable()
        return gaps(pack_needs(cat, key), self._unusable)


def localize(repo: Repo, language: str, source_language: str) -> Localized:
    """Apply the current translations into ``language`` (none when it is the source language)."""
    cat = repo.catalogue
    if language == source_language:
        return Localized(language, cat)
    root = repo.root
    result = Localized(language, cat)
    modules = {}
    for mid, module in cat.modules.items():
        po = f"modules/locale/{language}/{mid}.po"
        units = list(module_units(module))
        usable, status = translations(root / po, language, units)
        result.status[po] = status
        result.text_problems[mid] = _lint_translations(po, usable, status, cat)
        modules[mid] = translate_module(module, usable) if usable else module
    po = f"curriculum/locale/{language}/courses.po"
    units = [u for c in cat.courses.values() for u in course_units(c)]
    usable, result.status[po] = translations(root / po, language, units)
    courses = {cid: c.model_copy(update={u.path[0]: usable[u.context] for u in course_units(c)
                                         if u.context in usable}) for cid, c in cat.courses.items()}
    po = f"curriculum/locale/{language}/contexts.po"
    triples = list(context_units(cat))
    usable, status = translations(root / po, language, [u for _, _, u in triples])
    result.status[po] = status
    contexts = _translate_contexts(cat, triples, usable)
    result.catalogue = cat.model_copy(update={"modules": modules, "courses": courses, **contexts})
    return result


def _lint_translations(po: str, usable: dict[str, str], status: Status, cat: m.Catalogue) -> list[Problem]:
    """Translated trainer text obeys the same rules as the source (variables, MyST allow-list), and no
    translation holds a character the YAML loader refuses (a ``.po`` file can write ``\\a`` or ``\\r``)."""
    from ..content.lint import lint_text
    from ..content.loader import FORBIDDEN_CHARACTER

    problems = []
    for context, text in usable.items():
        bad = FORBIDDEN_CHARACTER.search(text)
        if bad:
            problems.append(Problem(Location(po, status.lines.get(context, 1)), "control-character",
                                    f"the translation of {context} holds the character U+{ord(bad[0]):04X}, "
                                    "which no text may contain", "remove it (an escape such as \\a, \\r or \\v)"))
        if _is_myst(context):
            for _offset, code, message, hint in lint_text(text, cat):
                problems.append(Problem(Location(po, status.lines.get(context, 1)), code,
                                        f"in the translation of {context}: {message}", hint))
    return problems


def _translate_contexts(cat: m.Catalogue, triples, usable: dict[str, str]) -> dict:
    attr = {"audience": "audiences", "sector": "sectors", "region": "regions", "instrument": "instruments",
            "term": "glossary", "country": "countries"}
    out = {name: dict(getattr(cat, name)) for name in attr.values()}
    for kind, ident, unit in triples:
        if unit.context not in usable:
            continue
        items = out[attr[kind]]
        item, text = items[ident], usable[unit.context]
        if unit.path[0] == "epz":
            items[ident] = item.model_copy(update={"epz": item.epz.model_copy(update={"text": text})})
        elif unit.path[0] == "notes":
            notes = list(item.notes)
            notes[unit.path[1]] = notes[unit.path[1]].model_copy(update={"text": text})
            items[ident] = item.model_copy(update={"notes": notes})
        elif unit.path[0] == "facts":
            facts = dict(item.facts)
            facts[unit.path[1]] = facts[unit.path[1]].model_copy(update={"text": text})
            items[ident] = item.model_copy(update={"facts": facts})
        else:
            items[ident] = item.model_copy(update={unit.path[0]: text})
    return out


def translation_report(repo: Repo, language: str) -> tuple[list[str], list[Problem]]:
    """Per catalogue: how much is translated; fuzzy and out-of-date entries and broken translated text as
    warnings (errors for text that would break the build) at their line in the .po."""
    localized = localize(repo, language, source_language="")
    lines, problems = [], []
    for path, status in sorted(localized.status.items()):
        total = status.translated + len(status.missing) + len(status.fuzzy) + len(status.stale)
        verdict = "complete" if status.complete else \
            f"{len(status.missing)} missing, {len(status.fuzzy)} fuzzy, {len(status.stale)} out of date"
        lines.append(f"{path}: {status.translated}/{total} translated ({verdict})")
        for unit, line in status.fuzzy:
            problems.append(Problem(Location(path, line), "translation-fuzzy",
                                    f"the translation of {unit.context} is marked fuzzy: it is not used",
                                    "check it against the new source text, then remove the fuzzy flag",
                                    severity="warning"))
        for unit, line in status.stale:
            problems.append(Problem(Location(path, line), "translation-stale",
                                    f"the source of {unit.context} changed since it was translated: "
                                    f"the translation is not used", "run `coursepack i18n update`, then review it",
                                    severity="warning"))
    for found in localized.text_problems.values():
        problems.extend(found)
    return lines, problems


def _is_myst(context: str) -> bool:
    return context.endswith((".body", ".instructions", ".facilitator_notes", ".brief"))


def localized(repo: Repo, language: str, source_language: str) -> Localized:
    """:func:`localize`, once per repository, language and source language."""
    cache_key = ("localized", language, source_language)
    if cache_key not in repo.cache:
        repo.cache[cache_key] = localize(repo, language, source_language)
    return repo.cache[cache_key]


def resolve_pack(repo: Repo, key):
    """Resolve ``key`` in its language; raise ProblemsFound when its translations do not allow the pack."""
    from ..errors import ProblemsFound
    from .pack import check_key, resolve

    check_key(repo.catalogue, key)
    course = repo.catalogue.courses[key.course]
    if key.language == course.source_language:
        return resolve(repo.catalogue, key)
    found = localized(repo, key.language, course.source_language)
    modules = [mid for mid in course.pack_modules(key.electives)
               if repo.catalogue.modules[mid].applies_to(key.audience, key.sector)]
    broken = [p for mid in modules for p in found.text_problems.get(mid, [])]
    if broken:
        raise ProblemsFound(broken)
    missing = found.gaps(repo.catalogue, key)
    if missing and key.language not in course.fallback_languages:
        raise ProblemsFound(gap_problems(repo, key.language, {_where(g): [key] for g in missing},
                                         {_where(g): g for g in missing}))
    return resolve(found.catalogue, key, frozenset(g.need.shown_in for g in missing))


def translation_problems(repo: Repo, courses) -> list[Problem]:
    """What stops packs of ``courses`` in a language that is not a fallback: each string they need
    untranslated (one problem per string and language, naming the packs), and broken translated text."""
    by_language, broken = _required_gaps(repo, courses)
    problems = list(broken.values())
    for language, (packs, first) in sorted(by_language.items()):
        problems += gap_problems(repo, language, packs, first)
    return problems


def translations_needed(repo: Repo, courses) -> dict[str, dict[str, dict]]:
    """Per course and language, what its packs lack: the strings ``missing``, ``fuzzy`` and ``stale``, the
    ``packs`` that need one of them, and what those packs do (``policy``): ``not built``, or ``show the source
    text, marked`` in a fallback language."""
    out: dict[str, dict[str, dict]] = {}
    for fallback in (False, True):
        by_language, _ = _required_gaps(repo, courses, fallback)
        for language, (packs, first) in sorted(by_language.items()):
            for where, keys in packs.items():
                for cid in sorted({k.course for k in keys}):
                    tally = out.setdefault(cid, {}).setdefault(language, {
                        "missing": 0, "fuzzy": 0, "stale": 0, "packs": set(),
                        "policy": "show the source text, marked" if fallback else "not built"})
                    tally[first[where].state] += 1
                    tally["packs"].update(k for k in keys if k.course == cid)
    for languages in out.values():
        for tally in languages.values():
            tally["packs"] = len(tally["packs"])
    return out


def _required_gaps(repo: Repo, courses, fallback: bool = False) -> tuple[dict[str, tuple[dict, dict]],
                                                                          dict[tuple, Problem]]:
    """language → (``.po`` entry → the packs that need it, ``.po`` entry → its gap), and the broken translated
    text of the modules those packs contain, for the languages that are not a fallback (or, with ``fallback``,
    for those that are); once per repository, set of courses and kind of language."""
    from .keys import expand

    cache_key = ("required-gaps", frozenset(courses), fallback)
    if cache_key in repo.cache:
        return repo.cache[cache_key]
    cat = repo.catalogue
    by_language: dict[str, tuple[dict, dict]] = {}
    broken: dict[tuple, Problem] = {}
    for cid in sorted(courses):
        course = cat.courses[cid]
        for key in expand(course):
            if key.language == course.source_language or (key.language in course.fallback_languages) != fallback:
                continue
            found = localized(repo, key.language, course.source_language)
            for mid in course.pack_modules(key.electives):
                if cat.modules[mid].applies_to(key.audience, key.sector):
                    broken.update({(p.location, p.code, p.message): p for p in found.text_problems.get(mid, [])})
            packs, first = by_language.setdefault(key.language, ({}, {}))
            for gap in found.gaps(cat, key):
                packs.setdefault(_where(gap), []).append(key)
                first.setdefault(_where(gap), gap)
    repo.cache[cache_key] = (by_language, broken)
    return by_language, broken


def _where(gap: Gap) -> tuple[str, str]:
    return (gap.need.po, gap.need.unit.context)
