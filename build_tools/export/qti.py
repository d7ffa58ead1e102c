"""The self-checks of a module as an IMS QTI 1.2.1 assessment, Common Cartridge 1.1 profile.

An LMS importing the cartridge turns each file into a quiz (Moodle: a quiz activity with its questions in
the course's question bank). Only ``use: self-check`` items are exported, each a single-answer multiple
choice (``cc.multiple_choice.v0p1``); facilitator questions stay in the facilitator's question bank export.
Texts are plain text, as participants read them on the site. The right choice scores 100; each choice's
feedback is shown when it is chosen, the item's general feedback after any answer.
"""

from __future__ import annotations

from ..resolve.pack import ResolvedModule
from .selfcheck import self_checks
from .xmlout import El, el, to_bytes

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
SCHEMA_LOCATION = f"{QTI} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"
RESOURCE_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
RESPONSE = "response1"
GENERAL = "general_fb"


def quiz_path(rmod: ResolvedModule) -> str:
    return f"quizzes/{rmod.module.id}.xml"


def quiz_files(modules: list[ResolvedModule], title) -> dict[str, bytes]:
    """``quizzes/<module>.xml`` for each module with self-checks; ``title(rmod)`` names the quiz."""
    return {quiz_path(rmod): to_bytes(assessment(rmod, title(rmod))) for rmod in modules if self_checks(rmod)}


def _meta(*pairs: tuple[str, str]) -> El:
    return el("qtimetadata", None, *(el("qtimetadatafield", None, el("fieldlabel", text=k), el("fieldentry", text=v))
                                     for k, v in pairs))


def _text(text: str) -> El:
    return el("material", None, el("mattext", {"texttype": "text/plain"}, text=" ".join(text.split())))


def assessment(rmod: ResolvedModule, title: str) -> El:
    root = el("questestinterop", {"xmlns": QTI, "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                                  "xsi:schemaLocation": SCHEMA_LOCATION})
    quiz = root.add(el("assessment", {"ident": f"QUIZ-{rmod.module.id}", "title": title},
                       _meta(("cc_profile", "cc.exam.v0p1"), ("qmd_assessmenttype", "Examination"),
                             ("cc_maxattempts", "unlimited"))))
    section = quiz.add(el("section", {"ident": "root_section"}))
    for rs, _, item in self_checks(rmod):
        section.add(_item(f"{rs.module_id}.{rs.session.id}.{item.id}", item))
    return root


def _item(ident: str, item) -> El:
    labels = [f"c{i}" for i in range(len(item.choices))]
    node = el("item", {"ident": ident, "title": item.id},
              el("itemmetadata", None, _meta(("cc_profile", "cc.multiple_choice.v0p1"), ("cc_weighting", "1"))),
              el("presentation", None, _text(item.question), el(
                  "response_lid", {"ident": RESPONSE, "rcardinality": "Single"}, el(
                      "render_choice", None, *(el("response_label", {"ident": label}, _text(c.text))
                                               for label, c in zip(labels, item.choices))))))
    processing = node.add(el("resprocessing", None, el("outcomes", None, el(
        "decvar", {"varname": "SCORE", "vartype": "Decimal", "minvalue": "0", "maxvalue": "100"}))))
    if item.feedback:
        processing.add(el("respcondition", {"continue": "Yes"}, el("conditionvar", None, el("other")),
                          el("displayfeedback", {"feedbacktype": "Response", "linkrefid": GENERAL})))
    for label, c in zip(labels, item.choices):
        if c.feedback:
            processing.add(el("respcondition", {"continue": "Yes"},
                              el("conditionvar", None, el("varequal", {"respident": RESPONSE}, text=label)),
                              el("displayfeedback", {"feedbacktype": "Response", "linkrefid": f"{label}_fb"})))
    for label, c in zip(labels, item.choices):
        if c.correct:
            processing.add(el("respcondition", {"continue": "No"},
                              el("conditionvar", None, el("varequal", {"respident": RESPONSE}, text=label)),
                              el("setvar", {"varname": "SCORE", "action": "Set"}, text="100")))
    if item.feedback:
        node.add(_feedback(GENERAL, item.feedback))
    for label, c in zip(labels, item.choices):
        if c.feedback:
            node.add(_feedback(f"{label}_fb", c.feedback))
    return node


def _feedback(ident: str, text: str) -> El:
    return el("itemfeedback", {"ident": ident}, el("flow_mat", None, _text(text)))
