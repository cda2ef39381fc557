"""A yes/no pre-check that a schema is a valid Draft 2020-12 schema, without jsonschema.

``Draft202012Validator.check_schema`` validates a schema against the 2020-12 meta-schemas:
~1.2 ms per schema, plus jsonschema's own import (~25 ms), which a ``roster check`` whose
assistants all pass the fast checks (``fastcheck``) otherwise never needs. This pre-check
knows the keywords graph schemas use (what pydantic and the LangGraph exporters write)
and the shape the meta-schemas give each of them. It may only say True when
``check_schema`` would pass; anything it does not know (another keyword, ``$schema`` or
``$id``, a float where an integer is asked, a nesting past 64) says False, and the caller
runs ``check_schema``, which also words the error.
"""
from __future__ import annotations

import re
from typing import Any

_SIMPLE_TYPES = {"array", "boolean", "integer", "null", "number", "object", "string"}
_ANY = ("const", "default")  # any JSON value
_STRINGS = ("title", "description", "$comment", "format", "contentEncoding", "contentMediaType")
_BOOLEANS = ("uniqueItems", "deprecated", "readOnly", "writeOnly")
_NUMBERS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
           "minContains", "maxContains")
_SCHEMAS = ("additionalProperties", "items", "not", "contains", "propertyNames", "if", "then", "else",
            "unevaluatedItems", "unevaluatedProperties", "contentSchema")
_SCHEMA_MAPS = ("properties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
# A local reference every uri-reference check accepts: '#', then '/'-separated pointer parts.
_LOCAL_REF = re.compile(r"#(?:/[A-Za-z0-9_.~$-]*)*\Z")
MAX_DEPTH = 64


def surely_valid(schema: Any) -> bool:
    """True only when ``Draft202012Validator.check_schema(schema)`` raises nothing."""
    try:
        return _schema(schema, 0)
    except RecursionError:
        return False


def _schema(node: Any, depth: int) -> bool:
    if isinstance(node, bool):
        return True
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return False
    return all(isinstance(key, str) and _keyword(key, value, depth) for key, value in node.items())


def _keyword(key: str, value: Any, depth: int) -> bool:  # noqa: PLR0911 - one answer per keyword family
    if key in _ANY:
        return True
    if key in _STRINGS:
        return isinstance(value, str)
    if key in _BOOLEANS:
        return isinstance(value, bool)
    if key in _NUMBERS:
        return _number(value)
    if key in _COUNTS:
        return type(value) is int and value >= 0
    if key in _SCHEMAS:
        return _schema(value, depth + 1)
    if key in _SCHEMA_MAPS:
        return isinstance(value, dict) and all(_schema(v, depth + 1) for v in value.values())
    if key in _SCHEMA_LISTS:
        return isinstance(value, list) and bool(value) and all(_schema(v, depth + 1) for v in value)
    if key == "type":
        if isinstance(value, str):
            return value in _SIMPLE_TYPES
        return (isinstance(value, list) and bool(value) and len(set(map(str, value))) == len(value)
                and all(isinstance(t, str) and t in _SIMPLE_TYPES for t in value))
    if key == "required":
        return isinstance(value, list) and all(isinstance(v, str) for v in value) and len(set(value)) == len(value)
    if key in ("enum", "examples"):
        return isinstance(value, list)
    if key == "multipleOf":
        return _number(value) and value > 0
    if key == "pattern":
        return isinstance(value, str) and _regex(value)
    if key == "patternProperties":
        return isinstance(value, dict) and all(_regex(k) and _schema(v, depth + 1) for k, v in value.items())
    if key == "$ref":
        return isinstance(value, str) and _LOCAL_REF.match(value) is not None
    return False  # another keyword (or $schema, $id, $anchor...): check_schema decides


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _regex(pattern: str) -> bool:
    """The meta-schemas' "regex" format, as jsonschema checks it (``re.compile``)."""
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return False
    return True
