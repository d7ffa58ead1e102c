"""The matrix on a Dask distributed cluster: the same :func:`~build_tools.matrix.jobs.run_job` jobs, other workers.

``coursepack matrix --scheduler tcp://HOST:PORT`` checks the cluster and the output location first
(:func:`connect`, :func:`check_output`: refused as environment errors before anything is built), then submits
one task per **edition group** (a pack's facilitator and participant editions: the participant pack reuses
the manual the facilitator pack laid out) and reports each pack as its group completes.

- **Safe on any worker**: a task builds its packs in a fresh process of its own (:mod:`.worker`), so a worker
  started with the default options (a thread per core) never runs two Sphinx builds in one process, and
  ``--timeout`` applies there as in a local worker (and the task kills the process if it outlives it).
- **Content travels with the job**: the client sends the snapshot of the content it validated
  (:mod:`.snapshot`) once to the cluster; each worker unpacks it into a cache named by its digest and
  refuses, naming both digests, content that is not the client's. Workers need no shared repository path.
- **Outputs**: a **path** every worker mounts (e.g. NFS): jobs build straight into it, as local jobs do;
  an **fsspec URL** (``s3://bucket/packs``, ``file:///srv/packs``…): each worker builds in a scratch folder
  of its own and uploads the pack to ``<URL>/<pack-id>/`` (:func:`upload_pack`); a pack whose stamp at the
  URL names its digest is skipped, whatever happened to the workers since.
- **Retries**: a worker that dies takes its task to another worker (the scheduler's own retry); the result
  says so (``retried``).

Dask is imported only here, and only when called: coursepack runs without it
(``pip install 'coursepack[distributed]'`` adds it).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from dataclasses import asdict, replace
from pathlib import Path

from ..errors import EXIT_IOERR, EXIT_UNAVAILABLE, EnvironmentFailure
from ..pipeline.layout import STAMP
from ..pipeline.publish import FAULT, fault
from . import snapshot
from .jobs import Job, JobResult, Progress, edition_groups

_SCRATCH: list[Path] = []
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for the scheduler before refusing."""
GRACE = 30.0
"""Seconds a job's process may outlive its packs' time limits (Python start, uploads) before it is killed."""


def connect(scheduler):
    """A ``distributed.Client`` of ``scheduler`` (an address, a client, or a cluster object);
    :class:`EnvironmentFailure` if Dask is not installed or the scheduler does not answer within 10 s."""
    try:
        from distributed import Client
    except ImportError:
        raise EnvironmentFailure(
            "Dask is not installed", None, "--scheduler runs the packs on a Dask cluster, which needs the "
            "`distributed` package in this environment", "install it with `pip install 'coursepack[distributed]'` "
            "(the same on every worker), or leave out --scheduler to build with local processes",
            EXIT_UNAVAILABLE) from None
    if isinstance(scheduler, Client):
        return scheduler
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise EnvironmentFailure(
            "cannot reach the Dask scheduler", str(getattr(scheduler, "scheduler_address", scheduler)),
            f"no answer within {CONNECT_TIMEOUT:g} s ({type(exc).__name__})",
            "start it (`dask scheduler`) or correct the address (tcp://HOST:PORT, port 8786 by default), "
            "check that this machine can reach that port, then run the same command again",
            EXIT_UNAVAILABLE) from None


