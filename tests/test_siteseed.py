"""A pack's first site build starts from the most similar pack's Sphinx state, and makes the same site."""

from __future__ import annotations

import hashlib
from pathlib import Path

from build_tools.pipeline.build import _SITE_UNFINISHED, build_pack
from build_tools.content.repository import load_repo
from build_tools.resolve.keys import PackKey
from build_tools.pipeline.publish import locked

BD = PackKey("sample", "labour-inspectors", "agriculture", "BD", "en", "participant")
HN = PackKey("sample", "labour-inspectors", "agriculture", "HN", "en", "participant")


def site(out: Path, key: PackKey) -> dict[str, str]:
    folder = out / key.id / "site"
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build(repo, key: PackKey, out: Path):
    said = []
    result = build_pack(repo, key, out, formats=("html",), log=said.append)
    return result, "\n".join(said)


def test_a_new_pack_reads_only_the_pages_it_does_not_share_and_makes_the_same_site(minimal_root, tmp_path):
    repo = load_repo(minimal_root)
    fresh, said = build(repo, HN, tmp_path / "alone")
    assert "seeded" not in said and fresh.changed == fresh.pages  # nothing to start from: every page read

    out = tmp_path / "matrix"
    build(repo, BD, out)
    seeded, said = build(repo, HN, out)
    assert f"seeded from {BD.id}" in said
    assert 0 < seeded.changed < seeded.pages  # the pages naming the country, and only those, read again
    # Sphinx read the shared pages from the state it was given, not again: their doctrees are BD's
    doctrees = {key: out / ".work" / key.id / "doctrees" for key in (BD, HN)}
    shared = [p.name for p in doctrees[HN].glob("*.doctree")
              if (out / ".work" / BD.id / "src" / p.with_suffix(".md").name).read_bytes()
              == (out / ".work" / HN.id / "src" / p.with_suffix(".md").name).read_bytes()]
    assert "glossary.doctree" in shared
    for name in shared:
        assert (doctrees[HN] / name).stat().st_mtime == (doctrees[BD] / name).stat().st_mtime, name
    assert site(out, HN) == site(tmp_path / "alone", HN)


def test_a_pack_being_built_or_stopped_half_way_is_not_a_seed(minimal_root, tmp_path):
    repo = load_repo(minimal_root)
    out = tmp_path / "out"
    build(repo, BD, out)
    with locked(out / ".work" / f"{BD.id}.lock"):  # another worker is rebuilding it
        _, said = build(repo, HN, out)
    assert "seeded" not in said

    other = PackKey("sample", "labour-inspectors", "agriculture", "HN", "en", "facilitator")
    (out / ".work" / BD.id / _SITE_UNFINISHED).touch()  # its last site build was stopped
    (out / ".work" / HN.id / _SITE_UNFINISHED).touch()
    _, said = build(repo, other, out)
    assert "seeded" not in said
