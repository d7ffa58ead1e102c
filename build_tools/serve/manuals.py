"""The PDFs of the packs a preview shows, made when asked for: a save rebuilds the site alone.

They are made in a folder of their own (``.serve/.print/``, laid out as any output folder), so that a
site's rebuild never waits for them on the locks of its output folder. Printing runs no Sphinx, so a
manual may be made in a request thread while the watcher rebuilds a site.
"""

from __future__ import annotations

import threading
from pathlib import Path

from ..content.repository import Repo
from ..errors import ProblemsFound
from ..pipeline.build import build_pack
from ..pipeline.layout import Layout
from ..resolve.keys import PackKey


class Manuals:
    def __init__(self, out: Path):
        self.out = out
        self.lock = threading.Lock()
        self.made: dict[PackKey, int] = {}
        """Pack → the content generation its PDFs were last made from."""

    def make(self, repo: Repo | None, generation: int, key: PackKey) -> tuple[bool, list[str] | None]:
        """Make ``key``'s PDFs from ``repo`` unless they were made from this ``generation``. Returns whether
        they are now of this generation, and the problems of this attempt (``[]`` for none; None when
        nothing was attempted)."""
        from .responder import _internal

        with self.lock:
            if repo is None or self.made.get(key) == generation:
                return self.made.get(key) == generation, None
            try:
                build_pack(repo, key, self.out, formats=("pdf",))
            except ProblemsFound as exc:
                return False, [p.format() for p in exc.problems]
            except Exception as exc:
                return False, [_internal(exc)]
            self.made[key] = generation
            return True, []

    def file(self, key: PackKey, rest: list[str]) -> Path | None:
        """The PDF at ``rest`` (path segments) of ``key``'s output folder, if it is one inside it."""
        folder = Layout(self.out).pack(key.id).resolve()
        target = folder.joinpath(*rest)
        try:
            real = target.resolve()
        except (OSError, RuntimeError):
            return None
        return real if real.suffix == ".pdf" and real.is_relative_to(folder) and real.is_file() else None
