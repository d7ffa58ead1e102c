"""The pages coursepack's own tools write (the ``serve`` picker and error page, the matrix catalogue): Jinja
templates shipped inside the package (``build_tools/<tool>/templates/``), rendered with autoescape, so every
value is HTML-escaped and no HTML is written from Python strings. They are the tool's pages, not the course's:
a content repository's ``templates/`` does not change them."""

from __future__ import annotations

import functools

from jinja2 import Environment, PackageLoader, StrictUndefined


@functools.lru_cache(maxsize=None)
def _env(package: str) -> Environment:
    return Environment(loader=PackageLoader(package, "templates"), autoescape=True, undefined=StrictUndefined,
                       keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def tool_page(package: str, name: str, **values) -> str:
    """Template ``name`` of ``package`` (e.g. ``build_tools.serve``) rendered with ``values``, escaped."""
    return _env(package).get_template(name).render(**values)
