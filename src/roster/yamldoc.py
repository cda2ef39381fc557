"""What loading an assistant file gives (a ``Document``) or raises (``YamlError``), and the
bounds every load keeps (SECURITY.md: size, nesting, nodes, expanded text, integer digits)."""
from __future__ import annotations

import math
from typing import Any, NamedTuple

from roster.errors import RosterError

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000
# Text the document holds once aliases are expanded: a 700 KB scalar aliased 99,000
# times stays under MAX_NODES but is 69 GB to every walk that follows (secret scan, diff).
MAX_EXPANDED = 8 * MAX_BYTES
# Python refuses to turn an int of more than 4,300 digits into text (and JSON is text):
# such a number is refused here, in every notation, not by whatever prints it later.
MAX_INT_DIGITS = 4300
MAX_INT_BITS = int(MAX_INT_DIGITS * math.log2(10))

Path = tuple[Any, ...]


class YamlError(RosterError):
    """A file could not be loaded; carries a 1-based location."""

    def __init__(self, message: str, line: int = 1, column: int = 1, pointer: str = "") -> None:
        self.message = message
        self.line = line
        self.column = column
        self.pointer = pointer
        super().__init__(f"{line}:{column}: {message}")


class Document(NamedTuple):
    """A loaded mapping and where each of its nodes stands in the file."""

    data: dict[str, Any]
    value_marks: dict[Path, tuple[int, int]]
    key_marks: dict[Path, tuple[int, int]]

    def locate(self, path: Path) -> tuple[int, int]:
        """Line and column of the node at ``path``, or of its nearest located ancestor.

        A mapping entry points at its key (where a reader looks for it); a list
        item or the inside of an alias falls back to the nearest known node.
        """
        path = tuple(path)
        while path:
            mark = self.key_marks.get(path) or self.value_marks.get(path)
            if mark:
                return mark
            path = path[:-1]
        return self.value_marks.get((), (1, 1))

    def locate_value(self, path: Path) -> tuple[int, int]:
        """Like ``locate`` but prefers the value's own position (for wrong values)."""
        path = tuple(path)
        mark = self.value_marks.get(path)
        if mark is not None and not isinstance(self.get(path), (dict, list)):
            return mark
        return self.locate(path)

    def get(self, path: Path, default: Any = None) -> Any:
        node: Any = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return default
        return node
