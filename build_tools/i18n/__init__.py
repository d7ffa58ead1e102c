"""Translations as gettext catalogues: extract and update them (``coursepack translate``), apply them to the model.

Stage functions: :func:`extract`, :func:`update`; :mod:`build_tools.resolve.localize` applies them while resolving.
"""

from .catalogues import extract, update

__all__ = ["extract", "update"]
