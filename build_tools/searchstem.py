"""The Sphinx extension ``conf.py`` names: :mod:`build_tools.site.searchstem` (this name stays for ``conf.py`` files)."""

from .site.searchstem import setup

__all__ = ["setup"]
