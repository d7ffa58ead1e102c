"""Generated labels ("Objectives", "Day 1"…) in the pack's language, from ``templates/labels/<lang>.yml``."""

from __future__ import annotations

from pathlib import Path

from ..content.loader import load_file
from ..errors import Location, Problem, ProblemsFound, display_path


class Labels(dict):
    """Label key → text. A missing key is an error naming the key and the file, never a blank."""

    def __init__(self, data: dict, origin: str, language: str = "en"):
        super().__init__(data)
        self.origin = origin
        self.language = language

    def __missing__(self, key: str) -> str:
        raise KeyError(f"label {key!r} is missing from {self.origin}")


def load_labels(templates: Path, language: str) -> Labels:
    """Labels for ``language``, falling back key by key to English."""
    base = _read(templates / "labels" / "en.yml")
    path = templates / "labels" / f"{language}.yml"
    data = dict(base)
    if language != "en" and path.exists():
        data.update(_read(path))
    return Labels(data, str(path if path.exists() else templates / "labels" / "en.yml"), language)


def _read(path: Path) -> dict:
    shown = display_path(path, path.parents[2])  # templates/labels/<lang>.yml, as the repository names it
    loaded = load_file(path, shown)
    if isinstance(loaded, Problem):
        raise ProblemsFound([loaded])
    if not isinstance(loaded.data, dict):
        raise ProblemsFound([Problem(Location(shown), "labels-not-mapping", "cannot read labels: not a mapping",
                                     "write one `key: text` line for each label, as in templates/labels/en.yml")])
    return loaded.data


class LocaleFormat:
    """Times, dates and numbers as the pack's locale writes them (Babel, from the Unicode CLDR)."""

    def __init__(self, language: str):
        from babel import Locale

        self.locale = Locale.parse(language)
        self.rtl = self.locale.character_order == "right-to-left"

    def time(self, minutes: int) -> str:
        from datetime import time

        from babel.dates import format_skeleton

        return format_skeleton("Hm", time(minutes // 60, minutes % 60), locale=self.locale)

    def span(self, start: int, end: int) -> str:
        return f"{self.time(start)}–{self.time(end)}"

    def date(self, iso: str) -> str:
        from datetime import date

        from babel.dates import format_date

        return format_date(date.fromisoformat(iso), "long", locale=self.locale)

    def month(self, day) -> str:
        from babel.dates import format_skeleton

        return format_skeleton("yMMMM", day, locale=self.locale)

    def number(self, value: int) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.locale)

    def language_name(self, code: str) -> str:
        """A language's name in that language (what a language switcher shows)."""
        from babel import Locale

        name = Locale.parse(code).get_display_name(code) or code
        return name[:1].upper() + name[1:]
