"""Country facts: sourced and dated, shown only in the variants that require them, and different per country.

A country profile's ``facts`` (labour inspection system, EPZ regime, minimum-wage setting…) are used by module
text through ``{{ country.fact('kind') }}`` inside a variant with ``when: {facts: [kind]}``. These tests hold
the rule at each layer (the model refuses an unsourced fact, ``check`` refuses an unguarded use, the render
refuses a fact the country lacks), then over every country of the Turin course, then in two real built packs.
"""

from __future__ import annotations

import re
import shutil

import pytest
from jinja2 import TemplateRuntimeError
from pydantic import ValidationError

from build_tools.content.lint import lint_text
from build_tools.content.model import Country, When
from build_tools.i18n.labels import load_labels
from build_tools.resolve.context import CountryView
from build_tools.resolve.keys import PackKey

from .conftest import REPO
from .test_content_facts import RAW
from .test_site import page_text

TURIN = ("global-supply-chains", "fundamental-principles", "freedom-of-association", "labour-inspection", "osh",
         "mne-declaration-due-diligence")
"""The six modules of the Turin course that carry country passages."""

KNOWN_GAPS: dict[str, set[str]] = {}
"""Country → Turin modules with no country passage, because no verified fact of a kind the module uses is
recorded for it (listed, not papered over: closing a gap must remove it here)."""

FACT = {"text": "the Ministry of Labour", "cite": "ILO, CEACR, observation on Convention No. 81",
        "source": "https://normlex.ilo.org/x", "as_of": "2024"}


def _country(**facts) -> Country:
    return Country.model_validate({"code": "XX", "name": "Testland", "region": "africa", "languages": ["en"],
                                   "facts": facts})


# --------------------------------------------------------------------------- each layer


@pytest.mark.parametrize("missing", ["source", "cite", "as_of"])
def test_a_verified_fact_without_its_source_citation_or_date_is_refused(missing):
    fact = {k: v for k, v in FACT.items() if k != missing}
    with pytest.raises(ValidationError, match="unsourced-fact|needs `source`"):
        _country(inspection=fact)
    _country(inspection={**fact, "verified": False})  # kept in the data, never shown


@pytest.mark.parametrize("as_of", ["undated", "2020 (CEACR comment adopted 2020)", "c. 2016", "2024-13-40x"])
def test_a_fact_is_dated_by_a_date_not_a_note(as_of):
    with pytest.raises(ValidationError):
        _country(inspection={**FACT, "as_of": as_of})


def test_check_refuses_a_fact_used_outside_a_variant_that_requires_it(repo):
    cat = repo.catalogue
    text = "Inspection: {{ country.fact('inspection') }} ({{ country.source('inspection') }})."
    codes = [code for _, code, _, _ in lint_text(text, cat, facts=frozenset())]
    assert codes == ["unguarded-fact", "unguarded-fact"]
    assert lint_text(text, cat, facts=frozenset({"inspection"})) == []
    assert [c for _, c, _, _ in lint_text("{{ country.fact('epz') }}", cat, facts=frozenset({"inspection"}))] \
        == ["unguarded-fact"]
    assert [c for _, c, _, _ in lint_text("{{ country.fact('inspectorate') }}", cat, facts=frozenset())] \
        == ["unknown-fact"]


def test_the_render_refuses_a_fact_the_country_lacks_or_has_unverified():
    labels = load_labels(REPO / "templates", "en")
    view = CountryView(_country(inspection={**FACT, "verified": False}), type("R", (), {"title": "Africa"}), labels)
    for call in (lambda: view.fact("inspection"), lambda: view.source("inspection"), lambda: view.fact("epz")):
        with pytest.raises(TemplateRuntimeError, match="no verified"):
            call()
    shown = CountryView(_country(inspection=FACT), type("R", (), {"title": "Africa"}), labels)
    assert shown.fact("inspection") == "the Ministry of Labour"
    assert shown.source("inspection") == "ILO, CEACR, observation on Convention No. 81, as of 2024"


