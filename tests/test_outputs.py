"""What each edition's folder holds when a course lists e-campus outputs: packages for participants only,
the question bank (answer keys) for facilitators only."""

from __future__ import annotations

import zipfile

from .conftest import run_cli


def test_each_edition_gets_only_its_own_packages(minimal_root, capsys):
    course = minimal_root / "curriculum" / "sample.yml"
    course.write_text(course.read_text() + "outputs: [html, scorm12, offline, questions]\n")
    code, out, err = run_cli(capsys, "build", "sample", "--audience", "labour-inspectors", "--sector",
                             "agriculture", "--country", "BD", "--root", str(minimal_root))
    assert code == 0, err
    base = minimal_root / "_build" / "sample.labour-inspectors.agriculture.bd.en"
    participant = sorted(p.name for p in (base.with_name(base.name + ".participant") / "packages").iterdir())
    facilitator = sorted(p.name for p in (base.with_name(base.name + ".facilitator") / "packages").iterdir())
    assert participant == [f"{base.name}.participant.offline.zip", f"{base.name}.participant.scorm12.zip"]
    assert facilitator == [f"{base.name}.facilitator.questions.zip"]
    with zipfile.ZipFile(base.with_name(base.name + ".participant") / "packages" / participant[0]) as z:
        text = " ".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".html"))
    assert "Push groups down to tier 3" not in text  # the intro module's facilitator note
    assert "tiers" in text.lower()


def test_the_question_bank_is_exported_from_facilitator_editions_only(minimal_root, capsys):
    pack = "sample.labour-inspectors.agriculture.bd.en"
    code, out, err = run_cli(capsys, "export", f"{pack}.participant", "--format", "questions",
                             "--root", str(minimal_root))
    assert code == 1 and "answer-keys-for-facilitators" in err
    code, out, err = run_cli(capsys, "export", f"{pack}.facilitator", "--format", "questions",
                             "--root", str(minimal_root))
    assert code == 0, err
    assert (minimal_root / "_build" / "export" / f"{pack}.facilitator.questions.zip").is_file()
