"""The question bank parses back into the same questions, answers and feedback.

GIFT is read with a small parser written here from Moodle's published grammar (docs.moodle.org, "GIFT
format"), independent of the exporter: comments ``//``, ``$CATEGORY:``, ``::title::``, ``[format]``,
answers ``=`` (right) and ``~`` (wrong, or ``~%weight%``), ``#feedback`` and ``####general feedback``, with
``\\`` making any of ``~ = # { } :`` and ``\\`` itself literal. Moodle XML is read with the standard library.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

import pytest

from build_tools.content import model as m
from build_tools.export.pack import export_pack
from build_tools.export.questionbank import question_bank
from build_tools.resolve.pack import resolve

from .test_export import SAMPLE, exported


@dataclass
class Answer:
    text: str
    grade: float
    feedback: str


@dataclass
class Question:
    category: str
    name: str
    text: str
    answers: list[Answer]
    feedback: str


# --- an independent GIFT reader ----------------------------------------------------------------------------

def _chars(text: str) -> list[tuple[str, bool]]:
    """(character, escaped) pairs: a backslash makes the next character literal."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(("\n" if text[i + 1] == "n" else text[i + 1], True))
            i += 2
        else:
            out.append((text[i], False))
            i += 1
    return out


def _text(chars) -> str:
    return "".join(c for c, _ in chars)


def _find(chars, target: str, start: int = 0) -> int:
    """Index of the first unescaped occurrence of ``target`` at or after ``start``; -1 if none."""
    for i in range(start, len(chars) - len(target) + 1):
        if all(chars[i + k] == (target[k], False) for k in range(len(target))):
            return i
    return -1


def parse_gift(source: str) -> list[Question]:
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith("//")]
    blocks, current = [], []
    for line in lines + [""]:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    questions, category = [], ""
    for block in blocks:
        if block.startswith("$CATEGORY:"):
            category = block[len("$CATEGORY:"):].strip()
            continue
        chars = _chars(block)
        name = ""
        if _find(chars, "::") == 0:
            end = _find(chars, "::", 2)
            name, chars = _text(chars[2:end]).strip(), chars[end + 2:]
        opening = _find(chars, "{")
        closing = _find(chars, "}", opening + 1)
        assert opening >= 0 and closing > opening, block
        assert not _text(chars[closing + 1:]).strip(), "text after the answers makes a missing-word question"
        stem = _text(chars[:opening]).strip().removeprefix("[html]")
        answers, general = [], ""
        body = chars[opening + 1:closing]
        starts = [i for i, (c, esc) in enumerate(body) if c in "=~" and not esc] + [len(body)]
        general_at = _find(body, "####")
        if general_at >= 0:
            starts = [s for s in starts if s < general_at] + [general_at]
            general = _text(body[general_at + 4:]).strip()
        for a, b in itertools.pairwise(starts):
            part = body[a:b]
            right = part[0][0] == "="
            part = part[1:]
            grade = 100.0 if right else 0.0
            if not right and part and part[0] == ("%", False):
                end = _find(part, "%", 1)
                grade, part = float(_text(part[1:end])), part[end + 1:]
            hash_at = _find(part, "#")
            text, feedback = (part, []) if hash_at < 0 else (part[:hash_at], part[hash_at + 1:])
            answers.append(Answer(_text(text).strip(), grade, _text(feedback).strip()))
        questions.append(Question(category, name, stem, answers, general))
    return questions


def parse_moodle_xml(source: bytes) -> list[Question]:
    root = ET.fromstring(source)
    assert root.tag == "quiz"
    questions, category = [], ""
    for q in root.findall("question"):
        if q.get("type") == "category":
            category = q.findtext("category/text")
            continue
        assert q.get("type") == "multichoice"
        assert q.find("questiontext").get("format") == "html"
        answers = [Answer(a.findtext("text") or "", float(a.get("fraction")), a.findtext("feedback/text") or "")
                   for a in q.findall("answer")]
        questions.append(Question(category, q.findtext("name/text"), q.findtext("questiontext/text") or "",
                                  answers, q.findtext("generalfeedback/text") or ""))
    return questions


# --- what the pack says ---------------------------------------------------------------------------------------

def _plain(text: str | None) -> str:
    return " ".join((text or "").split())


def expected(pack, rmod) -> list[Question]:
    category = f"$course$/top/{pack.course.title.replace('/', '//')}/{rmod.module.title.replace('/', '//')}"
    out = []
    for rs in rmod.sessions:
        for item in rs.session.assessment:
            right = sum(c.correct for c in item.choices)
            out.append(Question(category, f"{rs.session.id}/{item.id}", _plain(item.question), [
                Answer(_plain(c.text), (100.0 / right if c.correct else (0.0 if right == 1 else -100.0)),
                       _plain(c.feedback)) for c in item.choices], _plain(item.feedback)))
    return out


def unhtml(questions: list[Question]) -> list[Question]:
    """The texts as a reader sees them: the files carry HTML."""
    return [dataclasses.replace(q, text=html.unescape(q.text), feedback=html.unescape(q.feedback), answers=[
        Answer(html.unescape(a.text), round(a.grade, 3), html.unescape(a.feedback)) for a in q.answers])
        for q in questions]


