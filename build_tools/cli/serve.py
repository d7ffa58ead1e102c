"""``coursepack serve``: live preview of one pack, rebuilt on save."""

from __future__ import annotations

from pathlib import Path

from .common import pick
from .options import add_pack_selection, add_root, port


def add_parser(sub) -> None:
    p = sub.add_parser("serve", help="live preview of one pack: rebuilds on save, with a picker",
                       description="Build one pack's site, serve it on http://HOST:PORT/ and rebuild it when "
                                   "modules, courses, contexts or templates change; pages reload themselves. A bar "
                                   "at the bottom switches audience, sector, country, language and edition.")
    add_root(p)
    add_pack_selection(p, edition_default="participant")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=port, default=8000, help="port (default: 8000; 0 picks a free one)")
    p.set_defaults(handler=run)


def run(args, root: Path) -> int:
    from ..content.repository import load_repo
    from ..errors import CoursepackError
    from ..serve.preview import serve

    repo = load_repo(root)
    keys = pick(args, root, repo.catalogue)
    key = next((k for k in keys if k.edition == (args.edition or "participant")), keys[0])
    try:
        serve(root, key, host=args.host, port=args.port)
    except OSError as exc:
        raise CoursepackError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    return 0
