"""Every problem in one round, whatever stage finds it.

One error of each kind is planted in one copy of the repository, several in the same module and the same
session, where one stage used to hide the next: a schema error stopped the content rules of its object
(activities longer than the session), and any error in a file stopped the cross-reference checks, the
trainer-text rules and the schedule for that file. `check` must report all of them in one run.
"""

from __future__ import annotations

import re

from .conftest import run_cli
from .test_translation_needs import _edit_sentence, copy_repo


def _replace(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


PLANTED = {
    # (file, code): what the test changes
    ("modules/osh.yml", "unknown-field"): "a key of the first session that the schema does not know",
    ("modules/osh.yml", "activities-too-long"): "the same session shortened below its activities",
    ("modules/osh.yml", "objective-verb"): "an objective without a measurable verb",
    ("modules/osh.yml", "unknown-audience"): "an audience that does not exist",
    ("modules/osh.yml", "unknown-variable"): "a misspelt context variable in a session body",
    ("modules/osh.yml", "raw-html"): "raw HTML in the same body",
    ("modules/labour-inspection.yml", "missing-field"): "a session without its title",
    ("modules/labour-inspection.yml", "unknown-variable"): "a misspelt variable in the next session",
    ("modules/what-works.yml", "yaml-syntax"): "a line that is not YAML",
    ("curriculum/gsc-turin.yml", "schedule-overflow"): "a course made too short for its sessions",
    ("curriculum/contexts/countries/VN.yml", "unknown-region"): "a region that does not exist",
    ("curriculum/contexts/countries/VN.yml", "unsourced-fact"): "a ratification without its source",
    ("modules/locale/fr/global-supply-chains.po", "translation-stale"): "an English sentence edited",
}


def plant(root) -> None:
    osh = root / "modules/osh.yml"
    _replace(osh, "    minutes: 80\n", "    minutes: 5\n    colour: red\n")
    _replace(osh, "  - Explain what the 2022", "  - Understand what the 2022")
    _replace(osh, "audiences: []", "audiences: [labor-inspectors]")
    _replace(osh, "      In June 2022, at its", "      In {{ country.nme }} June 2022, <b>at</b> its")
    inspection = root / "modules/labour-inspection.yml"
    _replace(inspection, "    title: What labour inspectors do and the powers they need (C081, C129)\n", "")
    text = inspection.read_text(encoding="utf-8")
    body = text.index("    body: |\n", text.index("  - id: strategic-compliance")) + len("    body: |\n")
    inspection.write_text(text[:body] + "      In {{ country.nmae }}, inspectors plan.\n\n" + text[body:],
                          encoding="utf-8")
    _replace(root / "modules/what-works.yml", "\nsessions:", "\nthis is: not: yaml\nsessions:")
    _replace(root / "curriculum/gsc-turin.yml", "days: 5", "days: 1")
    vn = root / "curriculum/contexts/countries/VN.yml"
    _replace(vn, 'region: "asia-pacific"', 'region: "south-east"')
    text = vn.read_text(encoding="utf-8")
    vn.write_text(re.sub(r'\n    source: "[^"]*"', "", text, count=1), encoding="utf-8")
    _edit_sentence(root)


def test_one_error_of_each_kind_is_reported_in_one_run(tmp_path, capsys):
    root = copy_repo(tmp_path / "repo")
    plant(root)
    code, out, err = run_cli(capsys, "check", "--root", str(root), "--quiet")
    assert code == 1
    found = set(re.findall(r"^([^\s:]+):\d+:\d+: error\[([a-z-]+)\]", err, re.M))
    missing = {k: v for k, v in PLANTED.items() if k not in found}
    assert not missing, (missing, err)
    # each problem is at its line in the file, also after a session before it was left out as invalid
    for name, variable in (("osh", "country.nme"), ("labour-inspection", "country.nmae")):
        lines = (root / f"modules/{name}.yml").read_text(encoding="utf-8").splitlines()
        line = next(i for i, text in enumerate(lines, 1) if variable in text)
        assert re.search(rf"^modules/{name}\.yml:{line}:\d+: error\[unknown-variable\]", err, re.M), err