def test_a_variant_requiring_facts_matches_only_a_country_that_has_them_all():
    when = When(facts=["inspection", "epz"])
    dims = {"audience": "a", "country": "XX"}
    assert not when.matches({**dims, "facts": frozenset()})
    assert not when.matches({**dims, "facts": frozenset({"inspection"})})
    assert when.matches({**dims, "facts": frozenset({"inspection", "epz", "sectors"})})
    assert When(**{"not": {"facts": "epz"}}).matches({**dims, "facts": frozenset({"inspection"})})
    verified = _country(inspection=FACT, epz={**FACT, "verified": False}).verified_facts()
    assert verified == frozenset({"inspection"})


# --------------------------------------------------------------------------- every country of the Turin course


def _turin_keys(repo, country: str) -> dict[str, PackKey]:
    """Module id → the key of the country's Turin pack that has it: an elective module is in the packs of
    its elective set only, so the Turin modules span more than one pack."""
    course = repo.catalogue.courses["gsc-turin"]
    sets = {mid: es.id for es in course.electives[1:] for mid in es.modules}  # the first set is the default: ""
    return {mid: PackKey("gsc-turin", "labour-inspectors", "garment-textile", country, "en", "participant",
                         sets.get(mid, "")) for mid in TURIN}


def _turin_pages(repo, country: str) -> dict[str, str]:
    """Module id → the MyST of its pages, in the country's Turin pack that has it (rendered as the build
    does); ``"all"`` → every page of those packs."""
    from build_tools.render.pages import render_pack
    from build_tools.resolve.localize import resolve_pack

    keys = _turin_keys(repo, country)
    rendered = {}
    for key in set(keys.values()):
        pages, _ = render_pack(repo, resolve_pack(repo, key), "digest")
        rendered[key] = {path: re.sub(r"\\(.)", r"\1", text) for path, text in pages.items()}  # MyST escapes removed
    return {mid: "\n".join(t for p, t in rendered[keys[mid]].items() if f"modules/{mid}/" in p) for mid in TURIN} | \
        {"all": "\n".join(t for pages in rendered.values() for t in pages.values())}


def _countries(repo) -> list[str]:
    return sorted(repo.catalogue.courses["gsc-turin"].offered_for.countries)


def test_every_fact_variant_shows_exactly_where_the_country_has_the_facts(repo):
    """Over every country: a variant that requires facts is in the pack if and only if all are verified,
    and then it shows each fact's text and its citation with a readable date, never the reviewer's note."""
    cat = repo.catalogue
    for code in _countries(repo):
        country = cat.countries[code]
        pages = _turin_pages(repo, code)
        for mid in TURIN:
            for session in cat.modules[mid].sessions:
                for variant in session.variants:
                    need = variant.when.required_facts()
                    if not need:
                        continue
                    shown = f"## {variant.title}" in pages[mid]
                    assert shown == (need <= country.verified_facts()), (code, mid, variant.title)
        for kind in country.verified_facts():
            fact = country.facts[kind]
            assert fact.text in pages["all"], (code, kind)
            assert re.search(re.escape(fact.cite) + r", as of [\w ,]*\d{4}\)", pages["all"]), (code, kind)
            assert not fact.note or fact.note not in pages["all"], (code, kind, "a reviewer's note is shown")


def test_each_country_has_a_fact_passage_in_every_turin_module_but_the_listed_gaps(repo):
    gaps = {}
    for code in _countries(repo):
        country = repo.catalogue.countries[code]
        pages = _turin_pages(repo, code)
        texts = [country.facts[k].text for k in country.verified_facts()]
        missing = {mid for mid in TURIN if not any(t in pages[mid] for t in texts)}
        if missing:
            gaps[code] = missing
    assert gaps == KNOWN_GAPS


