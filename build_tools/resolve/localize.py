"""The catalogue in one language: translations applied, coverage measured, fallbacks recorded.

A pack in the course's source language uses the YAML as written. A pack in another language uses the
translations that are current (see :mod:`build_tools.i18n.catalogues`); where one is missing, fuzzy or stale, the
source text is used only if the course lists the language in ``fallback_languages``, and the session or
module that shows it is marked, so a participant knows why a passage is in English.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content import model as m
from ..content.repository import Repo
from ..errors import Location, Problem
from ..i18n.catalogues import Status, context_units, course_units, module_units, translate_module, translations


@dataclass
class Localized:
    language: str
    catalogue: m.Catalogue
    status: dict[str, Status] = field(default_factory=dict)
    """Catalogue file (relative path of the .po) → coverage."""
    fallback: set[tuple] = field(default_factory=set)
    """Keys of what shows source-language text: ``(module,)`` or ``(module, session)``; ``("contexts",)``."""
    text_problems: dict[str, list[Problem]] = field(default_factory=dict)
    """Module id → translated trainer text that breaks the rules of content.lint (at its .po line)."""

    def problems(self, course: m.Course, modules: list[str]) -> list[Problem]:
        """What stops a pack of ``course`` with these modules from being built in this language."""
        broken = [p for mid in modules for p in self.text_problems.get(mid, [])]
        if broken or self.language == course.source_language or self.language in course.fallback_languages:
            return broken
        wanted = {f"modules/locale/{self.language}/{mid}.po" for mid in modules}
        wanted |= {f"curriculum/locale/{self.language}/courses.po", f"curriculum/locale/{self.language}/contexts.po"}
        out = []
        for path in sorted(wanted):
            status = self.status.get(path)
            if status is None or status.complete:
                continue
            parts = [f"{len(status.missing)} missing"] if status.missing else []
            parts += [f"{len(status.fuzzy)} fuzzy"] if status.fuzzy else []
            parts += [f"{len(status.stale)} out of date"] if status.stale else []
            out.append(Problem(Location(path), "translation-incomplete",
                               f"{', '.join(parts)} translation(s); packs of course {course.id!r} in "
                               f"{self.language!r} need complete, current translations",
                               f"translate them (`coursepack check --lang {self.language}` lists them), or add "
                               f"{self.language!r} to the course's `fallback_languages` to show the source text, "
                               f"marked"))
        return out


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
        for unit in [*status.missing, *(u for u, _ in status.fuzzy), *(u for u, _ in status.stale)]:
            result.fallback.add((mid, module.sessions[unit.path[1]].id) if unit.path[0] == "sessions" else (mid,))
    po = f"curriculum/locale/{language}/courses.po"
    units = [u for c in cat.courses.values() for u in course_units(c)]
    usable, result.status[po] = translations(root / po, language, units)
    courses = {cid: c.model_copy(update={u.path[0]: usable[u.context] for u in course_units(c)
                                         if u.context in usable}) for cid, c in cat.courses.items()}
    po = f"curriculum/locale/{language}/contexts.po"
    triples = list(context_units(cat))
    usable, status = translations(root / po, language, [u for _, _, u in triples])
    result.status[po] = status
    if not status.complete:
        result.fallback.add(("contexts",))
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


def resolve_pack(repo: Repo, key):
    """Resolve ``key`` in its language; raise ProblemsFound when its translations do not allow the pack."""
    from ..errors import ProblemsFound
    from .pack import check_key, resolve

    check_key(repo.catalogue, key)
    course = repo.catalogue.courses[key.course]
    cache_key = ("localized", key.language, course.source_language)
    if cache_key not in repo.cache:
        repo.cache[cache_key] = localize(repo, key.language, course.source_language)
    localized: Localized = repo.cache[cache_key]
    modules = [mid for mid in course.pack_modules(key.electives)
               if repo.catalogue.modules[mid].applies_to(key.audience, key.sector)]
    problems = localized.problems(course, modules)
    if problems:
        raise ProblemsFound(problems)
    fallback = frozenset(k for k in localized.fallback if k[0] in modules or k == ("contexts",))
    return resolve(localized.catalogue, key, fallback)
