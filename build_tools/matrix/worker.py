"""One Dask job of the matrix, in a process of its own: ``python -m build_tools.matrix.worker``.

A Dask worker runs its tasks in threads (one per core by default), and Sphinx is not thread-safe; so a task
(:func:`build_tools.matrix.distributed.run_group`) only starts this process and waits for it. The process
reads its request (JSON) on stdin: the content folder (an unpacked snapshot, see :mod:`.snapshot`), the
jobs (a pack's editions, built one after the other so that the participant pack reuses the manual the
facilitator pack laid out), where to build, and the output URL to upload to, if any. It writes one result
per job (JSON) on stdout, each as soon as it is known, so that the task keeps them even if the process is
stopped later. Each job runs in this process's main thread, under ``--timeout`` as a local job does.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from dataclasses import asdict, replace
from pathlib import Path

from .jobs import Job, JobResult, run_job


def up_to_date_at(url: str, job: Job, root: Path) -> JobResult | None:
    """The result of a skip if the stamp at ``url/<pack>`` names this pack's digest and formats (the stamp is
    written last, so a pack that has one is complete: see ``upload_pack``); None if it must be built."""
    import fsspec

    from ..content.repository import load_repo
    from ..pipeline.build import pack_digest, pack_formats, resolve_pack
    from ..pipeline.layout import STAMP
    from ..resolve.keys import PackKey

    fs, base = fsspec.core.url_to_fs(f"{url.rstrip('/')}/{job.pack_id}")
    try:
        data = json.loads(fs.cat_file(f"{base}/{STAMP}"))
    except (OSError, ValueError):
        return None
    repo = load_repo(root)
    pack = resolve_pack(repo, PackKey.parse(job.pack_id))
    formats = pack_formats(pack, job.formats)
    if data.get("digest") != pack_digest(repo, pack) or not set(formats) <= set(data.get("formats", ())) \
            or ("html" in formats and data.get("languages") != list(pack.course.languages)):
        return None
    return JobResult(job.pack_id, "skipped", data["digest"],
                     {name: f"{job.pack_id}/{rel}" for name, rel in data.get("files", {}).items()})


def _die_with_parent(parent: int) -> None:
    """Be killed with the Dask worker that started this process (Linux), so that a worker killed mid-run
    leaves no build running on after its task was given to another worker."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    if os.getppid() != parent:  # it died before that
        os._exit(1)


def main() -> int:
    request = json.load(sys.stdin)
    _die_with_parent(request["parent"])
    results, sys.stdout = sys.stdout, sys.stderr  # whatever a library prints is not taken for a result
    root, url, scratch = Path(request["root"]), request.get("url"), request.get("scratch")
    for fields in request["jobs"]:
        job = replace(Job(**{**fields, "formats": tuple(fields["formats"]) if fields["formats"] else None}),
                      root=str(root))
        result = None
        if url:
            job = replace(job, out=scratch)
            if not job.force:
                result = up_to_date_at(url, job, root)
        if result is None:
            result = run_job(job)
            if url and result.status != "failed":
                from .distributed import upload_pack

                upload_pack(Path(scratch) / job.pack_id, f"{url.rstrip('/')}/{job.pack_id}")
        print(json.dumps(asdict(result)), file=results, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
