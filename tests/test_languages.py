"""Packs in English, French, Spanish and Arabic: labels, content, switcher, search, fuzzy translations, RTL."""

from __future__ import annotations

import re
import shutil
from urllib.parse import quote

import pdfplumber
import pytest
from babel.messages.pofile import read_po

from build_tools.resolve.keys import PackKey

from .browser import browser_page
from .conftest import REPO, run_cli
from .leaks import fingerprint
from .test_site import page_text

COURSE = "foundations-blended"


def key(language, edition="participant"):
    return PackKey(COURSE, "workers-organizations", "garment-textile", "MX", language, edition)


def straight(text: str) -> str:
    """Undo typographic quotes (Sphinx's smartquotes) and non-breaking spaces, to compare with the sources."""
    return re.sub(r"[\u2018\u2019]", "'", re.sub(r"[\u201c\u201d\u00ab\u00bb]", '"', text)).replace("\u00a0", " ") \
        .replace("\u202f", " ")


def translation(language: str, module: str, context: str) -> str:
    with open(REPO / "modules" / "locale" / language / f"{module}.po", "rb") as handle:
        return next(m.string for m in read_po(handle, locale=language) if m.context == context)


@pytest.mark.parametrize("language, objectives, timetable", [
    ("en", "Learning objectives", "Timetable"),
    ("fr", None, None),
    ("es", None, None),
])
def test_labels_and_content_follow_the_pack_language(built, language, objectives, timetable):
    import yaml

    labels = yaml.safe_load((REPO / "templates" / "labels" / f"{language}.yml").read_text(encoding="utf-8"))
    site = built(key(language)) / "site"
    home = straight(page_text(site / "index.html", main_only=True))
    assert labels["objectives"] in home and labels["timetable"] in home
    if objectives:
        assert objectives in home and timetable in home
    page = straight(page_text(site / "modules/global-supply-chains/anatomy-of-a-supply-chain.html", main_only=True))
    title = "The anatomy of a global supply chain" if language == "en" else \
        translation(language, "global-supply-chains", "sessions[anatomy-of-a-supply-chain].title")
    assert page.startswith(straight(title))
    if language != "en":
        assert "The anatomy of a global supply chain" not in page
        body = translation(language, "global-supply-chains", "sessions[anatomy-of-a-supply-chain].body")
        first_sentence = re.sub(r"[*_`]", "", body.split(".")[0])
        assert fingerprint(first_sentence) in fingerprint(page)
    assert re.search(rf'<html[^>]*lang="{language}"', (site / "index.html").read_text())


def test_the_switcher_links_the_language_versions(built):
    sites = {lang: built(key(lang)) / "site" for lang in ("en", "fr", "es")}
    for lang, site in sites.items():
        html = (site / "modules/global-supply-chains/index.html").read_text(encoding="utf-8")
        links = dict((l, h) for h, l in re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang="\w+"', html))
        others = {"en", "fr", "es"} - {lang}
        assert others <= set(links), links
        for other in others:
            target = (site / "modules/global-supply-chains" / links[other]).resolve()
            assert target == (sites[other] / "modules/global-supply-chains/index.html").resolve()
            assert target.is_file()


def test_a_french_search_finds_a_french_word(built):
    site = built(key("fr")) / "site"
    with browser_page() as b:
        b.page.goto(f"{site.resolve().as_uri()}/search.html?q={quote('approvisionnement')}")
        b.page.wait_for_function(
            "() => (document.querySelector('#search-results .search-summary') || {}).textContent"
            "?.length > 0 && document.querySelectorAll('#search-results li a').length > 0", timeout=30000)
        hrefs = b.page.locator("#search-results li a").evaluate_all("els => els.map(e => e.href)")
        assert any("global-supply-chains" in h for h in hrefs), hrefs
        assert not b.console_errors, b.console_errors


def test_changed_source_makes_the_translation_fuzzy_and_the_build_reports_it(tmp_path, capsys):
    root = tmp_path / "repo"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("_build", ".venv", ".git", "node_modules"))
    module = root / "modules" / "global-supply-chains.yml"
    module.write_text(module.read_text().replace(
        "title: The anatomy of a global supply chain", "title: The anatomy of a global value chain"))
    code, out, err = run_cli(capsys, "i18n", "update", "--root", str(root))
    assert code == 0 and "marked fuzzy" in out
    with open(root / "modules/locale/fr/global-supply-chains.po", "rb") as handle:
        entry = next(m for m in read_po(handle) if m.context == "sessions[anatomy-of-a-supply-chain].title")
    assert entry.fuzzy and entry.id == "The anatomy of a global value chain" and entry.string
    code, out, err = run_cli(capsys, "build", COURSE, "--audience", "workers-organizations", "--sector",
                             "garment-textile", "--country", "MX", "--lang", "fr", "--edition", "participant",
                             "--format", "html", "--root", str(root))
    assert code == 1
    assert re.search(r"modules/locale/fr/global-supply-chains\.po:\d+:1: error\[translation-fuzzy\]: the French "
                     r"translation of 'The anatomy of a global value chain' \(modules/global-supply-chains\.yml:\d+, "
                     r"sessions\[anatomy-of-a-supply-chain\]\.title\) is marked fuzzy", err), err
    code, out, err = run_cli(capsys, "check", "--lang", "fr", "--root", str(root))
    # French packs need it: an error (once, not again as the warning --lang gives an entry no pack needs)
    assert code == 1 and re.search(r"modules/locale/fr/global-supply-chains\.po:\d+:1: error\[translation-fuzzy\]: "
                                   r"the French translation of 'The anatomy of a global value chain'", err), err
    assert "warning[translation-fuzzy]" not in out


