"""The Sphinx extension ``conf.py`` names: :mod:`build_tools.site.nav` (this name stays for ``conf.py`` files)."""

from .site.nav import setup

__all__ = ["setup"]
