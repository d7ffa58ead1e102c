"""The matrix on Dask: the same jobs as the local path, the same bytes, to a folder or an fsspec URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from build_tools.content.repository import load_repo
from build_tools.matrix.distributed import run_dask, upload_pack  # imports Dask only when called
from build_tools.matrix.jobs import Progress, plan, run_local, write_catalogue
from build_tools.resolve.keys import expand

pytest.importorskip("distributed")
fsspec = pytest.importorskip("fsspec")

FORMATS = ("html", "pdf")
# With dashboard_address=None the scheduler still serves /health on 8787, or another port when it is taken.
pytestmark = pytest.mark.filterwarnings("ignore:Port 8787 is already in use")


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes, as on a real cluster (nothing shared but the file system)."""
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    try:
        yield cluster
    finally:
        cluster.close()


def jobs_for(root: Path, out: Path, audience: str = "labour-inspectors", sector: str = "garment-textile"):
    """The four packs of one audience and sector: two countries, both editions."""
    keys = [k for k in expand(load_repo(root).catalogue.courses["sample"])
            if k.audience == audience and k.sector == sector]
    assert len(keys) == 4
    return plan(keys, root, out, FORMATS)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def by_id(results):
    return {r.pack_id: r for r in results}


def test_dask_builds_the_same_bytes_as_local(cluster, minimal_root, tmp_path):
    jobs = jobs_for(minimal_root, tmp_path / "local")
    local = by_id(run_local(jobs, 1, Progress(len(jobs), quiet=True)))
    progress = Progress(len(jobs), quiet=True)
    remote = by_id(run_dask(jobs, cluster, progress, output_url=str(tmp_path / "dask")))

    assert progress.done == 4 and progress.counts["built"] == 4
    assert {r.status for r in local.values()} == {r.status for r in remote.values()} == {"built"}
    for job in jobs:
        assert remote[job.pack_id].files == local[job.pack_id].files
        assert remote[job.pack_id].digest == local[job.pack_id].digest
        dask_files = snapshot(tmp_path / "dask" / job.pack_id)
        local_files = snapshot(tmp_path / "local" / job.pack_id)
        assert any(name.endswith(".pdf") for name in dask_files) and "site/index.html" in dask_files
        assert dask_files.keys() == local_files.keys(), job.pack_id
        differ = [name for name in dask_files if dask_files[name] != local_files[name]]
        assert not differ, f"{job.pack_id}: {differ}"

    # The shared folder is an output folder like any other: a new run (through the scheduler's address, as
    # the command line gives it) skips what is up to date, and the workers see content changed since the last
    # run: only Honduras' packs are rebuilt.
    profile = minimal_root / "curriculum" / "contexts" / "countries" / "HN.yml"
    profile.write_text(profile.read_text().replace("name: Honduras", "name: Republic of Honduras"))
    again = run_dask(jobs, cluster.scheduler_address, Progress(len(jobs), quiet=True), str(tmp_path / "dask"))
    assert {r.pack_id: r.status for r in again} == {j.pack_id: "built" if ".hn." in j.pack_id else "skipped"
                                                    for j in jobs}
    index = tmp_path / "dask" / "sample.labour-inspectors.garment-textile.hn.en.participant" / "site" / "index.html"
    assert "Republic of Honduras" in index.read_text(encoding="utf-8")


def test_dask_uploads_to_an_fsspec_url(cluster, minimal_root, tmp_path):
    """A URL (here file://, which goes through fsspec as s3:// does): each worker builds in its scratch
    folder and uploads; the catalogue is written at the URL and lists only the packs that have a stamp."""
    url = (tmp_path / "store").as_uri()
    fs, base = fsspec.core.url_to_fs(url)
    jobs = [j for j in jobs_for(minimal_root, tmp_path / "unused", sector="agriculture")
            if j.pack_id.endswith(".participant")]
    local = by_id(run_local(jobs, 1, Progress(len(jobs), quiet=True)))
    remote = by_id(run_dask(jobs, cluster, Progress(len(jobs), quiet=True), output_url=url))
    assert {r.status for r in remote.values()} == {"built"}
    for job in jobs:
        assert snapshot(tmp_path / "store" / job.pack_id) == snapshot(tmp_path / "unused" / job.pack_id)
        assert remote[job.pack_id].files == local[job.pack_id].files

    write_catalogue(url, list(remote.values()))  # what `coursepack matrix --scheduler … -o URL` does next
    manifest = json.loads(fs.cat_file(f"{base}/manifest.json"))
    assert sorted(p["id"] for p in manifest["packs"]) == sorted(j.pack_id for j in jobs)
    index = fs.cat_file(f"{base}/index.html").decode()
    assert all(f'href="{j.pack_id}/site/index.html"' in index for j in jobs)
    fs.rm_file(f"{base}/{jobs[0].pack_id}/.coursepack.json")  # a pack being re-uploaded
    write_catalogue(url, [])
    manifest = json.loads(fs.cat_file(f"{base}/manifest.json"))
    assert [p["id"] for p in manifest["packs"]] == [jobs[1].pack_id]


