"""What trainer text may contain, checked before any build.

Trainers are trusted to write training content, not to run code or read files (``docs/security.md``).
Trainer text (session bodies, variant blocks, activity instructions, facilitator notes) is MyST Markdown
with two kinds of dynamic or powerful parts, both on an allow-list:

- **context variables**: ``{{ country.name }}``, ``{{ country.ratification('C087') }}``… Each ``{{ }}``
  must be one of :data:`VARIABLES`, optionally with one of :data:`FILTERS`. No ``{% %}`` statements,
  no other names, no item access, no arithmetic.
- **MyST constructs**: headings from level 2, lists, tables, emphasis, links to web pages, the
  admonitions in :data:`DIRECTIVES`, and images only from the
  ``modules/assets/`` folder, written ``![description](assets/name.png)``. No raw HTML, no other directive (``include``, ``literalinclude``, ``raw``,
  ``eval-rst``…), no front matter.

The same parser configuration as the build is used (myst-parser's markdown-it), so what passes here is
what Sphinx sees. Sphinx itself is locked down too (``conf.py``, ``docutils.conf``): this check is the
first layer and the one that gives trainers a file:line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from ..errors import Problem, did_you_mean
from . import model as m

VARIABLES: dict[str, dict[str, str]] = {
    "country": {"name": "attr", "code": "attr", "region": "attr", "epz": "attr", "ratification": "call",
                "fact": "fact", "source": "fact"},
    "audience": {"title": "attr"},
    "sector": {"title": "attr"},
    "course": {"title": "attr", "centre": "attr"},
}
"""The declared context variables: name → attribute → ``attr``, ``call`` (a method taking one instrument code)
or ``fact`` (a method taking one fact kind; only under a variant whose ``when: {facts: …}`` requires it)."""

FILTERS = frozenset({"lower", "upper", "capitalize"})
DIRECTIVES = frozenset({"note", "tip", "important", "warning", "caution", "attention", "hint", "seealso"})
ROLES: frozenset[str] = frozenset()
"""No role is allowed: the glossary page is a plain definition list, so {term} could not resolve."""
LINK_SCHEMES = ("http://", "https://", "mailto:")
ASSETS = "assets"
MODULE_SCHEME = "module:"
"""A link to another module of the pack: ``[the module on labour inspection](module:labour-inspection)``.
The site links it to the module's page, the manuals to its first page; ``check`` makes sure that every pack
that has the linking module has the linked one too (:func:`module_reference_problems`)."""
MODULE_LINK = re.compile(r"\]\(" + MODULE_SCHEME + r"([^)\s]*)\)")
PROSE_REFERENCE = re.compile(
    r"\b(?:the\s+(?:first|second|third|next|previous|preceding|following|last)\s+module|the\s+module\s+on|"
    r"see\s+module|module\s+\d+)\b(?!s)", re.IGNORECASE)
"""A reference to another module written as prose: which module it means changes with the course and the
elective set, so ``check`` asks for a ``module:`` link instead."""

MYST_EXTENSIONS = ["colon_fence", "deflist"]
"""MyST extensions enabled in the build (``conf.py`` reads this list): none of them runs code."""

_md = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)
_md.validateLink = lambda url: True
"""markdown-it drops a link whose target it finds unsafe (``javascript:``, ``vbscript:``, ``file:``, most
``data:``) and the build then shows ``[x](javascript:…)`` as plain text. Here every link and image target
is kept as a link, so that :func:`_lint_inline` reports each one that is not on the allow-list, whatever
its scheme, at its line."""
jinja_env = ImmutableSandboxedEnvironment(autoescape=False)


def text_fields(module: m.Module) -> Iterator[tuple[tuple, str]]:
    """Every field of a module that holds trainer MyST, with its data path."""
    for si, s in enumerate(module.sessions):
        yield ("sessions", si, "body"), s.body
        for ai, a in enumerate(s.activities):
            yield ("sessions", si, "activities", ai, "instructions"), a.instructions
        if s.facilitator_notes:
            yield ("sessions", si, "facilitator_notes"), s.facilitator_notes
        for vi, v in enumerate(s.variants):
            yield ("sessions", si, "variants", vi, "body"), v.body
    for mi, material in enumerate(module.materials):
        if material.body:
            yield ("materials", mi, "body"), material.body
        for vi, v in enumerate(material.variants):
            yield ("materials", mi, "variants", vi, "body"), v.body
        for ri, r in enumerate(material.roles):
            yield ("materials", mi, "roles", ri, "brief"), r.brief


def lint_module(module: m.Module, src, cat: m.Catalogue) -> list[Problem]:
    problems: list[Problem] = []
    for path, text in text_fields(module):
        owner = module.sessions[path[1]] if path[0] == "sessions" else module.materials[path[1]]
        variant = owner.variants[path[3]] if path[2] == "variants" else None
        titled = bool(variant and variant.title)
        facts = variant.when.required_facts() if variant else frozenset()
        for offset, code, message, hint in lint_text(text, cat, heading=2 if titled else 1, facts=facts):
            problems.append(Problem(src.text_line(path, offset), code, message, hint))
        for offset, phrase in prose_references(text):
            problems.append(Problem(
                src.text_line(path, offset), "module-reference-text",
                f"{phrase!r} refers to another module in words; which module it is depends on the course and "
                f"its elective set", "link it: [the module on labour inspection](module:labour-inspection), so "
                "that check can tell whether every pack has that module", "warning"))
    return problems


def prose_references(text: str) -> Iterator[tuple[int, str]]:
    """(line offset, phrase) of each reference to a module written in words, outside links."""
    plain = re.sub(r"\[[^\]]*\]\([^)]*\)", lambda mt: " " * len(mt.group(0)), text)
    for found in PROSE_REFERENCE.finditer(plain):
        yield text[:found.start()].count("\n"), found.group(0)


def module_links(module: m.Module) -> Iterator[tuple[tuple, int, str]]:
    """(data path, line offset, module id) of every ``module:`` link in a module's trainer text."""
    for path, text in text_fields(module):
        for found in MODULE_LINK.finditer(text):
            yield path, text[:found.start()].count("\n"), found.group(1)


