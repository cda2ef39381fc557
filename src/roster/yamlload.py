"""The YAML policy: every assistant file is read here and nowhere else.

PyYAML's C parser gives the event stream; the document is built here, not by
PyYAML's composer, for four reasons: the C composer recurses on the C stack
(a deeply nested document crashes the process), YAML 1.2 core scalars need a
resolver of their own, aliases must be counted as expanded (billion laughs),
and every node's line and column must be kept for error messages.
"""
from __future__ import annotations

import math
import re
from typing import Any, NamedTuple

from roster.errors import RosterError
from roster.problems import pointer_of

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000
# Text the document holds once aliases are expanded: a 700 KB scalar aliased 99,000
# times stays under MAX_NODES but is 69 GB to every walk that follows (secret scan, diff).
MAX_EXPANDED = 8 * MAX_BYTES
# Python refuses to turn an int of more than 4,300 digits into text (and JSON is text):
# such a number is refused here, in every notation, not by whatever prints it later.
MAX_INT_DIGITS = 4300
_MAX_INT_BITS = int(MAX_INT_DIGITS * math.log2(10))

Path = tuple[Any, ...]
_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")} | {"!"}

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1023-core-schema).
_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"[-+]?[0-9]+\Z")
_INT8 = re.compile(r"0o[0-7]+\Z")
_INT16 = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")


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


def decode(raw: bytes) -> str:
    """Bytes to text under the policy: UTF-8 (BOM allowed), no NUL, size bound."""
    if len(raw) > MAX_BYTES:
        raise YamlError(f"file is larger than 1 MiB; the limit is {MAX_BYTES:,} bytes")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # before the NUL test: UTF-16 text is full of NULs
        raise YamlError("file is UTF-16; only UTF-8 is accepted")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _position(raw, nul)
        raise YamlError("NUL byte found: this is not a text file", line, col)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, col = _position(raw, e.start)
        raise YamlError(f"invalid UTF-8 (byte 0x{raw[e.start]:02x}); files must be UTF-8", line, col) from e


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode("utf-8", "replace")) + 1
    return line, column


def load_bytes(raw: bytes) -> Document:
    """Load one assistant document; raise ``YamlError`` with a location on any violation."""
    return load_text(decode(raw))


def load_text(text: str) -> Document:
    import yaml  # deferred: the CLI's --help must not pay for it

    builder = _Builder()
    parser = yaml.CSafeLoader(text)
    try:
        while True:
            event = parser.get_event()
            if event is None or builder.feed(event):
                break
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = syntax_message(e.context, e.problem)
        if message == _DEPTH:  # libyaml stops at its own, deeper bound: point at where ours is crossed
            line, col = _text_position(text, _deep_offset(text, builder.last_index, len(builder.stack), mark))
        raise YamlError(message, line, col, pointer_of(builder.current_path())) from e
    except YamlError as e:
        if not e.pointer:  # say where in the document it happened, like schema errors do
            e.pointer = pointer_of(builder.current_path())
        raise
    except yaml.reader.ReaderError as e:  # a character YAML does not allow in a text stream
        line, col = _text_position(text, e.position)
        message = (f"invalid YAML: character U+{e.character:04X} is not allowed; "
                   "write it as an escape inside double quotes")
        raise YamlError(message, line, col, pointer_of(builder.current_path())) from e
    except yaml.YAMLError as e:
        raise YamlError("invalid YAML: the parser stopped without saying where") from e
    finally:
        parser.dispose()
    if not isinstance(builder.root, dict):
        kind = _kind(builder.root)
        raise YamlError(f"the top level must be a mapping, not {kind}", *builder.root_mark)
    return Document(builder.root, builder.value_marks, builder.key_marks)


