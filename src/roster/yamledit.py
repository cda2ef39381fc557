"""Smallest-edit changes to YAML files people wrote: comments, key order, quoting and block
style of the lines not changed stay as they were (``roster pull``; reusable by ``promote``).

Built on ruamel.yaml's round-trip mode, which keeps comments and layout. Where its
re-dump of the *unedited* file differs from the file anyway (a comment before ``---``, ``~``
for null, CRLF line ends, no newline at the end, an unusual indentation), only the lines
that the edit changes are taken from it: a three-way line merge of the file, ruamel's
unedited dump and its edited dump. Every edit is checked by reading the result back with
Roster's own loader (:mod:`roster.yamlload`): if the text would not mean exactly the data
asked for, nothing is returned but an error. Multi-line strings are written as ``|`` block
scalars; a value that was a block scalar stays one. Every other string is written in a style
chosen here, not by ruamel (whose own choice wrote ``? x`` plain inside ``{...}`` and NEL raw
inside single quotes): plain only when nothing in it could be misread, else in the quotes
the old value had or single quotes, else double quotes with escapes (:func:`styled`).

This module imports ruamel.yaml at its top (slow to import): callers import it where they edit.
"""
from __future__ import annotations

import difflib
import io
import itertools
import json
import re
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    ScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from roster.errors import RosterError
from roster.yamlload import YamlError, load_text, plain_means_string

Path = tuple[str, ...]


class EditError(RosterError):
    """The file cannot be edited safely (not a mapping, or the edit would change its meaning)."""


def _yaml(indent: int = 2, offset: int = 0) -> Any:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never re-wrap a long line the user wrote on one line
    yaml.indent(mapping=indent, sequence=max(indent, offset + 2), offset=offset)
    return yaml


def to_node(value: Any, *, block: bool = False, flow: bool = False) -> Any:
    """Plain data as ruamel nodes: multi-line strings (or ``block``) as ``|`` scalars, every
    other string in the first style that reads back as it (see :func:`styled`); ``flow``
    says the value stands inside ``[...]`` or ``{...}``."""
    if isinstance(value, str):
        if ("\n" in value or block) and not flow and _literal_ok(value):
            return LiteralScalarString(value)
        return styled(value, flow=flow)
    if isinstance(value, Mapping):
        out = CommentedMap()
        for k, v in value.items():
            out[styled(k, flow=flow) if isinstance(k, str) else k] = to_node(v, flow=flow)
        return out
    if isinstance(value, (list, tuple)):
        return CommentedSeq([to_node(v, flow=flow) for v in value])
    return value


