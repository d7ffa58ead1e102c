"""Small edits of a YAML file that keep every other byte: comments, quoting, order and layout stay as the
author wrote them. Each edit finds its place through the parser's marks (PyYAML's composed nodes) and
inserts text there; nothing is re-serialised."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..atomic import replacing


def node_at(text: str, keys: tuple):
    """The node at ``keys`` (mapping keys and list indexes) of the YAML document ``text``; None if absent."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    for key in keys:
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return None
        if node is None:
            return None
    return node


def _after_block(text: str, node) -> int:
    """Where a line can be inserted just after the block node ``node`` (the start of the next line)."""
    end = node.end_mark.index
    if node.end_mark.column == 0:
        return end
    line_end = text.find("\n", end)
    return len(text) if line_end < 0 else line_end + 1


def _with_newline(text: str, at: int) -> tuple[str, int]:
    if at == len(text) and text and not text.endswith("\n"):
        return text + "\n", at + 1
    return text, at


def add_to_sequence(text: str, keys: tuple, value: str) -> str | None:
    """``text`` with the scalar ``value`` appended to the list at ``keys`` (flow ``[a, b]`` or block
    ``- a``), as the list is written; unchanged if the list has it; None if there is no list there."""
    node = node_at(text, keys)
    if not isinstance(node, yaml.SequenceNode):
        return None
    if any(isinstance(item, yaml.ScalarNode) and item.value == value for item in node.value):
        return text
    if node.flow_style:
        close = text.rindex("]", 0, node.end_mark.index)
        before = text[:close].rstrip()
        return before + (", " if node.value else "") + value + text[len(before):close] + text[close:]
    last = node.value[-1]
    start = last.start_mark.index
    prefix = text[text.rfind("\n", 0, start) + 1:start]  # e.g. "  - "
    text, at = _with_newline(text, _after_block(text, last))
    return text[:at] + prefix + value + "\n" + text[at:]


def append_to_mapping(text: str, keys: tuple, lines: str) -> str | None:
    """``text`` with ``lines`` (already indented as keys of the mapping at ``keys``) added after its last
    entry; None if there is no mapping there."""
    node = node_at(text, keys)
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        return None
    text, at = _with_newline(text, _after_block(text, node.value[-1][1]) if node.value else len(text))
    return text[:at] + lines + text[at:]


def insert_after(text: str, node, lines: str) -> str:
    """``text`` with ``lines`` inserted on the line after the block node ``node``."""
    text, at = _with_newline(text, _after_block(text, node))
    return text[:at] + lines + text[at:]


def mapping_indent(text: str, keys: tuple) -> str:
    """The indentation of the keys of the mapping at ``keys``."""
    node = node_at(text, keys)
    return " " * node.value[0][0].start_mark.column


def write(path: Path, text: str) -> None:
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
