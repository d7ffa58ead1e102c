"""The matrix on a 2-worker local Dask cluster beside the local matrix with ``-j 2``, and what per-pack CPU
projects for a whole catalogue on a larger cluster.

    python benchmarks/dask_matrix.py [--countries 2] [--workers-projected 32]

A ``dask scheduler`` and two ``dask worker`` processes (default options) are started in a scratch folder,
as an operator would; the same packs (one course, audience and sector, N countries, both editions, html
and pdf) are built by ``coursepack matrix -j 2`` and by ``coursepack matrix --scheduler``, each into a fresh
folder. CPU seconds of the Dask side are the workers' (their build processes included) plus the client's.
The machine is shared and noisy: compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONTENT = ("modules", "curriculum", "templates", "conf.py", "pyproject.toml")
COURSE, AUDIENCE, SECTOR = "gsc-turin", "labour-inspectors", "garment-textile"
COUNTRIES = ["BD", "KH", "VN", "ID", "LK", "PK", "ET", "KE", "MA", "JO", "HN", "MX", "TR", "BR"]
TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pids: list[int]) -> float:
    """CPU seconds of these processes and their waited-for children (from /proc)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15]) / TICK  # utime stime cutime cstime
    return total


def children(pids: set[int]) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) in pids:
                    found.append(int(entry.name))
            except (OSError, ValueError):
                continue
    return found


def timed(argv: list[str], cwd: Path, extra_pids=()) -> tuple[float, float]:
    """(wall-clock s, CPU s) of one command, plus the CPU the ``extra_pids`` spent meanwhile."""
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    extra = list(extra_pids)
    before_extra = cpu_of(extra)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before_children.ru_utime) + (after.ru_stime - before_children.ru_stime)
    return wall, cpu + cpu_of(extra) - before_extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=2)
    parser.add_argument("--workers-projected", type=int, default=32)
    args = parser.parse_args()
    countries = ",".join(COUNTRIES[:args.countries])
    packs = args.countries * 2
    with tempfile.TemporaryDirectory(prefix="coursepack-dask-bench-") as scratch:
        home = Path(scratch)
        root = home / "repo"
        for name in CONTENT:
            (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
        dask = str(Path(sys.executable).with_name("dask"))
        log = (home / "cluster.log").open("w")
        scheduler = subprocess.Popen([dask, "scheduler", "--scheduler-file", "s.json", "--port", "0",
                                      "--dashboard-address", ":0"], cwd=home, stdout=log, stderr=log)
        workers = [subprocess.Popen([dask, "worker", "--scheduler-file", "s.json"], cwd=home, stdout=log,
                                    stderr=log) for _ in range(2)]
        try:
            while not (home / "s.json").exists():
                time.sleep(0.2)
            address = json.loads((home / "s.json").read_text())["address"]
            from distributed import Client

            with Client(address, timeout=60) as client:
                client.wait_for_workers(2, timeout=120)
            common = [sys.executable, "-m", "build_tools", "matrix", COURSE, "--audience", AUDIENCE, "--sector",
                      SECTOR, "--country", countries, "--format", "html,pdf", "--quiet", "--root", str(root)]
            local = timed([*common, "-j", "2", "-o", str(home / "local")], home)
            nannies = {w.pid for w in workers}
            remote = timed([*common, "--scheduler", address, "-o", str(home / "dask")], home,
                           extra_pids=children(nannies))
        finally:
            for process in [*workers, scheduler]:
                process.terminate()
            for process in [*workers, scheduler]:
                process.wait(60)
    per_pack = remote[1] / packs
    catalogue = 2100
    print(f"{packs} packs ({args.countries} countries x 2 editions, html+pdf)")
    print(f"{'':28} {'wall s':>8} {'CPU s':>8} {'CPU s/pack':>11}")
    print(f"{'matrix -j 2':28} {local[0]:8.1f} {local[1]:8.1f} {local[1] / packs:11.2f}")
    print(f"{'matrix on 2 Dask workers':28} {remote[0]:8.1f} {remote[1]:8.1f} {per_pack:11.2f}")
    print(f"Dask / -j 2: wall {remote[0] / local[0]:.2f}, CPU {remote[1] / local[1]:.2f}")
    hours = catalogue * per_pack / 3600
    print(f"projected: {catalogue} packs x {per_pack:.1f} CPU s = {hours:.1f} CPU hours; on "
          f"{args.workers_projected} single-core workers about {catalogue * per_pack / args.workers_projected / 60:.0f} min")


if __name__ == "__main__":
    main()
