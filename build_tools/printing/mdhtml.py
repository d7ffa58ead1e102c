"""Trainer MyST → HTML fragments for the printed manuals, with myst-parser's own markdown-it parser.

The site goes through Sphinx; the manuals need plain HTML fragments to place in our print templates.
Trainer text may only use the small set of constructs that :mod:`build_tools.content.lint` allows
(headings, lists, tables, emphasis, links, admonitions, glossary terms, images from ``modules/assets``),
so a renderer over the *same* markdown-it configuration covers all of it, in milliseconds, where a
docutils publish per fragment would take seconds per manual. Anything else (raw HTML that somehow got
through) is escaped, never passed on.

Typography follows the site's: Sphinx applies docutils' SmartQuotes (quotes of the page's language, ``--``
and ``---`` as dashes, ``...`` as an ellipsis, nothing for a language docutils has no quotes for), so the
print path does the same with docutils' own table of quotes. markdown-it's ``replacements`` rule is not
used: it turns "(c)", "(r)", "(tm)" and "+-" into symbols, so "Art. 15(c)" would print as "Art. 15©".
"""

from __future__ import annotations

import functools
import re

from docutils.utils.smartquotes import smartchars
from markdown_it import MarkdownIt

from markdown_it.renderer import RendererHTML
from markupsafe import Markup
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from ..content.lint import DIRECTIVES, MYST_EXTENSIONS
from ..render.htmltext import html_text as escape


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
                inner = self.md.render(_strip_options(token.content), env)
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


_DASHES_AND_ELLIPSES = ((re.compile(r"(?<!-)---(?!-)"), "\u2014"), (re.compile(r"(?<!-)--(?!-)"), "\u2013"),
                        (re.compile(r"\.\.\."), "\u2026"))


def _dashes_and_ellipses(state) -> None:
    """docutils' SmartQuotes dashes ("D") and ellipses ("e") on text outside code and autolinks."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        in_autolink = 0
        for token in block.children:
            if token.type == "link_open" and token.info == "auto":
                in_autolink += 1
            elif token.type == "link_close" and token.info == "auto":
                in_autolink -= 1
            elif token.type == "text" and not in_autolink:
                for pattern, char in _DASHES_AND_ELLIPSES:
                    token.content = pattern.sub(char, token.content)


@functools.lru_cache(maxsize=None)
def _parser(language: str) -> MarkdownIt:
    """The print parser for one language: its quotes, dashes and ellipses as the site's, or none at all
    where docutils has no quotes for the language (Sphinx then applies none either)."""
    md = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), PrintRenderer)
    for rule in ("fence", "colon_fence", "myst_role", "heading_open", "heading_close", "html_block",
                 "html_inline", "image"):
        md.add_render_rule(rule, getattr(PrintRenderer, rule))  # myst-parser registers its own for some
    md.renderer.md = md
    md.disable("replacements", ignoreInvalid=True)
    quotes = smartchars.quotes.get(language) or smartchars.quotes.get(language.split("-")[0])
    if quotes:
        md.options["typographer"] = True
        md.options["quotes"] = list(quotes)
        md.enable("smartquotes")
        md.core.ruler.after("smartquotes", "dashes_and_ellipses", _dashes_and_ellipses)
    return md


def myst_to_html(text: str, *, language: str = "en", titles: dict[str, str] | None = None,
                 asset_url=None) -> Markup:
    """Render trainer MyST to an HTML fragment with the typography of ``language``; ``titles`` labels the
    admonitions in the pack's language."""
    md = _parser(language)
    renderer: PrintRenderer = md.renderer
    renderer.titles = titles or {}
    renderer.asset_url = asset_url or (lambda path: path)
    return Markup(md.render(text))