def rounded(questions: list[Question]) -> list[Question]:
    return [dataclasses.replace(q, answers=[dataclasses.replace(a, grade=round(a.grade, 3)) for a in q.answers])
            for q in questions]


def check_round_trip(pack, files: dict[str, bytes]) -> int:
    count = 0
    for rmod in pack.modules:
        want = rounded(expected(pack, rmod))
        if not want:
            continue
        assert unhtml(parse_gift(files[f"gift/{rmod.module.id}.gift.txt"].decode("utf-8"))) == want
        assert unhtml(parse_moodle_xml(files[f"moodle-xml/{rmod.module.id}.xml"])) == want
        count += len(want)
    return count


# --- tests ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bank(repo, tmp_path_factory) -> dict[str, bytes]:
    with zipfile.ZipFile(exported(repo, tmp_path_factory, SAMPLE, "questions")) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_one_gift_and_one_moodle_xml_file_per_module(repo, bank):
    pack = resolve(repo.catalogue, SAMPLE)
    with_items = [r.module.id for r in pack.modules if any(rs.session.assessment for rs in r.sessions)]
    assert with_items
    assert sorted(bank) == sorted([f"gift/{i}.gift.txt" for i in with_items]
                                  + [f"moodle-xml/{i}.xml" for i in with_items])


def test_the_sample_bank_parses_back_into_the_same_questions(repo, bank):
    pack = resolve(repo.catalogue, SAMPLE)
    total = sum(len(rs.session.assessment) for rs in pack.sessions())
    assert check_round_trip(pack, bank) == total > 10


def test_special_characters_survive_both_formats(repo):
    """GIFT's ~ = # { } : and the backslash, HTML's < & >, and a module title with a slash."""
    pack = resolve(repo.catalogue, SAMPLE)
    nasty = r"Is 1 = 1? {maybe} ~ not #1: C:\path\n & <b>bold</b> 50% //not a comment"
    item = m.AssessmentItem.model_construct(
        id="nasty", question=nasty + "\n  on two lines", feedback="General ####feedback: {x}",
        choices=[m.Choice.model_construct(text="=right~ #", correct=True, feedback="yes: #1 \\"),
                 m.Choice.model_construct(text="%50% wrong", correct=False, feedback=None),
                 m.Choice.model_construct(text="also right }", correct=True, feedback="{}"),
                 m.Choice.model_construct(text="[markdown] is not a format here", correct=False, feedback="[html]")])
    rmod = pack.modules[0]
    rs = dataclasses.replace(rmod.sessions[0], session=rmod.sessions[0].session.model_copy(
        update={"assessment": [item]}))
    module = rmod.module.model_copy(update={"title": "Risks / rights: a {test}"})
    pack = dataclasses.replace(pack, modules=(dataclasses.replace(rmod, module=module, sessions=(rs,)),))
    files = question_bank(pack)
    gift = files[f"gift/{rmod.module.id}.gift.txt"].decode()
    assert r"1 \= 1? \{maybe\} \~ not \#1\: C\:\\path\\n" in gift
    assert "$CATEGORY: $course$/top/Decent work in global supply chains/Risks // rights: a {test}" in gift
    assert check_round_trip(pack, files) == 1
    parsed = parse_gift(gift)[0]
    assert [a.grade for a in parsed.answers] == [50.0, -100.0, 50.0, -100.0]


def test_the_bank_never_reaches_participant_packages(repo, tmp_path_factory):
    """The feedback of a facilitator question is only in the question bank: no participant package holds it
    (a self-check's feedback travels with the package, for the participant to see after answering)."""
    pack = resolve(repo.catalogue, SAMPLE)
    feedback = [c.feedback for rs in pack.sessions() for item in rs.session.assessment for c in item.choices
                if item.use == "facilitator" and c.feedback and len(c.feedback.split()) >= 6]
    assert feedback
    for fmt in ("scorm12", "scorm2004", "cc", "offline"):
        with zipfile.ZipFile(exported(repo, tmp_path_factory, SAMPLE, fmt)) as zf:
            names = zf.namelist()
            text = "".join(zf.read(n).decode("utf-8", "ignore") for n in names)
        assert not [n for n in names if n.endswith((".gift.txt", ".gift"))]
        assert not [f for f in feedback if html.escape(f, quote=False) in text or f in text], fmt


def test_the_bank_can_be_exported_without_a_site(repo, tmp_path):
    """The question bank needs no built site."""
    pack = resolve(repo.catalogue, dataclasses.replace(SAMPLE, edition="facilitator"))
    path = export_pack(repo, pack, tmp_path / "no-site", tmp_path, "questions")
    assert path.name.endswith(".facilitator.questions.zip")


def test_the_bank_is_deterministic(repo, tmp_path):
    pack = resolve(repo.catalogue, dataclasses.replace(SAMPLE, edition="facilitator"))
    first = export_pack(repo, pack, tmp_path / "no-site", tmp_path / "a", "questions").read_bytes()
    second = export_pack(repo, pack, tmp_path / "no-site", tmp_path / "b", "questions").read_bytes()
    assert first == second
