"""``coursepack build``: one pack, or both editions of one pack, as a site and PDF manuals."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from .common import load_loadable, parse_formats, pick, validated
from .options import add_pack_selection, add_root


def add_parser(sub) -> None:
    from ..content.model import EXPORT_FORMATS

    p = sub.add_parser("build", help="build a course pack: HTML site and PDF manuals",
                       description="Build one pack, or both editions of one pack. With no arguments, builds "
                                   "the bundled sample pack named in pyproject.toml ([tool.coursepack.sample]).",
                       epilog="Examples:\n  coursepack build\n"
                              "  coursepack build gsc-turin --audience labour-inspectors --sector garment-textile "
                              "--country BD --lang en\n"
                              "  coursepack build gsc-turin.labour-inspectors.garment-textile.bd.en.participant",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_root(p)
    add_pack_selection(p, edition_default="both editions")
    p.add_argument("--format", default=None, metavar="LIST",
                   help="what to build, comma-separated: html (the site), pdf (manuals and handouts), "
                        f"{', '.join(EXPORT_FORMATS)}; default: the course's outputs")
    p.add_argument("--force", action="store_true", help="rebuild even if the pack is up to date")
    p.add_argument("--output", "-o", type=Path, default=None, help="output folder (default: ROOT/_build)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the paths of what was built")
    p.set_defaults(handler=run)


def run(args, root: Path) -> int:
    from ..pipeline import unchanged
    from ..resolve.keys import DIMENSIONS

    out = (args.output or root / "_build").resolve()
    command = {"command": "build", "target": args.target, "root": str(root), "output": str(out),
               "format": args.format,
               **{d: getattr(args, d) for d in DIMENSIONS}, "electives": args.electives}
    fingerprint = unchanged.fingerprint(root, command)  # before anything is read: a later edit is seen next time
    if not args.force and _still_built(args, out, _with_packs(fingerprint, out)):
        return 0
    repo = load_loadable(root)
    keys = pick(args, root, repo.catalogue, repo)
    formats = parse_formats(args.format)
    # Validation covers what the courses built are made from (a problem elsewhere is a warning naming its
    # file), and comes first: telling whether a pack is up to date resolves it and reads its files, which
    # needs every reference to resolve and every path to stay inside the repository.
    validated(repo, {key.course for key in keys})  # warnings on stderr
    failed, built = 0, []
    drafts = _say_drafts(repo, keys)
    for key in keys:
        result = _build_one(args, repo, key, out, formats, {k.id for k in keys})
        if result is None:
            failed += 1
        elif result.files:
            built.append(key.id)
    if not failed and len(built) == len(keys) and not drafts:  # a pack with nothing to build, or made from
        # a draft, says so every time
        unchanged.remember(out, _with_packs(fingerprint, out), built)
    return 1 if failed else 0


def _with_packs(fingerprint: str, out: Path) -> str:
    """``fingerprint`` and the names of the pack folders in ``out``: a sibling pack built or removed since
    changes the language switcher, so the quick up-to-date check must not answer."""
    try:
        packs = sorted(entry.name for entry in os.scandir(out) if entry.is_dir() and not entry.name.startswith("."))
    except OSError:
        packs = []
    return hashlib.sha256("\n".join([fingerprint, *packs]).encode()).hexdigest()


def _say_drafts(repo, keys) -> int:
    """Warn of every draft (a file with TODO markers) the packs are made from: they build, for a preview, but
    `export` refuses them. Returns how many there are."""
    from ..content.drafts import pack_drafts

    drafts = {p.location.path: p for key in keys for p in pack_drafts(repo, key)}
    for problem in drafts.values():
        print(problem.format(), file=sys.stderr)
    if drafts:
        print(f"these packs use {len(drafts)} draft file(s): fine for a preview; `coursepack export` refuses "
              f"them until no TODO is left", file=sys.stderr)
    return len(drafts)


def _still_built(args, out: Path, fingerprint: str) -> bool:
    """If the same command built these packs and nothing they read has changed since, say what they are
    (as a build would) and return True."""
    from ..pipeline import unchanged

    done = unchanged.still_built(out, fingerprint)
    if done is None:
        return False
    for pack_id, files, digest in done:
        _print_built(args, pack_id, files, digest, skipped=True, seconds=0.0)
    return True


def _build_one(args, repo, key, out: Path, formats, siblings):
    """Build one pack and say what it gave; None (with its problems printed) if it failed."""
    from ..errors import ProblemsFound, naming
    from ..pipeline.build import build_pack

    if not args.quiet:
        print(f"building {key.id}")
    try:
        with naming(out):
            result = build_pack(repo, key, out, formats=formats, force=args.force, siblings=siblings,
                                log=(lambda s: None) if args.quiet else print)
    except ProblemsFound as exc:
        for problem in exc.problems:
            print(problem.format(), file=sys.stderr)
        print(f"build of {key.id} failed: the previous output (if any) is unchanged", file=sys.stderr)
        return None
    _print_built(args, None, result.files, result.digest, result.skipped, result.seconds)
    return result


def _print_built(args, pack_id: str | None, files: dict, digest: str, skipped: bool, seconds: float) -> None:
    """What `build` says of one pack: its outputs (handouts as one line), and whether it was up to date."""
    if pack_id is not None and not args.quiet:
        print(f"building {pack_id}")
    for name, path in files.items():
        if not name.startswith("handout-"):
            print(f"{name}: {path}" if not args.quiet else path)
    handouts = [p for n, p in files.items() if n.startswith("handout-")]
    if skipped and not args.quiet:
        print("  up to date: nothing to rebuild (--force rebuilds)")
    if handouts:
        print(f"handouts: {len(handouts)} in {handouts[0].parent}" if not args.quiet else handouts[0].parent)
    if not args.quiet:
        print(f"  done in {seconds:.1f} s (digest {digest})")