def module_reference_problems(course: m.Course, cat: m.Catalogue, source) -> list[Problem]:
    """A ``module:`` link to a module that some pack of ``course`` (an elective set, an audience, a sector)
    does not have, once per linking text and linked module, naming one such pack. ``source(module_id)``
    gives a module's :class:`~build_tools.content.repository.Source`."""
    problems, seen = [], set()
    for set_id in course.elective_set_ids():
        listed = [mid for mid in course.pack_modules(set_id) if mid in cat.modules]
        for audience in course.offered_for.audiences:
            for sector in course.offered_for.sectors:
                has = [mid for mid in listed if cat.modules[mid].applies_to(audience, sector)]
                for mid in has:
                    for path, offset, target in module_links(cat.modules[mid]):
                        if target in has or target not in cat.modules or (mid, path, target) in seen:
                            continue
                        seen.add((mid, path, target))
                        chosen = course.elective_set(set_id)
                        which = f"elective set {chosen.id!r}, " if chosen else ""
                        problems.append(Problem(
                            source(mid).text_line(path, offset), "module-reference-outside-pack",
                            f"this text links to module {target!r}, which packs of course {course.id!r} "
                            f"({which}audience {audience!r}, sector {sector!r}) do not have",
                            "write the passage so that it stands without that module, or make the course "
                            "teach both in every pack"))
    return problems


def lint_text(text: str, cat: m.Catalogue, heading: int = 1, facts: frozenset[str] | None = None
              ) -> list[tuple[int, str, str, str | None]]:
    """Problems in one trainer text as (line offset within the text, code, message, hint). ``heading`` is
    the level of the heading the text sits under (1: the page title; 2: a variant's title). ``facts``: the
    fact kinds the text's variant requires, which are all that ``country.fact(…)`` may name there (``None``:
    not known here, e.g. for a translation; the render refuses a fact the country lacks)."""
    key = (text, heading, facts, _instruments_key(cat.instruments))
    found = _LINTED.get(key)
    if found is None:
        found = (tuple(_lint_jinja(text, cat, facts)) + tuple(_lint_myst(text, cat, 0))
                 + tuple(_lint_headings(text, heading)))
        if len(_LINTED) >= _LINTED_KEPT:
            _LINTED.clear()
        _LINTED[key] = found
    return list(found)


_LINTED: dict[tuple, tuple] = {}
"""Texts linted in this process: what :func:`lint_text` finds depends on the text, the heading level, the
facts its variant requires and the catalogue's instruments only. ``serve`` validates again after each save,
and parsing every text of every module again took most of that."""
_LINTED_KEPT = 20_000
_last_instruments: tuple = (None, ())


