"""Building real packs and reading what a participant sees: page text and the search index."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from build_tools.resolve.context import as_of_phrase, ratification_phrase
from build_tools.i18n.labels import load_labels
from build_tools.resolve.keys import PackKey
from build_tools.resolve.pack import resolve
from build_tools.content.timetable import to_minutes

from .conftest import REPO, run_cli
from .leaks import facilitator_only_texts, facilitator_only_titles, leaked

COURSE = "gsc-turin"


def key(audience="labour-inspectors", sector="garment-textile", country="BD", edition="participant"):
    return PackKey(COURSE, audience, sector, country, "en", edition)


@pytest.fixture(scope="session")
def site(built):
    """``site(key)`` → the built site folder of that pack."""
    return lambda k: built(k, ("html", "pdf") if k.country == "BD" and k.audience == "labour-inspectors"
                           else ("html",)) / "site"


def page_text(path: Path, main_only: bool = False) -> str:
    """The visible text of a built page (tags removed, entities decoded, whitespace folded)."""
    raw = path.read_text(encoding="utf-8")
    if main_only:
        raw = re.search(r"<article\b.*?</article>", raw, re.S).group(0)
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def site_text(site: Path) -> str:
    return "\n".join(page_text(p) for p in sorted(site.rglob("*.html")))


def search_index(site: Path) -> str:
    return (site / "searchindex.js").read_text(encoding="utf-8")


def test_two_countries_state_their_own_ratification_facts(site, repo):
    labels = load_labels(REPO / "templates", "en")
    for country in ("BD", "HN"):
        text = page_text(site(key(country=country)) / "instruments.html")
        profile = repo.catalogue.countries[country]
        pack = resolve(repo.catalogue, key(country=country))
        ratifiable = [i for i in pack.instruments if i.ratifiable]
        assert ratifiable
        for inst in ratifiable:
            fact = profile.ratifications.get(inst.code)
            phrase = ratification_phrase(fact, labels)
            assert inst.title in text, inst.code
            assert _norm(phrase) in _norm(text), (country, inst.code, phrase)
            if fact and fact.status == "ratified" and fact.year:
                assert f"ratified in {fact.year}" in text
            if fact and fact.status != "unverified":
                assert _norm(as_of_phrase(fact.as_of, labels)) in _norm(text), (country, inst.code)
    bd = page_text(site(key(country="BD")) / "instruments.html")
    hn = page_text(site(key(country="HN")) / "instruments.html")
    assert "Status in Bangladesh" in bd and "Honduras" not in bd
    assert "Status in Honduras" in hn and "Bangladesh" not in hn


def test_country_prose_reads_the_country_profile(site, repo):
    """The same session, built for two countries, states each country's own status for C087."""
    labels = load_labels(REPO / "templates", "en")
    page = "modules/global-supply-chains/deficits-and-governance-gaps.html"
    for country in ("BD", "HN"):
        text = page_text(site(key(country=country)) / page)
        name = repo.catalogue.countries[country].name
        phrase = ratification_phrase(repo.catalogue.countries[country].ratifications.get("C087"), labels)
        assert f"The picture in {name}" in text
        assert _norm(f"(C087): {phrase}") in _norm(text)


def test_audience_variants_reach_only_their_audience(site, repo):
    module = repo.catalogue.modules["global-supply-chains"]
    variants = {v.title: v for v in module.sessions[0].variants}
    inspectors = variants["For labour inspectors"].body.split(".")[0]
    workers = variants["For workers' organizations"].body.split(".")[0]
    folder = site(key(audience="labour-inspectors"))
    text, index = site_text(folder), search_index(folder)
    assert "For labour inspectors" in text and inspectors.split()[0] in text
    assert " ".join(inspectors.split()) in text
    assert " ".join(workers.split()) not in text
    assert "For workers" not in text
    # The search index holds the titles of sections: the inspector section is there, the workers' is not.
    assert "for labour inspectors" in index.lower()
    assert "for workers" not in index.lower()
    other = site_text(site(key(audience="workers-organizations")))
    assert " ".join(workers.split()) in other and " ".join(inspectors.split()) not in other


def test_timetable_clock_times_add_up(site, repo):
    course = repo.catalogue.courses[COURSE]
    pack = resolve(repo.catalogue, key())
    text = page_text(site(key()) / "timetable.html", main_only=True)
    days = re.split(r"\bDay (\d+)\b", text)[1:]
    assert len(days) // 2 == len(pack.timetable.days())
    minutes_by_session = {(m.module.id, s.session.id): s.session.minutes for m in pack.modules for s in m.sessions}
    placed: dict[str, int] = {}
    for day_text in days[1::2]:
        times = [(to_minutes(a), to_minutes(b)) for a, b in re.findall(r"(\d\d:\d\d)[-–](\d\d:\d\d)", day_text)]
        assert times[0][0] == to_minutes(course.schedule.day_start)
        assert times[-1][1] <= to_minutes(course.schedule.day_end)
        for (start, end), (next_start, _) in zip(times, times[1:]):
            assert end == next_start, day_text  # each row starts when the previous one ends
            assert end > start
    for slot in pack.timetable.slots:
        if slot.kind == "session":
            placed[slot.key] = placed.get(slot.key, 0) + slot.minutes
    assert placed == minutes_by_session


def test_participant_output_has_no_facilitator_text(site, repo):
    """Every file of the participant site (pages, search index, scripts) is free of facilitator-only text."""
    k = key()
    secrets = facilitator_only_texts(repo, k)
    assert len(secrets) > 50
    shown = leaked(secrets, site_text(site(key(edition="facilitator"))))
    assert len(shown) > len(secrets) * 0.8, "the facilitator edition should show these texts"
    folder = site(k)
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.name == "searchindex.js" for p in files)
    for path in files:
        raw = path.read_bytes().decode("utf-8", errors="ignore")
        text = html.unescape(re.sub(r"<[^>]+>", " ", raw))
        assert not leaked(secrets, text), (path.name, leaked(secrets, text)[:3])
    index = search_index(folder)
    for title in facilitator_only_titles(repo, k):
        assert title not in index, title
    assert "Facilitator notes" not in site_text(folder)
    assert "[correct]" not in site_text(folder)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\u2018\u2019\u201c\u201d'\"]", "'", text).split()).lower()


def test_build_prints_where_index_is(minimal_root, capsys):
    code, out, err = run_cli(capsys, "build", "sample", "--audience", "labour-inspectors", "--sector",
                             "agriculture", "--country", "HN", "--edition", "participant",
                             "--root", str(minimal_root))
    assert code == 0, err
    index = minimal_root / "_build" / "sample.labour-inspectors.agriculture.hn.en.participant" / "site" / "index.html"
    assert f"site: {index}" in out
    assert index.is_file()


def test_omitted_dimension_lists_the_choices(minimal_root, capsys):
    code, out, err = run_cli(capsys, "build", "sample", "--sector", "agriculture", "--country", "HN",
                             "--root", str(minimal_root))
    assert code == 2
    assert "choose one with --audience: labour-inspectors, workers-organizations" in err
