"""Sphinx extension: the sidebar's navigation tree, read from Sphinx once per build, not once per page.

Furo makes the tree for every page it writes: Sphinx resolves and copies the whole toctree again, and
furo parses the result with BeautifulSoup to add the checkboxes that expand and collapse its branches.
That is about a sixth of a pack's site build. Yet the tree is the same on every page of a site except for
the links, which are relative to the page, and the marks of the page's own branch (``current``, an
expanded checkbox, ``current-page``). So this extension reads the entries (titles, pages, nesting) from
Sphinx once per build and writes furo's markup for each page from them, in furo's order and escaping.

Furo's markup is furo's to change. The markup is compared with what furo makes itself on the first page
of every build (every title of the site is in its tree, so this covers their escaping) and, once per
process, on the first page of each kind (outside the tree, a top-level entry, an entry with children, a
nested entry, for the marks of the page's branch). Any difference, or a toctree this module does not
know (captions, section anchors), and the build leaves every page to furo. ``tests/test_sitenav.py``
compares every page of real packs.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

_BEFORE_FURO, _AFTER_FURO = 499, 501  # furo's handler has the default priority, 500
_STATE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_KINDS_CHECKED: set[str] = set()
"""Kinds of page whose markup matched furo's in this process."""
_OWN_TOCTREE = "coursepack_toctree"


def setup(app):
    app.connect("builder-inited", _start)
    app.connect("html-page-context", _hold_toctree, priority=_BEFORE_FURO)
    app.connect("html-page-context", _navigation, priority=_AFTER_FURO)
    return {"parallel_read_safe": True, "parallel_write_safe": True}  # state is per process, read lazily


@dataclass
class Entry:
    docname: str
    title: str
    children: list[list[Entry]] = field(default_factory=list)
    """The entry's lists of sub-entries (a toctree may give a page several)."""


@dataclass
class _Build:
    tree: list[list[Entry]] | None = None
    """Lists of top-level entries; None until read, or when furo must make the tree."""
    read: bool = False
    checked: bool = False
    """Whether a page of this build was compared with furo's own tree."""


def _start(app) -> None:
    if _enabled(app):
        _STATE[app] = _Build()


def _enabled(app) -> bool:
    """Furo's HTML builder, in a furo release that still has the function this module compares with."""
    if app.builder.name != "html" or getattr(app.builder.theme, "name", None) != "furo":
        return False
    import furo

    return hasattr(furo, "_compute_navigation_tree")


def _hold_toctree(app, pagename, templatename, context, doctree) -> None:
    """Before furo: take the toctree function out of the context, so that furo makes no tree."""
    state = _STATE.get(app)
    if state is None or "toctree" not in context:
        return
    if not state.read:
        state.tree, state.read = _read_tree(app), True
        if state.tree is None:
            _log("the toctree holds more than page titles (a caption, a link to a section)")
    if state.tree is not None:
        context[_OWN_TOCTREE] = context.pop("toctree")


def _navigation(app, pagename, templatename, context, doctree) -> None:
    """After furo: put the toctree function back, and the page's tree where furo would have."""
    if _OWN_TOCTREE not in context:
        return
    state = _STATE[app]
    context["toctree"] = context.pop(_OWN_TOCTREE)
    ours = render(state.tree, pagename, app.builder.get_relative_uri)
    kind = _kind(state.tree, pagename)
    if not state.checked or kind not in _KINDS_CHECKED:
        import furo

        theirs = furo._compute_navigation_tree(context)
        if ours != theirs:  # a furo release that writes its tree otherwise: leave it to furo from now on
            state.tree = None
            _log(f"furo's markup differs from this module's on page {pagename}")
            context["furo_navigation_tree"] = theirs
            return
        state.checked = True
        _KINDS_CHECKED.add(kind)
    context["furo_navigation_tree"] = ours


def _log(reason: str) -> None:
    from sphinx.util import logging

    logging.getLogger(__name__).info(f"navigation tree: {reason}; furo makes it on every page")


