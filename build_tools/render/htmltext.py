"""The one HTML escaper for text our Python code puts into HTML: the values handed to Sphinx and its theme,
the question bank's texts (``questionbank``) and the manuals' fragments of trainer text (``mdhtml``). Our
Jinja templates of HTML use Jinja's autoescape instead; nothing else writes HTML from data.

Sphinx's templates (Furo's included) run without autoescape: Furo prints ``html_title`` (as ``docstitle``)
raw in the brand block of every page and in the sidebar, and ``theme_announcement`` raw above every page.
So every text of a pack's Sphinx configuration (``build.site_overrides``: ``html_title``, ``project``,
``author``, theme options, ``html_context``) is escaped here, once, before Sphinx sees it, whatever the
theme does with it. Where a theme escapes a value again (``docstitle|striptags|e`` in ``<title>``: ``striptags``
unescapes first) nothing is escaped twice.
"""

from __future__ import annotations

import html


def html_text(value: str, *, quote: bool = True) -> str:
    """Text as HTML: ``& < >`` become character references, and ``" '`` too unless ``quote`` is false
    (text that never goes into an attribute)."""
    return html.escape(str(value), quote=quote)


def html_values(value):
    """Every string inside ``value`` (dicts and lists followed) as HTML text; other values unchanged."""
    if isinstance(value, str):
        return html_text(value)
    if isinstance(value, dict):
        return {k: html_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(html_values(v) for v in value)
    return value
