"""A build that fails says why at file:line and leaves the last good output exactly as it was."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from build_tools.pipeline.build import build_pack
from build_tools.content.repository import load_repo
from build_tools.errors import ProblemsFound
from build_tools.resolve.keys import PackKey
from build_tools.site.build import build_site

from .conftest import REPO, run_cli

PACK = ["sample", "--audience", "labour-inspectors", "--sector", "agriculture", "--country", "BD",
        "--edition", "participant"]
PACK_ID = "sample.labour-inspectors.agriculture.bd.en.participant"


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def built_once(minimal_root, capsys):
    code, out, err = run_cli(capsys, "build", *PACK, "--root", str(minimal_root))
    assert code == 0, err
    output = minimal_root / "_build" / PACK_ID
    before = snapshot(output)
    assert "site/index.html" in before
    return minimal_root, output, before


def _break_body(root: Path, old: str, new: str) -> int:
    """Replace text in the intro module's first body; return the file line where the new text sits."""
    path = root / "modules" / "intro.yml"
    text = path.read_text()
    assert old in text
    text = text.replace(old, new)
    path.write_text(text)
    return next(i for i, line in enumerate(text.splitlines(), 1) if new.splitlines()[0] in line)


def test_missing_context_variable_fails_at_its_line_and_keeps_the_output(built_once, capsys):
    root, output, before = built_once
    line = _break_body(root, "to its suppliers in {{ country.name }}.",
                       "to its suppliers in {{ country.capital }}.")
    code, out, err = run_cli(capsys, "build", *PACK, "--root", str(root))
    assert code == 1
    assert f"modules/intro.yml:{line}:1: error[unknown-variable]: unknown context variable country.capital" in err
    assert snapshot(output) == before


def test_forbidden_myst_fails_at_its_line_and_keeps_the_output(built_once, capsys):
    root, output, before = built_once
    line = _break_body(root, "      A supply chain links", "      ```{include} ../../conf.py\n      ```\n      A supply chain links")
    code, out, err = run_cli(capsys, "build", *PACK, "--root", str(root))
    assert code == 1
    assert f"modules/intro.yml:{line}:1: error[forbidden-directive]: the directive {{include}} is not allowed" in err
    assert snapshot(output) == before


def test_render_refuses_an_undeclared_variable_even_without_check(built_once):
    """Defence in depth: build_pack alone (no `check` first) still fails, at the YAML line, in the sandbox."""
    root, output, before = built_once
    line = _break_body(root, "to its suppliers in {{ country.name }}.",
                       "to its suppliers in {{ country.capital }}.")
    repo = load_repo(root)
    key = PackKey("sample", "labour-inspectors", "agriculture", "BD", "en", "participant")
    with pytest.raises(ProblemsFound) as failure:
        build_pack(repo, key, root / "_build")
    problem = failure.value.problems[0]
    assert (problem.location.path, problem.location.line) == ("modules/intro.yml", line)
    assert "capital" in problem.message
    assert snapshot(output) == before


