"""``coursepack i18n``: gettext catalogues for translators (extract, update)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .options import add_root


def add_parser(sub) -> None:
    p = sub.add_parser("i18n", help="gettext catalogues for translators: extract, update",
                       description="Translations are gettext .po files beside the content "
                                   "(modules/locale/<lang>/<module>.po, curriculum/locale/<lang>/*.po).",
                       epilog="extract: write the .pot templates and create .po files for new languages\n"
                              "update:  merge changed sources into every .po; changed entries become fuzzy",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_root(p)
    p.add_argument("action", choices=["extract", "update"])
    p.add_argument("--lang", action="append", default=[], metavar="L",
                   help="with extract: create catalogues for this language (repeatable)")
    p.set_defaults(handler=run)


def run(args, root: Path) -> int:
    from ..content.repository import load_repo
    from ..errors import ProblemsFound
    from ..i18n.catalogues import extract, update

    repo = load_repo(root)  # only loading errors matter here: out-of-date translations are what update is for
    if repo.problems.errors:
        raise ProblemsFound(repo.problems.items)
    if args.action == "extract":
        changed = extract(repo, args.lang)
        print(f"i18n extract: {len(changed)} file(s) written" + "".join(f"\n  {c}" for c in changed))
        return 0
    changed, fuzzy = update(repo)
    print(f"i18n update: {len(changed)} catalogue(s) changed, {fuzzy} entr{'y' if fuzzy == 1 else 'ies'} "
          f"marked fuzzy (source text changed)" + "".join(f"\n  {c}" for c in changed))
    return 0
