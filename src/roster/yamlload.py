"""The YAML policy: every assistant file is read here and nowhere else.

PyYAML's C parser gives the event stream; the document is built from it by Roster's
own builder, not by PyYAML's composer. The parts live in their own modules:

- ``yamldoc``: the ``Document`` a load gives, the ``YamlError`` it raises, and the bounds;
- ``yamlcore``: the YAML 1.2 core schema (what a plain scalar means, which tags are allowed);
- ``yamlbuild``: the builder of data from events, with the nesting and alias-expansion guard;
- here: bytes to text, the parser loop, and libyaml's failures in Roster's own words.

The names callers use are all importable from here.
"""
from __future__ import annotations

from typing import Any

from roster.problems import pointer_of
from roster.yamlbuild import Builder
from roster.yamlcore import plain_means_string, resolve_plain
from roster.yamldoc import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_EXPANDED,
    MAX_INT_DIGITS,
    MAX_NODES,
    Document,
    Path,
    YamlError,
)
from roster.yamlfast import compose
from roster.yamlfast import find as find_marks
from roster.yamlfast import marks as node_marks

__all__ = [
    "MAX_BYTES", "MAX_DEPTH", "MAX_EXPANDED", "MAX_INT_DIGITS", "MAX_NODES", "Document", "Path", "YamlError",
    "build", "decode", "load_bytes", "load_text", "plain_means_string", "resolve_plain", "syntax_message",
]


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
    """Load one document from text (JSON is YAML too: schema files are located with it)."""
    fast = compose(text)  # the common file, built by the C composer (yamlfast says when it may)
    if fast is not None:
        data, root = fast
        return Document(data, marks=lambda: node_marks(root), find=lambda path: find_marks(root, path))
    return build(text)


def build(text: str) -> Document:
    """Load with Roster's own builder, event by event: every error is worded here."""
    import yaml  # lazy: PyYAML and its C parser cost ~30 ms; the CLI's --help must not pay for them

    builder = Builder()
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
