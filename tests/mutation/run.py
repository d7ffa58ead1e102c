"""Plant each fault of ``faults.py`` in a copy of the repository, run the tests that must catch it, report.

    python tests/mutation/run.py                 # every fault (about half an hour on 2 cores)
    python tests/mutation/run.py breaks recover  # only these
    python tests/mutation/run.py --list

A fault is ``killed`` when its tests fail, ``survived`` when they pass (the suite would let that bug
through), ``timeout`` when they run over half an hour, ``stale`` when its original snippet is no longer
in the code (update ``faults.py``), ``no test`` when none of its test files exists. The exit status is 1
unless every fault asked for is killed.

The working tree is never changed: each fault is planted in a fresh copy of the files git knows (tracked and
untracked, as they are now), and the tests run there with this Python. See docs/testing.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faults import FAULTS, Fault  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 1800
"""Seconds a fault's tests may take."""


def copy_repo(target: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = REPO / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    modules = REPO / "tests" / "node" / "node_modules"
    if modules.is_dir():  # the browser tests' npm packages, as installed
        (target / "tests" / "node" / "node_modules").symlink_to(modules)


def run(fault: Fault, keep_output: bool) -> tuple[str, float, str]:
    """(status, seconds, the last lines pytest printed)."""
    tests = [t for t in fault.tests if (REPO / t.split("::")[0]).exists()]
    if not tests:
        return "no test", 0.0, ""
    with tempfile.TemporaryDirectory(prefix=f"coursepack-mutant-{fault.name}-") as tmp:
        copy = Path(tmp)
        copy_repo(copy)
        path = copy / fault.path
        text = path.read_text(encoding="utf-8")
        if text.count(fault.original) != 1:
            return "stale", 0.0, f"{fault.path}: the original snippet is not there once"
        path.write_text(text.replace(fault.original, fault.faulty), encoding="utf-8")
        started = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                                  cwd=copy, capture_output=True, text=True, timeout=TIMEOUT,
                                  env={**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"})
        except subprocess.TimeoutExpired:
            return "timeout", TIMEOUT, f"the tests ran over {TIMEOUT} s: a fault that makes them hang is not caught"
        seconds = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    failed = [line for line in lines if line.startswith(("FAILED ", "ERROR "))]
    tail = "\n".join(lines[-40:] if keep_output else failed[:1] or lines[-3:])
    status = {0: "survived", 1: "killed"}.get(done.returncode, f"error (pytest exit {done.returncode})")
    return status, seconds, tail


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="faults to plant (default: all)")
    parser.add_argument("--list", action="store_true", help="list the faults and their tests")
    parser.add_argument("-v", "--verbose", action="store_true", help="show more of pytest's output")
    args = parser.parse_args(argv)
    unknown = set(args.names) - {f.name for f in FAULTS}
    if unknown:
        parser.error(f"unknown fault(s): {', '.join(sorted(unknown))} (see --list)")
    chosen = [f for f in FAULTS if not args.names or f.name in args.names]
    if args.list:
        for f in chosen:
            print(f"{f.name:<30} {f.what}\n{'':<30} {f.path} → {' '.join(f.tests)}")
        return 0
    results = []
    for f in chosen:
        status, seconds, tail = run(f, args.verbose)
        results.append((f, status))
        print(f"{status:<10} {seconds:6.0f} s  {f.name}: {f.what}", flush=True)
        if tail:
            print("\n".join(f"{'':20}{line}" for line in tail.splitlines()), flush=True)
    killed = sum(s == "killed" for _, s in results)
    print(f"{killed} of {len(results)} faults killed"
          + "".join(f"; {s}: {', '.join(f.name for f, t in results if t == s)}"
                    for s in sorted({s for _, s in results} - {"killed"})))
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
