"""The content digest of a pack: a hash of exactly what it is built from.

Two builds with the same digest produce the same output, so an unchanged pack can be skipped and the
digest printed on the "about" page tells a trainer in the field exactly which edition they hold.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..content.repository import Repo
from ..resolve.pack import Pack


def pack_inputs(repo: Repo, pack: Pack) -> list[Path]:
    """The files a pack is built from: its modules, course, country, the shared contexts, templates, conf.py."""
    root = repo.root
    contexts = root / "curriculum" / "contexts"

    def loaded_from(kind: str, ident: str) -> Path:  # the file it was read from (.yml or .yaml)
        return root / repo.source(kind, ident).path

    files = [root / "conf.py", loaded_from("course", pack.course.id), loaded_from("country", pack.country.code)]
    files += [contexts / name for name in ("audiences.yml", "sectors.yml", "regions.yml", "instruments.yml",
                                           "glossary.yml")]
    files += [loaded_from("module", r.module.id) for r in pack.modules]
    files += [p for p in (root / "templates").rglob("*") if p.is_file()]
    files += [p for p in (root / "modules" / "assets").rglob("*") if p.is_file()]
    files += [root / "modules" / "assets"]  # its presence: a deleted image must change the digest
    files += [root / "curriculum" / "branding.yml"]
    if pack.language != pack.course.source_language:
        lang = pack.language
        files += [root / "modules" / "locale" / lang / f"{r.module.id}.po" for r in pack.modules]
        files += [root / "curriculum" / "locale" / lang / name for name in ("courses.po", "contexts.po")]
    return sorted(p for p in set(files) if p.exists())


def pack_digest(repo: Repo, pack: Pack) -> str:
    from .. import __version__

    h = hashlib.sha256()
    h.update(f"coursepack {__version__}\n{pack.key.id}\n".encode())
    for path in pack_inputs(repo, pack):
        data = path.read_bytes() if path.is_file() else b"(folder)"
        h.update(f"{path.relative_to(repo.root).as_posix()} {len(data)}\n".encode())
        h.update(data)
    return h.hexdigest()[:16]
