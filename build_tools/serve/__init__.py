"""``coursepack serve``: a live preview of one pack that rebuilds on save.

Entry function: :func:`serve`.
"""

from .preview import serve

__all__ = ["serve"]
