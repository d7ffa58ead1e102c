"""Country profiles carry the shared ratification data unchanged, and every fact shown has a source.

The ratification facts in ``curriculum/contexts/countries/<CC>.yml`` are converted from the shared
dataset ``shared/data/ratifications.yml``, which sits beside the repository checkout (locally and in
CI). A country file must not drift from it: same status, year, date, source and as-of date for every
instrument. PyYAML reads an unquoted year or date as an int or a date, so values are compared as text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
COUNTRIES = REPO / "curriculum" / "contexts" / "countries"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ratifications.yml"

# field in the country file -> field in the shared data
FIELDS = {"status": "status", "year": "year", "date": "date", "source": "source", "as_of": "source_as_of"}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def shared() -> dict:
    assert SHARED_DATA.is_file(), f"shared ratification data not found at {SHARED_DATA}"
    return _load(SHARED_DATA)["countries"]


COUNTRY_FILES = sorted(COUNTRIES.glob("*.yml"))


def test_one_file_per_shared_country(shared: dict) -> None:
    assert {p.stem for p in COUNTRY_FILES} == set(shared)


@pytest.mark.parametrize("path", COUNTRY_FILES, ids=lambda p: p.stem)
def test_ratifications_match_shared_data(path: Path, shared: dict) -> None:
    country = _load(path)
    code = path.stem
    assert country["code"] == code
    expected = shared[code]["instruments"]
    actual = country.get("ratifications") or {}
    assert set(actual) == set(expected), f"{code}: instruments differ from the shared data"
    for instrument, want in expected.items():
        got = actual[instrument]
        for ours, theirs in FIELDS.items():
            assert _text(got.get(ours)) == _text(want.get(theirs)), (
                f"{code} {instrument}: {ours} is {got.get(ours)!r}, shared data says {want.get(theirs)!r}")
        assert got.get("note") == want.get("note"), f"{code} {instrument}: note differs from the shared data"


@pytest.mark.parametrize("path", COUNTRY_FILES, ids=lambda p: p.stem)
def test_every_shown_fact_is_sourced(path: Path) -> None:
    country = _load(path)
    code = path.stem
    for instrument, fact in (country.get("ratifications") or {}).items():
        if fact.get("status") == "unverified":
            assert not fact.get("source"), f"{code} {instrument}: an unverified entry must not cite a source"
            continue
        assert fact.get("source") and fact.get("as_of"), f"{code} {instrument}: needs source and as_of"
    facts = ([("epz", country["epz"])] if country.get("epz") else []) + [
        (f"notes[{i}]", note) for i, note in enumerate(country.get("notes") or [])]
    for where, fact in facts:
        if fact.get("verified", True) is False:
            continue
        assert fact.get("source") and fact.get("as_of"), f"{code} {where}: a verified fact needs source and as_of"
