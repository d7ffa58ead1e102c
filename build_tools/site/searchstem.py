"""Sphinx extension: the search index's stemmer, remembered per process.

Sphinx stems every word of every page it writes into the search index with the pure-Python Snowball
stemmers: about a fifth of a pack's site build. The same words come back page after page, and in a
matrix worker or ``serve`` pack after pack; a stem depends only on the language's stemmer and the word,
so one dict per search language keeps the answers for the life of the process (a few thousand words).

The language is registered with ``app.add_search_language``, Sphinx's API for a search language, as a
subclass of the class Sphinx would have used, so the index is the same. A language Sphinx has no
stemmer for (Arabic) keeps Sphinx's own fallback.
"""

from __future__ import annotations

import functools
from importlib import import_module


def setup(app):
    app.connect("config-inited", _register)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _register(app, config) -> None:
    from sphinx.search import languages

    code = config.html_search_language or config.language
    base = languages.get(code) or languages.get(code.partition("_")[0])  # as sphinx.search.IndexBuilder looks
    if isinstance(base, str):
        module, name = base.rsplit(".", 1)
        base = getattr(import_module(module), name)
    if base is not None and not getattr(base, "remembers_stems", False):
        app.add_search_language(_remembering(base))


@functools.cache
def _remembering(base: type) -> type:
    stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        try:
            return stems[word]
        except KeyError:
            stems[word] = found = base.stem(self, word)
            return found

    return type(base.__name__, (base,), {"stem": stem, "remembers_stems": True, "__module__": __name__,
                                         "__doc__": f"{base.__doc__ or base.__name__} (stems remembered)"})