def test_an_unverified_fact_leaves_no_passage_and_no_trace(tmp_path):
    """Marking Bangladesh's inspection fact unverified removes every passage built on it, and its text."""
    from build_tools.content.repository import load_repo

    root = tmp_path / "repo"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("_build", ".venv", ".git", "node_modules", "tests"))
    path = root / "curriculum" / "contexts" / "countries" / "BD.yml"
    data = path.read_text(encoding="utf-8")
    path.write_text(data.replace("  inspection:\n", "  inspection:\n    verified: false\n", 1), encoding="utf-8")
    repo = load_repo(root)
    assert "inspection" not in repo.catalogue.countries["BD"].verified_facts()
    pages = _turin_pages(repo, "BD")
    assert repo.catalogue.countries["BD"].facts["inspection"].text not in pages["all"]
    assert "labour inspection is the task of" not in pages["all"]


# --------------------------------------------------------------------------- two real packs


def _module_texts(built, repo, code) -> tuple[dict[str, str], str]:
    """Module id → the text of its pages in the country's Turin pack that has it; and every page's text."""
    keys = _turin_keys(repo, code)
    folders = {key: built(key) for key in set(keys.values())}
    texts = {mid: " ".join(page_text(p, main_only=True)
                           for p in sorted((folders[keys[mid]] / "site" / "modules" / mid).glob("*.html")))
             for mid in TURIN}
    return texts, " ".join(page_text(p) for folder in folders.values() for p in (folder / "site").rglob("*.html"))


def test_two_country_packs_differ_in_every_turin_module_by_their_own_facts(built, repo):
    """Bangladesh and Mexico packs of the Turin course: in each Turin module, the country passages differ and
    each pack shows its own country's facts only; the built text never shows a raw source note."""
    packs = {}
    for code in ("BD", "MX"):
        texts, site = _module_texts(built, repo, code)
        packs[code] = (texts, repo.catalogue.countries[code])
        leak = RAW.search(site)
        assert not leak, f"{code}: {site[leak.start() - 80:leak.end() + 40]!r}"
    for mid in TURIN:
        shown = {}
        for code, (texts, country) in packs.items():
            shown[code] = {k for k in country.verified_facts() if country.facts[k].text in texts[mid]}
            other = packs["MX" if code == "BD" else "BD"][1]
            for kind in other.verified_facts():
                assert other.facts[kind].text not in texts[mid], (mid, code, kind)
        assert shown["BD"] or shown["MX"], mid
        assert packs["BD"][0][mid] != packs["MX"][0][mid], mid


def test_a_page_is_marked_untranslated_only_for_the_untranslated_parts_it_shows(repo):
    """Arabic packs (a fallback language): an untranslated country passage marks a session page "not yet
    translated" in the packs that show it, never in those of a country without the fact."""
    from build_tools.i18n.catalogues import module_units
    from build_tools.resolve.localize import localize, resolve_pack

    course = repo.catalogue.courses["foundations-blended"]
    unusable = localize(repo, "ar", course.source_language).unusable()
    untranslated: dict[tuple, set] = {}  # session → its untranslated parts: ("variants", i) or None (the rest)
    for mid in course.modules:
        module = repo.catalogue.modules[mid]
        for u in module_units(module):
            if u.path[0] == "sessions" and u.context in unusable.get(f"modules/locale/ar/{mid}.po", {}):
                part = ("variants", u.path[3]) if u.path[2] == "variants" else None
                untranslated.setdefault((mid, module.sessions[u.path[1]].id), set()).add(part)
    partial = {k + part for k, parts in untranslated.items() for part in parts if part}
    only_variants = {k for k, parts in untranslated.items() if None not in parts}
    assert only_variants, "no session whose only untranslated parts are variants: the test checks nothing"
    seen = set()
    for code in course.offered_for.countries:
        pack = resolve_pack(repo, PackKey(course.id, "labour-inspectors", "agriculture", code, "ar", "participant"))
        for rmod in pack.modules:
            for rs in rmod.sessions:
                key = (rmod.module.id, rs.session.id)
                if key in only_variants:
                    shows = any(key + ("variants", i) in partial for i, _ in rs.variants)
                    assert (key in pack.fallback) == shows, (code, key)
                    seen.add(shows)
    assert seen == {True, False}, "every pack shows, or none shows, an untranslated variant: nothing compared"
