"""What the site shows of a version: its fields, the changes between two, data as YAML-looking text.

Plain text only: the templates (autoescape) turn it into markup.
"""
from __future__ import annotations

import json
import re
from json.encoder import encode_basestring as _json_string
from typing import Any

from roster.content import with_id
from roster.diff import FieldChange

_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_ .:/@+\-]*\Z")
_LINE_CLASS = {"+": "a", "-": "d", "@": "h"}  # a diff line's class in assistant.html (added, deleted, hunk)
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "~", ""}


def shown(v: dict[str, Any]) -> dict[str, Any]:
    """What a diff compares of a published version: the id, then the content's fields
    (server_id only when set, so that a page never mentions an unset one)."""
    return with_id(v["assistant_id"], v["content"], hide_unset=True)


def pruned(old: Any, new: Any) -> tuple[Any, Any]:
    """Both mappings without the keys whose values are equal (a C-speed ``==`` per subtree).

    ``diff_values`` walks every key; consecutive versions share almost everything, and
    dropping what is equal on both sides gives the same changes, in the same order
    (except that 1 and 1.0 inside an unchanged subtree count as equal here).
    """
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return old, new
    a: dict[Any, Any] = {}
    b: dict[Any, Any] = {}
    for key, was in old.items():  # old's keys in order, then the keys only new has, in its order
        if key in new:
            now = new[key]
            if was == now and type(was) is type(now):
                continue
            a[key], b[key] = pruned(was, now)
        else:
            a[key] = was
    for key, now in new.items():
        if key not in old:
            b[key] = now
    return a, b


def changes_shown(changes: list[FieldChange]) -> list[dict[str, Any]]:
    """What assistant.html's ``changes`` macro shows of each change (plain text; it escapes)."""
    out: list[dict[str, Any]] = []
    for c in changes:
        item: dict[str, Any] = {"path": c.path or "(whole)", "lines": None}
        if c.is_multiline():
            item.update(op="changed", lines=[(_LINE_CLASS.get(line[:1], ""), line or " ") for line in c.line_diff()])
        elif c.op == "added":
            item.update(op="added", value=_value(c.new, "new"))
        elif c.op == "removed":
            item.update(op="removed", value=_value(c.old, "old"))
        else:
            item.update(op="changed", old=_value(c.old, "old"), new=_value(c.new, "new"))
        out.append(item)
    return out


def _value(value: Any, cls: str) -> dict[str, Any]:
    if isinstance(value, (dict, list)) and value or isinstance(value, str) and "\n" in value:
        return {"block": True, "cls": cls, "text": yamlish(value)}
    return {"block": False, "cls": cls, "text": _scalar(value)}


def yamlish(value: Any, indent: int = 0) -> str:
    """Data as YAML-looking text, for reading (prompts as literal blocks); never parsed back."""
    out: list[str] = []
    _yaml_lines(value, indent, out)
    return "\n".join(out)


def _yaml_lines(value: Any, indent: int, out: list[str]) -> None:
    """The lines of ``value`` at ``indent``, appended to ``out`` (one list for the whole text)."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            out.append(pad + "{}")
        for k, v in value.items():
            key = k if isinstance(k, str) and _PLAIN.match(k) else _scalar(k)
            _entry(f"{pad}{key}:", v, indent, out)
    elif isinstance(value, list):
        if not value:
            out.append(pad + "[]")
        for item in value:
            _entry(f"{pad}-", item, indent, out)
    else:
        out.append(pad + _scalar(value))


def _entry(lead: str, v: Any, indent: int, out: list[str]) -> None:
    if isinstance(v, str) and "\n" in v:
        out.append(lead + " |")
        inner = " " * (indent + 2)
        out.extend(inner + line for line in v.rstrip("\n").split("\n"))
    elif isinstance(v, (dict, list)):
        if v:
            out.append(lead)
            _yaml_lines(v, indent + 2, out)
        else:
            out.append(f"{lead} {'{}' if isinstance(v, dict) else '[]'}")
    else:
        out.append(f"{lead} {_scalar(v)}")


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        # (_PLAIN starts with a letter, '_' or '/': never a number's sign, digit or dot.)
        if _PLAIN.match(value) and value.lower() not in _YAML_WORDS and not value.endswith(" "):
            return value
        return _json_string(value)  # what json.dumps(value, ensure_ascii=False) gives, without its set-up
    if type(value) is int:
        return int.__repr__(value)  # json.dumps of an int
    return json.dumps(value, ensure_ascii=False)

