"""The fast path of a load: PyYAML's C composer builds the node graph, Python only walks it.

``yamlbuild.Builder`` pays a Python call per parser event (about half of a load). For the
common file (no anchors, no explicit tags, within the bounds) the C composer's node graph
gives the same data: a plain walk resolves each untagged plain scalar under the YAML 1.2
core schema (``yamlcore.resolve_plain``) and keeps the nodes, whose marks are the events'
marks, so the marks are read only when a problem needs a line.

The fast path answers only when it is sure to give what the builder gives. Anything else
(a syntax error, an anchor or alias, any tag, a duplicate or non-string key, a merge key,
a nesting, node or text bound crossed, a number JSON cannot carry, a top level that is not
a mapping) makes it return None, and the caller loads with the builder, which is the one
that words every error. The C composer recurses on the C stack, but libyaml itself refuses
nesting deeper than 1,000 levels, far within that stack.
"""
from __future__ import annotations

from typing import Any

from roster.yamlcore import resolve_plain
from roster.yamldoc import MAX_DEPTH, MAX_EXPANDED, MAX_NODES, Path, YamlError

_PLAIN = "?plain"  # an untagged (or '!'-tagged) plain scalar: resolved by the core schema
_OTHER = "?other"  # an untagged quoted or block scalar, or an untagged mapping or list


class _Unsure(Exception):
    """The fast path cannot vouch for this document: the builder loads it."""


def _parser_class() -> Any:
    from yaml._yaml import CParser  # lazy: the C extension, as yamlload's loader

    class Composer(CParser):
        """The C parser and composer with a resolver that only says "plain or not"."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            return _PLAIN if implicit is not True and implicit[0] else _OTHER

        def descend_resolver(self, *_: Any) -> None:  # path resolvers: none
            return None

        def ascend_resolver(self, *_: Any) -> None:
            return None

    return Composer


_composer: Any = None


def compose(text: str) -> tuple[dict[str, Any], Any] | None:
    """(data, root node) of ``text`` when the fast path is sure of it, else None."""
    global _composer
    if "&" in text:  # an anchor, so perhaps aliases: their counting and marks are the builder's
        return None
    if _composer is None:
        _composer = _parser_class()
    parser = _composer(text)
    try:
        root = parser.get_single_node()
    except Exception:  # noqa: BLE001 - any failure is worded by the builder, which meets it too
        return None
    finally:
        parser.dispose()
    if root is None or root.tag != _OTHER or root.id != "mapping":
        return None
    walk = _Walk(text)
    try:
        data = walk.mapping(root, 1)
    except (_Unsure, YamlError, RecursionError):
        return None
    # Without aliases every node is built once, so the totals are the most the builder
    # ever counts: past a bound here, it refuses the document and says where.
    if walk.nodes + 1 > MAX_NODES or walk.chars > MAX_EXPANDED:
        return None
    return data, root


_RESOLVED_START = frozenset("~nNtTfF+-.0123456789")  # the plain scalars resolve_plain may turn into non-strings


class _Walk:
    """Builds the data of a node graph; counts nodes (each at its parent) and characters."""

    __slots__ = ("text", "bang", "nodes", "chars")

    def __init__(self, text: str) -> None:
        self.text = text
        self.bang = "!" in text  # '! x' composes like 'x' but means the string: look at each plain scalar
        self.nodes = 0
        self.chars = 0

    def value(self, node: Any, depth: int) -> Any:
        kind = node.id
        if kind == "scalar":
            return self.scalar(node)
        if depth >= MAX_DEPTH or node.tag != _OTHER:
            raise _Unsure
        if kind == "mapping":
            return self.mapping(node, depth + 1)
        items = node.value
        self.nodes += len(items)
        return [self.value(item, depth + 1) for item in items]

    def mapping(self, node: Any, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        pairs = node.value
        self.nodes += 2 * len(pairs)
        for key_node, value_node in pairs:
            if key_node.id != "scalar":
                raise _Unsure
            key = self.scalar(key_node)
            if not isinstance(key, str) or key in out or (key == "<<" and key_node.tag == _PLAIN):
                raise _Unsure
            if value_node.id == "scalar":  # most values: no call to value()
                out[key] = self.scalar(value_node)
            else:
                out[key] = self.value(value_node, depth)
        return out

    def scalar(self, node: Any) -> Any:
        value: str = node.value
        self.chars += len(value)
        tag = node.tag
        if tag == _PLAIN:
            if self.bang:
                start = node.start_mark.index  # an empty scalar may start at the very end
                if self.text[start:start + 1] == "!":
                    raise _Unsure
            if not value:
                return None
            if value[0] in _RESOLVED_START:
                mark = node.start_mark
                return resolve_plain(value, (mark.line + 1, mark.column + 1))
            return value
        if tag != _OTHER:
            raise _Unsure
        return value


def marks(root: Any) -> tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int]]]:
    """(value marks, key marks) of a document the fast path composed: those the builder records."""
    values: dict[Path, tuple[int, int]] = {}
    keys: dict[Path, tuple[int, int]] = {}
    stack: list[tuple[Path, Any]] = [((), root)]
    while stack:
        path, node = stack.pop()
        mark = node.start_mark
        values[path] = (mark.line + 1, mark.column + 1)
        if node.id == "mapping":
            for key_node, value_node in node.value:
                key = path + (_key_of(key_node),)
                mark = key_node.start_mark
                keys[key] = (mark.line + 1, mark.column + 1)
                stack.append((key, value_node))
        elif node.id == "sequence":
            stack.extend((path + (i,), item) for i, item in enumerate(node.value))
    return values, keys


def _key_of(node: Any) -> Any:
    if node.tag == _PLAIN:  # a key resolved to a string (the walk made sure)
        mark = node.start_mark
        return resolve_plain(node.value, (mark.line + 1, mark.column + 1))
    return node.value


def find(root: Any, path: Path) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(key mark, value mark) at ``path`` in a document the fast path composed: what
    ``marks(root)``'s two dicts hold for that path, without building them."""
    node, key_mark = root, None
    for part in path:
        if node.id == "mapping":
            if not isinstance(part, str):
                return None, None  # the dicts' keys below a mapping are its (string) keys
            for key_node, value_node in node.value:
                if _key_of(key_node) == part:
                    mark = key_node.start_mark
                    node, key_mark = value_node, (mark.line + 1, mark.column + 1)
                    break
            else:
                return None, None
        elif node.id == "sequence" and isinstance(part, int) and 0 <= part < len(node.value):
            node, key_mark = node.value[part], None  # True is 1 here, as in a dict
        else:
            return None, None
    mark = node.start_mark
    return key_mark, (mark.line + 1, mark.column + 1)
