"""Every reference from one content file to another (a course to its audiences, sectors, countries and
modules; a module to audiences, sectors, instruments, prerequisite modules; a `when:` to any dimension;
a country to its region and instruments) is checked the same way: `check` reports an unknown id at its
line with the closest known one, and `build` stops on the same located error, never on an internal error.

The cases are generated from the content model: every field whose type is an id of another entry must
have a case here, so a new kind of reference cannot go unchecked."""

from __future__ import annotations

import typing

import pytest

from build_tools.content import model as m
from tests.conftest import run_cli

PACK = "sample.{audience}.{sector}.{country}.en.participant"
LABOUR = dict(audience="labour-inspectors", sector="garment-textile", country="bd")

# field of the model → (file, text replaced, its replacement, code reported, the id reported, pack built)
CASES = {
    "OfferedFor.audiences": ("curriculum/sample.yml", "[labour-inspectors, workers-organizations]",
                             "[labour-inspectors, workers-organisations]", "unknown-audience",
                             "workers-organisations", LABOUR),
    "OfferedFor.sectors": ("curriculum/sample.yml", "[garment-textile, agriculture]", "[garment-textile, agricultur]",
                           "unknown-sector", "agricultur", LABOUR),
    "OfferedFor.countries": ("curriculum/sample.yml", "countries: [BD, HN]", "countries: [BD, HN, BG]",
                             "unknown-country", "BG", dict(LABOUR, country="bg")),
    "Course.modules": ("curriculum/sample.yml", "modules: [intro, inspection]", "modules: [intro, inspections]",
                       "unknown-module", "inspections", LABOUR),
    "ElectiveSet.modules": ("curriculum/sample.yml", "modules: [intro, inspection]",
                            "modules: [intro, inspection]\nelectives:\n  - {id: one, modules: [inspections]}",
                            "elective-not-in-course", "inspections", LABOUR),
    "Module.audiences": ("modules/inspection.yml", "audiences: [labour-inspectors]", "audiences: [labour-inspector]",
                         "unknown-audience", "labour-inspector", LABOUR),
    "Module.sectors": ("modules/inspection.yml", "audiences: [labour-inspectors]",
                       "audiences: [labour-inspectors]\nsectors: [garment-textiles]", "unknown-sector",
                       "garment-textiles", LABOUR),
    "Module.instruments": ("modules/inspection.yml", "instruments: [C081]", "instruments: [C081, C88]",
                           "unknown-instrument", "C88", LABOUR),
    "Module.prerequisites": ("modules/inspection.yml", "prerequisites: [intro]", "prerequisites: [intros]",
                             "unknown-module", "intros", LABOUR),
    "Country.region": ("curriculum/contexts/countries/BD.yml", "region: asia-pacific", "region: asia-pacifc",
                       "unknown-region", "asia-pacifc", LABOUR),
    "Country.ratifications": ("curriculum/contexts/countries/BD.yml", "  C087: {", "  C88: {",
                              "unknown-instrument", "C88", LABOUR),
    "Activity.materials": ("modules/intro.yml", "        instructions: Draw the chain.\n",
                           "        instructions: Draw the chain.\n        materials: [chain-mapp]\n",
                           "unknown-material", "chain-mapp", LABOUR),
    **{f"When.{key}": ("modules/intro.yml", "    facilitator_notes:",
                       f"    variants:\n      - when: {{{key}: {value}}}\n        body: Only some packs.\n"
                       "    facilitator_notes:", "unknown-when-value", value, LABOUR)
       for key, value in (("audience", "labour-inspector"), ("sector", "garment"), ("country", "BG"),
                          ("region", "asia-pacifc"), ("language", "fr"))},
}

ID_TYPES = (m.Slug, m.CountryCode, m.InstrumentCode, m.LangCode)
OWN_IDS = {"Module.id", "Session.id", "AssessmentItem.id", "Material.id", "Course.id", "Audience.id", "Sector.id", "Region.id",
           "Instrument.code", "Country.code", "ElectiveSet.id"}
"""Fields that are the entry's own id, not a reference."""
NOT_CATALOGUE = {"Course.languages", "Course.fallback_languages", "Country.languages"}
"""Language codes a course or country declares; no catalogue lists languages (a `when: language` must
name one a course is offered in, which is a reference: ``When.language``)."""


def _names_an_id(annotation) -> bool:
    if annotation in ID_TYPES:
        return True
    return any(_names_an_id(arg) for arg in typing.get_args(annotation) if arg is not type(None))


def _id_fields() -> set[str]:
    found = set()
    for name in dir(m):
        cls = getattr(m, name)
        if isinstance(cls, type) and issubclass(cls, m.Strict) and cls is not m.Strict:
            for field, info in cls.model_fields.items():
                annotation = typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
                if _names_an_id(annotation):
                    found.add(f"{cls.__name__}.{field}")
    return found


def test_every_reference_field_of_the_model_has_a_case():
    assert _id_fields() - OWN_IDS - NOT_CATALOGUE == set(CASES)


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("field", sorted(CASES))
def test_an_unknown_reference_is_located_by_check_and_by_build(minimal_root, capsys, field):
    path, old, new, code, value, pack = CASES[field]
    file = minimal_root / path
    text = file.read_text()
    assert old in text, f"the minimal root changed: {old!r} is not in {path}"
    file.write_text(text.replace(old, new, 1))
    line = _line_of(text, old) + new[:new.index(value)].count("\n")
    located = f"{path}:{line}:"

    status, _, err = run_cli(capsys, "check", "--quiet", "--root", str(minimal_root))
    assert status == 1
    reported = [row for row in err.splitlines() if f"error[{code}]" in row and repr(value) in row]
    assert reported and reported[0].startswith(located), err
    hint = err.splitlines()[err.splitlines().index(reported[0]) + 1]
    assert hint.startswith("  hint: ") and ("did you mean" in hint or "known values" in hint or "see " in hint)

    status, _, err = run_cli(capsys, "build", PACK.format(**pack), "--format", "html",
                             "--root", str(minimal_root))
    assert status == 1, err
    assert reported[0] in err and "internal error" not in err
