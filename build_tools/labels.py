"""Generated labels ("Objectives", "Day 1"…) in the pack's language, from ``templates/labels/<lang>.yml``."""

from __future__ import annotations

from pathlib import Path

from .loader import load_file


class Labels(dict):
    """Label key → text. A missing key is an error naming the key and the file, never a blank."""

    def __init__(self, data: dict, origin: str):
        super().__init__(data)
        self.origin = origin

    def __missing__(self, key: str) -> str:
        raise KeyError(f"label {key!r} is missing from {self.origin}")


def load_labels(templates: Path, language: str) -> Labels:
    """Labels for ``language``, falling back key by key to English."""
    base = _read(templates / "labels" / "en.yml")
    path = templates / "labels" / f"{language}.yml"
    data = dict(base)
    if language != "en" and path.exists():
        data.update(_read(path))
    return Labels(data, str(path if path.exists() else templates / "labels" / "en.yml"))


def _read(path: Path) -> dict:
    loaded = load_file(path)
    if not hasattr(loaded, "data") or not isinstance(loaded.data, dict):
        raise ValueError(f"{path}: cannot read labels: {getattr(loaded, 'message', 'not a mapping')}")
    return loaded.data
