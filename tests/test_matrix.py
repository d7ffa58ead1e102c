"""Many packs: the matrix builds, skips what is unchanged, survives a bad pack and a kill, and matches single builds."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from build_tools.pipeline.build import build_pack
from build_tools.content.repository import load_repo
from build_tools.resolve.keys import PackKey

from .conftest import REPO, run_cli


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def statuses(out: str) -> dict[str, str]:
    return {line.split()[2]: line.split()[0] for line in out.splitlines()
            if line.split()[:1] in (["built"], ["skipped"], ["failed"]) and len(line.split()) == 3}


def test_bad_pack_fails_alone_and_the_catalogue_lists_the_others(minimal_root, capsys):
    module = minimal_root / "modules" / "inspection.yml"
    module.write_text(module.read_text() + "      - when: {country: HN}\n"
                                            "        body: \"![A missing map](assets/map.png)\"\n")
    code, out, err = run_cli(capsys, "matrix", "sample", "-j", "2", "--format", "html", "--quiet",
                             "--root", str(minimal_root))
    assert code == 1
    result = statuses(out)
    assert len(result) == 16
    failed = {p for p, s in result.items() if s == "failed"}
    # only the inspectors' packs for Honduras include the module with the broken variant
    assert failed == {p for p in result if p.startswith("sample.labour-inspectors.") and ".hn." in p}
    assert "modules/inspection.yml:" in out and "image-missing" in out
    manifest = json.loads((minimal_root / "_build" / "manifest.json").read_text())
    listed = {p["id"] for p in manifest["packs"]}
    assert listed == set(result) - failed
    for pack in manifest["packs"]:
        assert {"course", "audience", "sector", "country", "language", "edition", "digest"} <= set(pack)
        for path in pack["outputs"].values():
            assert (minimal_root / "_build" / path).is_file()
    index = (minimal_root / "_build" / "index.html").read_text()
    assert index.count("<tr>") == len(listed) + 1


def test_only_packs_that_use_a_change_are_rebuilt(minimal_root, capsys):
    args = ("matrix", "sample", "-j", "2", "--format", "html", "--quiet", "--root", str(minimal_root))
    code, out, err = run_cli(capsys, *args)
    assert code == 0, err
    code, out, _ = run_cli(capsys, *args)
    assert set(statuses(out).values()) == {"skipped"}
    # a change to a module only the labour inspectors' packs include
    module = minimal_root / "modules" / "inspection.yml"
    module.write_text(module.read_text().replace("Farms are scattered.", "Farms are scattered and remote."))
    code, out, _ = run_cli(capsys, *args)
    rebuilt = {p for p, s in statuses(out).items() if s == "built"}
    assert rebuilt == {p for p in statuses(out) if p.startswith("sample.labour-inspectors.")}
    # a change to one country profile rebuilds that country's packs only
    country = minimal_root / "curriculum" / "contexts" / "countries" / "HN.yml"
    country.write_text(country.read_text().replace("name: Honduras", "name: Honduras (Republic of)"))
    code, out, _ = run_cli(capsys, *args)
    rebuilt = {p for p, s in statuses(out).items() if s == "built"}
    assert rebuilt == {p for p in statuses(out) if ".hn." in p}


def test_matrix_outputs_equal_independent_builds(minimal_root, capsys, tmp_path):
    """The matrix's workers build pack after pack, in two languages, each seeded with Sphinx state and laid-out
    pieces of the packs before it; each pack built alone, in a fresh output folder of its own, must give the
    same files."""
    course = minimal_root / "curriculum" / "sample.yml"
    text = course.read_text()
    assert "languages: [en]\n" in text
    course.write_text(text.replace("languages: [en]\n", "languages: [en, fr]\nfallback_languages: [fr]\n"))
    code, out, err = run_cli(capsys, "matrix", "sample", "-j", "2", "--format", "html,pdf", "--sector", "agriculture",
                             "--quiet", "--root", str(minimal_root))
    assert code == 0, out + err
    built = statuses(out)
    assert len(built) == 16 and set(built.values()) == {"built"} and {p.split(".")[4] for p in built} == {"en", "fr"}
    repo = load_repo(minimal_root)
    for pack_id in ("sample.labour-inspectors.agriculture.hn.en.participant",
                    "sample.labour-inspectors.agriculture.hn.fr.facilitator",
                    "sample.workers-organizations.agriculture.bd.fr.participant",
                    "sample.workers-organizations.agriculture.bd.en.facilitator"):
        alone = tmp_path / pack_id  # nothing in it but what this one build makes
        build_pack(repo, PackKey.parse(pack_id), alone, formats=("html", "pdf"))
        assert tree(alone / pack_id) == tree(minimal_root / "_build" / pack_id), pack_id


def test_a_worker_that_builds_two_languages_labels_each_site_in_its_own(minimal_root):
    """In a fresh process (as a matrix worker starts), a French site, then an English one: Sphinx's labels
    (here the Python module index's title, in the inventory) are each in the site's own language."""
    course = minimal_root / "curriculum" / "sample.yml"
    course.write_text(course.read_text().replace("languages: [en]\n",
                                                 "languages: [en, fr]\nfallback_languages: [fr]\n"))
    packs = [f"sample.labour-inspectors.agriculture.bd.{lang}.participant" for lang in ("fr", "en")]
    script = ("import sys\nfrom pathlib import Path\nfrom build_tools.pipeline.build import build_pack\n"
              "from build_tools.content.repository import load_repo\nfrom build_tools.resolve.keys import PackKey\n"
              "repo = load_repo(Path(sys.argv[1]))\n"
              "for pack in sys.argv[2:]:\n"
              "    build_pack(repo, PackKey.parse(pack), Path(sys.argv[1]) / '_build', formats=('html',))\n")
    subprocess.run([sys.executable, "-c", script, str(minimal_root), *packs], check=True, timeout=600,
                   env={**os.environ, "PYTHONPATH": str(REPO)})
    titles = {}
    for pack in packs:
        header, _, body = (minimal_root / "_build" / pack / "site" / "objects.inv").read_bytes().partition(b"zlib.\n")
        line = next(l for l in zlib.decompress(body).decode().splitlines() if l.startswith("py-modindex "))
        titles[pack.split(".")[4]] = line.split(" ", 4)[4]
    assert titles == {"fr": "Index des modules Python", "en": "Python Module Index"}


def test_a_killed_matrix_leaves_every_previous_output_in_place(minimal_root, capsys):
    """The matrix process dies (``os._exit``, through the test-only fault hook) with the fourth pack's new
    output complete in its staging folder, not yet promoted: the three packs before it are new, every other
    pack is exactly as it was."""
    from build_tools.matrix.jobs import plan
    from build_tools.resolve.keys import expand
    from build_tools.pipeline.publish import FAULT, FAULT_EXIT

    args = ["matrix", "sample", "-j", "1", "--format", "html", "--root", str(minimal_root)]
    assert run_cli(capsys, *args, "--quiet")[0] == 0
    out = minimal_root / "_build"
    packs = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    before = {p: tree(out / p) for p in packs}
    intro = minimal_root / "modules" / "intro.yml"  # every pack includes it: all must rebuild
    intro.write_text(intro.read_text().replace("Draw the chain.", "Draw the chain, tier by tier."))
    order = [job.pack_id for job in plan(expand(load_repo(minimal_root).catalogue.courses["sample"]),
                                         minimal_root, out)]
    assert sorted(order) == packs
    done = subprocess.run([sys.executable, "-m", "build_tools", *args], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(REPO),
                                            FAULT: f"staging-written exit {order[3]}"})
    assert done.returncode == FAULT_EXIT, done.stdout + done.stderr
    after_packs = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert after_packs == packs  # no pack folder lost, no staging folder promoted
    changed = {pack for pack in packs if tree(out / pack) != before[pack]}
    assert changed == set(order[:3])
    for pack in changed:  # each a whole new output
        stamp = json.loads((out / pack / ".coursepack.json").read_text())
        assert all((out / pack / rel).is_file() for rel in stamp["files"].values())
    # and the next run finishes the job
    code, text, _ = run_cli(capsys, *args, "--quiet")
    assert code == 0
    assert sorted(p for p, s in statuses(text).items() if s == "built") == sorted(order[3:])


def test_a_pack_past_its_time_limit_fails_alone_and_publishes_nothing(minimal_root, capsys, monkeypatch):
    """The slow pack is made slow for certain: the test-only fault hook stops it (``hang``) where its build
    starts, so that the limit runs out there, however fast or loaded the machine, and never lets it finish."""
    from dataclasses import replace

    from build_tools.matrix.jobs import Progress, plan, run_local
    from build_tools.pipeline.publish import FAULT

    keys = [PackKey("sample", "labour-inspectors", "agriculture", c, "en", "participant") for c in ("BD", "HN")]
    out = minimal_root / "_build"
    slow, other = plan(keys, minimal_root, out, ("html", "pdf"))
    slow = replace(slow, timeout=2.0)  # reaching the hang takes milliseconds: the limit runs out there
    monkeypatch.setenv(FAULT, f"build-start hang {slow.pack_id}")
    results = {r.pack_id: r for r in run_local([slow, other], 1, Progress(2, quiet=True),
                                               repo=load_repo(minimal_root))}
    assert "hanging at build-start" in capsys.readouterr().err  # where the limit ran out
    assert results[slow.pack_id].status == "failed" and "--timeout" in results[slow.pack_id].problems[0]
    assert results[other.pack_id].status == "built"
    assert not (out / slow.pack_id).exists() and not list(out.glob(f".staging-{slow.pack_id}-*"))
    monkeypatch.delenv(FAULT)
    again = run_local([replace(slow, timeout=None)], 1, Progress(1, quiet=True))  # what it left does no harm
    assert again[0].status == "built" and (out / slow.pack_id / "participant-manual.pdf").is_file()

    # in worker processes too, through the command line (0.005 minutes: 0.3 s), every pack made slow
    monkeypatch.setenv(FAULT, "build-start hang")
    code, said, _ = run_cli(capsys, "matrix", "sample", "-j", "2", "--format", "html,pdf", "--quiet",
                            "--timeout", "0.005", "--country", "BD", "--root", str(minimal_root))
    assert code == 1 and len(statuses(said)) == 8 and set(statuses(said).values()) == {"failed"}, said
    assert "stopped after 0.3 s (--timeout)" in said
    assert (out / slow.pack_id / "participant-manual.pdf").is_file()  # the last good build stays published


def test_a_draft_module_no_course_of_the_matrix_uses_does_not_stop_it(minimal_root, capsys):
    """As for build: the matrix validates the courses it builds and their modules; check sees everything."""
    intro = (minimal_root / "modules" / "intro.yml").read_text()
    (minimal_root / "modules" / "draft.yml").write_text(
        intro.replace("id: intro", "id: draft").replace("instruments: [C081]", "instruments: [C999]"))
    code, out, err = run_cli(capsys, "check", "--root", str(minimal_root))
    assert code == 1 and "draft.yml" in out + err
    code, out, err = run_cli(capsys, "matrix", "sample", "--country", "BD", "--edition", "participant",
                             "--format", "html", "--quiet", "--root", str(minimal_root))
    assert code == 0, out + err
    assert set(statuses(out).values()) == {"built"}


def test_a_time_limit_that_runs_out_in_a_finalizer_still_stops_the_block(monkeypatch):
    """Python drops an exception raised in a finalizer: the limit is applied as soon as it has returned, not
    when the signal comes again (here never: once an hour)."""
    from build_tools.matrix import jobs as matrix
    from build_tools.matrix.jobs import PackTimeout, time_limit

    monkeypatch.setattr(matrix, "_AGAIN", 3600.0)
    finalized = []

    class SlowToFinalize:
        def __del__(self):
            until = time.monotonic() + 0.4
            while time.monotonic() < until:
                pass
            finalized.append(True)

    with pytest.raises(PackTimeout):
        with time_limit(0.1):
            SlowToFinalize()  # finalized at once; the limit runs out while it is
            if not finalized:
                raise AssertionError("the limit stopped the finalizer")
            until = time.monotonic() + 5  # far longer than the limit: runs out only if the limit is lost
            while time.monotonic() < until:
                pass


def test_a_time_limit_that_runs_out_during_an_import_waits_for_it(tmp_path, monkeypatch):
    """A module whose import the limit cut short would stay half made for every later job of the worker (a
    first ``import weasyprint`` cut short broke every later test of the process): the limit waits for the
    import to finish."""
    import sys

    from build_tools.matrix import jobs as matrix
    from build_tools.matrix.jobs import PackTimeout, time_limit

    monkeypatch.setattr(matrix, "_AGAIN", 3600.0)
    (tmp_path / "slow_to_import.py").write_text(
        "import time\n"
        "until = time.monotonic() + 0.4\n"
        "while time.monotonic() < until:\n"
        "    pass\n"
        "COMPLETE = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "slow_to_import", raising=False)
    with pytest.raises(PackTimeout):
        with time_limit(0.1):
            import slow_to_import  # noqa: F401  (the limit runs out while it runs)
            until = time.monotonic() + 5
            while time.monotonic() < until:
                pass
    assert sys.modules["slow_to_import"].COMPLETE
    monkeypatch.delitem(sys.modules, "slow_to_import")
