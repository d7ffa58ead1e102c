"""Content: the repository's YAML files, loaded into the typed model and checked (schema, cross-references, text).

Stage functions: :func:`load_repo` (files → :class:`Repo`), :func:`validate` (every problem in one run).
"""

from .repository import Repo, load_repo
from .validate import validate

__all__ = ["Repo", "load_repo", "validate"]
