"""The matrix on a real Dask cluster, as an operator starts one: a ``dask scheduler`` and two ``dask worker``
processes with the default options (a thread per core, a nanny), started from a folder that is not the
repository's; and the operator's mistakes, refused before anything is built."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from build_tools.content.repository import load_repo
from build_tools.matrix import snapshot
from build_tools.matrix.jobs import Progress, expected_cost, plan, run_local, summary
from build_tools.resolve.keys import PackKey, expand

from .conftest import run_cli

pytest.importorskip("distributed")
pytestmark = pytest.mark.filterwarnings("ignore:Port 8787 is already in use")
DASK = str(Path(sys.executable).with_name("dask"))


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


class Cluster:
    """A scheduler and two workers, each in its own process, started with the default options."""

    def __init__(self, home: Path):
        self.home, self.workers = home, []
        self.file = home / "scheduler.json"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the installed coursepack only
        self.scheduler = subprocess.Popen([DASK, "scheduler", "--scheduler-file", str(self.file), "--port", "0"],
                                          cwd=home, env=env, stdout=subprocess.DEVNULL,
                                          stderr=(home / "scheduler.log").open("w"))
        for n in (1, 2):  # each worker its own content cache, so that a test can change one
            cache = home / f"cache-{n}"
            self.workers.append(subprocess.Popen(
                [DASK, "worker", "--scheduler-file", str(self.file)], cwd=home,
                env={**env, "COURSEPACK_CONTENT_CACHE": str(cache)},
                stdout=subprocess.DEVNULL, stderr=(home / f"worker-{n}.log").open("w")))
        from distributed import Client

        until = time.monotonic() + 120
        while not self.file.exists():
            assert time.monotonic() < until, "the scheduler did not start"
            time.sleep(0.2)
        self.address = json.loads(self.file.read_text())["address"]
        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            self.threads = sorted(client.nthreads().values())

    def caches(self) -> list[Path]:
        return [self.home / f"cache-{n}" for n in (1, 2)]

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            process.terminate()
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("dask-home"))
    try:
        yield cluster
    finally:
        cluster.close()


def packs(root: Path, country: str = "BD") -> list:
    """Both editions of one country's packs: four packs, two edition groups per audience."""
    return [k for k in expand(load_repo(root).catalogue.courses["sample"])
            if k.country == country and k.sector == "agriculture"]


def by_id(results):
    return {r.pack_id: r for r in results}


def test_default_workers_build_the_clients_content_byte_for_byte(cluster, minimal_root, tmp_path):
    from build_tools.matrix.distributed import run_dask

    assert cluster.threads and max(cluster.threads) >= 1  # the default: a thread per core
    jobs = plan(packs(minimal_root), minimal_root, tmp_path / "local", ("html",))
    local = by_id(run_local(jobs, 1, Progress(len(jobs), quiet=True)))
    dask = by_id(run_dask(jobs, cluster.address, Progress(len(jobs), quiet=True), str(tmp_path / "dask")))
    assert {r.status for r in dask.values()} == {"built"}, [r.problems for r in dask.values()]
    for job in jobs:
        assert dask[job.pack_id].digest == local[job.pack_id].digest
        assert tree(tmp_path / "dask" / job.pack_id) == tree(tmp_path / "local" / job.pack_id), job.pack_id

    # Content changed at the workers' side (every cached copy), then gone: the client's content is built.
    changed = 0
    for cache in cluster.caches():
        for intro in cache.glob("*/modules/intro.yml"):
            intro.write_text(intro.read_text().replace("Draw the chain.", "Draw another chain."))
            changed += 1
    assert changed  # (the worker that built unpacked it there)
    for step in ("changed", "gone"):
        if step == "gone":
            for cache in cluster.caches():
                shutil.rmtree(cache, ignore_errors=True)
        again = by_id(run_dask(jobs, cluster.address, Progress(len(jobs), quiet=True), str(tmp_path / step)))
        for job in jobs:
            assert again[job.pack_id].status == "built", (step, again[job.pack_id].problems)
            assert again[job.pack_id].digest == local[job.pack_id].digest, step
            assert tree(tmp_path / step / job.pack_id) == tree(tmp_path / "local" / job.pack_id), step


def test_content_that_is_not_the_clients_is_refused_naming_both_digests(cluster, minimal_root, tmp_path,
                                                                        monkeypatch):
    from build_tools.matrix import distributed

    blob, digest = snapshot.make(minimal_root)
    other = "0" * 64
    with pytest.raises(snapshot.SnapshotMismatch) as refused:
        snapshot.unpack(blob, other, tmp_path / "cache")
    assert digest in str(refused.value) and other in str(refused.value)
    assert not (tmp_path / "cache" / other).exists() and not list((tmp_path / "cache").iterdir())

    # on the cluster: each pack failed, the refusal in its problems, nothing built
    monkeypatch.setattr(distributed.snapshot, "make", lambda root: (blob, other))
    jobs = plan(packs(minimal_root)[:2], minimal_root, tmp_path / "out", ("html",))
    results = distributed.run_dask(jobs, cluster.address, Progress(len(jobs), quiet=True), str(tmp_path / "out"))
    assert {r.status for r in results} == {"failed"}
    assert all(digest in r.problems[0] and other in r.problems[0] for r in results), results[0].problems
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith("sample.")]


