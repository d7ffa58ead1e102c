"""No facilitator-only text in any participant output: an oracle that does not ask the code under test.

``tests/roots/secrets/`` plants a unique token (``zqx…qzx``, lower-case letters only, so that no escaping,
markup, stemming or hyphenation can hide it from a search of letters) in every facilitator-only field of the
content model, and in every block that the `when:` language selects for the facilitator edition only, in
each form the language allows. The lists below are written by hand from ``docs/content-model.md``, the
model's field descriptions and the page templates; the clock times are computed by hand from the schedule.
Every byte of every participant output is searched: site files (search index words included), the PDFs'
text, every member of every package, unpacked. The facilitator outputs must show every secret, so that a
search that finds nothing proves something.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest
import yaml

from build_tools.content import model
from build_tools.cli import main

from .conftest import REPO, ROOTS
from .leaks import fingerprint, holds

PACK = "secrets.labour-inspectors.garment-textile.bd.en"

FACILITATOR_ONLY_FIELDS = {
    ("Session", "facilitator_notes"),
    ("AssessmentItem", "feedback"),
    ("Choice", "feedback"),
    ("Choice", "correct"),  # the answer key: a mark, no text of its own (FACILITATOR_LABELS)
    ("When", "edition"),  # variant blocks and activities selected for the facilitator edition
    ("Material", "given_to"),  # `given_to: facilitator` materials
    ("Role", "brief"),  # role cards' confidential briefs
    ("RubricCriterion", "levels"),  # what each level looks like; participants see the criteria only
}
"""The fields of ``build_tools/content/model.py`` that only the facilitator edition shows, by hand."""
CHOOSING_FIELDS = {("AssessmentItem", "use")}
"""Fields whose description names the facilitator edition because they choose who sees what, not a text."""

SELF_CHECK = ["zqxselfcheckchoicefeedbackaqzx", "zqxselfcheckchoicefeedbackbqzx", "zqxselfcheckfeedbackqzx"]
"""The feedback of the `use: self-check` item (beta one, `practice`): a participant's page may carry it as the
widget's data (one JSON element), never as text shown before answering (docs/security.md)."""
SELF_CHECK_DATA = {"beta.beta-one.practice": ["zqxpublicselfchoicebqzx"]}
"""Every item the participant pages' self-check data may hold, and the text of its key, by hand (the pack
shows the options in an order of its own)."""

SECRETS = {
    "facilitator notes": ["zqxnotesaqzx", "zqxnotesbqzx", "zqxnotescqzx", "zqxnotesdqzx"],
    "item feedback": ["zqxitemfeedbackaqzx", "zqxitemfeedbackbqzx"],
    "choice feedback": ["zqxchoicefeedbackaqzx", "zqxchoicefeedbackbqzx"],
    "facilitator materials": ["zqxmaterialaqzx", "zqxmaterialbqzx", "zqxmaterialcqzx", "zqxmaterialdqzx",
                              "zqxmaterialeqzx"],
    "role briefs": ["zqxrolebriefaqzx", "zqxrolebriefbqzx"],
    "material answer key": ["zqxmaterialkeytitleqzx", "zqxmaterialkeyqzx"],
    "facilitator-only activity": ["zqxhiddenactivityaqzx", "zqxhiddeninstructionsaqzx",
                                  "zqxhiddenactivitybqzx", "zqxhiddeninstructionsbqzx"],
    "rubric levels": ["zqxrubricaqzx", "zqxrubricbqzx"],
    "facilitator-only variant": ["zqxvarianttitleaqzx", "zqxvariantbodyaqzx", "zqxvariantbodybqzx",
                                 "zqxvarianttitlecqzx", "zqxvariantbodycqzx", "zqxvariantbodydqzx",
                                 "zqxvariantbodyeqzx"],
}
ALL_SECRETS = [t for tokens in SECRETS.values() for t in tokens]

