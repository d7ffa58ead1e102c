"""Trainer MyST → HTML fragments for the printed manuals, with myst-parser's own markdown-it parser.

The site goes through Sphinx; the manuals need plain HTML fragments to place in our print templates.
Trainer text may only use the small set of constructs that :mod:`build_tools.content_lint` allows
(headings, lists, tables, emphasis, links, admonitions, glossary terms, images from ``modules/assets``),
so a renderer over the *same* markdown-it configuration covers all of it, in milliseconds, where a
docutils publish per fragment would take seconds per manual. Anything else (raw HTML that somehow got
through) is escaped, never passed on.
"""

from __future__ import annotations

from html import escape

from markdown_it.renderer import RendererHTML
from markupsafe import Markup
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from .content_lint import DIRECTIVES, MYST_EXTENSIONS


class PrintRenderer(RendererHTML):
    """markdown-it's HTML renderer with MyST admonitions, glossary terms and inert raw HTML."""

    def __init__(self, parser=None):
        super().__init__(parser)
        self.titles: dict[str, str] = {}
        self.asset_url = lambda path: path

    def fence(self, tokens, idx, options, env):
        token = tokens[idx]
        info = token.info.strip()
        if info.startswith("{") and "}" in info:
            name = info[1:].split("}", 1)[0].strip()
            if name in DIRECTIVES:
                title = self.titles.get(name, name.capitalize())
                inner = _md.render(_strip_options(token.content), env)
                return (f'<aside class="admonition {escape(name)}"><p class="admonition-title">'
                        f"{escape(title)}</p>{inner}</aside>\n")
        return super().fence(tokens, idx, options, env)

    colon_fence = fence

    def myst_role(self, tokens, idx, options, env):
        token = tokens[idx]
        text = token.content.split("<")[0].strip() or token.content
        return f'<span class="term">{escape(text)}</span>'

    def heading_open(self, tokens, idx, options, env):
        """Trainer headings sit inside a session (h2 in print): ``##`` becomes h3, ``###`` h4."""
        token = tokens[idx]
        token.tag = f"h{min(6, int(token.tag[1]) + 1)}"
        return self.renderToken(tokens, idx, options, env)

    heading_close = heading_open

    def html_block(self, tokens, idx, options, env):
        return f"<p>{escape(tokens[idx].content)}</p>\n"

    def html_inline(self, tokens, idx, options, env):
        return escape(tokens[idx].content)

    def image(self, tokens, idx, options, env):
        token = tokens[idx]
        token.attrSet("src", self.asset_url(str(token.attrGet("src"))))
        return super().image(tokens, idx, options, env)


def _strip_options(content: str) -> str:
    """Drop the ``:key: value`` option lines at the top of a directive's content."""
    lines = content.splitlines()
    while lines and lines[0].startswith(":") and lines[0].count(":") >= 2:
        lines.pop(0)
    return "\n".join(lines)


_md = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), PrintRenderer)
for _rule in ("fence", "colon_fence", "myst_role", "heading_open", "heading_close", "html_block", "html_inline",
              "image"):
    _md.add_render_rule(_rule, getattr(PrintRenderer, _rule))  # myst-parser registers its own for some
_md.options["typographer"] = True
_md.enable(["replacements", "smartquotes"])


def myst_to_html(text: str, *, titles: dict[str, str] | None = None, asset_url=None) -> Markup:
    """Render trainer MyST to an HTML fragment; ``titles`` labels the admonitions in the pack's language."""
    renderer: PrintRenderer = _md.renderer
    renderer.titles = titles or {}
    renderer.asset_url = asset_url or (lambda path: path)
    return Markup(_md.render(text))
