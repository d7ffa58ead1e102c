"""The search index built with remembered stems is the one Sphinx builds alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

PAGES = {
    "en": "# Labour inspection\n\nInspectors inspected the inspections of subcontracted factories; "
          "inspecting factories is what an inspectorate does. Organizing, organized, organizes.\n",
    "fr": "# Inspection du travail\n\nLes inspecteurs inspectaient les inspections des usines sous-traitantes; "
          "organiser, organisé, organisations.\n",
}


def _index(tmp: Path, language: str, extensions: str) -> bytes:
    src = tmp / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "index.md").write_text(PAGES[language], encoding="utf-8")
    (src / "conf.py").write_text("", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", "-D", f"extensions={extensions}",
                           "-D", f"language={language}", str(src), str(tmp / "out")],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return (tmp / "out" / "searchindex.js").read_bytes()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_remembered_stems_give_the_same_search_index(tmp_path, language):
    alone = _index(tmp_path / "alone", language, "myst_parser")
    remembered = _index(tmp_path / "remembered", language, "myst_parser,build_tools.searchstem")
    assert b"inspect" in alone  # the stems are in the index
    assert remembered == alone


def test_the_stemmer_answers_once_per_word():
    from sphinx.search.en import SearchEnglish

    from build_tools.searchstem import _remembering

    calls = []

    class Counting(SearchEnglish):
        def stem(self, word):
            calls.append(word)
            return super().stem(word)

    remembering = _remembering(Counting)({})
    assert [remembering.stem(w) for w in ("inspections", "inspected", "inspections")] == \
        [SearchEnglish({}).stem(w) for w in ("inspections", "inspected", "inspections")]
    assert calls == ["inspections", "inspected"]
    assert _remembering(Counting) is type(remembering)  # one class, one memory, per language
