"""Building real packs and reading what a participant sees: page text and the search index."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from build_tools.catalogue import load_repo
from build_tools.context import ratification_phrase
from build_tools.labels import load_labels
from build_tools.packs import PackKey
from build_tools.resolve import resolve
from build_tools.timetable import to_minutes

from .conftest import REPO, run_cli

COURSE = "gsc-turin"


def key(audience="labour-inspectors", sector="garment-textile", country="BD", edition="participant"):
    return PackKey(COURSE, audience, sector, country, "en", edition)


@pytest.fixture(scope="session")
def repo():
    return load_repo(REPO)


@pytest.fixture(scope="session")
def built(tmp_path_factory, repo):
    """Build the packs these tests read, once; return a function from pack key to its site folder."""
    from build_tools.build import build_pack

    out = tmp_path_factory.mktemp("out")
    cache: dict[PackKey, Path] = {}

    def site(k: PackKey) -> Path:
        if k not in cache:
            cache[k] = build_pack(repo, k, out).output / "site"
        return cache[k]

    return site


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


def test_two_countries_state_their_own_ratification_facts(built, repo):
    labels = load_labels(REPO / "templates", "en")
    for country in ("BD", "HN"):
        text = page_text(built(key(country=country)) / "instruments.html")
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
                assert fact.as_of in text
    bd = page_text(built(key(country="BD")) / "instruments.html")
    hn = page_text(built(key(country="HN")) / "instruments.html")
    assert "Status in Bangladesh" in bd and "Honduras" not in bd
    assert "Status in Honduras" in hn and "Bangladesh" not in hn


def test_country_prose_reads_the_country_profile(built, repo):
    """The same session, built for two countries, states each country's own status for C087."""
    labels = load_labels(REPO / "templates", "en")
    page = "modules/global-supply-chains/deficits-and-governance-gaps.html"
    for country in ("BD", "HN"):
        text = page_text(built(key(country=country)) / page)
        name = repo.catalogue.countries[country].name
        phrase = ratification_phrase(repo.catalogue.countries[country].ratifications.get("C087"), labels)
        assert f"The picture in {name}" in text
        assert _norm(f"(C087): {phrase}") in _norm(text)


def test_audience_variants_reach_only_their_audience(built, repo):
    module = repo.catalogue.modules["global-supply-chains"]
    variants = {v.title: v for v in module.sessions[0].variants}
    inspectors = variants["For labour inspectors"].body.split(".")[0]
    workers = variants["For workers' organizations"].body.split(".")[0]
    site = built(key(audience="labour-inspectors"))
    text, index = site_text(site), search_index(site)
    assert "For labour inspectors" in text and inspectors.split()[0] in text
    assert " ".join(inspectors.split()) in text
    assert " ".join(workers.split()) not in text
    assert "For workers" not in text
    # The search index holds the titles of sections: the inspector section is there, the workers' is not.
    assert "for labour inspectors" in index.lower()
    assert "for workers" not in index.lower()
    other = site_text(built(key(audience="workers-organizations")))
    assert " ".join(workers.split()) in other and " ".join(inspectors.split()) not in other


def test_timetable_clock_times_add_up(built, repo):
    course = repo.catalogue.courses[COURSE]
    pack = resolve(repo.catalogue, key())
    text = page_text(built(key()) / "timetable.html", main_only=True)
    days = re.split(r"\bDay (\d+)\b", text)[1:]
    assert len(days) // 2 == len(pack.timetable.days())
    minutes_by_session = {(m.module.id, s.session.id): s.session.minutes for m in pack.modules for s in m.sessions}
    placed: dict[str, int] = {}
    for day_text in days[1::2]:
        times = [(to_minutes(a), to_minutes(b)) for a, b in re.findall(r"(\d\d:\d\d)-(\d\d:\d\d)", day_text)]
        assert times[0][0] == to_minutes(course.schedule.day_start)
        assert times[-1][1] <= to_minutes(course.schedule.day_end)
        for (start, end), (next_start, _) in zip(times, times[1:]):
            assert end == next_start, day_text  # each row starts when the previous one ends
            assert end > start
    for slot in pack.timetable.slots:
        if slot.kind == "session":
            placed[slot.key] = placed.get(slot.key, 0) + slot.minutes
    assert placed == minutes_by_session


def facilitator_only_texts(repo, k: PackKey) -> list[str]:
    """Distinctive sentences that only a facilitator may see in this pack."""
    pack = resolve(repo.catalogue, k)
    dims = dict(pack.dims, edition="facilitator")
    texts = []
    for rmod in pack.modules:
        for s in rmod.module.sessions:
            if s.facilitator_notes:
                texts += _sentences(s.facilitator_notes)
            for v in s.variants:
                if v.when.matches(dims) and not v.when.matches(dict(dims, edition="participant")):
                    texts += _sentences(v.body)
            for item in s.assessment:
                texts += _sentences(item.feedback or "")
                for c in item.choices:
                    texts += _sentences(c.feedback or "")
    return [t for t in texts if "{{" not in t]


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return [p.strip() for p in parts if len(p.split()) >= 6]


def test_participant_output_has_no_facilitator_text(built, repo):
    k = key()
    secrets = facilitator_only_texts(repo, k)
    assert len(secrets) > 50
    facilitator_site = built(key(edition="facilitator"))
    facilitator_all = site_text(facilitator_site)
    shown = [s for s in secrets if _norm(s) in _norm(facilitator_all)]
    assert len(shown) > len(secrets) * 0.8, "the facilitator edition should show these texts"
    site = built(k)
    files = [p for p in site.rglob("*") if p.is_file()]
    assert any(p.name == "searchindex.js" for p in files)
    for path in files:
        data = path.read_bytes().decode("utf-8", errors="ignore")
        norm = _norm(html.unescape(re.sub(r"<[^>]+>", " ", data)))
        for secret in secrets:
            assert _norm(secret)[:60] not in norm, (path.name, secret)
    assert "Facilitator notes" not in site_text(site)
    assert "[correct]" not in site_text(site)


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
