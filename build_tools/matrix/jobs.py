"""Many packs: every pack of one or more courses, in worker processes, skipping what is up to date.

Each pack is an independent job (:func:`run_job`), so the same jobs run in local processes here and on a
Dask cluster (:mod:`build_tools.matrix.distributed`). A worker loads the repository once and keeps it for all
its jobs (a local worker is forked with the repository the command already loaded and checked).
Facilitator packs go first: each lays out the participant manual its page references need, which the
participant pack of the same country then finds laid out (see :mod:`build_tools.printing.cache`). So the
long jobs come first and the short ones last, and the workers finish close together.

After the run, ``OUT/manifest.json`` lists every pack with its dimensions, digest and outputs, and
``OUT/index.html`` links them, for the people who publish the packs (at the URL, for a Dask matrix that
uploads to one).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import replacing
from ..errors import PackTimeout
from ..pipeline.layout import CATALOGUE_PAGE, MANIFEST, STAMP
from ..render.toolpages import tool_page
from ..resolve.keys import PackKey

_REPOS: dict[str, object] = {}


@dataclass(frozen=True)
class Job:
    """One pack to build; plain strings so it pickles to any worker."""

    pack_id: str
    root: str
    out: str
    formats: tuple[str, ...] | None = None
    """None: the course's outputs."""
    force: bool = False
    timeout: float | None = None
    """Seconds the build may take (see :func:`time_limit`); None: no limit."""


@dataclass
class JobResult:
    pack_id: str
    status: str
    """``built``, ``skipped`` (up to date) or ``failed``."""
    digest: str = ""
    files: dict[str, str] = field(default_factory=dict)
    """Output name → path relative to the output folder."""
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    peak_mib: float = 0.0
    """Peak resident memory of the worker process so far."""
    retried: int = 0
    """Times its Dask task started again because the worker running it died."""


def _repo(root: str):
    if root not in _REPOS:
        from ..content.repository import load_repo

        _REPOS[root] = load_repo(Path(root))
    return _REPOS[root]


def run_job(job: Job) -> JobResult:
    """Build one pack (or find it up to date). Never raises for a content problem: it is in the result."""
    from ..pipeline.build import build_pack
    from ..errors import CoursepackError, environment_failure, naming

    started = time.perf_counter()
    key = PackKey.parse(job.pack_id)
    built, problems = None, None
    try:
        with time_limit(job.timeout), naming(Path(job.out)):
            built = build_pack(_repo(job.root), key, Path(job.out), formats=job.formats, force=job.force)
    except PackTimeout:
        if built is None:  # (the limit may also run out just after the pack was built)
            problems = [f"stopped after {job.timeout:g} s (--timeout): this pack took too long to build; its "
                        f"earlier output, if any, is unchanged. Build it alone (`coursepack build "
                        f"{job.pack_id}`) to see where it spends its time"]
    except CoursepackError as exc:
        problems = exc.lines()
    except Exception as exc:  # the disk, a library… or a bug: report it with the pack rather than stop the matrix
        failure = environment_failure(exc)
        problems = [failure.format()] if failure else [f"internal error: {type(exc).__name__}: {exc}"]
    seconds = time.perf_counter() - started
    if problems is not None:
        result = JobResult(job.pack_id, "failed", problems=problems, seconds=seconds)
    else:
        files = {n: str(p.relative_to(job.out)) for n, p in built.files.items()}
        result = JobResult(job.pack_id, "skipped" if built.skipped else "built", built.digest, files, seconds)
    result.peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


