"""One pack, top to bottom (resolve → render → site → print → export), published atomically; its digest and cache.

Stage function: :func:`build_pack`. It is imported on first use: the stages below it use this package's digest,
publishing and cache bookkeeping (:mod:`.digest`, :mod:`.publish`, :mod:`.clean`), and importing them must not
import the whole pipeline back.
"""

__all__ = ["build_pack"]


def __getattr__(name: str):
    if name == "build_pack":
        from .build import build_pack

        return build_pack
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