def test_upload_replaces_the_pack_and_writes_the_stamp_last(tmp_path):
    fs = fsspec.filesystem("memory")
    pack = tmp_path / "p"
    (pack / "site").mkdir(parents=True)
    (pack / "site" / "index.html").write_text("v1")
    (pack / "old.pdf").write_text("old")
    (pack / ".coursepack.json").write_text('{"digest": "1"}')
    url = "memory://coursepack-upload/p"
    try:
        assert upload_pack(pack, url)
        assert not upload_pack(pack, url)  # same stamp: nothing sent
        (pack / "old.pdf").unlink()
        (pack / "site" / "index.html").write_text("v2")
        (pack / ".coursepack.json").write_text('{"digest": "2"}')
        assert upload_pack(pack, url)
        assert sorted(fs.find("/coursepack-upload/p")) == ["/coursepack-upload/p/.coursepack.json",
                                                           "/coursepack-upload/p/site/index.html"]
        assert fs.cat_file("/coursepack-upload/p/site/index.html") == b"v2"
    finally:
        fs.rm("/coursepack-upload", recursive=True)


def test_an_upload_stopped_half_way_is_never_published_and_the_next_one_completes(tmp_path, monkeypatch):
    """Stopped (test-only fault hook) with the new files sent and the old ones not yet removed: the pack has no
    stamp, so the catalogue does not list it; the next upload leaves exactly the new files."""
    from build_tools.pipeline.publish import FAULT, FaultInjected

    fs = fsspec.filesystem("memory")
    pack = tmp_path / "p"
    (pack / "site").mkdir(parents=True)
    (pack / "site" / "index.html").write_text("v1")
    (pack / "v1.pdf").write_text("only in v1")
    (pack / ".coursepack.json").write_text('{"digest": "1"}')
    url = "memory://coursepack-stopped/p"
    try:
        assert upload_pack(pack, url)
        (pack / "v1.pdf").unlink()
        (pack / "v2.pdf").write_text("only in v2")
        (pack / "site" / "index.html").write_text("v2")
        (pack / ".coursepack.json").write_text('{"digest": "2"}')
        monkeypatch.setenv(FAULT, "mid-upload raise p")
        with pytest.raises(FaultInjected):
            upload_pack(pack, url)
        assert not fs.exists("/coursepack-stopped/p/.coursepack.json")  # neither v1 nor v2: not published
        assert fs.exists("/coursepack-stopped/p/v1.pdf") and fs.exists("/coursepack-stopped/p/v2.pdf")
        write_catalogue("memory://coursepack-stopped", [])
        assert json.loads(fs.cat_file("/coursepack-stopped/manifest.json")) == {"packs": []}
        monkeypatch.delenv(FAULT)
        assert upload_pack(pack, url)
        arrived = {p.removeprefix("/coursepack-stopped/p/"): fs.cat_file(p) for p in fs.find("/coursepack-stopped/p")}
        assert arrived == snapshot(pack)
    finally:
        fs.rm("/coursepack-stopped", recursive=True)


def test_a_failing_pack_does_not_stop_the_others(cluster, minimal_root, tmp_path):
    module = minimal_root / "modules" / "intro.yml"
    module.write_text(module.read_text().replace(
        "    facilitator_notes:",
        "    variants:\n      - when: {country: HN}\n        body: |\n          ![x](assets/missing.png)\n"
        "    facilitator_notes:"))
    jobs = [job for job in jobs_for(minimal_root, tmp_path / "out") if job.pack_id.endswith(".participant")]
    progress = Progress(len(jobs), quiet=True)
    from distributed import Client

    with Client(cluster) as client:  # a client of the caller's: used, and left open
        results = by_id(run_dask(jobs, client, progress))
        assert client.status == "running"

    assert progress.done == 2 and progress.counts == {"built": 1, "skipped": 0, "failed": 1}
    bd, hn = (f"sample.labour-inspectors.garment-textile.{c}.en.participant" for c in ("bd", "hn"))
    assert results[bd].status == "built" and (tmp_path / "out" / bd / "site" / "index.html").exists()
    assert results[hn].status == "failed" and not (tmp_path / "out" / hn).exists()
    assert any("missing.png" in p for p in results[hn].problems), results[hn].problems


def test_shards_split_the_matrix(minimal_root, tmp_path):
    keys = expand(load_repo(minimal_root).catalogue.courses["sample"])
    shards = [plan(keys, minimal_root, tmp_path, FORMATS, shard=(k, 3)) for k in (1, 2, 3)]
    ids = [job.pack_id for shard in shards for job in shard]
    assert sorted(ids) == sorted(k.id for k in keys)  # every pack in exactly one shard
    assert [len(shard) for shard in shards] == [6, 6, 4]  # 8 edition groups: 3, 3 and 2
    for shard in shards:  # a pack's two editions in the same shard
        groups = {job.pack_id.rsplit(".", 1)[0] for job in shard}
        assert sorted(job.pack_id for job in shard) == sorted(f"{g}.{e}" for g in groups
                                                              for e in ("facilitator", "participant"))
    for shard in shards:  # the long facilitator jobs first, each shard on its own
        editions = [job.pack_id.rsplit(".", 1)[1] for job in shard]
        assert editions == sorted(editions, key=lambda e: e != "facilitator"), editions
