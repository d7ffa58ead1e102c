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
    remembered = _index(tmp_path / "remembered", language, "myst_parser,build_tools.site.searchstem")
    assert b"inspect" in alone  # the stems are in the index
    assert remembered == alone


def test_the_stemmer_answers_once_per_word():
    from sphinx.search.en import SearchEnglish

    from build_tools.site.searchstem import _remembering

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


SHARED = {  # words both pages hold, which the English and the Spanish stemmers cut differently
    "en": "# Labour inspection\n\nInspections of the organizaciones sindicales and the trabajadoras agrícolas; "
          "organizing, organized, generalities.\n",
    "es": "# Inspección del trabajo\n\nLas inspecciones de las organizaciones sindicales protegen a las "
          "trabajadoras agrícolas; inspections, organizing, generalities.\n",
}
_BUILD = """
import sys
from pathlib import Path
from build_tools.site.build import build_site
for folder, language in zip(sys.argv[1::2], sys.argv[2::2]):
    folder = Path(folder)
    result = build_site(Path.cwd(), folder / "src", folder / "site", folder / "doctrees", {"language": language})
    assert not result.warnings, result.warnings
"""


def _site_builds(tmp: Path, *languages: str) -> dict[str, bytes]:
    """Build one page per language, one after the other in one new process: each language's search index."""
    argv = []
    for language in languages:
        folder = tmp / language
        (folder / "src").mkdir(parents=True)
        (folder / "src" / "index.md").write_text(SHARED[language], encoding="utf-8")
        argv += [str(folder), language]
    done = subprocess.run([sys.executable, "-c", _BUILD, *argv], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return {language: (tmp / language / "site" / "searchindex.js").read_bytes() for language in languages}


@pytest.mark.parametrize("first, then", [("en", "es"), ("es", "en")])
def test_a_language_built_after_another_in_the_same_process_has_the_index_it_has_alone(tmp_path, first, then):
    alone = _site_builds(tmp_path / "alone", then)[then]
    after = _site_builds(tmp_path / "after", first, then)
    assert after[first] != after[then]  # each stemmed in its own language
    assert after[then] == alone
