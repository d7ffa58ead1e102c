"""Variant selection (`When.matches`) as a truth table: expectations written by hand from
docs/content-model.md ("Variants and the `when:` language"), and a generated table whose expectation is the
rule "every key given matches". No Sphinx: milliseconds."""

from __future__ import annotations

import itertools

import pytest

from build_tools.content.model import When

PACK = {"audience": "labour-inspectors", "sector": "garment-textile", "country": "BD", "region": "asia-pacific",
        "language": "en", "edition": "participant"}
FACILITATOR = dict(PACK, edition="facilitator")
HN = dict(PACK, country="HN", region="americas")
HN_FACILITATOR = dict(HN, edition="facilitator")

CASES = [
    # when                                                          pack          expected
    ({"audience": "labour-inspectors"},                             PACK,         True),
    ({"audience": "workers-organizations"},                         PACK,         False),
    ({"audience": ["workers-organizations", "labour-inspectors"]},  PACK,         True),
    ({"sector": "agriculture"},                                     PACK,         False),
    ({"sector": ["agriculture", "garment-textile"]},                PACK,         True),
    ({"country": "BD"},                                             PACK,         True),
    ({"country": ["KH", "VN"]},                                     PACK,         False),
    ({"country": "BD"},                                             HN,           False),
    ({"region": "asia-pacific"},                                    PACK,         True),
    ({"region": "asia-pacific"},                                    HN,           False),
    ({"region": ["arab-states", "americas"]},                       HN,           True),
    ({"language": "fr"},                                            PACK,         False),
    ({"language": ["fr", "en"]},                                    PACK,         True),
    ({"edition": "facilitator"},                                    PACK,         False),
    ({"edition": "facilitator"},                                    FACILITATOR,  True),
    ({"edition": ["facilitator"]},                                  PACK,         False),
    ({"edition": ["participant", "facilitator"]},                   PACK,         True),
    ({"edition": ["participant", "facilitator"]},                   FACILITATOR,  True),
    ({"edition": "participant"},                                    FACILITATOR,  False),
    ({"not": {"edition": "participant"}},                           PACK,         False),
    ({"not": {"edition": "participant"}},                           FACILITATOR,  True),
    ({"not": {"edition": "facilitator"}},                           PACK,         True),
    ({"not": {"not": {"edition": "facilitator"}}},                  PACK,         False),
    ({"not": {"not": {"edition": "facilitator"}}},                  FACILITATOR,  True),
    ({"audience": "labour-inspectors", "sector": "agriculture"},    PACK,         False),  # all keys must match
    ({"audience": "labour-inspectors", "edition": "facilitator"},   PACK,         False),
    ({"audience": "labour-inspectors", "edition": "facilitator"},   FACILITATOR,  True),
    ({"any": [{"audience": "labour-inspectors"}, {"sector": "agriculture"}]},        PACK, True),
    ({"any": [{"audience": "workers-organizations"}, {"sector": "agriculture"}]},    PACK, False),
    ({"any": [{"edition": "facilitator"}, {"country": "HN"}]},      PACK,         False),
    ({"any": [{"edition": "facilitator"}, {"country": "HN"}]},      HN,           True),
    ({"any": [{"edition": "facilitator"}, {"country": "HN"}]},      FACILITATOR,  True),
    ({"any": []},                                                   PACK,         False),  # none of none matches
    ({"country": ["BD", "KH"], "not": {"edition": "participant"}},  PACK,         False),
    ({"country": ["BD", "KH"], "not": {"edition": "participant"}},  FACILITATOR,  True),
    ({"country": ["BD", "KH"], "not": {"edition": "participant"}},  HN_FACILITATOR, False),
    ({"not": {"any": [{"region": "americas"}, {"language": "fr"}]}}, PACK,        True),
    ({"not": {"any": [{"region": "americas"}, {"language": "fr"}]}}, HN,          False),
    ({"edition": "facilitator", "not": {"country": "BD"}},          FACILITATOR,  False),
    ({"edition": "facilitator", "not": {"country": "BD"}},          HN_FACILITATOR, True),
    ({"any": [{"audience": "employers-organizations"}, {"audience": "enterprise-managers"}]}, PACK, False),
    ({"any": [{"not": {"edition": "participant"}}, {"sector": "agriculture"}]},     PACK, False),
    ({"any": [{"not": {"edition": "participant"}}, {"sector": "agriculture"}]},     FACILITATOR, True),
]


@pytest.mark.parametrize("when, pack, expected", CASES, ids=[f"{i}" for i in range(len(CASES))])
def test_when_matches_by_hand(when, pack, expected):
    assert When.model_validate(when).matches(pack) is expected


KEYS = ("audience", "sector", "country", "region", "edition")
OTHER = {"audience": "workers-organizations", "sector": "agriculture", "country": "HN", "region": "americas",
         "edition": "facilitator"}
FILLER = {"audience": "nobody", "sector": "nothing", "country": "ZZ", "region": "nowhere"}
"""A second value for the list form, which no pack has."""


@pytest.mark.parametrize("edition", ["participant", "facilitator"])
def test_truth_table_of_the_five_dimensions(edition):
    """Each of audience, sector, country, region and edition absent, asked with the pack's value, or asked with
    another value: 3**5 conditions, each in the scalar and the list form. A condition matches exactly when no
    key asks for another value."""
    pack = dict(PACK, edition=edition)
    other = dict(OTHER, edition="participant" if edition == "facilitator" else "facilitator")
    seen = {True: 0, False: 0}
    for choice in itertools.product(("absent", "same", "other"), repeat=len(KEYS)):
        when = {k: (pack[k] if c == "same" else other[k]) for k, c in zip(KEYS, choice) if c != "absent"}
        if not when:
            continue
        expected = "other" not in choice
        as_lists = {k: [FILLER[k], v] if k in FILLER else [v] for k, v in when.items()}
        for form in (when, as_lists):
            assert When.model_validate(form).matches(pack) is expected, form
            negated = When.model_validate({"not": form})
            assert negated.matches(pack) is (not expected), form
        seen[expected] += 1
    assert seen == {True: 2 ** 5 - 1, False: 3 ** 5 - 2 ** 5}


def test_an_empty_when_is_refused():
    with pytest.raises(ValueError, match="a `when:` needs at least one of"):
        When.model_validate({})
