"""The question bank: a pack's assessment items as Moodle GIFT and Moodle XML, one file of each per module.

These files carry the answer keys and feedback, so they go to the LMS's question bank and never into a
participant's pages or packages. Each module is one question category, ``<course title>/<module title>``
under the course's top category.

Texts are inserted as HTML (escaped) in both formats: the site shows them literally, and HTML is the format
every Moodle version imports the same way. Whitespace is normalised: a question is one paragraph.
"""

from __future__ import annotations

from ..render.htmltext import html_text
from ..resolve.pack import Pack, ResolvedModule, ResolvedSession
from .xmlout import El, el, to_bytes

# Moodle accepts only these grades for an answer (question/format.php, get_grade_options).
_FRACTIONS = {1: "100", 2: "50", 3: "33.33333", 4: "25", 5: "20", 6: "16.66667", 7: "14.28571", 8: "12.5",
              9: "11.11111", 10: "10"}
GIFT_SPECIAL = "\\~=#{}:"
"""Characters GIFT gives a meaning to; a backslash makes them literal (the backslash itself first)."""


def question_bank(pack: Pack) -> dict[str, bytes]:
    files = {}
    for rmod in pack.modules:
        items = [(rs, item) for rs in rmod.sessions for item in rs.session.assessment]
        if items:
            files[f"gift/{rmod.module.id}.gift.txt"] = gift(pack, rmod, items).encode("utf-8")
            files[f"moodle-xml/{rmod.module.id}.xml"] = to_bytes(moodle_xml(pack, rmod, items))
    return files


def category(pack: Pack, rmod: ResolvedModule) -> str:
    """Moodle's category path, its names as HTML text (Moodle shows category names as HTML); a ``/`` inside
    a name is written ``//``. In GIFT the ``$CATEGORY:`` line needs no backslashes: Moodle takes the rest
    of the block as the path, and would keep them in the names."""
    names = [pack.course.title, rmod.module.title]
    return "$course$/top/" + "/".join(as_html(n).replace("/", "//") for n in names)


def as_html(text: str) -> str:
    return html_text(" ".join(text.split()), quote=False)


def gift_escape(text: str) -> str:
    return "".join("\\" + c if c in GIFT_SPECIAL else c for c in text)


def gift_text(text: str) -> str:
    """A text for GIFT: HTML, then escaped. Moodle reads a leading ``[…]`` as a text format and a leading
    ``%n%`` as an answer's grade, which backslashes do not prevent: those become character references."""
    text = as_html(text)
    if text[:1] in ("[", "%"):
        text = f"&#{ord(text[0])};" + text[1:]
    return gift_escape(text)


def question_name(rs: ResolvedSession, item) -> str:
    return f"{rs.session.id}/{item.id}"


def grades(item) -> list[str]:
    """The grade of each choice, in percent: all-or-nothing for one correct choice, shared among several
    correct choices otherwise (and then a wrong choice cancels the question)."""
    right = sum(c.correct for c in item.choices)
    if right == 1:
        return ["100" if c.correct else "0" for c in item.choices]
    share = _FRACTIONS.get(right, "10")
    return [share if c.correct else "-100" for c in item.choices]


def gift(pack: Pack, rmod: ResolvedModule, items: list) -> str:
    out = [f"// {gift_text(pack.course.title)}: {gift_text(rmod.module.title)}",
           "// Question bank with answer keys and feedback: for the LMS, never for participants.", "",
           f"$CATEGORY: {category(pack, rmod)}", ""]
    for rs, item in items:
        single = sum(c.correct for c in item.choices) == 1
        out.append(f"::{gift_escape(question_name(rs, item))}::[html]{gift_text(item.question)} {{")
        for choice, grade in zip(item.choices, grades(item)):
            mark = ("=" if choice.correct else "~") if single else f"~%{grade}%"
            line = f"\t{mark}{gift_text(choice.text)}"
            if choice.feedback:
                line += f"#{gift_text(choice.feedback)}"
            out.append(line)
        if item.feedback:
            out.append(f"\t####{gift_text(item.feedback)}")
        out += ["}", ""]
    return "\n".join(out)


def _html_text(tag: str, text: str, **attrs) -> El:
    return el(tag, {**attrs, "format": "html"}, el("text", text=as_html(text)))


def moodle_xml(pack: Pack, rmod: ResolvedModule, items: list) -> El:
    quiz = el("quiz")
    quiz.add(el("question", {"type": "category"}, el("category", None, el("text", text=category(pack, rmod)))))
    for rs, item in items:
        single = sum(c.correct for c in item.choices) == 1
        q = quiz.add(el("question", {"type": "multichoice"},
                        el("name", None, el("text", text=question_name(rs, item))),
                        _html_text("questiontext", item.question),
                        _html_text("generalfeedback", item.feedback or ""),
                        el("defaultgrade", text="1"), el("penalty", text="0.3333333"), el("hidden", text="0"),
                        el("idnumber", text=f"{rs.module_id}.{rs.session.id}.{item.id}"),
                        el("single", text="true" if single else "false"),
                        el("shuffleanswers", text="true"), el("answernumbering", text="abc")))
        for choice, grade in zip(item.choices, grades(item)):
            q.add(el("answer", {"fraction": grade, "format": "html"}, el("text", text=as_html(choice.text)),
                     _html_text("feedback", choice.feedback or "")))
    return quiz