# Characters YAML lets a file hold as they are (c-printable) minus the ones a reader may
# take for a line break (NEL, LS, PS) or a byte order mark: anything else is written as
# an escape inside double quotes.
_RAW_OK = re.compile(r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*\Z")
# A plain scalar may not start with an indicator, nor hold ": " or " #", nor end in ":".
# Deliberately stricter than the YAML grammar (``-x``, ``a:b`` are legal plain): the
# emitter's own analysis has been wrong at the edges, so anything near one is quoted.
_PLAIN_START = set("-?:,[]{}#&*!|>'\"%@`=< ")
_FLOW_INDICATORS = set(",[]{}:#")


def styled(text: str, *, flow: bool = False) -> str:
    """``text`` as a ruamel scalar in a style that reads back as exactly this string:
    plain if nothing in it could be misread, else single-quoted, else (for characters
    that must be escaped) double-quoted. A lone surrogate cannot be written at all."""
    if any("\ud800" <= c <= "\udfff" for c in text):
        raise EditError(f"the string {text[:40]!r} holds a lone surrogate, which no YAML file can hold")
    if not _RAW_OK.match(text):
        return DoubleQuotedScalarString(text)
    if (text and text[0] not in _PLAIN_START and text[-1] not in " :" and ": " not in text
            and " #" not in text and not (flow and _FLOW_INDICATORS.intersection(text))
            and plain_means_string(text)):
        return text
    return SingleQuotedScalarString(text)


def _keep_quotes(old: Any, new: Any) -> Any:
    """``new`` in the quotes the value it replaces had, where they hold it as well."""
    if not isinstance(new, str) or (isinstance(new, ScalarString) and not isinstance(new, SingleQuotedScalarString)):
        return new  # not a string, or one that needs a block or double quotes
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(new)  # escapes whatever it must
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(new)
    return new


def _literal_ok(text: str) -> bool:
    # A block scalar holds only raw characters, and no trailing spaces on its last line; one
    # with nothing but line breaks would read back as "" (clip chomping), so it is quoted.
    return (text.strip() != "" and all(_RAW_OK.match(line) for line in text.split("\n"))
            and not text.endswith((" \n", " ")))


class YamlEditor:
    """One YAML document, edited in place; ``text()`` is the result."""

    def __init__(self, text: str, *, where: str = "") -> None:
        self.where = where
        self.original = text
        self._pending: tuple[Any, Any, str] | None = None
        self._orphans: dict[int, str] = {}  # comments of a deleted only entry, by mapping
        self.crlf = "\r\n" in text
        self._text = text.replace("\r\n", "\n") if self.crlf else text
        try:
            self._yaml = _yaml(*_guess_indent(self._text))
            self.data = self._yaml.load(self._text)
            self._unedited = self._dump(self._yaml.load(self._text))
        except YAMLError as e:
            raise EditError(f"{where}: cannot edit: {' '.join(str(e).split())}") from None
        if self.data is None:
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
        try:
            self._set(path, value)
        except EditError as e:  # a string no YAML file can hold: say where it was headed
            raise EditError(f"{self.where}: cannot write {'.'.join(map(str, path))}: {e}") from None

    def _set(self, path: Path, value: Any) -> None:
        node = self.data
        flow = _is_flow(node)  # inside [...] or {...} a plain scalar may hold less
        for key in path[:-1]:
            child = node.get(key)
            if not isinstance(child, Mapping):
                child = CommentedMap()
                node[styled(key, flow=flow)] = child
            node = child
            flow = flow or _is_flow(node)
        if path[-1] not in node:
            # ruamel keeps the blank lines and comments after a mapping's last entry on that
            # entry: hand them to the new last entry, or they would end up above it.
            trailing = _take_trailing(node) if len(node) else self._orphans.pop(id(node), "")
            node[styled(path[-1], flow=flow)] = None
            if trailing:
                self._pending = (node, path[-1], trailing)
        old = node.get(path[-1])
        was_block = isinstance(old, (LiteralScalarString, FoldedScalarString))
        stays_flow = _is_flow(old) and isinstance(value, (Mapping, list, tuple))
        new = to_node(value, block=was_block and isinstance(value, str), flow=flow or stays_flow)
        if stays_flow:
            new.fa.set_flow_style()  # `tags: [a, b]` stays on its line
        new = _keep_quotes(old, new)
        if hasattr(old, "ca") and hasattr(new, "ca") and not isinstance(old, str):
            new.ca.items.update(old.ca.items)  # end-of-line comments of the old list or mapping
        node[path[-1]] = new
        pending, self._pending = self._pending, None
        if pending is not None:
            _give_trailing(pending[0], pending[1], pending[2])

    def delete(self, path: Path) -> None:
        node = self.get(path[:-1])
        if isinstance(node, MutableMapping) and path[-1] in node:
            keys = list(node)
            index = keys.index(path[-1])
            trailing = _take_trailing(node, path[-1])
            del node[path[-1]]
            if trailing and index > 0:  # the comments below a deleted entry stay, on the one before it
                _give_trailing(node, keys[index - 1], trailing)
            elif trailing and len(keys) == 1:  # kept for the entry that a later set adds here
                self._orphans[id(node)] = trailing

    def _dump(self, data: Any) -> str:
        out = io.StringIO()
        self._yaml.dump(data, out)
        return out.getvalue()

    def text(self) -> str:
        edited = self._dump(self.data)
        if self._unedited != self._text:
            edited = merge_lines(self._text, self._unedited, edited)
        return edited.replace("\n", "\r\n") if self.crlf else edited


def _is_flow(node: Any) -> bool:
    flow = getattr(getattr(node, "fa", None), "flow_style", None)
    return bool(callable(flow) and flow())


def _comment_slot(node: Any, key: Any) -> tuple[Any, int, bool] | None:
    """Where ruamel keeps the comment after ``node[key]``: (the ``ca.items`` list, index,
    whether the value is a block scalar, whose own last newline ends the line)."""
    value = node[key]
    if isinstance(value, CommentedMap) and len(value) and not value.fa.flow_style():
        return _comment_slot(value, list(value)[-1])
    if isinstance(value, CommentedSeq) and len(value) and not value.fa.flow_style():
        return _comment_slot(value, len(value) - 1)
    if not hasattr(node, "ca"):
        return None
    slot = node.ca.items.setdefault(key, [None, None, None, None])
    block = isinstance(value, (LiteralScalarString, FoldedScalarString))
    return slot, (0 if isinstance(node, CommentedSeq) else 2), block


def _take_trailing(node: Any, key: Any = None) -> str:
    """Remove and return the lines after ``node[key]`` (default: its last entry), end-of-line comment kept."""
    if key is None:
        key = list(node)[-1] if isinstance(node, Mapping) else len(node) - 1
    where = _comment_slot(node, key)
    if where is None:
        return ""
    slot, index, block = where
    token = slot[index]
    if token is None or not isinstance(getattr(token, "value", None), str):
        return ""
    if block:
        slot[index] = None
        return str(token.value)
    head, _, rest = token.value.partition("\n")
    if not rest:
        return ""
    if head:
        token.value = head + "\n"
    else:
        slot[index] = None
    return rest


def _give_trailing(node: Any, key: Any, rest: str) -> None:
    where = _comment_slot(node, key)
    if where is None:
        return
    slot, index, block = where
    token = slot[index]
    if token is not None and isinstance(getattr(token, "value", None), str):
        token.value = token.value.rstrip("\n") + "\n" + rest
    else:
        slot[index] = CommentToken(rest if block else "\n" + rest, CommentMark(0), None)


def _guess_indent(text: str) -> tuple[int, int]:
    """(mapping indent, dash offset) as the file uses them; (2, 0) when it does not say."""
    mapping: int | None = None
    offset: int | None = None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for prev, line in itertools.pairwise(lines):
        if not re.search(r":\s*(#.*)?$", prev) or prev.lstrip().startswith("- "):
            continue
        depth = len(line) - len(line.lstrip(" ")) - (len(prev) - len(prev.lstrip(" ")))
        if line.lstrip().startswith("- "):
            offset = depth if offset is None and depth >= 0 else offset
        elif depth > 0 and mapping is None:
            mapping = depth
        if mapping is not None and offset is not None:
            break
    return mapping or 2, offset or 0


def merge_lines(original: str, unedited: str, edited: str) -> str:
    """``original`` with the line changes that turn ``unedited`` into ``edited``.

    ``unedited`` is ``original`` as the YAML library re-dumps it; lines where those two
    differ (the library's own noise) stay as in ``original`` unless the edit touches them.
    """
    o, u, e = (t.splitlines(keepends=True) for t in (original, unedited, edited))
    to_original: dict[int, int] = {}  # line of ``unedited`` -> the same line of ``original``
    for block in difflib.SequenceMatcher(None, u, o, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            to_original[block.a + k] = block.b + k
    edits: list[tuple[int, int, list[str]]] = []  # (start, end) in ``original`` -> new lines
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, u, e, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        mapped = [to_original[i] for i in range(i1, i2) if i in to_original]
        if i2 > i1 and len(mapped) == i2 - i1 and mapped == list(range(mapped[0], mapped[0] + len(mapped))):
            edits.append((mapped[0], mapped[-1] + 1, e[j1:j2]))
            continue
        if i1 == i2 and i1 in to_original:
            edits.append((to_original[i1], to_original[i1], e[j1:j2]))
            continue
        # The edit touches lines the library re-dumps differently: replace the stretch of the
        # original between the nearest lines both agree on, with the library's form of it.
        before = next((i for i in range(i1 - 1, -1, -1) if i in to_original), None)
        after = next((i for i in range(i2, len(u)) if i in to_original), None)
        start = to_original[before] + 1 if before is not None else 0
        end = to_original[after] if after is not None else len(o)
        first = before + 1 if before is not None else 0
        last = after if after is not None else len(u)
        edits.append((start, end, u[first:i1] + e[j1:j2] + u[i2:last]))
    out = list(o)
    shift, done = 0, 0
    for start, end, lines in edits:
        if start < done:
            return edited  # two edits in one re-dumped stretch: the library's whole dump is the honest answer
        out[start + shift:end + shift] = lines
        shift += len(lines) - (end - start)
        done = end
    return "".join(out)


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
    try:
        got = load_text(text).data
    except YamlError as e:
        raise EditError(f"{where}: the edited file would not load ({e}); nothing written") from None
    if json.dumps(got, sort_keys=True, default=str) != json.dumps(expect, sort_keys=True, default=str):
        raise EditError(f"{where}: the edited file would not say what the server holds; nothing written "
                        "(please report this file's layout)")
