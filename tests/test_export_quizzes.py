"""The Common Cartridge's quizzes: one QTI 1.2 assessment per module with self-checks, valid against the CC 1.1
QTI schema, listed in the manifest as an assessment resource, and read back into the YAML's questions."""

from __future__ import annotations

import pytest

from .test_export import ECAMPUS, SAMPLE, SCHEMAS, exported, read_zip

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
PACKS = {"sample": SAMPLE, "ecampus": ECAMPUS}


@pytest.fixture(params=list(PACKS))
def cartridge(request, repo, tmp_path_factory):
    from build_tools.resolve.pack import resolve

    key = PACKS[request.param]
    return resolve(repo.catalogue, key), read_zip(exported(repo, tmp_path_factory, key, "cc"))


def _yaml_quizzes(pack) -> dict[str, list[dict]]:
    """By hand from the model: each module's self-check items, in page order, as the test reads them back."""
    quizzes = {}
    for rmod in pack.modules:
        items = [{"id": f"{rs.module_id}.{rs.session.id}.{item.id}", "question": " ".join(item.question.split()),
                  "choices": [" ".join(c.text.split()) for c in item.choices],
                  "key": [n for n, c in enumerate(item.choices) if c.correct],
                  "feedback": [" ".join(c.feedback.split()) if c.feedback else None for c in item.choices],
                  "general": " ".join(item.feedback.split()) if item.feedback else None}
                 for rs in rmod.sessions for item in rs.session.assessment if item.use == "self-check"]
        if items:
            quizzes[f"quizzes/{rmod.module.id}.xml"] = items
    return quizzes


def _read_back(data: bytes) -> list[dict]:
    """A QTI file read as an LMS would: the text of each question and choice, the choice that scores, and the
    feedback each choice's condition displays (the general one, on ``<other/>``)."""
    from lxml import etree

    root = etree.fromstring(data)
    items = []
    for item in root.iter(f"{QTI}item"):
        labels = [r.get("ident") for r in item.iter(f"{QTI}response_label")]
        feedback = {f.get("ident"): f.findtext(f".//{QTI}mattext") for f in item.iter(f"{QTI}itemfeedback")}
        shown, key, general = {}, [], None
        for cond in item.iter(f"{QTI}respcondition"):
            chosen = cond.findtext(f".//{QTI}varequal")
            link = cond.find(f"{QTI}displayfeedback")
            if cond.find(f".//{QTI}other") is not None and link is not None:
                general = feedback[link.get("linkrefid")]
            elif link is not None:
                shown[chosen] = feedback[link.get("linkrefid")]
            setvar = cond.find(f"{QTI}setvar")
            if setvar is not None and float(setvar.text) == 100:
                key.append(labels.index(chosen))
        items.append({"id": item.get("ident"), "question": item.find(f"{QTI}presentation").findtext(f"{QTI}material/{QTI}mattext"),
                      "choices": [r.findtext(f".//{QTI}mattext") for r in item.iter(f"{QTI}response_label")],
                      "key": key, "feedback": [shown.get(label) for label in labels], "general": general})
    return items


def test_each_quiz_validates_against_the_cc11_qti_schema(cartridge):
    from lxml import etree

    _, files = cartridge
    xsd = SCHEMAS / "cc11" / "manifest_entry.xsd"  # imports ccv1p1_qtiasiv1p2p1_v1p0.xsd, offline
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    quizzes = [name for name in files if name.startswith("quizzes/")]
    assert quizzes
    for name in quizzes:
        doc = etree.fromstring(files[name])
        assert doc.tag == f"{QTI}questestinterop", name
        assert schema.validate(doc), (name, [f"{e.line}: {e.message}" for e in schema.error_log])


def test_each_quiz_reads_back_as_the_modules_self_checks(cartridge):
    pack, files = cartridge
    expected = _yaml_quizzes(pack)
    assert sorted(n for n in files if n.startswith("quizzes/")) == sorted(expected)
    for name, items in expected.items():
        assert _read_back(files[name]) == items, name


def test_the_manifest_lists_each_quiz_as_an_assessment_in_its_module(cartridge):
    from lxml import etree

    pack, files = cartridge
    doc = etree.fromstring(files["imsmanifest.xml"])
    resources = {r.get("identifier"): r for r in doc.iter(f"{CP}resource")}
    quizzes = sorted(_yaml_quizzes(pack))
    assessments = [r for r in resources.values() if r.get("type") == "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"]
    assert sorted(r.find(f"{CP}file").get("href") for r in assessments) == quizzes
    for rmod in pack.modules:
        folder = next(i for i in doc.iter(f"{CP}item") if i.get("identifier") == f"ITEM-{rmod.module.id}")
        refs = [resources[i.get("identifierref")] for i in folder.findall(f"{CP}item")]
        has_quiz = f"quizzes/{rmod.module.id}.xml" in quizzes
        assert [r.get("type") for r in refs].count("imsqti_xmlv1p2/imscc_xmlv1p1/assessment") == int(has_quiz)
