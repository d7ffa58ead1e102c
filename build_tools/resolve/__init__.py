"""Resolve: a pack key (course × audience × sector × country × language × edition) → a :class:`Pack` in its language.

Stage function: :func:`resolve_pack` (the loaded repository and a :class:`PackKey` → the pack and what it fell back on).
"""

from .keys import PackKey
from .localize import resolve_pack
from .pack import Pack

__all__ = ["Pack", "PackKey", "resolve_pack"]