def test_a_sphinx_warning_fails_the_build_and_keeps_the_output(built_once, capsys):
    """A page Sphinx warns about (here an image that passes the lint but does not exist) is not published."""
    root, output, before = built_once
    (root / "modules" / "assets").mkdir()
    (root / "modules" / "assets" / "chain.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>')
    _break_body(root, "to its suppliers in {{ country.name }}.",
                "to its suppliers in {{ country.name }}.\n\n      ![A supply chain](assets/chain.svg)")
    code, out, err = run_cli(capsys, "build", *PACK, "--root", str(root))
    assert code == 0, err  # an existing asset is copied and published
    assert (output / "site" / "_images" / "chain.svg").is_file()
    before = snapshot(output)
    (root / "modules" / "assets" / "chain.svg").unlink()
    code, out, err = run_cli(capsys, "build", *PACK, "--root", str(root))
    assert code == 1
    assert "image-missing" in err and "modules/intro.yml" in err
    assert snapshot(output) == before


def test_sphinx_itself_refuses_raw_html_and_file_insertion(tmp_path):
    """If a construct slipped past the lint, the locked-down Sphinx configuration still refuses it."""
    src = tmp_path / "src"
    src.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN")
    (src / "index.md").write_text(
        "# Payloads\n\n<script>alert('inline')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        f"```{{include}} {secret}\n```\n\n```{{raw}} html\n<b>raw</b>\n```\n\n"
        f"```{{literalinclude}} {secret}\n```\n")
    result = build_site(REPO, src, tmp_path / "out", tmp_path / "doctrees", {})
    messages = " ".join(p.message for p in result.warnings)
    assert re.search(r"include.*(disabled|not allowed)|File insertion disabled", messages, re.I), messages
    assert '"raw" directive disabled' in messages, messages
    html = (tmp_path / "out" / "index.html").read_text()
    assert "TOP-SECRET-TOKEN" not in html
    assert not re.search(r"<script>\s*alert", html)
    assert not re.search(r"<img[^>]*onerror", html)
    assert "&lt;script&gt;alert" in html and "&lt;img src=x onerror" in html  # shown as text, inert


def test_a_page_that_failed_fails_again_on_the_next_build(minimal_root):
    """Sphinx warns only when it reads a page: the failed build must not leave the page marked as read."""
    _break_body(minimal_root, "to its suppliers in {{ country.name }}.",
                "to its suppliers in {{ country.name }}.\n\n      #### A heading that skips levels")
    repo = load_repo(minimal_root)  # build_pack alone: the lint of `check` would refuse this first
    key = PackKey("sample", "labour-inspectors", "agriculture", "BD", "en", "participant")
    for _ in range(2):
        with pytest.raises(ProblemsFound):
            build_pack(repo, key, minimal_root / "_build", formats=("html",))


def test_building_one_format_keeps_the_others(built_once, capsys):
    root, output, before = built_once
    site = {k: v for k, v in before.items() if k.startswith("site/")}
    code, out, err = run_cli(capsys, "build", *PACK, "--format", "pdf", "--force", "--root", str(root))
    assert code == 0, err
    after = snapshot(output)
    assert {k: v for k, v in after.items() if k.startswith("site/")} == site
    assert "participant-manual.pdf" in after


def test_packages_for_participants_build_nothing_for_facilitators(built_once, capsys):
    root, output, before = built_once
    facilitator = output.with_name(output.name.replace("participant", "facilitator"))
    code, out, err = run_cli(capsys, "build", *PACK[:-1], "facilitator", "--format", "html", "--root", str(root))
    assert code == 0
    was = snapshot(facilitator)
    code, out, err = run_cli(capsys, "build", *PACK[:-1], "facilitator", "--format", "scorm12", "--root", str(root))
    assert code == 0 and "nothing to build" in out
    assert snapshot(facilitator) == was


def test_the_build_after_one_stopped_while_sphinx_wrote_pages_succeeds(minimal_root, monkeypatch):
    """Sphinx saves its environment before it writes the pages: a build stopped in between (Ctrl-C, the
    matrix's --timeout) leaves an environment that says every page is read and no search index. The next
    build must not fail on that, nor keep the pages the stopped one never finished."""
    from sphinx.builders.html import StandaloneHTMLBuilder

    repo = load_repo(minimal_root)
    key = PackKey("sample", "labour-inspectors", "agriculture", "BD", "en", "participant")
    out = minimal_root / "_build"
    real, written = StandaloneHTMLBuilder.handle_page, []

    def stopped_on_the_third_page(self, pagename, *args, **kwargs):
        real(self, pagename, *args, **kwargs)
        written.append(pagename)
        if len(written) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(StandaloneHTMLBuilder, "handle_page", stopped_on_the_third_page)
    with pytest.raises(KeyboardInterrupt):
        build_pack(repo, key, out, formats=("html",))
    monkeypatch.setattr(StandaloneHTMLBuilder, "handle_page", real)
    assert not (out / key.id).exists()

    built = build_pack(repo, key, out, formats=("html",))
    site = built.output / "site"
    assert (site / "searchindex.js").is_file()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 3 and all(p.read_text(encoding="utf-8").rstrip().endswith("</html>") for p in pages)