CLOCKS = ["10:00", "10:17", "11:17", "12:20"]
"""The activities' clock times, by hand. Day 1 starts at 09:00. Alpha one (100 min) runs 09:00-10:40; in the
facilitator edition its activities (17 and 23 min) fill its end: 10:00-10:17, 10:17-10:40. Alpha two
(50 min, 10:40-11:30): its 13-min activity 11:17-11:30. Beta one (60 min, 11:30-12:30): its facilitator-only
10-min activity 12:20-12:30. The session spans (09:00, 10:40, 11:30, 12:30) are for everyone."""
PARTICIPANT_CLOCKS = ["10:23"]
"""Alpha one's public activity would run 10:23-10:40 in the participant edition: no edition may show it."""

FACILITATOR_LABELS = ["Facilitator notes", "[correct]", "Detailed timetable with activity timings",
                      "Participant manual, page", "Preparation", "Print list", "Confidential: for this role only",
                      "Facilitator only: not for participants", "Rubric"]
"""Labels (``templates/labels/en.yml``) that only facilitator material carries."""

PUBLIC_MATERIALS = ["zqxpublicmaterialtitleqzx", "zqxpublicmaterialbodyqzx", "zqxpubliccasetitleqzx",
                    "zqxpubliccasebodyqzx", "zqxpublicroletitleqzx", "zqxpublicscenarioqzx", "zqxpublicroleaqzx",
                    "zqxpublicrolebqzx"]
"""The participant materials' titles, bodies and role names: the only text of the handout PDFs."""
PUBLIC = ["zqxpublicsummaryqzx", "zqxpublicsummarybqzx", "zqxpublicbodyaqzx", "zqxpublicbodybqzx",
          "zqxpublicbodycqzx", "zqxpublicactivityaqzx", "zqxpublicactivitybqzx", "zqxpublicinstructionsaqzx",
          "zqxpublicinstructionsbqzx", "zqxpublicquestionaqzx", "zqxpublicquestionbqzx", "zqxpublicchoiceaqzx",
          "zqxpublicchoicebqzx", "zqxpublicchoicecqzx", "zqxpublicchoicedqzx", "zqxpublicvarianttitleqzx",
          "zqxpublicvariantaqzx", "zqxpublicvariantbqzx", "zqxpublicselfcheckqzx", "zqxpublicselfchoiceaqzx",
          "zqxpublicselfchoicebqzx", *PUBLIC_MATERIALS, "zqxpubliccriterionqzx"]
"""Tokens every participant output shows: activity titles and instructions, questions and choices, the
variants selected for the participant edition, the materials given to participants, and rubric criteria."""

PACKAGES = ["scorm12", "scorm2004", "cc", "offline"]
DIMS = {"audience": "labour-inspectors", "sector": "garment-textile", "country": "BD", "region": "asia-pacific",
        "language": "en"}
"""The packs' dimensions, by hand (``curriculum/secrets.yml``; BD is in Asia and the Pacific)."""


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("secrets") / "repo"
    shutil.copytree(ROOTS / "secrets", root)
    shutil.copy(REPO / "conf.py", root / "conf.py")
    shutil.copytree(REPO / "templates", root / "templates")
    assert main(["build", "secrets", "--root", str(root)]) == 0
    return {e: root / "_build" / f"{PACK}.{e}" for e in ("participant", "facilitator")}


def documents(path: Path, data: bytes | None = None, name: str | None = None):
    """(name, text) of a file and, for a zip, of each member (unpacked, recursively); a PDF's text is its
    pages' text, followed by its raw bytes (metadata, outline)."""
    data = path.read_bytes() if data is None else data
    name = name or path.name
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for member in z.namelist():
                yield from documents(path, z.read(member), f"{name}!{member}")
        return
    if data[:5] == b"%PDF-":
        pages = "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(data)).pages)
        yield name, pages + "\n" + data.decode("latin-1")
        return
    yield name, html.unescape(data.decode("utf-8", errors="replace"))


def every_document(folder: Path) -> list[tuple[str, str]]:
    return [doc for p in sorted(folder.rglob("*")) if p.is_file()
            for doc in documents(p, name=str(p.relative_to(folder)))]


