"""The sidebar's navigation tree made once per build is, on every page, the one furo makes per page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from build_tools.resolve.keys import PackKey

from .conftest import REPO

PACKS = [
    PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "facilitator"),
    # a right-to-left pack with English passages, in another course's tree
    PackKey("foundations-blended", "labour-inspectors", "garment-textile", "MA", "ar", "participant"),
]


FURO_MAKES_IT = "furo makes it on every page"


def _site(src: Path, out: Path, extensions: str, language: str, log: list | None = None,
          smartquotes: bool = True) -> dict[str, bytes]:
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-c", str(REPO), "-D",
                           f"extensions={extensions}", "-D", f"language={language}", "-D",
                           f"smartquotes={int(smartquotes)}", str(src), str(out)],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    if log is not None:
        log.append(done.stdout)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.html"))}


@pytest.mark.parametrize("key", PACKS, ids=lambda k: k.id)
def test_every_page_has_furos_own_navigation_tree(built, key, tmp_path):
    src = built(key).parent / ".work" / key.id / "src"
    furo = _site(src, tmp_path / "furo", "myst_parser", key.language)
    log = []
    ours = _site(src, tmp_path / "ours", "myst_parser,build_tools.site.nav", key.language, log)
    assert FURO_MAKES_IT not in log[0]  # the tree was made once, not left to furo
    assert len(furo) > 15 and sorted(ours) == sorted(furo)
    assert all(b'class="toctree-l2 current current-page"' in furo[page] for page in furo
               if page.count("/") == 2 and not page.endswith("index.html"))  # sessions: the tree is there
    different = [page for page in furo if ours[page] != furo[page]]
    assert not different, f"pages whose navigation differs from furo's: {different}"


def test_a_tree_it_does_not_know_is_left_to_furo(tmp_path):
    """A toctree with a caption (not in the packs' pages): furo makes the tree, and the pages are the same."""
    src = tmp_path / "src"
    (src / "part").mkdir(parents=True)
    (src / "index.md").write_text("# Home\n\n```{toctree}\n:caption: Modules\n\npart/one\npart/two\n```\n")
    (src / "part" / "one.md").write_text("# One & only <one>\n")
    (src / "part" / "two.md").write_text("# Two\n")
    furo = _site(src, tmp_path / "furo", "myst_parser", "en")
    log = []
    ours = _site(src, tmp_path / "ours", "myst_parser,build_tools.site.nav", "en", log)
    assert FURO_MAKES_IT in log[0]
    assert b'class="caption"' in furo["part/one.html"]
    assert ours == furo


def test_markup_follows_furos_escaping(tmp_path):
    """Titles with markup characters and straight quotes of both kinds (smart quotes off), nested two deep,
    compared on every page."""
    src = tmp_path / "src"
    for folder, title in (("m", 'The "voice" & <rights> of workers'), ("n", "Workers' \"voice\"")):
        (src / folder).mkdir(parents=True)
        (src / folder / "index.md").write_text(f"# {title}\n\n```{{toctree}}\n:hidden:\n\na\nb\n```\n")
        (src / folder / "a.md").write_text("# Organizing: \"why\"\n")
        (src / folder / "b.md").write_text("# Collective bargaining's levels\n")
    (src / "index.md").write_text("# Home\n\n```{toctree}\n:hidden:\n\nm/index\nn/index\nabout\n```\n")
    (src / "about.md").write_text("# About\n")
    furo = _site(src, tmp_path / "furo", "myst_parser", "en", smartquotes=False)
    log = []
    ours = _site(src, tmp_path / "ours", "myst_parser,build_tools.site.nav", "en", log, smartquotes=False)
    assert FURO_MAKES_IT not in log[0]
    assert b"aria-label='Toggle navigation of The \"voice\" &amp; &lt;rights&gt; of workers'" in furo["m/a.html"]
    assert ours == furo
