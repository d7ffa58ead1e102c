"""Escaping values for MyST Markdown, and the marker for text that is already MyST.

Jinja's autoescape knows only HTML. Every value that our templates (or trainer text, through the
context variables) insert into a MyST page goes through :func:`md_escape` as Jinja's ``finalize`` hook,
so a title such as ``Intro <script>`` or ``{{ 7*7 }}`` is shown as written and never becomes markup.
Fragments that are MyST on purpose (trainer bodies after their variables are rendered, fragments our
own code builds) are wrapped in :class:`MySTSafe` and pass through unchanged.
"""

from __future__ import annotations

import re
import string
from urllib.parse import quote, urlsplit

_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")


class MySTSafe(str):
    """A string that is already MyST and must not be escaped again."""


def md_escape(value) -> str:
    """Backslash-escape every ASCII punctuation character (CommonMark §2.4) and fold the text to one line."""
    if isinstance(value, MySTSafe):
        return value
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return _PUNCT.sub(r"\\\1", text)


def md_url(value: str) -> MySTSafe:
    """A web address safe to put in ``[text](…)``: http(s) only, with characters that end a link encoded,
    and ``&`` backslash-escaped (CommonMark decodes ``&amp;`` in a link target, ``\\&amp;`` it keeps)."""
    parts = urlsplit(str(value))
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"not a web address: {value!r}")
    return MySTSafe(quote(str(value), safe=":/?#[]@!$&'*+,;=%~-._").replace("&", "\\&"))