def tokens_in(text: str, tokens: list[str]) -> list[str]:
    hay = fingerprint(text)
    return [t for t in tokens if t in hay]


def clocks_in(text: str, clocks: list[str]) -> list[str]:
    return [c for c in clocks if re.search(rf"(?<!\d){c}(?!\d)", text)]


def index_words(site: Path) -> set[str]:
    """Every key and string of the site's search index (its words, titles and document names)."""
    raw = (site / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(raw[raw.index("(") + 1:raw.rindex(")")])
    words: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                words.add(str(k).lower())
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            words.update(re.findall(r"\w+", node.lower()))

    walk(data)
    return words


def test_the_list_of_facilitator_only_fields_is_the_models():
    """A field the model describes as facilitator-only must have its token in this test's lists."""
    described = {(cls.__name__, name) for cls in vars(model).values()
                 if isinstance(cls, type) and issubclass(cls, model.Strict) and cls is not model.Strict
                 for name, field in cls.model_fields.items() if "facilitator" in (field.description or "").lower()}
    assert described == FACILITATOR_ONLY_FIELDS | CHOOSING_FIELDS


TEMPLATE_GUARDS = {
    "facilitator": "Detailed timetable with activity timings (FACILITATOR_LABELS)",
    "facilitator and not slot.part": "the timetable's activity rows: CLOCKS",
    "facilitator and clock": "CLOCKS",
    "facilitator and rs.materials": "the preparation box: SECRETS['facilitator materials'], the label Preparation",
    "facilitator and print_list": "the label Print list",
    "t.roles and not facilitator": "role names for participants (PUBLIC_MATERIALS); briefs: SECRETS['role briefs']",
    "activity.rubric and facilitator": "SECRETS['rubric levels'], the label Rubric",
    "notes": "SECRETS['facilitator notes'], the label Facilitator notes",
    "f.notes": "SECRETS['facilitator notes'], the label Facilitator notes",
    "facilitator and choice.correct": "the label [correct]",
    "facilitator and choice.feedback": "SECRETS['choice feedback']",
    "facilitator and item.feedback": "SECRETS['item feedback']",
    "participant_pages": "the label Participant manual, page",
}
"""Every condition under which a template shows facilitator material, and what this test looks for."""


def test_every_facilitator_condition_of_the_templates_is_searched_for():
    """A template block shown only to facilitators needs its token or label in this test's lists."""
    found = set()
    for path in (REPO / "templates").rglob("*.j2"):
        for m in re.finditer(r"\{%-?\s*if ((?:[^%]*\b)?(?:facilitator|notes|participant_pages)\b[^%]*?)\s*-?%\}",
                             path.read_text(encoding="utf-8")):
            found.add(m.group(1))
    assert found == set(TEMPLATE_GUARDS)


def test_every_facilitator_only_field_of_the_tree_holds_a_listed_token():
    """Read with plain YAML, not the project's loader: every note, feedback and material, and every block whose
    `when:` names the edition, carries exactly the tokens listed here (and every listed token is planted)."""
    planted: list[str] = []
    self_check: list[str] = []
    for path in sorted((ROOTS / "secrets" / "modules").glob("*.yml")):
        hidden_uses: set[str] = set()
        public_uses: set[str] = set()
        fields = []
        for s in yaml.safe_load(path.read_text())["sessions"]:
            fields += [s.get("facilitator_notes")]
            for item in s.get("assessment", []):
                feedback = [item.get("feedback")] + [c.get("feedback") for c in item["choices"]]
                if item.get("use") == "self-check":
                    self_check += [t for text in filter(None, feedback) for t in re.findall(r"zqx[a-z]+qzx", text)]
                else:
                    fields += feedback
            for a in s.get("activities", []):
                fields += [d for row in (a.get("rubric") or {}).get("criteria", []) for d in row["levels"]]
                if a.get("when") and facilitator_only(a["when"]):
                    fields += [a["title"], a["instructions"]]
                    hidden_uses.update(a.get("materials", []))
                else:
                    public_uses.update(a.get("materials", []))
            for v in s.get("variants", []):
                if facilitator_only(v["when"]):
                    fields += [v.get("title"), v["body"]]
        for x in yaml.safe_load(path.read_text()).get("materials", []):
            # docs/content-model.md, "Materials": a participant output holds what is given to participants,
            # groups or roles, when an activity it shows uses it; never a role's brief or a facilitator variant
            if x["given_to"] == "facilitator" or x["kind"] == "supply" or x["id"] not in public_uses - hidden_uses:
                fields += [x["title"], x.get("body")]
            fields += [r["brief"] for r in x.get("roles", [])]
            fields += [t for v in x.get("variants", []) if facilitator_only(v["when"]) for t in (v.get("title"), v["body"])]
        for text in filter(None, fields):
            found = re.findall(r"zqx[a-z]+qzx", text)
            assert found and not any(t.startswith("zqxpublic") for t in found), text
            planted += found
    assert sorted(planted) == sorted(ALL_SECRETS)
    assert sorted(self_check) == sorted(SELF_CHECK)


def facilitator_only(when: dict) -> bool:
    return holds(when, {**DIMS, "edition": "facilitator"}) and not holds(when, {**DIMS, "edition": "participant"})


def test_the_facilitator_edition_shows_every_secret(outputs):
    """The control: each secret, clock time and label is found where it belongs, by the same search."""
    folder = outputs["facilitator"]
    site = "\n".join(t for n, t in every_document(folder / "site") if n.endswith(".html"))
    guide = next(documents(folder / "facilitator-guide.pdf"))[1]
    for where, text in (("site", site), ("guide", guide)):
        assert tokens_in(text, ALL_SECRETS + SELF_CHECK) == ALL_SECRETS + SELF_CHECK, where
        assert clocks_in(text, CLOCKS) == CLOCKS, where
        assert [label for label in FACILITATOR_LABELS[:2] if label in text] == FACILITATOR_LABELS[:2], where
    assert all(label in guide for label in ["Participant manual, page", "Materials", *FACILITATOR_LABELS[4:]])
    assert "Detailed timetable with activity timings" in site
    assert set(ALL_SECRETS) <= index_words(folder / "site")
    bank = "\n".join(t for _, t in documents(folder / "packages" / f"{PACK}.facilitator.questions.zip"))
    assert tokens_in(bank, SECRETS["item feedback"] + SECRETS["choice feedback"]) == \
        SECRETS["item feedback"] + SECRETS["choice feedback"]


def test_every_participant_output_shows_the_public_text(outputs):
    folder = outputs["participant"]
    packages = sorted(p.name for p in (folder / "packages").iterdir())
    assert packages == sorted(f"{PACK}.participant.{f}.zip" for f in PACKAGES)
    groups = {"site": folder / "site", "manual": folder / "participant-manual.pdf", "handouts": folder / "handouts",
              **{f: folder / "packages" / f"{PACK}.participant.{f}.zip" for f in PACKAGES}}
    for name, path in groups.items():
        docs = every_document(path) if path.is_dir() else list(documents(path))
        public = PUBLIC_MATERIALS if name == "handouts" else PUBLIC  # handouts hold the materials only
        assert tokens_in("\n".join(t for _, t in docs), public) == public, name
    assert set(PUBLIC) <= index_words(folder / "site")


@pytest.mark.parametrize("edition", ["participant", "facilitator"])
def test_no_participant_output_holds_a_secret(outputs, edition):
    """Every file of the participant edition, and the participant manual that the facilitator edition carries:
    no token of a facilitator-only field, no activity clock time, no facilitator label, no search-index word."""
    if edition == "participant":
        docs = every_document(outputs["participant"])
        words = index_words(outputs["participant"] / "site")
        assert not sorted(set(ALL_SECRETS) & words)
    else:
        docs = list(documents(outputs["facilitator"] / "participant-manual.pdf"))
    assert len(docs) > 40 if edition == "participant" else docs
    for name, text in docs:
        assert not tokens_in(text, ALL_SECRETS), (name, tokens_in(text, ALL_SECRETS))
        assert not clocks_in(text, CLOCKS + PARTICIPANT_CLOCKS), (name, clocks_in(text, CLOCKS + PARTICIPANT_CLOCKS))
        assert not [label for label in FACILITATOR_LABELS if label in text], name
        assert not re.search(r"\.gift|<question\b", text), name  # no question bank in any package


def test_participants_see_each_activity_without_its_materials_or_clock(outputs):
    """What the content model promises participants of an activity: its title, length and instructions; the
    materials and clock times are for the facilitator (docs/content-model.md, "Sessions")."""
    page = outputs["participant"] / "site" / "modules" / "alpha" / "alpha-one.html"
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))).split())
    assert "Public activity zqxpublicactivityaqzx (17 minutes)" in text
    assert "Public instructions zqxpublicinstructionsaqzx." in text
    assert not tokens_in(text, SECRETS["facilitator materials"] + SECRETS["facilitator-only activity"])
    assert "Materials: Handout 1.1: Handout zqxpublicmaterialtitleqzx ; Case 1.2: Case zqxpubliccasetitleqzx ; " \
           "Role cards 1.3: Roles zqxpublicroletitleqzx" in text
    facilitator = outputs["facilitator"] / "site" / "modules" / "alpha" / "alpha-one.html"
    ftext = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", facilitator.read_text(encoding="utf-8"))).split())
    assert "Public activity zqxpublicactivityaqzx (17 minutes, 10:00–10:17)" in ftext
    assert "Role cards 1.3: Roles zqxpublicroletitleqzx ; Checklist 1.A: Checklist zqxmaterialaqzx" in ftext


