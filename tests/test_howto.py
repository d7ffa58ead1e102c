"""Every how-to guide (docs/how-to/) followed step by step in a fresh copy of the repository: its command
blocks run in order, its steps by hand (``<!-- by hand: ... -->``) done as a person would, then what the
guide promises is checked. A guide that no longer works fails here, so none can go stale."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from build_tools.cli import main
from build_tools.content.drafts import MARKER
from build_tools.content.repository import load_repo

from .conftest import REPO

GUIDES = sorted(p for p in (REPO / "docs" / "how-to").glob("*.md") if p.name != "README.md")
CONTENT = ("modules", "curriculum", "templates", "docs", "conf.py", "pyproject.toml")
STEP = re.compile(r"^```sh\n(.*?)^```$|<!-- by hand: (.*?) -->", re.S | re.M)


def steps(guide: Path):
    """("run", command line, expected exit code) and ("hand", what) in the order of the guide."""
    for block, hand in STEP.findall(guide.read_text(encoding="utf-8")):
        if hand:
            yield "hand", hand.strip(), 0
        for line in block.splitlines():
            command, _, comment = line.partition("#")
            if command.strip():
                exits = re.search(r"exits (\d+)", comment)
                yield "run", command.strip(), int(exits[1]) if exits else 0


def run(root: Path, command: str, capsys) -> tuple[int, str]:
    """Run one command line of a guide in ``root``: coursepack in this process, anything else in a shell."""
    argv = shlex.split(command)
    if argv[0] == "coursepack":
        code = main(argv[1:])
        out = capsys.readouterr()
        return code, out.out + out.err
    done = subprocess.run(command, shell=True, cwd=root, capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout + done.stderr


def by_hand(root: Path, what: str) -> None:
    """Do what a step by hand says: finish a draft (every TODO written, the module reviewed), or translate a
    catalogue (every entry, marked with its language so the test can find it in the pack)."""
    verb, _, rest = what.partition(" ")
    files = [root / name for name in re.findall(r"[\w./-]+\.(?:yml|po)", rest)]
    assert files and all(f.exists() for f in files), f"the step by hand names no existing file: {what}"
    for path in files:
        if verb == "finish":
            text = MARKER.sub("Written", path.read_text(encoding="utf-8"))
            path.write_text(text.replace("status: draft", "status: reviewed"), encoding="utf-8")
        elif verb == "translate":
            language = path.parent.name
            with open(path, "rb") as handle:
                catalog = read_po(handle, locale=language)
            for message in catalog:
                if message.id:
                    message.string = f"[{language}] {message.id}"
            with open(path, "wb") as handle:
                write_po(handle, catalog, width=100)
        else:
            pytest.fail(f"the test does not know how to do this step by hand: {what}")


def follow(guide: Path, root: Path, capsys, monkeypatch) -> list[tuple[str, str]]:
    """Follow the guide in ``root``; (command, output) of every command, each checked for its exit code."""
    monkeypatch.chdir(root)
    outputs = []
    for kind, text, expected in steps(guide):
        if kind == "hand":
            by_hand(root, text)
            continue
        code, out = run(root, text, capsys)
        assert code == expected, f"{guide.name}: `{text}` exited {code}, the guide expects {expected}:\n{out}"
        outputs.append((text, out))
    return outputs


def _site(root: Path, pack: str) -> Path:
    return root / "_build" / pack / "site"


def promised_add_a_country(root: Path, outputs) -> None:
    (_, checked), _ = outputs[1], outputs[2]
    assert re.search(r"ZA\.yml:\d+:\d+: warning\[draft\]: draft: 2 TODO markers", checked), checked
    assert "ZA" in (root / "curriculum/foundations-blended.yml").read_text()
    site = _site(root, "foundations-blended.labour-inspectors.garment-textile.za.fr.participant")
    assert "Afrique du Sud" in (site / "index.html").read_text(encoding="utf-8")


def promised_add_a_module(root: Path, outputs) -> None:
    first, second = outputs[1][1], outputs[2][1]
    assert "modules/living-wages.yml" in first and "warning[draft]" in first and "warning[draft-module]" in first
    assert "living-wages" not in second, second
    page = _site(root, "gsc-turin.labour-inspectors.garment-textile.bd.en.participant") / "modules/living-wages"
    assert "Written" in (page / "index.html").read_text(encoding="utf-8")


def promised_translate_a_module(root: Path, outputs) -> None:
    assert (root / "modules/locale/living-wages.pot").exists()
    assert re.search(r"living-wages", outputs[2][1]) and "living-wages" not in outputs[3][1].split("check:")[-1]
    page = _site(root, "foundations-blended.labour-inspectors.garment-textile.ma.fr.participant") / \
        "modules/living-wages/index.html"
    assert "[fr] TODO: the module" in page.read_text(encoding="utf-8")  # the translated title


def promised_publish_to_moodle(root: Path, outputs) -> None:
    export = root / "_build/export"
    with zipfile.ZipFile(export / "gsc-turin.labour-inspectors.garment-textile.bd.en.participant.scorm12.zip") as z:
        assert "imsmanifest.xml" in z.namelist()
    with zipfile.ZipFile(export / "gsc-turin.labour-inspectors.garment-textile.bd.en.facilitator.questions.zip") as z:
        names = set(z.namelist())
    cat = load_repo(root).catalogue
    modules = [m for m in cat.courses["gsc-turin"].pack_modules() if any(s.assessment for s in cat.modules[m].sessions)]
    assert modules and all({f"moodle-xml/{m}.xml", f"gift/{m}.gift.txt"} <= names for m in modules), names


def promised_publish_self_paced(root: Path, outputs) -> None:
    export = root / "_build/export"
    pack = "due-diligence-ecampus.enterprise-managers.garment-textile.bd.en.participant"
    with zipfile.ZipFile(export / f"{pack}.scorm12.zip") as z:
        assert re.findall(rb"<adlcp:masteryscore>(\d+)<", z.read("imsmanifest.xml")) and \
            set(re.findall(rb"<adlcp:masteryscore>(\d+)<", z.read("imsmanifest.xml"))) == {b"80"}
    with zipfile.ZipFile(export / f"{pack}.cc.zip") as z:
        quizzes = {n for n in z.namelist() if n.startswith("quizzes/")}
        manifest = z.read("imsmanifest.xml").decode()
    modules = re.findall(r"^  - (\S+)", (root / "curriculum/due-diligence-ecampus.yml").read_text(), re.M)
    assert modules and quizzes == {f"quizzes/{m}.xml" for m in modules}, quizzes
    assert manifest.count('type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment"') == len(modules)


def promised_scale_out_with_dask(root: Path, outputs) -> None:
    import json

    merged = json.loads((root / "_build/all/manifest.json").read_text())["packs"]
    shards = [json.loads((root / f"_build/shard-{k}/manifest.json").read_text())["packs"] for k in (1, 2)]
    assert len(merged) == 4 and sorted(p["id"] for s in shards for p in s) == [p["id"] for p in merged]
    assert all({p["edition"] for p in s} == {"participant", "facilitator"} for s in shards)  # editions together
    index = (root / "_build/all/index.html").read_text(encoding="utf-8")
    assert all(f'href="{p["id"]}/site/index.html"' in index for p in merged)


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.stem)
def test_the_guide_works(guide, tmp_path, capsys, monkeypatch):
    promised = globals().get(f"promised_{guide.stem.replace('-', '_')}")
    assert promised, f"{guide.name}: add promised_{guide.stem.replace('-', '_')} here, checking what it promises"
    root = tmp_path / "repo"
    for name in CONTENT:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    promised(root, follow(guide, root, capsys, monkeypatch))


def test_the_guides_are_listed_and_linked():
    index = (REPO / "docs/how-to/README.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert all(f"({g.name})" in index for g in GUIDES) and "docs/how-to/" in readme
