"""Print: a resolved pack → PDF manuals laid out by WeasyPrint, in pieces cached across packs.

Stage function: :func:`print_pack`.
"""

from .manuals import print_pack

__all__ = ["print_pack"]
