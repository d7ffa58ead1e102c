"""The matrix on a Dask distributed cluster: the same :func:`~build_tools.matrix.jobs.run_job` jobs, other workers.

``coursepack matrix --scheduler tcp://HOST:PORT`` submits one task per pack and reports each result as it
completes. The outputs go to a shared location:

- a **path** (a file system every worker mounts, e.g. NFS): jobs build straight into it, exactly as local
  jobs do, with the same atomic promotion and the same skip of up-to-date packs;
- an **fsspec URL** (``s3://bucket/packs``, ``gs://…``, ``memory://…``): each worker builds into a scratch
  folder of its own and uploads the pack folder to ``<URL>/<pack-id>/`` (see :func:`upload_pack`).

Dask is imported only here, and only when called: coursepack runs without it
(``pip install 'coursepack[distributed]'`` adds it).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path

from ..pipeline.layout import STAMP
from ..pipeline.publish import fault
from . import jobs as matrix
from .jobs import Job, JobResult, Progress, run_job

_SCRATCH: list[Path] = []


def run_dask(jobs: list[Job], scheduler, progress: Progress, output_url: str | None = None) -> list[JobResult]:
    """Run ``jobs`` on a Dask cluster and return one result per job, in completion order.

    ``scheduler`` is a scheduler address (``tcp://HOST:PORT``), a ``distributed.Client``, or a cluster object
    such as ``distributed.LocalCluster``. ``output_url`` replaces each job's output folder: a path (shared by
    every worker) or an fsspec URL; None keeps the jobs' own ``out``. A job that fails, even by killing its
    worker, becomes a ``failed`` result: the other jobs carry on.
    """
    from distributed import Client, as_completed

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        client.run(_forget_repositories)
        remote = output_url is not None and "://" in output_url and not output_url.startswith("file://")
        if output_url is not None and not remote:
            jobs = [replace(job, out=str(Path(output_url.removeprefix("file://")).resolve())) for job in jobs]
        futures = {}
        for job in jobs:
            task, args = (run_and_upload, (job, output_url)) if remote else (run_job, (job,))
            future = client.submit(task, *args, key=f"{job.pack_id}-{uuid.uuid4().hex[:8]}", pure=False)
            futures[future] = job
        results = []
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 -- the worker died, or the upload failed: report it with the pack
                result = JobResult(futures[future].pack_id, "failed",
                                   problems=[f"worker error: {type(exc).__name__}: {exc}"])
            results.append(result)
            progress.update(result)
            future.release()
        return results
    finally:
        if client is not scheduler:
            client.close()


def _forget_repositories() -> None:
    """On every worker: drop the repositories loaded by earlier runs. Workers outlive a run, and a
    repository kept from the last one would build (and digest) yesterday's content."""
    matrix._REPOS.clear()


def run_and_upload(job: Job, output_url: str) -> JobResult:
    """On a worker: build the pack into this worker's scratch folder, then upload it to ``output_url``.

    The scratch folder lives as long as the worker process, so its work folders (Sphinx environments)
    and print cache (laid-out participant manuals) serve every later job of the same worker, as they do
    in a local output folder.
    """
    if not _SCRATCH:
        _SCRATCH.append(Path(tempfile.mkdtemp(prefix="coursepack-dask-")))
        atexit.register(shutil.rmtree, _SCRATCH[0], True)
    result = run_job(replace(job, out=str(_SCRATCH[0])))
    if result.status != "failed":
        upload_pack(_SCRATCH[0] / job.pack_id, f"{output_url.rstrip('/')}/{job.pack_id}")
    return result


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
    fs.put([str(folder / n) for n in names], [f"{root}/{n}" for n in names])  # concurrent on async stores
    fault("mid-upload", folder.name)
    keep = {f"{root}/{n}".strip("/") for n in names}
    stale = [p for p in fs.find(root) if p.strip("/") not in keep]
    if stale:
        fs.rm(stale)
    fs.pipe_file(stamp_url, stamp)
    return True
