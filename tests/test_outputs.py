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
    assert code == 2 and "the question bank (answer keys) is exported from the facilitator edition" in err
    code, out, err = run_cli(capsys, "export", f"{pack}.facilitator", "--format", "questions",
                             "--root", str(minimal_root))
    assert code == 0, err
    assert (minimal_root / "_build" / "export" / f"{pack}.facilitator.questions.zip").is_file()


def test_a_yaml_file_with_the_long_extension_is_in_the_digest(minimal_root, capsys):
    """Content may be .yaml as well as .yml; a change to such a file must rebuild the pack."""
    (minimal_root / "modules" / "intro.yml").rename(minimal_root / "modules" / "intro.yaml")
    args = ("build", "sample.labour-inspectors.garment-textile.bd.en.participant", "--format", "html",
            "--root", str(minimal_root))
    assert run_cli(capsys, *args)[0] == 0
    module = minimal_root / "modules" / "intro.yaml"
    module.write_text(module.read_text().replace("title: Introduction to supply chains",
                                                 "title: Introduction to global supply chains"))
    code, out, err = run_cli(capsys, *args)
    assert code == 0 and "up to date" not in out
    index = minimal_root / "_build" / "sample.labour-inspectors.garment-textile.bd.en.participant" / "site" / \
        "index.html"
    assert "Introduction to global supply chains" in index.read_text()


def test_matrix_refuses_an_output_url_without_a_scheduler(minimal_root, capsys):
    code, out, err = run_cli(capsys, "matrix", "sample", "-o", "file:///tmp/elsewhere", "--root", str(minimal_root))
    assert code == 2 and "needs --scheduler" in err


def test_serve_refuses_a_port_out_of_range(minimal_root, capsys):
    import pytest

    with pytest.raises(SystemExit) as exit_:
        run_cli(capsys, "serve", "--port", "99999", "--root", str(minimal_root))
    assert exit_.value.code == 2
    assert "is not a port number" in capsys.readouterr().err