def _read_tree(app) -> list[list[Entry]] | None:
    """The site's navigation entries as Sphinx resolves them for furo, or None if they hold anything but
    pages with titles in nested lists."""
    from docutils import nodes
    from sphinx import addnodes
    from sphinx.environment.adapters.toctree import global_toctree_for_doc

    builder = app.builder
    root = app.config.root_doc
    resolved = global_toctree_for_doc(builder.env, root, builder, tags=builder.tags, collapse=False,
                                      includehidden=True, maxdepth=-1, titles_only=True)
    if resolved is None:
        return None
    by_uri = {builder.get_relative_uri(root, name): name for name in builder.env.all_docs}

    class Unknown(Exception):
        pass

    def entries(bullets) -> list[Entry]:
        if not isinstance(bullets, nodes.bullet_list):
            raise Unknown
        found = []
        for item in bullets.children:
            if not isinstance(item, nodes.list_item) or not item.children:
                raise Unknown
            para, *rest = item.children
            if not isinstance(para, addnodes.compact_paragraph) or len(para.children) != 1:
                raise Unknown
            ref = para.children[0]
            if not isinstance(ref, nodes.reference) or ref.get("anchorname") or ref["refuri"] not in by_uri \
                    or any(not isinstance(child, nodes.Text) for child in ref.children):
                raise Unknown
            found.append(Entry(by_uri[ref["refuri"]], ref.astext(), [entries(sub) for sub in rest]))
        return found

    try:
        return [entries(child) for child in resolved.children]
    except Unknown:
        return None


def render(tree: list[list[Entry]], pagename: str, relative_uri) -> str:
    """Furo's navigation markup of ``tree`` on page ``pagename`` (see ``furo.navigation``), with
    ``relative_uri(page, docname)`` the builder's link from one page to another."""
    chain = _chain(tree, pagename)
    checkboxes = 0
    out: list[str] = []

    def walk(lists: list[list[Entry]], level: int) -> None:
        nonlocal checkboxes
        for entries in lists:
            out.append('<ul class="current">\n' if any(e.docname in chain for e in entries) else "<ul>\n")
            for entry in entries:
                on_chain = entry.docname in chain
                has_children = any(entry.children)
                is_page = entry.docname == pagename
                classes = [f"toctree-l{level}"] + ["current"] * on_chain + ["has-children"] * has_children \
                    + ["current-page"] * is_page
                link = "current reference internal" if is_page else "reference internal"
                href = relative_uri(pagename, entry.docname) or "#"
                out.append(f'<li class="{" ".join(classes)}"><a class="{link}" href={_attribute(href)}>'
                           f"{_text(entry.title)}</a>")
                if has_children:
                    checkboxes += 1
                    name = f"toctree-checkbox-{checkboxes}"
                    checked = ' checked=""' if on_chain else ""
                    label = _attribute("Toggle navigation of " + entry.title)
                    out.append(f'<input aria-label={label}{checked} class="toctree-checkbox" id="{name}" '
                               f'name="{name}" role="switch" type="checkbox"/><label for="{name}"><span '
                               f'class="icon"><svg><use href="#svg-arrow-right"></use></svg></span></label>')
                    walk(entry.children, level + 1)
                out.append("</li>\n")
            out.append("</ul>\n")

    walk(tree, 1)
    return "".join(out)


def _text(text: str) -> str:
    """Text as BeautifulSoup writes it (furo's tree is BeautifulSoup's output)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    """A quoted attribute value as BeautifulSoup writes it."""
    value = _text(value)
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace('"', "&quot;") + '"'


def _chain(tree: list[list[Entry]], pagename: str) -> list[str]:
    """The docnames from the top-level entry down to the page's own, or [] if the page is not in the tree."""

    def find(lists, path):
        for entries in lists:
            for entry in entries:
                if entry.docname == pagename:
                    return path + [entry.docname]
                found = find(entry.children, path + [entry.docname])
                if found:
                    return found
        return None

    return find(tree, []) or []


def _kind(tree: list[list[Entry]], pagename: str) -> str:
    """What kind of place the page has in the tree: what the comparison with furo must cover."""
    chain = _chain(tree, pagename)
    if not chain:
        return "outside"
    entry = next(e for e in _all(tree) if e.docname == pagename)
    return ("nested" if len(chain) > 1 else "top") + (" with children" if any(entry.children) else "")


def _all(lists: list[list[Entry]]):
    for entries in lists:
        for entry in entries:
            yield entry
            yield from _all(entry.children)