def check_output(output: str) -> None:
    """Refuse an output location the workers cannot publish to, before anything is built: a URL of a store
    that lives in one process (``memory://``) or an unknown protocol, a parent folder that does not exist,
    a location that cannot hold a file (a test object is written and removed)."""
    hint = ("give a folder every worker mounts (e.g. on NFS), a file:// URL of one, or an object store URL "
            "such as s3://bucket/packs (with its fsspec package, e.g. s3fs, installed on the client and workers)")
    if "://" not in output:
        output = "file://" + str(Path(output).resolve())
    protocol = output.split("://", 1)[0]
    if protocol in ("memory", "local"):
        raise EnvironmentFailure("output location cannot hold the packs", output,
                                 f"{protocol}:// is a store of one process (or its own name for the local disk): "
                                 "the workers' uploads would not reach it", hint, EXIT_IOERR)
    try:
        import fsspec

        fs, root = fsspec.core.url_to_fs(output)
    except (ImportError, ValueError) as exc:
        raise EnvironmentFailure("output location cannot hold the packs", output, str(exc), hint,
                                 EXIT_UNAVAILABLE) from None
    parent = root.rstrip("/").rsplit("/", 1)[0]
    if protocol == "file" and parent and not fs.isdir(parent):
        raise EnvironmentFailure("output location cannot hold the packs", output,
                                 f"its parent folder {parent} does not exist",
                                 f"create {parent} (on every worker's mount) or choose another output", EXIT_IOERR)
    probe = f"{root.rstrip('/')}/.coursepack-probe-{uuid.uuid4().hex[:8]}"
    try:
        fs.makedirs(root, exist_ok=True)
        fs.pipe_file(probe, b"")
        fs.rm_file(probe)
    except Exception as exc:  # noqa: BLE001 -- any store's own error: the location cannot hold files
        raise EnvironmentFailure("output location cannot hold the packs", output,
                                 f"writing a test file failed ({type(exc).__name__}: {exc})", hint,
                                 EXIT_IOERR) from None


def run_dask(jobs: list[Job], scheduler, progress: Progress, output_url: str | None = None) -> list[JobResult]:
    """Run ``jobs`` on a Dask cluster and return one result per job, in completion order.

    ``scheduler`` is a scheduler address (``tcp://HOST:PORT``), a ``distributed.Client``, or a cluster object
    such as ``distributed.LocalCluster``. ``output_url`` replaces each job's output folder: a path (shared by
    every worker) or an fsspec URL; None keeps the jobs' own ``out``. A job that fails, even by killing its
    worker more than the scheduler allows, becomes a ``failed`` result: the other jobs carry on.
    """
    if output_url is not None:
        check_output(output_url)
    remote = output_url is not None and "://" in output_url
    if output_url is not None and not remote:
        jobs = [replace(job, out=str(Path(output_url).resolve())) for job in jobs]
    client = connect(scheduler)
    from distributed import as_completed

    if not jobs:  # (a shard with no packs)
        if client is not scheduler:
            client.close()
        return []

    try:
        blob, digest = snapshot.make(Path(jobs[0].root))
        # A task that returns the snapshot, rather than scattered data: the scheduler keeps the task, so the
        # snapshot is made again if every worker holding it dies (scattered data would be lost for good).
        content = client.submit(_content, blob, key=f"coursepack-content-{digest}", pure=False)
        env = {FAULT: os.environ[FAULT]} if os.environ.get(FAULT) else {}  # the tests' fault hook travels too
        futures = {}
        for group in edition_groups(jobs):
            key = f"coursepack-{group[0].pack_id.rsplit('.', 1)[0]}-{uuid.uuid4().hex[:8]}"
            future = client.submit(run_group, group, content, digest, output_url if remote else None, env,
                                   key=key, pure=False)
            futures[future] = group
        results = []
        for future in as_completed(futures):
            group = futures[future]
            retried = _retries(client, future.key)
            try:
                done = future.result()
            except Exception as exc:  # noqa: BLE001 -- the worker died too often, or the task failed
                done = [JobResult(job.pack_id, "failed", problems=[f"worker error: {type(exc).__name__}: {exc}"])
                        for job in group]
            for result in done:
                if retried:
                    result.retried = retried
                results.append(result)
                progress.update(result)
            future.release()
        return results
    finally:
        if client is not scheduler:
            client.close()


def _content(blob: bytes) -> bytes:
    return blob