def test_timeout_stops_a_pack_on_a_dask_worker(cluster, minimal_root, tmp_path, monkeypatch):
    """The slow pack hangs where its build starts (the test-only fault hook, sent with the job): the limit
    runs out there, whatever the machine's speed; its edition partner and the other packs are built."""
    from dataclasses import replace

    from build_tools.matrix.distributed import run_dask
    from build_tools.pipeline.publish import FAULT

    jobs = plan(packs(minimal_root)[:4], minimal_root, tmp_path, ("html",))
    jobs[0] = replace(jobs[0], timeout=2.0)  # (a limit the others, on a loaded machine, might reach too)
    slow = jobs[0].pack_id
    monkeypatch.setenv(FAULT, f"build-start hang {slow}")
    results = by_id(run_dask(jobs, cluster.address, Progress(len(jobs), quiet=True), str(tmp_path / "out")))
    assert results[slow].status == "failed" and "stopped after 2 s (--timeout)" in results[slow].problems[0]
    assert {p: r.status for p, r in results.items() if p != slow} == {j.pack_id: "built" for j in jobs[1:]}, \
        [r.problems for r in results.values()]
    assert "stopped after 2 s (--timeout)" in summary(list(results.values()))
    assert not (tmp_path / "out" / slow).exists()


def test_a_rerun_to_a_url_after_the_workers_restart_skips_every_pack(cluster, minimal_root, tmp_path):
    from distributed import Client

    from build_tools.matrix.distributed import run_dask

    url = (tmp_path / "published").as_uri()
    jobs = plan(packs(minimal_root, "HN"), minimal_root, tmp_path / "unused", ("html",))
    first = run_dask(jobs, cluster.address, Progress(len(jobs), quiet=True), url)
    assert {r.status for r in first} == {"built"}
    published = {j.pack_id: tree(tmp_path / "published" / j.pack_id) for j in jobs}
    with Client(cluster.address, timeout=30) as client:
        client.restart(wait_for_workers=True)  # new worker processes: no scratch folder, no cache
        client.wait_for_workers(2, timeout=120)
    again = run_dask(jobs, cluster.address, Progress(len(jobs), quiet=True), url)
    assert {r.pack_id: r.status for r in again} == {j.pack_id: "skipped" for j in jobs}
    assert by_id(again).keys() == by_id(first).keys()
    assert all(by_id(again)[p].files == by_id(first)[p].files for p in published)
    assert {j.pack_id: tree(tmp_path / "published" / j.pack_id) for j in jobs} == published


