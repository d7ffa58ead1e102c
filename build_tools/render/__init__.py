"""Render: a resolved pack → the generated Sphinx source tree of MyST pages (escaping, labels, text direction).

Stage functions: :func:`render_pack` (pack → files), :func:`write_tree` (files → the source folder).
"""

from .pages import render_pack, write_tree

__all__ = ["render_pack", "write_tree"]