def _instruments_key(instruments: dict) -> tuple:
    """What lint reads of the instruments (codes in order, kinds, whether ratifiable), computed once per
    catalogue."""
    global _last_instruments
    last = _last_instruments  # one read: another thread may replace it meanwhile
    if last[0] is not instruments:
        last = (instruments, tuple((code, i.kind, i.ratifiable) for code, i in instruments.items()))
        _last_instruments = last
    return last[1]


def _lint_headings(text: str, level: int):
    for tok in _md.parse(text):
        if tok.type == "heading_open" and tok.tag != "h1":
            new = int(tok.tag[1])
            if new > level + 1:
                yield (tok.map[0] if tok.map else 0), "heading-level", \
                    f"a level-{new} heading ({'#' * new}) follows a level-{level} one", \
                    f"use {'#' * (level + 1)}: headings go down one level at a time"
            level = new


# --------------------------------------------------------------------------- {{ variables }}

def _lint_jinja(text: str, cat: m.Catalogue, facts: frozenset[str] | None):
    try:
        tree = jinja_env.parse(text)
    except TemplateSyntaxError as exc:
        yield (exc.lineno or 1) - 1, "template-syntax", f"bad context variable: {exc.message}", \
            "write variables as {{ country.name }}; to show braces literally, avoid '{{', '{%' and '{#'"
        return
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            yield node.lineno - 1, "template-statement", \
                f"template statements ({{% {type(node).__name__.lower()} %}}) are not allowed in trainer text", \
                "use a variant block with `when:` to show text to some packs only"
            continue
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                continue
            problem = _check_expression(child, cat, facts)
            if problem:
                yield (child.lineno - 1, *problem)


def _check_expression(expr: nodes.Node, cat: m.Catalogue, facts: frozenset[str] | None = None
                      ) -> tuple[str, str, str | None] | None:
    if isinstance(expr, nodes.Filter):
        if expr.name not in FILTERS or expr.args or expr.kwargs:
            return "unknown-filter", f"the filter {expr.name!r} is not allowed", \
                "allowed filters: " + ", ".join(sorted(FILTERS))
        expr = expr.node
    call_arg = None
    if isinstance(expr, nodes.Call):
        if len(expr.args) != 1 or not isinstance(expr.args[0], nodes.Const) or expr.kwargs:
            return "bad-variable", "a context method takes exactly one quoted code, e.g. country.ratification('C087')", None
        call_arg = expr.args[0].value
        expr = expr.node
    if isinstance(expr, nodes.Getattr) and isinstance(expr.node, nodes.Name):
        name, attr = expr.node.name, expr.attr
    elif isinstance(expr, nodes.Name):
        name, attr = expr.name, None
    else:
        return "bad-variable", "only context variables such as {{ country.name }} are allowed inside {{ }}", \
            "variables: " + _variables_list()
    if name not in VARIABLES:
        return "unknown-variable", f"unknown context variable {name!r}", \
            did_you_mean(name, VARIABLES) or "variables: " + _variables_list()
    if attr is None:
        return "bad-variable", f"{{{{ {name} }}}} needs an attribute, e.g. {{{{ {name}.{next(iter(VARIABLES[name]))} }}}}", None
    kind = VARIABLES[name].get(attr)
    if kind is None:
        return "unknown-variable", f"unknown context variable {name}.{attr}", \
            did_you_mean(attr, VARIABLES[name]) or "variables: " + _variables_list()
    if kind == "fact":
        return _check_fact(name, attr, call_arg, facts)
    if kind == "call" and call_arg is None:
        return "bad-variable", f"{name}.{attr} needs an instrument code, e.g. {name}.{attr}('C087')", None
    if kind == "attr" and call_arg is not None:
        return "bad-variable", f"{name}.{attr} is not a method; write {{{{ {name}.{attr} }}}}", None
    if call_arg is not None and call_arg not in cat.instruments:
        return "unknown-instrument", f"unknown instrument {call_arg!r} in {name}.{attr}(…)", \
            did_you_mean(str(call_arg), cat.instruments)
    if call_arg is not None and not cat.instruments[call_arg].ratifiable:
        return "not-ratifiable", f"{call_arg} is a {cat.instruments[call_arg].kind}: it has no ratification status", \
            "name a Convention or a Protocol"
    return None


