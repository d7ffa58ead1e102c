"""Build the same packs with two versions of coursepack and compare every output, byte for byte.

A change that should not change behaviour (a refactoring, a moved module) is shown to keep every output the same:

    python benchmarks/compare_outputs.py build OUT_A                   # with this checkout's code and content
    python benchmarks/compare_outputs.py build OUT_B --code OTHER      # with another checkout (e.g. a worktree of main)
    python benchmarks/compare_outputs.py compare OUT_A OUT_B           # exit 0: identical; 1: differences listed

``build`` runs ``python -m build_tools`` with the code of ``--code`` (default: this checkout) on the content of this
checkout (``--root`` to change it: both sides must build the same content), with a fixed ``SOURCE_DATE_EPOCH``, and
builds into ``OUT``:

- ``sample/``: the sample pack of ``pyproject.toml``, both editions, every format its course lists;
- ``matrix/``: a 3-pack matrix (one participant pack in each of English, French and Arabic: the translation and the
  right-to-left paths), every format its course lists, with ``manifest.json`` and ``index.html``.

``compare`` walks both folders (the internal ``.work``, ``.cache`` and lock files excepted) and compares each file;
a zip is compared member by member (names, order, dates, bytes), so a difference names the member that differs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"
MATRIX = ["matrix", "foundations-blended", "--audience", "labour-inspectors", "--sector", "garment-textile", "--country", "MA",
          "--lang", "en,fr,ar", "--edition", "participant", "-j", "1"]
INTERNAL = {".work", ".cache"}


def build(out: Path, code: Path, root: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(code), "PYTHONHASHSEED": "0"}
    for args in (["build", "--force", "--output", str(out / "sample")],
                 MATRIX + ["--force", "--output", str(out / "matrix")]):
        cmd = [sys.executable, "-m", "build_tools", *args, "--root", str(root), "--quiet"]
        print("$", " ".join(cmd), flush=True)
        subprocess.run(cmd, cwd=code, env=env, check=True)


def files(root: Path) -> dict[str, Path]:
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not INTERNAL & set(rel.parts) and not path.name.endswith(".lock"):
            found[rel.as_posix()] = path
    return found


def zip_differences(a: Path, b: Path) -> list[str]:
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        ia, ib = za.infolist(), zb.infolist()
        if [i.filename for i in ia] != [i.filename for i in ib]:
            only_a = sorted({i.filename for i in ia} - {i.filename for i in ib})
            only_b = sorted({i.filename for i in ib} - {i.filename for i in ia})
            return [f"members differ (or their order): only in A {only_a[:5]}, only in B {only_b[:5]}"]
        diffs = []
        for x, y in zip(ia, ib):
            if (x.date_time, x.external_attr, x.compress_type) != (y.date_time, y.external_attr, y.compress_type):
                diffs.append(f"{x.filename}: metadata {x.date_time, x.external_attr} != {y.date_time, y.external_attr}")
            elif za.read(x) != zb.read(y):
                diffs.append(f"{x.filename}: content differs")
        return diffs or ([] if a.read_bytes() == b.read_bytes() else ["the zip's own bytes differ"])


def compare(a: Path, b: Path) -> int:
    fa, fb = files(a), files(b)
    problems = [f"only in {a}: {name}" for name in sorted(fa.keys() - fb.keys())]
    problems += [f"only in {b}: {name}" for name in sorted(fb.keys() - fa.keys())]
    same = 0
    for name in sorted(fa.keys() & fb.keys()):
        if fa[name].read_bytes() == fb[name].read_bytes():
            same += 1
        elif zipfile.is_zipfile(fa[name]):
            problems += [f"{name}: {d}" for d in zip_differences(fa[name], fb[name])]
        else:
            problems.append(f"{name}: differs")
    zips = sum(1 for name in fa.keys() & fb.keys() if name.endswith(".zip"))
    print(f"{same} of {len(fa.keys() | fb.keys())} files identical ({zips} zips among them)")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("out", type=Path)
    b.add_argument("--code", type=Path, default=HERE, help="checkout whose code builds (default: this one)")
    b.add_argument("--root", type=Path, default=HERE, help="content repository (default: this checkout)")
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "build":
        build(args.out.resolve(), args.code.resolve(), args.root.resolve())
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
