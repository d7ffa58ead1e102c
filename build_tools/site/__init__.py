"""Site: the generated MyST tree → an HTML site, with Sphinx in-process and coursepack's Sphinx extensions.

Stage function: :func:`build_site`. The extensions (:mod:`.nav`, :mod:`.searchstem`) are named in ``conf.py``.
"""

from .build import build_site

__all__ = ["build_site"]
