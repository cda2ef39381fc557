"""The fast pre-check may only say "valid" where jsonschema finds no error."""
from __future__ import annotations

import json
import random
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from helpers.paths import SCHEMAS
from roster.fastcheck import compile_check

VALUES: list[Any] = [None, True, False, 0, 1, 1.0, -1, 2.5, 3, 25, 0.2, 10**6, "", "a", "en", "EN", "formal",
                     "anthropic:claude", [], [1, 1], ["a", "a"], ["en", "de"], {}, {"index": "x"},
                     {"index": "x", "top_k": 0}, {"index": "x", "extra": 1}, {"a": 1}]
EXTRA = {
    "type": "object",
    "properties": {
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "minItems": 1},
        "level": {"type": "integer", "minimum": 1, "exclusiveMaximum": 10},
        "mode": {"enum": ["a", "b", 1]},
        "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 5},
        "opts": {"type": "object", "minProperties": 1, "additionalProperties": {"type": "boolean"}},
        "either": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 2}]},
        "never": {"not": {"type": "string"}},
        "fixed": {"const": {"x": [1, True]}},
    },
    "required": ["level"],
}


def _cases() -> list[tuple[str, dict[str, Any]]]:
    out = [("extra", EXTRA)]
    for path in sorted(SCHEMAS.glob("*.json")):
        data = json.loads(path.read_text())
        for kind in ("config_schema", "context_schema"):
            if isinstance(data.get(kind), dict):
                out.append((f"{path.stem}.{kind}", data[kind]))
    return out


@pytest.mark.parametrize("name,schema", _cases(), ids=[c[0] for c in _cases()])
def test_never_valid_where_jsonschema_finds_an_error(name: str, schema: dict[str, Any]) -> None:
    check = compile_check(schema)
    assert check is not None, f"{name}: the fast path should support this schema"
    exact = Draft202012Validator(schema)
    props = list(schema.get("properties", {}))
    rng = random.Random(name)
    agreed_valid = 0
    for _ in range(3000):
        instance = {k: rng.choice(VALUES) for k in rng.sample(props, rng.randint(0, len(props)))}
        if rng.random() < 0.1:
            instance["undeclared"] = rng.choice(VALUES)
        fast, truth = check(instance), exact.is_valid(instance)
        assert not (fast and not truth), f"fast path says valid, jsonschema does not: {instance}"
        agreed_valid += fast and truth
    assert agreed_valid > 0  # the fast path is really used on valid instances


def test_unknown_keywords_fall_back_to_jsonschema() -> None:
    assert compile_check({"type": "object", "dependentSchemas": {"a": {"required": ["b"]}}}) is None
    assert compile_check({"$ref": "https://example.com/x.json"}) is None


def test_json_equality_rules() -> None:
    check = compile_check({"enum": [1, "a"]})
    assert check is not None
    assert check(1.0) and check("a") and not check(True) and not check("b")
    unique = compile_check({"uniqueItems": True})
    assert unique is not None and not unique([1, 1.0]) and unique([1, True])


def test_a_recursive_ref_is_checked_at_every_depth() -> None:
    schema = {"$defs": {"node": {"type": "object", "properties": {
        "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}},
        "n": {"type": "integer", "minimum": 0, "maximum": 9}}}}, "$ref": "#/$defs/node"}
    check = compile_check(schema)
    assert check is not None
    exact = Draft202012Validator(schema)
    for instance in ({"n": 1, "kids": [{"n": 2, "kids": [{"n": 3}]}]}, {"n": 1, "kids": [{"kids": [{"n": -1}]}]},
                     {"kids": [{"kids": [{"kids": [{"n": 10}]}]}]}, {"kids": [True]}, {"n": True}, {"n": 2.5}):
        assert check(instance) == exact.is_valid(instance), instance