def test_arabic_pack_is_right_to_left_in_html_and_pdf(built):
    folder = built(PackKey(COURSE, "labour-inspectors", "agriculture", "MA", "ar", "participant"), ("html", "pdf"))
    html = (folder / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html dir="rtl"[^>]*lang="ar"', html)
    import yaml

    labels = yaml.safe_load((REPO / "templates" / "labels" / "ar.yml").read_text(encoding="utf-8"))
    note = labels["fallback_note"]
    sessions = folder / "site" / "modules" / "global-supply-chains"
    untranslated = page_text(sessions / "deficits-and-governance-gaps.html", main_only=True)
    translated = page_text(sessions / "anatomy-of-a-supply-chain.html", main_only=True)
    assert note in untranslated and "Decent work deficits and governance gaps" in untranslated  # marked fallback
    assert note not in translated and re.search(r"[\u0600-\u06ff]{4,}", translated)
    # English shown in the Arabic pack is marked English, left to right; Arabic text is not
    raw = (sessions / "deficits-and-governance-gaps.html").read_text(encoding="utf-8")
    assert re.search(r'<h1 lang="en" dir="ltr">Decent work deficits', raw)
    assert re.search(r'<p lang="en" dir="ltr">[^<]*\bconclusions\b', raw)
    assert re.search(r"<p>" + re.escape(note), raw)  # the note itself is Arabic
    assert re.search(r"<p>" + re.escape(labels["module"]), raw)  # the Arabic line naming the module
    with pdfplumber.open(folder / "participant-manual.pdf") as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages[:12])
        fonts = {c["fontname"] for p in pdf.pages[:12] for c in p.chars if "\u0600" <= c["text"] <= "\u06ff"}
    assert re.search(r"[\u0600-\u06ff]{4,}", text)
    assert fonts  # Arabic glyphs come from an embedded font
    with pdfplumber.open(folder / "participant-manual.pdf") as pdf:
        lines = [line for p in pdf.pages for line in (p.extract_text() or "").splitlines()]
    # an English sentence laid out right to left puts its full stop or comma at the start of the line
    reversed_english = [line for line in lines if re.match(r"^[.,;:][A-Za-z]", line)]
    assert not reversed_english, reversed_english[:5]
    import pypdf

    reader = pypdf.PdfReader(folder / "participant-manual.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "ar"


def test_an_english_pack_built_after_an_arabic_one_in_the_same_process_is_english(built, repo, tmp_path):
    """Matrix workers and `serve` build pack after pack in one process; Sphinx's own words must follow."""
    from build_tools.pipeline.build import build_pack

    built(PackKey(COURSE, "labour-inspectors", "agriculture", "MA", "ar", "participant"), ("html", "pdf"))
    english = build_pack(repo, PackKey(COURSE, "labour-inspectors", "agriculture", "MA", "en", "participant"),
                         tmp_path, formats=("html",)).output
    search = (english / "site" / "search.html").read_text(encoding="utf-8")
    assert 'placeholder="Search"' in search and "بحث" not in search  # Arabic only in the switcher's "العربية"


def test_every_label_file_has_the_english_keys():
    import yaml

    english = yaml.safe_load((REPO / "templates" / "labels" / "en.yml").read_text(encoding="utf-8"))
    for path in (REPO / "templates" / "labels").glob("*.yml"):
        labels = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(labels) == set(english), (path.name, set(english) ^ set(labels))
        for name, text in english.items():
            assert set(re.findall(r"{\w+}", labels[name])) == set(re.findall(r"{\w+}", text)), (path.name, name)


def test_translated_text_obeys_the_same_rules_as_the_source(tmp_path, capsys):
    """A translation cannot smuggle in what the source may not contain: the build refuses it at its .po line."""
    root = tmp_path / "repo"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("_build", ".venv", ".git", "node_modules"))
    po = root / "modules/locale/fr/global-supply-chains.po"
    with open(po, "rb") as handle:
        catalog = read_po(handle, locale="fr")
    entry = next(m for m in catalog if m.context == "sessions[anatomy-of-a-supply-chain].body")
    entry.string += "\n\n![secret](../../../../etc/passwd)\n"
    from babel.messages.pofile import write_po

    with open(po, "wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False)
    code, out, err = run_cli(capsys, "build", COURSE, "--audience", "workers-organizations", "--sector",
                             "garment-textile", "--country", "MX", "--lang", "fr", "--edition", "participant",
                             "--format", "html", "--root", str(root))
    assert code == 1
    assert re.search(r"modules/locale/fr/global-supply-chains\.po:\d+:1: error\[image-outside-assets\]: in the "
                     r"translation of sessions\[anatomy-of-a-supply-chain\]\.body", err), err