def _text_position(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - start + 1


# libyaml's problem texts, matched by fragment, in Roster's own words: no message a
# user sees (or a test pins) is libyaml's wording, which changes between releases
# (6.0.4 began reporting deep flow nesting itself). An unmatched problem gets the
# generic text, so a rewording upstream degrades a message, never leaks one.
_DEPTH = f"nesting deeper than {MAX_DEPTH} levels"
_PROBLEMS: tuple[tuple[str, str, str], ...] = (
    # (fragment of libyaml's context, fragment of its problem, Roster's message)
    ("", "maximum nesting depth", _DEPTH),
    ("quoted scalar", "end of stream", "invalid YAML: a quoted string is never closed"),
    ("", "end of stream", "invalid YAML: the file ends in the middle of a value"),
    ("flow sequence", "expected ',' or ']'", "invalid YAML: a [ ] list is not closed; expected ',' or ']'"),
    ("flow mapping", "expected ',' or '}'", "invalid YAML: a { } mapping is not closed; expected ',' or '}'"),
    ("", "expected node content", "invalid YAML: a value is missing here"),
    ("", "expected key", ("invalid YAML: expected a key at this indentation; check the indentation"
                         " and quote values that contain ': ' or start with a quote")),
    ("", "expected '-' indicator", ("invalid YAML: expected a '-' list item at this indentation;"
                                   " check the indentation")),
    ("", "expected <document start>", ("invalid YAML: content after the top-level mapping ended;"
                                      " check the indentation of this line")),
    ("", "expected ':'", "invalid YAML: a key is missing its ':'"),
    ("", "mapping values are not allowed", ("invalid YAML: unexpected ':'; a value that contains ': '"
                                           " must be quoted, and a nested mapping starts on its own line")),
    ("", "block sequence entries are not allowed", ("invalid YAML: a '-' list item cannot start here;"
                                                   " put the list on the next line, indented")),
    ("", "mapping keys are not allowed", "invalid YAML: a '?' key cannot start here"),
    ("", "tab character", "invalid YAML: a tab is used for indentation; indent with spaces"),
    ("next token", "cannot start any token", ("invalid YAML: this character cannot start a value"
                                             " (tabs cannot indent; '@' and '`' are reserved); quote the value")),
    ("", "unknown escape character", ("invalid YAML: unknown escape sequence in a double-quoted string;"
                                     " write \\\\ for a backslash or use single quotes")),
    ("", "hexdecimal number", "invalid YAML: an escape (\\x, \\u, \\U) needs hexadecimal digits"),
    ("", "Unicode character", "invalid YAML: the escape does not name a valid Unicode character"),
    ("", "UTF-8", "invalid YAML: the file is not valid UTF-8"),
    ("alias", "alphabetic or numeric", "invalid YAML: an alias (*name) needs a name of letters, digits, '-' or '_'"),
    ("anchor", "alphabetic or numeric", "invalid YAML: an anchor (&name) needs a name of letters, digits, '-' or '_'"),
    ("block scalar", "indentation indicator", "invalid YAML: a block scalar's indentation indicator must be 1 to 9"),
    ("block scalar", "", ("invalid YAML: unexpected text after '|' or '>'; only an indentation digit,"
                         " '+' or '-' and a comment may follow")),
    ("", "comment or line break", "invalid YAML: unexpected text after a value on this line"),
    ("", "document indicator", "invalid YAML: a '---' or '...' line inside a value"),
    ("", "tag handle", "invalid YAML: undefined tag handle"),
    ("tag", "", "invalid YAML: a malformed tag"),
    ("", "incompatible YAML", "invalid YAML: unsupported %YAML version; Roster reads YAML 1.2 (write no %YAML line)"),
    ("", "%YAML", "invalid YAML: a malformed or repeated %YAML directive"),
    ("", "%TAG", "invalid YAML: a malformed or repeated %TAG directive"),
    ("directive", "", "invalid YAML: a malformed directive (a line starting with '%')"),
)


def _deep_offset(text: str, start: int, depth: int, mark: Any) -> int:
    """Where flow nesting, ``depth`` deep at ``start``, first goes past MAX_DEPTH.

    libyaml scans a run of flow openers before it emits their events, so it can hit
    its own bound before the builder sees level MAX_DEPTH + 1. Between two events
    only flow tokens stand; brackets inside quotes and comments do not count.
    """
    end = mark.index if mark is not None else len(text)
    i = start
    while i < end:
        char = text[i]
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return i
        elif char in "]}":
            depth -= 1
        elif char in "'\"":
            i = _quote_end(text, i)
        elif char == "#" and (i == 0 or text[i - 1] in " \t\n"):
            i = text.find("\n", i) % (len(text) + 1)
        i += 1
    return end


def _quote_end(text: str, i: int) -> int:
    quote = text[i]
    i += 1
    while i < len(text):
        if quote == '"' and text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            if quote == "'" and text[i + 1:i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return i


def syntax_message(context: str | None, problem: str | None) -> str:
    """Roster's message for a libyaml failure described by ``context`` and ``problem``."""
    context, problem = context or "", problem or ""
    for context_part, problem_part, message in _PROBLEMS:
        if context_part in context and problem_part in problem:
            return message
    return "invalid YAML: a syntax error"


def _kind(value: Any) -> str:
    if value is None:
        return "an empty document"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__} scalar"


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


class _Builder:
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
        if tag is not None and tag not in _ALLOWED_TAGS:
            raise YamlError(_tag_message(tag), *mark)
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
                return _plain(value, mark)
            return value
        if tag not in _ALLOWED_TAGS:
            raise YamlError(_tag_message(tag), *mark)
        kind = tag[len(_STD):]
        if kind == "str":
            return value
        resolved = _plain(value, mark)
        expected = _STD_TYPES.get(kind)
        if expected is None or not isinstance(resolved, expected) or (kind == "int" and isinstance(resolved, bool)):
            raise YamlError(f"{value!r} is not a valid !!{kind}", *mark)
        if kind == "float" and isinstance(resolved, (int, float)):
            return float(resolved)
        return resolved


# What each standard scalar tag must resolve to (YAML 1.2 core schema).
_STD_TYPES: dict[str, type | tuple[type, ...]] = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}


