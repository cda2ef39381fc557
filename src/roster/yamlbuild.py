"""Plain Python data built from PyYAML's parser events, iteratively, under the bounds.

PyYAML's composer is not used: the C composer recurses on the C stack (a deeply nested
document crashes the process), and it neither counts aliases as expanded (billion laughs)
nor keeps every node's line and column. ``Builder`` does all three: nesting stops at
``MAX_DEPTH``, every alias adds the nodes and characters it stands for (``MAX_NODES``,
``MAX_EXPANDED``), and each key and value keeps its mark for error messages.
"""
from __future__ import annotations

from typing import Any

from roster.problems import pointer_of
from roster.yamlcore import ALLOWED_TAGS, STD, STD_TYPES, resolve_plain, tag_message
from roster.yamldoc import MAX_DEPTH, MAX_EXPANDED, MAX_NODES, Path, YamlError


class _Frame:
    __slots__ = ("obj", "path", "anchor", "size", "chars", "key", "key_mark")

    def __init__(self, obj: Any, path: Path, anchor: str | None) -> None:
        self.obj = obj
        self.path = path
        self.anchor = anchor
        self.size = 1
        self.chars = 0
        self.key: str | None = None  # a mapping's key waiting for its value
        self.key_mark: tuple[int, int] | None = None


class Builder:
    """Builds plain Python data from parser events, iteratively."""

    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, int]] = {}  # name -> (value, nodes, characters)
        self.value_marks: dict[Path, tuple[int, int]] = {}
        self.key_marks: dict[Path, tuple[int, int]] = {}
        self.root: Any = None
        self.root_mark = (1, 1)
        self.documents = 0
        self.expanded = 0
        self.chars = 0
        self.last_index = 0  # where the last event ended, in characters

    def feed(self, event: Any) -> bool:
        """Take one event; return True at the end of the stream."""
        name = type(event).__name__
        mark = (event.start_mark.line + 1, event.start_mark.column + 1)
        self.last_index = event.end_mark.index
        if name == "ScalarEvent":
            self._scalar(event, mark)
        elif name in ("MappingStartEvent", "SequenceStartEvent"):
            self._start(event, mark, {} if name == "MappingStartEvent" else [])
        elif name in ("MappingEndEvent", "SequenceEndEvent"):
            frame = self.stack.pop()
            if frame.anchor is not None:
                self.anchors[frame.anchor] = (frame.obj, frame.size, frame.chars)
            self._attach(frame.obj, frame.size, frame.chars)
        elif name == "AliasEvent":
            self._alias(event, mark)
        elif name == "DocumentStartEvent":
            self.documents += 1
            if self.documents > 1:
                raise YamlError("more than one YAML document in the file; keep one per file", *mark)
        elif name == "StreamEndEvent":
            return True
        return False

    def current_path(self) -> Path:
        """Where in the document the builder stands (for errors raised mid-document)."""
        if not self.stack:
            return ()
        parent = self.stack[-1]
        if isinstance(parent.obj, list):
            return parent.path + (len(parent.obj),)
        if parent.key is not None:
            return parent.path + (parent.key,)
        return parent.path

    def _path_for_child(self) -> Path:
        if not self.stack:
            return ()
        parent = self.stack[-1]
        if isinstance(parent.obj, list):
            return parent.path + (len(parent.obj),)
        assert parent.key is not None
        return parent.path + (parent.key,)

    def _expecting_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1].obj, dict) and self.stack[-1].key is None

    def _start(self, event: Any, mark: tuple[int, int], obj: Any) -> None:
        if self._expecting_key():
            raise YamlError("keys must be plain strings, not a mapping or a list", *mark)
        tag = event.tag
        if tag is not None and tag not in ALLOWED_TAGS:
            raise YamlError(tag_message(tag), *mark)
        if len(self.stack) >= MAX_DEPTH:
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", *mark)
        path = self._path_for_child()
        self._count(1, 0, mark)
        self.value_marks[path] = mark
        if not self.stack:
            self.root_mark = mark
        self.stack.append(_Frame(obj, path, event.anchor))

    def _scalar(self, event: Any, mark: tuple[int, int]) -> None:
        value = self._resolve(event, mark)
        if self._expecting_key():
            parent = self.stack[-1]
            if not isinstance(value, str):
                raise YamlError(
                    f"keys must be strings; quote {event.value!r} to use it as a key",
                    *mark, pointer=pointer_of(parent.path))
            if event.value == "<<" and event.implicit[0]:
                raise YamlError("merge keys (<<) are not part of YAML 1.2; write the keys out", *mark,
                                pointer=pointer_of(parent.path))
            if value in parent.obj:
                first = self.key_marks[parent.path + (value,)]
                raise YamlError(f"duplicate key {value!r} (first defined at line {first[0]})", *mark,
                                pointer=pointer_of(parent.path + (value,)))
            parent.key = value
            parent.key_mark = mark
            self._count(1, len(value), mark)
            parent.chars += len(value)
            return
        path = self._path_for_child()
        self.value_marks[path] = mark
        if not self.stack:
            self.root_mark = mark
        chars = len(event.value)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1, chars)
        self._count(1, chars, mark)
        self._attach(value, 1, chars)

    def _alias(self, event: Any, mark: tuple[int, int]) -> None:
        if self._expecting_key():
            raise YamlError("an alias cannot be used as a key", *mark)
        try:
            value, size, chars = self.anchors[event.anchor]
        except KeyError:
            raise YamlError(f"unknown alias *{event.anchor}", *mark) from None
        self._count(size, chars, mark)
        path = self._path_for_child()
        self.value_marks[path] = mark
        self._attach(value, size, chars)

    def _count(self, size: int, chars: int, mark: tuple[int, int]) -> None:
        self.expanded += size
        self.chars += chars
        if self.expanded > MAX_NODES:
            raise YamlError(f"document expands to more than {MAX_NODES:,} nodes (alias bomb?)", *mark)
        if self.chars > MAX_EXPANDED:
            raise YamlError(f"document expands to more than {MAX_EXPANDED:,} characters of text (alias bomb?)", *mark)

    def _attach(self, value: Any, size: int, chars: int) -> None:
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        parent.size += size
        parent.chars += chars
        if isinstance(parent.obj, list):
            parent.obj.append(value)
        else:
            key = parent.key
            assert key is not None
            parent.obj[key] = value
            assert parent.key_mark is not None
            self.key_marks[parent.path + (key,)] = parent.key_mark
            parent.key = None

    def _resolve(self, event: Any, mark: tuple[int, int]) -> Any:
        value: str = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if tag is None and event.implicit[0]:
                return resolve_plain(value, mark)
            return value
        if tag not in ALLOWED_TAGS:
            raise YamlError(tag_message(tag), *mark)
        kind = tag[len(STD):]
        if kind == "str":
            return value
        resolved = resolve_plain(value, mark)
        expected = STD_TYPES.get(kind)
        if expected is None or not isinstance(resolved, expected) or (kind == "int" and isinstance(resolved, bool)):
            raise YamlError(f"{value!r} is not a valid !!{kind}", *mark)
        if kind == "float" and isinstance(resolved, (int, float)):
            return float(resolved)
        return resolved
