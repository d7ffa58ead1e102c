"""``coursepack new``: a valid, schema-linked draft of a module, a course, a country profile or a material.

Each kind is a template (``templates/scaffold/<kind>.yml.j2``) and an entry in :data:`KINDS` (the function
that checks the id, fills the template and writes it). What the templates leave for the author is marked
``TODO``: ``check`` reports such a file as a draft (:mod:`build_tools.content.drafts`), never as an error.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..content.fields import SLUG_RE
from ..errors import SelectionError, did_you_mean
from . import edits

SCHEMAS = {"module": "module", "course": "course", "country": "country"}


def render(root: Path, template: str, target: Path | None = None, **context) -> str:
    """The scaffold ``template`` filled with ``context`` (and the relative path from ``target`` to its schema)."""
    env = Environment(loader=FileSystemLoader(root / "templates" / "scaffold"), undefined=StrictUndefined,
                      keep_trailing_newline=True, autoescape=False)
    if target is not None:
        schema = root / "docs" / "schemas" / f"{SCHEMAS[template]}.schema.json"
        context["schema"] = Path(os.path.relpath(schema, target.parent)).as_posix()
    return env.get_template(f"{template}.yml.j2").render(**context)


def slug(kind: str, ident: str) -> str:
    """``ident`` if it is an id; else :class:`SelectionError` suggesting one."""
    if re.fullmatch(SLUG_RE, ident):
        return ident
    suggestion = re.sub(r"[^a-z0-9]+", "-", ident.lower()).strip("-")[:64] or "my-" + kind
    raise SelectionError(f"{ident!r} is not an id: ids are lower-case letters, digits and hyphens; "
                         f"try `coursepack new {kind} {suggestion}`")


def known(kind: str, ident: str, choices, what: str) -> str:
    """``ident`` if it is one of ``choices``; else :class:`SelectionError` naming the close ones."""
    if ident in choices:
        return ident
    raise SelectionError(f"unknown {kind} {ident!r}; {did_you_mean(ident, choices) or what}")


def create(path: Path, text: str, root: Path, kind: str) -> str:
    """Write the new file ``path``; :class:`SelectionError` if it exists."""
    shown = path.relative_to(root).as_posix()
    if path.exists():
        raise SelectionError(f"the {kind} {path.stem!r} exists already ({shown}); choose another id, "
                             f"or edit that file")
    edits.write(path, text)
    return shown


def offer(repo, course_id: str, field: tuple, value: str) -> str | None:
    """Add ``value`` to the list ``field`` of the course ``course_id`` (comments and layout kept); return the
    file's path if it changed."""
    path = repo.root / repo.source("course", course_id).path
    text = path.read_text(encoding="utf-8")
    changed = edits.add_to_sequence(text, field, value)
    if changed is None:
        raise SelectionError(f"{path.relative_to(repo.root)} has no `{'.'.join(field)}` list to add {value} to")
    if changed == text:
        return None
    edits.write(path, changed)
    return path.relative_to(repo.root).as_posix()


from .kinds import KINDS  # noqa: E402  (the kinds use the helpers above)

__all__ = ["KINDS", "render"]
