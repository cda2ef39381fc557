"""Roster's own words for a JSON Schema violation (jsonschema finds it; Roster says it).

jsonschema's messages change between releases and speak Python (``True``,
``None``); an assistant's author reads YAML. Each keyword gets a sentence here,
built from the error's value and the schema's rule; a keyword without one gets
a generic sentence naming it, never jsonschema's text.
"""
from __future__ import annotations

from typing import Any

_LONG = 60  # characters of a string value shown in a message


def spell(value: Any, *, whole: bool = False) -> str:
    """A value as a YAML author writes it: ``true``, ``null``, ``'text'``, ``[1, 2]``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if not whole and len(value) > _LONG:
            value = value[:_LONG - 3].rstrip() + "..."
        return repr(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        items = list(value) if whole else list(value)[:5]
        more = ", ..." if len(items) < len(value) else ""
        return "[" + ", ".join(spell(v, whole=whole) for v in items) + more + "]"
    if isinstance(value, dict):
        pairs = list(value.items()) if whole else list(value.items())[:5]
        more = ", ..." if len(pairs) < len(value) else ""
        return "{" + ", ".join(f"{spell(k)}: {spell(v)}" for k, v in pairs) + more + "}"
    return repr(value)


def _plural(n: Any, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def violation(keyword: str, rule: Any, value: Any) -> str:
    """The message for ``value`` breaking the schema keyword ``keyword`` whose value is ``rule``."""
    v = spell(value)
    if keyword == "type":
        types = rule if isinstance(rule, list) else [rule]
        return f"{v} is not of type " + ", ".join(repr(t) for t in types)
    sentences = {
        "enum": lambda: f"{v} is not one of {spell(rule, whole=True)}",
        "const": lambda: f"{v} is not the allowed value {spell(rule, whole=True)}",
        "minimum": lambda: f"{v} is less than the minimum of {spell(rule)}",
        "maximum": lambda: f"{v} is greater than the maximum of {spell(rule)}",
        "exclusiveMinimum": lambda: f"{v} must be greater than {spell(rule)}",
        "exclusiveMaximum": lambda: f"{v} must be less than {spell(rule)}",
        "multipleOf": lambda: f"{v} is not a multiple of {spell(rule)}",
        "minLength": lambda: f"{v} is shorter than {_plural(rule, 'character')}",
        "maxLength": lambda: f"{v} is longer than {_plural(rule, 'character')}",
        "pattern": lambda: f"{v} does not match {rule!r}",
        "format": lambda: f"{v} is not a valid {rule}",
        "minItems": lambda: f"the list has fewer than {_plural(rule, 'item')}",
        "maxItems": lambda: f"the list has more than {_plural(rule, 'item')}",
        "uniqueItems": lambda: "the list has repeated items; each must be unique",
        "minProperties": lambda: f"the mapping has fewer than {_plural(rule, 'key')}",
        "maxProperties": lambda: f"the mapping has more than {_plural(rule, 'key')}",
        "not": lambda: f"{v} is a value the graph's schema excludes",
        "anyOf": lambda: f"{v} matches none of the allowed forms",
        "oneOf": lambda: f"{v} must match exactly one of the allowed forms",
        "contains": lambda: "the list has no item of the required form",
        "propertyNames": lambda: f"{v} has a key that is not allowed",
        "dependentRequired": lambda: f"the mapping is missing keys that {spell(rule)} require",
        "false": lambda: "no value is allowed here",
    }
    sentence = sentences.get(keyword)
    if sentence is not None:
        return sentence()
    return f"{v} does not satisfy the graph's schema rule {keyword!r}"