def _build_processes() -> dict[int, int]:
    """pid → parent pid of every running ``build_tools.matrix.worker`` process."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"build_tools.matrix.worker" in (entry / "cmdline").read_bytes():
                found[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return found


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_a_worker_killed_mid_run_has_its_packs_built_elsewhere_and_says_so(cluster, minimal_root, tmp_path):
    from build_tools.matrix.distributed import run_dask

    nannies = {w.pid for w in cluster.workers}
    jobs = plan(packs(minimal_root) + packs(minimal_root, "HN"), minimal_root, tmp_path, ("html",))
    done = []
    run = threading.Thread(target=lambda: done.append(
        run_dask(jobs, cluster.address, Progress(len(jobs), quiet=True), str(tmp_path / "out"))))
    run.start()
    killed = None
    until = time.monotonic() + 300
    while killed is None and run.is_alive() and time.monotonic() < until:
        for pid, worker in _build_processes().items():  # a build of this cluster's: kill its worker
            if _parent(worker) in nannies:
                os.kill(worker, signal.SIGKILL)
                killed = pid
                break
        time.sleep(0.02)
    run.join(600)
    assert killed is not None, "no build process seen"
    results = by_id(done[0])
    assert {r.status for r in results.values()} == {"built"}, [r.problems for r in results.values()]
    retried = {p for p, r in results.items() if r.retried}
    # the groups the killed worker was building (one per thread of it): both editions of each
    assert retried and all(f"{p.rsplit('.', 1)[0]}.{e}" in retried for p in retried
                           for e in ("facilitator", "participant"))
    text = summary(list(results.values()))
    assert all(f"{p}  (retried" in text for p in retried)
    with __import__("distributed").Client(cluster.address, timeout=30) as client:
        client.wait_for_workers(2, timeout=120)  # the nanny restarted it


def test_shards_keep_editions_together_balanced_and_merge_to_the_unsharded_catalogue(minimal_root, capsys,
                                                                                   tmp_path):
    keys = [k for k in expand(load_repo(minimal_root).catalogue.courses["sample"])
            if not (k.audience == "workers-organizations" and k.sector == "agriculture")]
    assert len(keys) == 12
    for formats in (None, ("html",), ("html", "pdf", "scorm12")):
        shards = [plan(keys, minimal_root, tmp_path, formats, shard=(k, 2)) for k in (1, 2)]
        assert sorted(j.pack_id for s in shards for j in s) == sorted(k.id for k in keys)
        costs = []
        for shard in shards:
            ids = {j.pack_id for j in shard}
            assert all(p.rsplit(".", 1)[0] + ".facilitator" in ids and p.rsplit(".", 1)[0] + ".participant" in ids
                       for p in ids), formats
            costs.append(sum(expected_cost(PackKey.parse(j.pack_id), formats) for j in shard))
        assert max(costs) <= 1.3 * min(costs), (formats, costs)

    common = ["--format", "html", "--quiet", "--root", str(minimal_root), "--country", "BD"]
    # (the country filter keeps it to six packs to build; sharding works on whatever is selected)
    assert run_cli(capsys, "matrix", "sample", "-j", "2", "-o", str(tmp_path / "whole"), *common)[0] == 0
    for k in (1, 2):
        code, out, _ = run_cli(capsys, "matrix", "sample", "-j", "2", "--shard", f"{k}/2",
                               "-o", str(tmp_path / f"shard{k}"), *common)
        assert code == 0, out
    code, out, _ = run_cli(capsys, "matrix", "--merge", str(tmp_path / "shard1"), str(tmp_path / "shard2"),
                           "-o", str(tmp_path / "merged"), "--root", str(minimal_root))
    assert code == 0, out
    for name in ("manifest.json", "index.html"):
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    for pack in json.loads((tmp_path / "whole" / "manifest.json").read_text())["packs"]:
        assert tree(tmp_path / "merged" / pack["id"]) == tree(tmp_path / "whole" / pack["id"])


@pytest.mark.parametrize("output, what", [
    ("memory://packs", "memory:// is a store of one process"),
    ("local://{tmp}/packs", "local:// is a store of one process"),
    ("{tmp}/missing/packs", "parent folder"),
    ("file://{tmp}/missing/packs", "parent folder"),
])
def test_an_output_that_cannot_hold_the_packs_is_refused_before_building(output, what, minimal_root, capsys,
                                                                          tmp_path):
    code, out, err = run_cli(capsys, "matrix", "sample", "--scheduler", "tcp://127.0.0.1:9", "--format", "html",
                             "-o", output.format(tmp=tmp_path), "--root", str(minimal_root))
    assert code == 74 and what in err and "hint:" in err and "internal error" not in err, err
    assert not (minimal_root / "_build").exists()


def test_an_unreachable_scheduler_and_a_missing_dask_are_environment_errors(minimal_root, capsys, tmp_path,
                                                                            monkeypatch):
    from build_tools.matrix import distributed

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 1.0)
    code, out, err = run_cli(capsys, "matrix", "sample", "--scheduler", "tcp://127.0.0.1:9", "--format", "html",
                             "-o", str(tmp_path / "out"), "--root", str(minimal_root))
    assert code == 69 and "cannot reach the Dask scheduler: tcp://127.0.0.1:9" in err and "dask scheduler" in err
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith("sample.")]
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed: ImportError
    code, out, err = run_cli(capsys, "matrix", "sample", "--scheduler", "tcp://127.0.0.1:9", "--format", "html",
                             "-o", str(tmp_path / "out"), "--root", str(minimal_root))
    assert code == 69 and "Dask is not installed" in err and "coursepack[distributed]" in err, err


def test_the_command_line_builds_on_the_cluster_and_writes_the_catalogue_at_the_url(cluster, minimal_root,
                                                                                     capsys, tmp_path):
    url = (tmp_path / "site").as_uri()
    args = ("matrix", "sample", "--scheduler", cluster.address, "-o", url, "--format", "html", "--country", "HN",
            "--audience", "labour-inspectors", "--quiet", "--root", str(minimal_root))
    code, out, err = run_cli(capsys, *args)
    assert code == 0, out + err
    manifest = json.loads((tmp_path / "site" / "manifest.json").read_text())
    ids = sorted(p["id"] for p in manifest["packs"])
    assert len(ids) == 4 and all((tmp_path / "site" / p / ".coursepack.json").is_file() for p in ids)
    assert "4 built, 0 skipped" in out and f"catalogue: {url}/index.html" in out
    code, out, err = run_cli(capsys, *args)
    assert code == 0 and "0 built, 4 skipped" in out, out + err