@contextmanager
def time_limit(seconds: float | None):
    """Interrupt the block with :class:`PackTimeout` after ``seconds``: a matrix of thousands of packs must
    not wait for ever on one pathological pack (a huge table, say). Uses SIGALRM, so it applies in a
    process's main thread only: local workers run their jobs there; Dask runs them in worker threads,
    where the cluster's own limits apply instead.

    Python prints and drops an exception raised in a finalizer or a weak reference's callback, and the
    build would go on; an exception raised while a module is being imported leaves that module half made
    for every later job of the worker (a first ``import weasyprint`` cut short breaks every later manual).
    A signal that lands in either is tried again 10 ms later. The signal also comes again every second
    until the block ends, in case another such place drops it; a second is far longer than a stopped
    build needs to clean up (it removes its staging folder)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        if _must_wait(frame):
            signal.setitimer(signal.ITIMER_REAL, 0.01, _AGAIN)
            return
        raise PackTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds, _AGAIN)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_AGAIN = 1.0
"""Seconds between signals once the time limit has run out (see :func:`time_limit`)."""


def _must_wait(frame) -> bool:
    """Whether Python is running a ``__del__`` or a weak reference's callback (where it drops exceptions),
    or importing a module (which an exception would leave half made)."""
    while frame is not None:
        code = frame.f_code
        if code.co_name == "__del__" or code.co_filename.endswith(f"{os.sep}weakref.py") \
                or code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def plan(keys: list[PackKey], root: Path, out: Path, formats: tuple[str, ...] | None = None,
         shard: tuple[int, int] | None = None) -> list[Job]:
    """The jobs, facilitator editions first (see the module's docstring); with ``shard`` (K, N), only the
    K-th of N shares made by :func:`shares`."""
    ordered = sorted(keys)
    if shard:
        index, count = shard
        ordered = sorted(shares(ordered, count, formats)[index - 1])
    ordered.sort(key=lambda k: (k.edition != "facilitator", k))
    return [Job(k.id, str(root), str(out), formats) for k in ordered]


COST = {("html", "participant"): 1.5, ("html", "facilitator"): 1.5,
        ("pdf", "facilitator"): 15.0, ("pdf", "participant"): 0.5}
"""Expected CPU seconds of each format of each edition (docs/design.md, the benchmark's matrix: a facilitator
job about 17 s, most of it laying out the manuals, which the participant job then finds laid out; a
participant job about 2 s). Only the ratios matter: they balance the shards."""


def expected_cost(key: PackKey, formats: tuple[str, ...] | None) -> float:
    """The expected CPU seconds of one pack (see :data:`COST`; other formats re-pack the site: 0.5 s)."""
    return sum(COST.get((f, key.edition), 0.5) for f in (formats or ("html", "pdf")))


def group_of(pack_id: str) -> str:
    """The pack's id without its edition: the packs that share work (the participant pack reuses the
    manual its facilitator pack laid out)."""
    return pack_id.rsplit(".", 1)[0]


def shares(keys: list[PackKey], count: int, formats=None) -> list[list[PackKey]]:
    """``keys`` in ``count`` shares of whole edition groups, balanced by expected cost: the costliest group
    first, each to the share with the least so far (greedy; within a few per cent for hundreds of groups)."""
    groups: dict[str, list[PackKey]] = {}
    for key in sorted(keys):
        groups.setdefault(group_of(key.id), []).append(key)
    cost = {g: sum(expected_cost(k, formats) for k in ks) for g, ks in groups.items()}
    result: list[list[PackKey]] = [[] for _ in range(count)]
    load = [0.0] * count
    for g in sorted(groups, key=lambda g: (-cost[g], g)):
        lightest = min(range(count), key=lambda i: (load[i], i))
        result[lightest] += groups[g]
        load[lightest] += cost[g]
    return result


def edition_groups(jobs: list[Job]) -> list[list[Job]]:
    """The jobs by :func:`group_of`, each group's facilitator edition first, in the jobs' order."""
    groups: dict[str, list[Job]] = {}
    for job in jobs:
        groups.setdefault(group_of(job.pack_id), []).append(job)
    return [sorted(g, key=lambda j: not j.pack_id.endswith(".facilitator")) for g in groups.values()]


class Progress:
    """A progress line with counts and an ETA; a line per pack when not on a terminal."""

    def __init__(self, total: int, quiet: bool = False, stream=None):
        self.total, self.done, self.quiet, self.stream = total, 0, quiet, stream or sys.stderr
        self.started = time.perf_counter()
        self.counts = {"built": 0, "skipped": 0, "failed": 0}
        self.tty = self.stream.isatty()

    def update(self, result: JobResult) -> None:
        self.done += 1
        self.counts[result.status] += 1
        if self.quiet:
            return
        elapsed = time.perf_counter() - self.started
        eta = elapsed / self.done * (self.total - self.done)
        width = 24
        filled = int(width * self.done / self.total)
        bar = "#" * filled + "." * (width - filled)
        line = (f"[{bar}] {self.done}/{self.total} built {self.counts['built']} skipped {self.counts['skipped']} "
                f"failed {self.counts['failed']} · ETA {_duration(eta)} · {result.status} {result.pack_id}")
        if self.tty:
            self.stream.write("\r\x1b[2K" + line[:150])
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def run_local(jobs: list[Job], workers: int, progress: Progress, repo=None) -> list[JobResult]:
    """Run the jobs in ``workers`` processes (in this process when 1), reporting each as it finishes.
    ``repo``, the repository the jobs' root holds, if already loaded: forked workers inherit it."""
    results: list[JobResult] = []
    _REPOS.clear()  # the content may have changed since an earlier run in this process
    if repo is not None:
        _REPOS.update({job.root: repo for job in jobs})
    if workers <= 1:
        for job in jobs:
            results.append(run_job(job))
            progress.update(results[-1])
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending = {pool.submit(run_job, job) for job in jobs}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                results.append(future.result())
                progress.update(results[-1])
    return results