def _check_fact(name: str, attr: str, kind, facts: frozenset[str] | None) -> tuple[str, str, str | None] | None:
    """``country.fact('inspection')`` names a known kind, and only where the variant guarantees that the
    pack's country has that fact, verified: so no pack shows a passage built on an unsourced fact."""
    kinds = ", ".join(m.FACT_KINDS)
    if kind is None:
        return "bad-variable", f"{name}.{attr} needs a fact kind, e.g. {name}.{attr}('inspection')", f"kinds: {kinds}"
    if kind not in m.FACT_KINDS:
        return "unknown-fact", f"unknown fact kind {kind!r} in {name}.{attr}(…)", \
            did_you_mean(str(kind), m.FACT_KINDS) or f"kinds: {kinds}"
    if facts is not None and kind not in facts:
        return "unguarded-fact", f"{name}.{attr}({kind!r}) is used where the pack's country may have no verified " \
            f"{kind!r} fact", f"put this text in a variant with `when: {{facts: [{kind}]}}`"
    return None


def _variables_list() -> str:
    out = []
    for name, attrs in VARIABLES.items():
        out += [f"{name}.{a}('CODE')" if k == "call" else f"{name}.{a}('KIND')" if k == "fact" else f"{name}.{a}"
                for a, k in attrs.items()]
    return ", ".join(out)


# --------------------------------------------------------------------------- MyST constructs

def _lint_myst(text: str, cat: m.Catalogue, base: int):
    tokens = _md.parse(text)
    for tok in tokens:
        line = base + (tok.map[0] if tok.map else 0)
        if tok.type in ("html_block",):
            yield line, "raw-html", "raw HTML is not allowed in trainer text", \
                "use Markdown instead: **bold**, lists, tables, admonitions"
        elif tok.type == "front_matter":
            yield line, "front-matter", "front matter (---) is not allowed in trainer text", "remove it"
        elif tok.type == "heading_open" and tok.tag == "h1":
            yield line, "heading-level", "level-1 headings (#) are not allowed: the page title is the session title", \
                "use ## or ###"
        elif tok.type in ("fence", "colon_fence") and tok.info.strip().startswith("{"):
            name = tok.info.strip()[1:].split("}", 1)[0].strip()
            if name not in DIRECTIVES:
                yield line, "forbidden-directive", f"the directive {{{name}}} is not allowed in trainer text", \
                    "allowed: " + ", ".join(sorted(DIRECTIVES))
            else:  # an admonition's content is MyST too: check it as well
                yield from _lint_myst(tok.content, cat, line + 1)
        elif tok.type == "inline":
            yield from _lint_inline(tok, line, cat)


def _lint_inline(tok, line: int, cat: m.Catalogue):
    for child in tok.children or []:
        if child.type == "html_inline":
            yield line, "raw-html", f"raw HTML ({child.content}) is not allowed in trainer text", \
                "use Markdown instead: **bold**, *italic*, [link](https://…)"
        elif child.type == "myst_role":
            role = child.meta.get("name", "")
            if role not in ROLES:
                yield line, "forbidden-role", f"the role {{{role}}} is not allowed in trainer text", \
                    "write plain text; terms are explained on the pack's glossary page"
        elif child.type == "image":
            src = str(child.attrs.get("src", ""))
            parts = PurePosixPath(src).parts
            if "://" in src or src.startswith("/") or ".." in parts or not parts or parts[0] != ASSETS:
                yield line, "image-outside-assets", f"the image {src!r} is not in the modules/assets/ folder", \
                    "put the image in modules/assets/ and write ![description](assets/name.png)"
            if not child.content.strip():
                yield line, "image-alt", f"the image {src!r} has no description", \
                    "write what the image shows between the brackets: ![a map of the supply chain](…)"
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            if href.startswith(MODULE_SCHEME):
                target = href[len(MODULE_SCHEME):]
                if target not in cat.modules:
                    yield line, "unknown-module", f"the link names module {target!r}, which does not exist", \
                        did_you_mean(target, cat.modules) or "module ids are the file names in modules/"
            elif not href.startswith(LINK_SCHEMES):
                yield line, "link-target", f"the link target {href!r} is not a web address", \
                    "link to https:// pages, or to another module as [its title](module:module-id)"