def _retries(client, key) -> int:
    """How many times the scheduler restarted task ``key`` because the worker running it died."""
    def suspicious(dask_scheduler, key=key):
        task = dask_scheduler.tasks.get(key)
        return task.suspicious if task is not None else 0

    try:
        return int(client.run_on_scheduler(suspicious))
    except Exception:  # noqa: BLE001 -- only a note in the summary
        return 0


def run_group(group: list[Job], content: bytes, digest: str, output_url: str | None, env: dict) -> list[JobResult]:
    """On a worker: unpack (or find) the client's content, then build ``group`` in a process of its own
    (:mod:`.worker`); the results it reported, and a ``failed`` one for each job it did not finish."""
    root = snapshot.unpack(content, digest)
    request = {"root": str(root), "jobs": [asdict(job) for job in group], "url": output_url, "parent": os.getpid(),
               "scratch": str(_scratch()) if output_url else None}
    limits = [job.timeout for job in group]
    deadline = sum(limits) + GRACE if all(limits) else None
    process = subprocess.Popen([sys.executable, "-m", "build_tools.matrix.worker"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **env}, start_new_session=True)
    try:
        out, err = process.communicate(json.dumps(request), timeout=deadline)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
    results = [JobResult(**json.loads(line)) for line in out.splitlines() if line.startswith("{")]
    reported = {r.pack_id for r in results}
    for job in group:
        if job.pack_id not in reported:
            why = (f"stopped after {job.timeout:g} s (--timeout)" if process.returncode == -signal.SIGKILL
                   else f"its build process ended with code {process.returncode}")
            tail = [line for line in err.splitlines() if line.strip()][-5:]
            results.append(JobResult(job.pack_id, "failed", problems=[f"{why}: " + " | ".join(tail)]))
    return results


def _scratch() -> Path:
    """This worker process's scratch folder (builds before upload): its Sphinx environments and print
    cache serve every later job of the worker, as they do in a local output folder."""
    if not _SCRATCH:
        _SCRATCH.append(Path(tempfile.mkdtemp(prefix="coursepack-dask-")))
        atexit.register(shutil.rmtree, _SCRATCH[0], True)
    return _SCRATCH[0]


def upload_pack(folder: Path, url: str) -> bool:
    """Make ``url`` hold exactly the files of the pack ``folder``; False if it already did.

    Why the stamp goes last rather than upload-to-a-temporary-name-then-move: object stores (S3, GCS, Azure)
    have no rename, fsspec's ``mv`` there is a copy and a delete per object, so a "move" is neither atomic
    nor cheap (it doubles the traffic). What every store does give is an atomic write of one object. The
    stamp (see pipeline/layout.py: digest, formats, outputs) is the commit record: it is deleted first,
    then the files are written, files the new build no longer has are deleted, and the stamp is written
    last. A pack with a stamp is therefore complete and is the build the stamp names; a pack without one is
    being written (or its upload was interrupted) and must not be published — the next run rewrites it.
    When the stamp already there is byte-identical to the new one, the pack is up to date and nothing is
    sent. (The price: during a re-upload, the previous version is not readable as a whole.)
    """
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    stamp_url = f"{root}/{STAMP}"
    stamp = (folder / STAMP).read_bytes()
    if fs.exists(stamp_url):
        if fs.cat_file(stamp_url) == stamp:
            return False
        fs.rm_file(stamp_url)
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    names.remove(STAMP)
    for parent in sorted({f"{root}/{n}".rsplit("/", 1)[0] for n in names}):
        fs.makedirs(parent, exist_ok=True)  # (a no-op on object stores; the local disk needs the folders)
    fs.put([str(folder / n) for n in names], [f"{root}/{n}" for n in names])  # concurrent on async stores
    fault("mid-upload", folder.name)
    keep = {f"{root}/{n}".strip("/") for n in names}
    stale = [p for p in fs.find(root) if p.strip("/") not in keep]
    if stale:
        fs.rm(stale)
    fs.pipe_file(stamp_url, stamp)
    return True