def _tag_message(tag: str) -> str:
    short = "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag
    return f"tag {short} is not allowed: only plain strings, numbers, booleans, null, mappings and lists"


def _plain(value: str, mark: tuple[int, int]) -> Any:
    """Resolve an untagged plain scalar under the YAML 1.2 core schema."""
    if not value:
        return None
    first = value[0]
    if first in "~nN" and _NULL.match(value):
        return None
    if first in "tTfF" and value in _BOOL:
        return _BOOL[value]
    if first in "+-.0123456789":
        if _INT10.match(value):
            if len(value.lstrip("+-")) > MAX_INT_DIGITS:
                raise YamlError(f"integer with more than {MAX_INT_DIGITS:,} digits; JSON cannot carry it", *mark)
            return int(value)
        if _INT8.match(value) or _INT16.match(value):
            whole = int(value[2:], 8 if value[1] == "o" else 16)  # linear time for these bases
            if whole.bit_length() > _MAX_INT_BITS:
                raise YamlError(f"integer with more than {MAX_INT_DIGITS:,} digits; JSON cannot carry it", *mark)
            return whole
        if _FLOAT.match(value):
            number = float(value)
            if math.isinf(number):
                raise YamlError(f"{value!r} is too large to be a JSON number", *mark)
            return number
        if _SPECIAL_FLOAT.match(value):
            raise YamlError(f"{value!r} (infinity or NaN) is not a JSON number; quote it for a string", *mark)
    return value


def plain_means_string(value: str) -> bool:
    """Whether ``value`` written as an untagged plain scalar reads back as this same string
    under the resolver above (not null, a boolean or a number); for writers of YAML."""
    try:
        return isinstance(_plain(value, (1, 1)), str)
    except YamlError:  # infinity, NaN or a too large number: not a string either
        return False
