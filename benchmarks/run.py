"""Benchmark of coursepack's build pipeline, measured side by side in one run (medians and ratios).

    python benchmarks/run.py [--runs 3] [--countries 10] [--skip-matrix]

1. One pack cold (site + participant manual + facilitator guide) against plain `sphinx-build` plus the
   `weasyprint` command on the same generated sources and print HTML.
2. A no-op rebuild, and a rebuild after one session changed, against the cold build.
3. A matrix of one course in N countries, both editions, with -j 2, against N independent cold builds
   (`coursepack build COURSE ... --country X`, both editions each), one after the other; the two
   alternate, run after run. CPU seconds are shown beside the wall-clock ones: their ratio is the work
   the matrix saves, whatever share of the two cores the machine gives it.
4. Peak memory per matrix worker.
5. The PDF stage: pages per second of coursepack's print stage against WeasyPrint alone on the same HTML.

Everything runs as separate processes, as a user would run it, in a scratch copy of the repository.
The machine is shared and noisy: compare the ratios, not the seconds. On 2 cores, `--runs 3` takes about
20 minutes, 15 of them for the matrix comparison (`--skip-matrix` leaves it out).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COURSE, AUDIENCE, SECTOR, LANG = "gsc-turin", "labour-inspectors", "garment-textile", "en"
COUNTRIES = ["BD", "KH", "VN", "ID", "LK", "PK", "ET", "KE", "MA", "JO", "HN", "MX", "TR", "BR"]


def pack_id(country: str, edition: str) -> str:
    return f"{COURSE}.{AUDIENCE}.{SECTOR}.{country.lower()}.{LANG}.{edition}"


def run(*args: str, cwd: Path) -> float:
    """Seconds one command takes; it must succeed."""
    return measured(*args, cwd=cwd)[0]


def measured(*args: str, cwd: Path) -> tuple[float, float, str]:
    """Wall-clock seconds, CPU seconds (user + system, the command's worker processes included) and
    output of one command; it must succeed."""
    before = _cpu()
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"benchmark: {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed, _cpu() - before, done.stdout


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def coursepack(*args: str, cwd: Path) -> float:
    return run(sys.executable, "-m", "build_tools", *args, cwd=cwd)


def scratch_repo() -> Path:
    root = Path(tempfile.mkdtemp(prefix="coursepack-bench-")) / "repo"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("_build", ".git", ".venv", "node_modules", "tests"))
    return root


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_pack(root: Path, runs: int) -> dict:
    pack = pack_id("BD", "facilitator")
    build = ("build", pack, "--format", "html,pdf")
    cold, plain, noop, change = [], [], [], []
    module = root / "modules" / "osh.yml"  # in the Turin course, not translated: no translation goes stale
    original = module.read_text(encoding="utf-8")
    for i in range(runs):
        out = root / "_build"
        shutil.rmtree(out, ignore_errors=True)
        cold.append(coursepack(*build, "--force", cwd=root))
        noop.append(coursepack(*build, cwd=root))
        changed = original.replace("In June 2022, at its 110th Session,", f"In June 2022 (run {i}), at its 110th Session,")
        if changed == original:
            sys.exit("benchmark: the session text to change was not found in osh.yml")
        module.write_text(changed, encoding="utf-8")
        change.append(coursepack(*build, cwd=root))
        module.write_text(original, encoding="utf-8")
        plain.append(plain_build(root, out, pack))
    return {"cold": cold, "plain": plain, "noop": noop, "change": change}


def plain_build(root: Path, out: Path, pack: str) -> float:
    """sphinx-build on the pack's generated sources, then the weasyprint command on its two print HTMLs."""
    work = out / ".work" / pack
    target = Path(tempfile.mkdtemp(prefix="plain-"))
    seconds = run(sys.executable, "-m", "sphinx", "-q", "-b", "html", "-c", str(root), "-d",
                  str(target / "doctrees"), str(work / "src"), str(target / "html"), cwd=root)
    for edition in ("participant", "facilitator"):
        html = work / "print" / edition / "manual.html"
        seconds += run(sys.executable, "-m", "weasyprint", "--pdf-variant", "pdf/ua-1", str(html),
                       str(target / f"{edition}.pdf"), cwd=root)
    shutil.rmtree(target, ignore_errors=True)
    return seconds


def bench_matrix(root: Path, countries: list[str], runs: int) -> dict:
    out = root / "_build"
    result = {"independent": [], "matrix": [], "independent_cpu": [], "matrix_cpu": [], "peak_mib": []}
    for _ in range(runs):
        wall = cpu = 0.0
        for country in countries:  # both editions of each country: what a trainer runs for one country
            shutil.rmtree(root / "_alone", ignore_errors=True)  # each build is cold: no cache from the last
            seconds, used, _ = measured(
                sys.executable, "-m", "build_tools", "build", COURSE, "--audience", AUDIENCE, "--sector", SECTOR,
                "--country", country, "--lang", LANG, "--format", "html,pdf", "--force", "--output",
                str(root / "_alone"), cwd=root)
            wall, cpu = wall + seconds, cpu + used
        shutil.rmtree(root / "_alone", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        seconds, used, stdout = measured(
            sys.executable, "-m", "build_tools", "matrix", COURSE, "-j", "2", "--quiet", "--format", "html,pdf",
            "--audience", AUDIENCE, "--sector", SECTOR, "--lang", LANG, "--country", ",".join(countries), cwd=root)
        for name, value in (("independent", wall), ("independent_cpu", cpu), ("matrix", seconds),
                            ("matrix_cpu", used), ("peak_mib", float(stdout.split("peak memory per worker ")[1].split()[0]))):
            result[name].append(value)
        print(f"   matrix run: {seconds:.0f} s against {wall:.0f} s -> {seconds / wall:.3f}", flush=True)
    return result


def bench_print(root: Path, runs: int) -> dict:
    """Pages per second: coursepack's print stage against WeasyPrint alone on the same HTML."""
    code = f"""
import sys, time, json
from pathlib import Path
from build_tools.content.repository import load_repo
from build_tools.resolve.keys import PackKey
from build_tools.resolve.localize import resolve_pack
from build_tools.printing.manuals import print_pack
import tempfile, weasyprint
repo = load_repo(Path({str(root)!r}))
pack = resolve_pack(repo, PackKey.parse({pack_id('BD', 'participant')!r}))
ours, alone, pages = [], [], 0
for _ in range({runs}):
    t = tempfile.mkdtemp()
    start = time.perf_counter()
    files = print_pack(repo, pack, Path(t) / "out", Path(t) / "work", Path(t) / "cache")
    ours.append(time.perf_counter() - start)
    html = Path(t) / "work" / "participant" / "manual.html"
    start = time.perf_counter()
    doc = weasyprint.HTML(filename=str(html)).render(pdf_variant="pdf/ua-1")
    doc.write_pdf(Path(t) / "alone.pdf", pdf_variant="pdf/ua-1")
    alone.append(time.perf_counter() - start)
    pages = len(doc.pages)
print(json.dumps({{"ours": ours, "alone": alone, "pages": pages}}))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"benchmark: print stage failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of each pack-level measurement (default 3)")
    parser.add_argument("--countries", type=int, default=10, help="countries in the matrix (default 10)")
    parser.add_argument("--skip-matrix", action="store_true", help="leave out the (long) matrix comparison")
    args = parser.parse_args()
    root = scratch_repo()
    os.environ["PYTHONPATH"] = str(root) + os.pathsep + os.environ.get("PYTHONPATH", "")
    print(f"coursepack benchmark: {args.runs} run(s), scratch repository {root}", flush=True)

    p = bench_pack(root, args.runs)
    cold, plain = median(p["cold"]), median(p["plain"])
    print(f"\n1. one pack cold (site + both PDFs): coursepack {cold:.1f} s, plain sphinx-build + weasyprint "
          f"{plain:.1f} s -> ratio {cold / plain:.3f} (target <= 1.10)")
    print(f"2. no-op rebuild {median(p['noop']):.2f} s = {median(p['noop']) / cold:.1%} of cold (target <= 3%); "
          f"one changed session {median(p['change']):.2f} s = {median(p['change']) / cold:.1%} of cold (target <= 25%)")
    pr = bench_print(root, args.runs)
    ours, alone = median(pr["ours"]), median(pr["alone"])
    print(f"5. print stage ({pr['pages']} pages): coursepack {pr['pages'] / ours:.1f} pages/s, WeasyPrint alone "
          f"{pr['pages'] / alone:.1f} pages/s -> ratio {alone / ours:.2f} (coursepack's speed / WeasyPrint's)")
    raw = dict(p)
    if not args.skip_matrix:
        m = bench_matrix(root, COUNTRIES[:args.countries], args.runs)
        matrix, independent = median(m["matrix"]), median(m["independent"])
        print(f"3. {args.countries}-country matrix, both editions, -j 2: {matrix:.0f} s; "
              f"{args.countries} independent cold builds: {independent:.0f} s -> ratio "
              f"{matrix / independent:.3f} (target <= 0.35); CPU seconds {median(m['matrix_cpu']):.0f} against "
              f"{median(m['independent_cpu']):.0f} -> {median(m['matrix_cpu']) / median(m['independent_cpu']):.3f}")
        print(f"4. peak memory per worker: {max(m['peak_mib']):.0f} MiB (target < 600)")
        raw.update(m)
    print("\nraw seconds:", json.dumps({k: [round(x, 2) for x in v] for k, v in raw.items()}))
    shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
