"""What loading an assistant file gives (a ``Document``) or raises (``YamlError``), and the
bounds every load keeps (SECURITY.md: size, nesting, nodes, expanded text, integer digits)."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

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


Mark = tuple[int, int]
_FINDS = 32  # single lookups before the marks are built whole (45,000 warnings must not scan 45,000 keys each)
Marks = dict[Path, Mark]


class Document:
    """A loaded mapping and where each of its nodes stands in the file.

    The marks may come later: ``marks`` computes (value marks, key marks) on first use,
    since most documents are valid and nothing asks where their nodes stand.
    """

    __slots__ = ("data", "_value_marks", "_key_marks", "_marks", "_find", "_finds")

    def __init__(self, data: dict[str, Any], value_marks: Marks | None = None, key_marks: Marks | None = None,
                 *, marks: Callable[[], tuple[Marks, Marks]] | None = None,
                 find: Callable[[Path], tuple[Mark | None, Mark | None]] | None = None) -> None:
        self.data = data
        self._value_marks = value_marks
        self._key_marks = key_marks
        self._marks = marks
        self._find = find  # (key mark, value mark) of one path, as the two dicts would give them
        self._finds = 0

    def _at(self, path: Path) -> tuple[Mark | None, Mark | None]:
        """(key mark, value mark) at ``path``: one problem needs one or two paths, not every mark;
        past a few (each walk scans its mappings), every mark is built once instead."""
        if self._value_marks is None and self._find is not None and self._finds < _FINDS:
            self._finds += 1
            return self._find(path)
        return self.key_marks.get(path), self.value_marks.get(path)

    def _computed(self) -> None:
        assert self._marks is not None, "a Document needs its marks or a way to compute them"
        self._value_marks, self._key_marks = self._marks()
        self._marks = None

    @property
    def value_marks(self) -> Marks:
        if self._value_marks is None:
            self._computed()
        assert self._value_marks is not None
        return self._value_marks

    @property
    def key_marks(self) -> Marks:
        if self._key_marks is None:
            self._computed()
        assert self._key_marks is not None
        return self._key_marks

    def locate(self, path: Path) -> tuple[int, int]:
        """Line and column of the node at ``path``, or of its nearest located ancestor.

        A mapping entry points at its key (where a reader looks for it); a list
        item or the inside of an alias falls back to the nearest known node.
        """
        path = tuple(path)
        while path:
            key_mark, value_mark = self._at(path)
            mark = key_mark or value_mark
            if mark:
                return mark
            path = path[:-1]
        return self._at(())[1] or (1, 1)

    def locate_value(self, path: Path) -> tuple[int, int]:
        """Like ``locate`` but prefers the value's own position (for wrong values)."""
        path = tuple(path)
        mark = self._at(path)[1]
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
