"""Smallest-edit changes to YAML files people wrote: comments, key order, quoting and block
style of the lines not changed stay as they were (``roster pull``; reusable by ``promote``).

Built on ruamel.yaml's round-trip mode, which keeps comments and layout. Every edit is
checked by reading the result back with Roster's own loader (:mod:`roster.yamlload`):
if the text would not mean exactly the data asked for, nothing is returned but an error.
Multi-line strings are written as ``|`` block scalars; a value that was a block scalar
stays one.
"""
from __future__ import annotations

import io
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from roster.errors import RosterError

Path = tuple[str, ...]


class EditError(RosterError):
    """The file cannot be edited safely (not a mapping, or the edit would change its meaning)."""


def _yaml(indent: int = 2, offset: int = 0) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never re-wrap a long line the user wrote on one line
    yaml.indent(mapping=indent, sequence=max(indent, offset + 2), offset=offset)
    return yaml


def to_node(value: Any, *, block: bool = False) -> Any:
    """Plain data as ruamel nodes: multi-line strings (or ``block``) as ``|`` scalars."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, str):
        return LiteralScalarString(value) if ("\n" in value or block) and _literal_ok(value) else value
    if isinstance(value, Mapping):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = to_node(v)
        return out
    if isinstance(value, (list, tuple)):
        return CommentedSeq([to_node(v) for v in value])
    return value


def _literal_ok(text: str) -> bool:
    # A block scalar cannot hold some characters or trailing spaces on its last line faithfully.
    return not any(c in text for c in "\t\r\x85\u2028\u2029") and not text.endswith((" \n", " "))


class YamlEditor:
    """One YAML document, edited in place; ``text()`` is the result."""

    def __init__(self, text: str, *, where: str = "") -> None:
        from ruamel.yaml.error import YAMLError
        from ruamel.yaml.util import load_yaml_guess_indent

        self.where = where
        self.original = text
        try:
            _, indent, offset = load_yaml_guess_indent(text)
            self._yaml = _yaml(indent or 2, offset or 0)
            self.data = self._yaml.load(text)
        except YAMLError as e:
            raise EditError(f"{where}: cannot edit: {' '.join(str(e).split())}") from None
        if self.data is None:
            from ruamel.yaml.comments import CommentedMap

            self.data = CommentedMap()
        if not isinstance(self.data, Mapping):
            raise EditError(f"{where}: cannot edit: the top level is not a mapping")

    def get(self, path: Path, default: Any = None) -> Any:
        node: Any = self.data
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                return default
            node = node[key]
        return node

    def set(self, path: Path, value: Any) -> None:
        """Set the value at ``path``, creating mappings on the way (appended after existing keys)."""
        from ruamel.yaml.comments import CommentedMap
        from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

        node = self.data
        for key in path[:-1]:
            child = node.get(key)
            if not isinstance(child, Mapping):
                child = CommentedMap()
                node[key] = child
            node = child
        old = node.get(path[-1])
        was_block = isinstance(old, (LiteralScalarString, FoldedScalarString))
        node[path[-1]] = to_node(value, block=was_block and isinstance(value, str))

    def delete(self, path: Path) -> None:
        node = self.get(path[:-1])
        if isinstance(node, MutableMapping) and path[-1] in node:
            del node[path[-1]]

    def text(self) -> str:
        out = io.StringIO()
        self._yaml.dump(self.data, out)
        return out.getvalue()


def edit_text(text: str, sets: Sequence[tuple[Path, Any]], deletes: Sequence[Path] = (), *,
              expect: Any = None, where: str = "") -> str:
    """``text`` with these values set and keys deleted; ``expect`` (plain data) is what the
    result must load as with Roster's loader, else :class:`EditError`."""
    editor = YamlEditor(text, where=where)
    for path in deletes:
        editor.delete(path)
    for path, value in sets:
        editor.set(path, value)
    result = editor.text()
    if expect is not None:
        verify(result, expect, where)
    return result


def dump_new(data: Mapping, *, header: str = "") -> str:
    """A new YAML document for ``data`` in block style, multi-line strings as ``|`` blocks."""
    out = io.StringIO()
    _yaml().dump(to_node(data), out)
    return header + out.getvalue()


def verify(text: str, expect: Any, where: str = "") -> None:
    """Refuse a text that Roster's loader reads differently from ``expect``."""
    import json

    from roster.yamlload import YamlError, load_text

    try:
        got = load_text(text).data
    except YamlError as e:
        raise EditError(f"{where}: the edited file would not load ({e}); nothing written") from None
    if json.dumps(got, sort_keys=True, default=str) != json.dumps(expect, sort_keys=True, default=str):
        raise EditError(f"{where}: the edited file would not say what the server holds; nothing written "
                        "(please report this file's layout)")