def summary(results: list[JobResult]) -> str:
    counts = {s: sum(r.status == s for r in results) for s in ("built", "skipped", "failed")}
    lines = [f"{'status':<8} {'seconds':>7}  pack", f"{'-' * 8} {'-' * 7}  {'-' * 40}"]
    for r in sorted(results, key=lambda r: (r.status != "failed", r.pack_id)):
        retried = f"  (retried {r.retried}x: a Dask worker died while building it)" if r.retried else ""
        lines.append(f"{r.status:<8} {r.seconds:>7.1f}  {r.pack_id}{retried}")
        lines += [f"{'':17}{line}" for p in r.problems[:5] for line in p.splitlines()]
        if len(r.problems) > 5:
            lines.append(f"{'':17}... and {len(r.problems) - 5} more")
    peak = max((r.peak_mib for r in results), default=0)
    lines.append(f"{counts['built']} built, {counts['skipped']} skipped as unchanged, {counts['failed']} failed; "
                 f"peak memory per worker {peak:.0f} MiB")
    return "\n".join(lines)


def write_catalogue(out: Path | str, results: list[JobResult]) -> None:
    """``manifest.json`` and ``index.html`` for every pack present in the output: a folder, or the fsspec
    URL a Dask matrix uploaded to (where a pack is present once its stamp is, see ``upload_pack``)."""
    read, present, write = _remote(out) if isinstance(out, str) and "://" in out else _local(Path(out))
    manifest = _load_manifest(read)
    for r in results:
        if r.status != "failed" and r.files:  # a pack with nothing to build keeps its entry as it was
            key = PackKey.parse(r.pack_id)
            manifest[r.pack_id] = {"id": r.pack_id, **key.as_dict(), "digest": r.digest, "outputs": r.files}
    packs = [manifest[k] for k in sorted(manifest) if present(k)]
    write(MANIFEST, json.dumps({"packs": packs}, indent=2, ensure_ascii=False) + "\n")
    rows = [{**p, "links": [(name, path) for name, path in sorted(p["outputs"].items())
                            if not name.startswith("handout-")]} for p in packs]
    write(CATALOGUE_PAGE, tool_page(__package__, "matrix-index.html.j2", packs=rows))


def _local(out: Path):
    """(read a file, is a pack there, write a file atomically) for an output folder."""

    def write(name: str, text: str) -> None:
        with replacing(out / name) as tmp:
            tmp.write_text(text, encoding="utf-8")

    return (lambda name: (out / name).read_text(encoding="utf-8"), lambda pack: (out / pack).exists(), write)


def _remote(url: str):
    """The same for an fsspec URL; writing one object is atomic on every store."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    return (lambda name: fs.cat_file(f"{root}/{name}").decode("utf-8"),
            lambda pack: fs.exists(f"{root}/{pack}/{STAMP}"),
            lambda name, text: fs.pipe_file(f"{root}/{name}", text.encode("utf-8")))


def _load_manifest(read) -> dict:
    try:
        return {p["id"]: p for p in json.loads(read(MANIFEST))["packs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