def visible_text(page: str) -> str:
    """What a browser shows of an HTML page: no script or style element, no tag, no attribute."""
    page = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]*>", " ", page))


def self_check_data(page: str) -> list[dict]:
    found = re.findall(r'<script[^>]*\bid="coursepack-selfchecks"[^>]*>(.*?)</script>', page, flags=re.S)
    return [json.loads(body) for body in found]


def test_a_self_check_key_and_feedback_are_widget_data_never_shown_text(outputs):
    """In every participant output a self-check's feedback is only in the pages' self-check data, a JSON element
    that browsers do not display: never in the text a page shows, a PDF, the search index or another file. The
    data holds the self-check items only (never a facilitator item's key), with their keys. The cartridge's quiz
    for the module carries them too: the LMS imports it and shows feedback after an answer."""
    folder = outputs["participant"]
    seen_data = 0
    for name, text in every_document(folder):
        if name.endswith(".html"):
            page = text
            assert not tokens_in(visible_text(page), SELF_CHECK), name
            for data in self_check_data(page):
                items = {item["id"]: [fingerprint(item["choices"][k]).removeprefix("publicselfcheckchoice")
                                      for k in item["key"]] for items in data["pages"].values() for item in items}
                assert items == SELF_CHECK_DATA, name
                seen_data += 1
                without = re.sub(r'<script[^>]*\bid="coursepack-selfchecks".*?</script>', " ", page, flags=re.S)
                assert not tokens_in(without, SELF_CHECK), name
        elif name.endswith(".cc.zip!quizzes/beta.xml"):  # the cartridge's quiz, for the LMS to import
            assert tokens_in(text, SELF_CHECK) == SELF_CHECK, name
        else:
            assert not tokens_in(text, SELF_CHECK), name
    assert seen_data > 10  # every page of the site and of the packages carries it
    assert not set(SELF_CHECK) & index_words(folder / "site")
    beta = (folder / "site" / "modules" / "beta" / "beta-one.html").read_text(encoding="utf-8")
    assert tokens_in(json.dumps(self_check_data(beta)), SELF_CHECK) == SELF_CHECK  # the control
