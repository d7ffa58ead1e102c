"""What ``conf.py`` imports: :data:`build_tools.content.lint.MYST_EXTENSIONS` (this name stays for ``conf.py`` files)."""

from .content.lint import MYST_EXTENSIONS

__all__ = ["MYST_EXTENSIONS"]
