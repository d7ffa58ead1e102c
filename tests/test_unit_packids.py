"""Pack ids (their parts, parsing, expansion and selection) and content digests, with expectations written by
hand. No Sphinx: under a second."""

from __future__ import annotations

import re

import pytest

from build_tools.content.repository import load_repo
from build_tools.pipeline.digest import pack_digest, pack_inputs
from build_tools.content.model import Course
from build_tools.resolve.keys import PackKey, SelectionError, expand, select
from build_tools.resolve.pack import resolve

COURSE = Course.model_validate({
    "id": "gsc-turin", "kind": "turin", "title": "T", "centre": "C", "summary": "S", "languages": ["en", "fr"],
    "offered_for": {"audiences": ["labour-inspectors", "workers-organizations"], "sectors": ["agriculture"],
                    "countries": ["BD", "HN", "VN"]},
    "modules": ["intro"], "schedule": {"days": 1}})


def key(audience="labour-inspectors", sector="agriculture", country="BD", language="en", edition="participant",
        electives=""):
    return PackKey("gsc-turin", audience, sector, country, language, edition, electives)


# --------------------------------------------------------------------------- ids


def test_pack_id_reads_course_and_dimensions_with_a_lower_case_country():
    assert key().id == "gsc-turin.labour-inspectors.agriculture.bd.en.participant"
    assert key(country="HN", language="fr", edition="facilitator").id == \
        "gsc-turin.labour-inspectors.agriculture.hn.fr.facilitator"


@pytest.mark.parametrize("pack_id, expected", [
    ("gsc-turin.labour-inspectors.agriculture.bd.en.participant", key()),
    ("gsc-turin.workers-organizations.agriculture.hn.fr.facilitator",
     key("workers-organizations", country="HN", language="fr", edition="facilitator")),
    ("gsc-turin.labour-inspectors.agriculture.BD.en.participant", key()),  # the country is read in capitals
    ("gsc-turin.labour-inspectors.agriculture.bd.en", None),  # five parts
    # a seventh part names an elective set other than the default (checked against the course on use)
    ("gsc-turin.labour-inspectors.agriculture.bd.en.participant.osh", key(electives="osh")),
    ("gsc-turin.labour-inspectors.agriculture.bd.en.participant.osh.pdf", None),  # eight
    ("gsc-turin", None),
    ("", None),
])
def test_parse(pack_id, expected):
    assert PackKey.parse(pack_id) == expected


def test_every_pack_of_a_course_parses_back_to_itself():
    keys = expand(COURSE)
    assert len(keys) == 2 * 1 * 3 * 2 * 2
    assert len({k.id for k in keys}) == len(keys)
    assert keys[0] == key() and keys[-1] == key("workers-organizations", country="VN", language="fr",
                                                 edition="facilitator")
    for k in keys:
        assert PackKey.parse(k.id) == k
        assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+){5}", k.id)


# --------------------------------------------------------------------------- selection


def test_select_builds_both_editions_when_the_edition_is_left_out():
    given = {"audience": "labour-inspectors", "country": "bd", "language": "en"}  # sector: only one offered
    assert select(COURSE, given) == [key(), key(edition="facilitator")]


@pytest.mark.parametrize("given, message", [
    ({"country": "BD", "language": "en"},
     "course 'gsc-turin' is offered for several audiences; choose one with --audience: labour-inspectors, "
     "workers-organizations"),
    ({"audience": "labour-inspectors", "language": "en"},
     "course 'gsc-turin' is offered for several countries; choose one with --country: BD, HN, VN"),
    ({"audience": "labour-inspectors", "country": "BD"},
     "course 'gsc-turin' is offered for several languages; choose one with --lang: en, fr"),
    ({"audience": "labour-inspectors", "country": "KH", "language": "en"},
     "course 'gsc-turin' is not offered for country 'KH'; choose one of: BD, HN, VN"),
    ({"audience": "labour-inspectors", "sector": "mining", "country": "BD", "language": "en"},
     "course 'gsc-turin' is not offered for sector 'mining'; choose one of: agriculture"),
    ({"audience": "labour-inspectors", "country": "BD", "language": "en", "edition": "trainer"},
     "course 'gsc-turin' is not offered for edition 'trainer'; choose one of: participant, facilitator"),
])
def test_select_names_the_choices(given, message):
    with pytest.raises(SelectionError) as failure:
        select(COURSE, given)
    assert str(failure.value) == message


# --------------------------------------------------------------------------- digests

PACK = PackKey("sample", "workers-organizations", "agriculture", "BD", "en", "participant")
"""A pack of tests/roots/minimal without the `inspection` module (its audience is labour inspectors only)."""


def test_a_pack_is_built_from_exactly_these_files(minimal_root):
    repo = load_repo(minimal_root)
    inputs = [p.relative_to(minimal_root).as_posix() for p in pack_inputs(repo, resolve(repo.catalogue, PACK))]
    templates = sorted(p.relative_to(minimal_root).as_posix() for p in (minimal_root / "templates").rglob("*")
                       if p.is_file())
    assert templates
    assert inputs == sorted(["conf.py", "curriculum/sample.yml", "curriculum/contexts/countries/BD.yml",
                             "curriculum/contexts/audiences.yml", "curriculum/contexts/sectors.yml",
                             "curriculum/contexts/regions.yml", "curriculum/contexts/instruments.yml",
                             "curriculum/contexts/glossary.yml", "modules/intro.yml", *templates])


def _digest(root, key=PACK) -> str:
    repo = load_repo(root)
    return pack_digest(repo, resolve(repo.catalogue, key))


def test_the_digest_changes_with_its_inputs_only(minimal_root):
    before = _digest(minimal_root)
    assert re.fullmatch(r"[0-9a-f]{16}", before)
    assert _digest(minimal_root) == before  # the same files, read again
    assert _digest(minimal_root, PackKey(*PACK.as_dict().values())) == before
    for other in (PackKey("sample", "workers-organizations", "agriculture", "BD", "en", "facilitator"),
                  PackKey("sample", "workers-organizations", "agriculture", "HN", "en", "participant"),
                  PackKey("sample", "labour-inspectors", "agriculture", "BD", "en", "participant")):
        assert _digest(minimal_root, other) != before, other
    not_inputs = ["modules/inspection.yml", "curriculum/contexts/countries/HN.yml", "README.md"]
    for name in not_inputs:
        path = minimal_root / name
        path.write_text((path.read_text() if path.exists() else "") + "\n# a comment\n")
        assert _digest(minimal_root) == before, name
    inputs = ["modules/intro.yml", "curriculum/sample.yml", "curriculum/contexts/countries/BD.yml",
              "curriculum/contexts/glossary.yml", "templates/labels/en.yml", "conf.py"]
    seen = {before}
    for name in inputs:
        path = minimal_root / name
        path.write_text(path.read_text() + "\n# a comment\n")
        digest = _digest(minimal_root)
        assert digest not in seen, name
        seen.add(digest)


def test_an_image_added_or_removed_changes_the_digest(minimal_root):
    before = _digest(minimal_root)
    (minimal_root / "modules" / "assets").mkdir()
    empty = _digest(minimal_root)
    assert empty != before
    (minimal_root / "modules" / "assets" / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with_image = _digest(minimal_root)
    assert with_image not in (before, empty)
    (minimal_root / "modules" / "assets" / "map.png").unlink()
    assert _digest(minimal_root) == empty
