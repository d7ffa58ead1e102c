"""Benchmark of `coursepack serve`: how long after a trainer saves a session edit the browser shows it.

    python benchmarks/serve_latency.py [--edits 10] [--module global-supply-chains]

Starts `coursepack serve` (the sample pack, as a user would) in a scratch copy of the repository, opens
the page of the module's first session in Debian's Chromium (Playwright, ``/usr/bin/chromium``), then
edits that session's body ``--edits`` times, one save at a time. For each save it waits for the page to
reload by itself and measures, on the machine's one clock, the time from the save to the moment the
reloaded page, holding the new text, has parsed its document (the navigation's ``domContentLoadedEventEnd``).
Prints each latency, then the median, min, max and 90th percentile, and how it splits: from the save to
the push that tells of the rebuild (watching and rebuilding, read on a push channel of the benchmark's own),
and from the push to the page (the browser reloading).

The machine is shared: run it when it is quiet, and read the spread with the median.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FIRST_BODY = re.compile(r"^(\s+)body: \|\n(\s+)", re.M)
"""The start of the first session's body: each edit puts a paragraph of its own there."""


def scratch_copy(into: Path) -> Path:
    root = into / "repo"
    root.mkdir()
    for name in ("conf.py", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    for name in ("modules", "curriculum", "templates"):
        shutil.copytree(REPO / name, root / name)
    return root


def start_serve(root: Path) -> tuple[subprocess.Popen, str, list[str]]:
    """`coursepack serve` on a free port; returns the process, its URL and its (growing) log."""
    proc = subprocess.Popen([sys.executable, "-m", "build_tools", "serve", "--root", str(root), "--port", "0"],
                            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    log: list[str] = []
    url: list[str] = []
    found = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            log.append(line.rstrip("\n"))
            m = re.search(r" at (http://\S+) ", line)
            if m and not url:
                url.append(m[1])
                found.set()

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(300):
        proc.kill()
        raise SystemExit("serve did not start:\n" + "\n".join(log))
    return proc, url[0], log


def session_page(root: Path, module: str) -> str:
    """The site path of the module's first session page."""
    text = (root / "modules" / f"{module}.yml").read_text(encoding="utf-8")
    first = re.search(r"^sessions:\n\s+- id: (\S+)", text, re.M)
    return f"modules/{module}/{first[1]}.html"


def listen(url: str) -> list[float]:
    """Arrival times of the pushes on a channel of our own (empty if this serve has none)."""
    import http.client
    from urllib.parse import urlsplit

    arrivals: list[float] = []

    def read() -> None:
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port)
        conn.request("GET", "/_coursepack/events")
        response = conn.getresponse()
        if response.status != 200:
            return
        for line in response:
            if line.startswith(b"data:"):
                arrivals.append(time.time())

    threading.Thread(target=read, daemon=True).start()
    return arrivals


def measure(url: str, root: Path, module: str, edits: int) -> list[tuple[float, float | None]]:
    from playwright.sync_api import sync_playwright

    source = root / "modules" / f"{module}.yml"
    original = source.read_text(encoding="utf-8")
    if not FIRST_BODY.search(original):
        raise SystemExit(f"{source.name} has no session body to edit")
    latencies = []
    pushes = listen(url)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(url)  # the index of the pack serve picked
        page.goto(page.url.rsplit("/site/", 1)[0] + "/site/" + session_page(root, module))
        page.wait_for_load_state("load")
        for n in range(1, edits + 1):
            marker = f"edit {n} of the preview benchmark"
            time.sleep(0.5)  # the page settled, its push channel open
            with page.expect_navigation(wait_until="domcontentloaded", timeout=60000):
                saved = time.time()
                edited = FIRST_BODY.sub(lambda m: f"{m[0]}{marker.capitalize()}.\n\n{m[2]}", original, count=1)
                source.write_text(edited, encoding="utf-8")
            if marker.capitalize() not in page.inner_text("body"):
                page.wait_for_function("m => document.body.innerText.includes(m)", arg=marker.capitalize(), timeout=60000)
                shown = time.time()
            else:
                shown = page.evaluate("performance.timeOrigin + performance.getEntriesByType('navigation')[0]"
                                      ".domContentLoadedEventEnd") / 1000
            pushed = next((t - saved for t in pushes if t > saved), None)
            latencies.append((shown - saved, pushed))
            print(f"edit {n:2d}: {shown - saved:.3f} s" + (f" (pushed after {pushed:.3f} s)" if pushed else ""),
                  flush=True)
        browser.close()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--module", default="global-supply-chains")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coursepack-serve-bench-") as tmp:
        root = scratch_copy(Path(tmp))
        proc, url, log = start_serve(root)
        try:
            latencies = measure(url, root, args.module, args.edits)
        finally:
            proc.terminate()
            proc.wait(15)
    report("save to page updated", [total for total, _ in latencies])
    if all(pushed is not None for _, pushed in latencies):
        report("  save to push", [pushed for _, pushed in latencies])
        report("  push to page", [total - pushed for total, pushed in latencies])
    rebuilds = [float(m[1]) for line in log[-args.edits:] if (m := re.match(r"rebuilt \S+ in ([\d.]+) s", line))]
    if rebuilds:
        print(f"of which the rebuild, as serve logs it: median {statistics.median(rebuilds):.2f} s, "
              f"min {min(rebuilds):.2f} s, max {max(rebuilds):.2f} s")
    return 0


def report(what: str, seconds: list[float]) -> None:
    seconds = sorted(seconds)
    p90 = seconds[min(len(seconds) - 1, round(0.9 * (len(seconds) - 1)))]
    print(f"{what} over {len(seconds)} edits: median {statistics.median(seconds):.3f} s, "
          f"min {seconds[0]:.3f} s, max {seconds[-1]:.3f} s, p90 {p90:.3f} s")


if __name__ == "__main__":
    sys.exit(main())
