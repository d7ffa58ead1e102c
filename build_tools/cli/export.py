"""``coursepack export``: e-campus packages of a pack (SCORM, Common Cartridge, offline zip, questions)."""

from __future__ import annotations

from pathlib import Path

from .common import load_checked, parse_formats
from .options import add_root


def add_parser(sub) -> None:
    from ..content.model import EXPORT_FORMATS

    p = sub.add_parser("export", help="e-campus packages of a pack: SCORM, Common Cartridge, offline zip, questions",
                       description="Write deterministic zips of a pack for an LMS or a USB stick: scorm12 (what "
                                   "Moodle's SCORM activity plays best), scorm2004, cc (IMS Common Cartridge 1.1), "
                                   "offline (the site, opened from index.html), questions (Moodle GIFT and XML).")
    add_root(p)
    p.add_argument("pack", help="a pack id (from `coursepack list COURSE`); participant edition for packages")
    p.add_argument("--format", required=True, metavar="LIST", help="comma-separated: " + ", ".join(EXPORT_FORMATS))
    p.add_argument("--output", "-o", type=Path, default=None,
                   help="folder for the zips (default: ROOT/_build/export); the site they are made from is "
                        "built in ROOT/_build as usual")
    p.set_defaults(handler=run)


def run(args, root: Path) -> int:
    from ..errors import naming
    from ..export.pack import export_pack
    from ..pipeline.layout import Layout
    from ..pipeline.build import build_pack
    from ..resolve.localize import resolve_pack

    from ..content.model import EXPORT_FORMATS

    formats = parse_formats(args.format, EXPORT_FORMATS, " (html and pdf come from `coursepack build`)")
    key = _export_key(args.pack, formats)
    repo = load_checked(root)
    out = (args.output or Layout(root / "_build").exports).resolve()
    _refuse_drafts(repo, key)
    pack = resolve_pack(repo, key)
    site_needed = any(f != "questions" for f in formats)
    with naming(root / "_build"):
        build = build_pack(repo, key, root / "_build", formats=("html",), siblings=()) if site_needed else None
    with naming(out):
        for fmt in formats:
            path = export_pack(repo, pack, build.output / "site" if build else Path(), out, fmt)
            print(f"{fmt}: {path}")
    return 0


def _refuse_drafts(repo, key) -> None:
    """A pack made from a draft (a file with TODO markers) is not published: :class:`ProblemsFound` naming each."""
    from ..content.drafts import pack_drafts
    from ..errors import ProblemsFound

    drafts = pack_drafts(repo, key, severity="error")
    if drafts:
        raise ProblemsFound(drafts, f"{key.id} is made from {len(drafts)} draft file(s): nothing was exported; "
                                    f"replace their TODO markers first (a build for a preview works)")


def _export_key(pack_id: str, formats):
    """The pack ``pack_id`` names, once it and ``formats`` make sense together; :class:`SelectionError` if not."""
    from ..content.model import PARTICIPANT_FORMATS
    from ..errors import SelectionError
    from ..resolve.keys import PackKey

    key = PackKey.parse(pack_id)
    if key is None:
        raise SelectionError(f"{pack_id!r} is not a pack id; see `coursepack list COURSE`")
    wrong = [f for f in formats if (f in PARTICIPANT_FORMATS) == (key.edition == "facilitator")]
    if wrong:
        raise SelectionError(f"{', '.join(wrong)} cannot be made from the {key.edition} edition: SCORM, cartridges "
                             f"and offline zips are for participants; the question bank (answer keys) is exported "
                             f"from the facilitator edition")
    return key
