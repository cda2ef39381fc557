"""Graph schemas from a pull request: regular expressions in linear time, uniqueness in O(n)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.content import WRITER_SCHEMA, assistant_yaml
from helpers.gitcmd import GitRepo

EVIL = "^(a+)+$"


def _schema(extra: dict) -> dict:
    schema = json.loads(json.dumps(WRITER_SCHEMA))
    schema["config_schema"]["properties"].update(extra)
    return schema


def _check(tmp_path: Path, schema: dict, assistant: str) -> tuple[int, str]:
    from helpers.cli import run_roster_subprocess

    repo = GitRepo(tmp_path / "repo")
    repo.write_schema("writer", schema)
    repo.write_assistant("writer", assistant)
    repo.commit("v1")
    proc = run_roster_subprocess("--repo", str(repo.path), "check", timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


def test_a_backtracking_pattern_runs_in_linear_time(tmp_path: Path):
    schema = _schema({"model": {"type": "string", "pattern": EVIL}})
    code, out = _check(tmp_path, schema, assistant_yaml(model="a" * 40 + "b"))
    assert code == 1 and "does not match" in out


def test_a_backtracking_pattern_property_runs_in_linear_time(tmp_path: Path):
    schema = _schema({})
    schema["config_schema"]["patternProperties"] = {EVIL: {"type": "string"}}
    schema["config_schema"]["additionalProperties"] = False
    text = assistant_yaml() + "    " + "a" * 40 + "b: 1\n"  # under config.configurable, which the schema covers
    code, out = _check(tmp_path, schema, text)
    assert code == 1 and "Traceback" not in out and "configurable.aaaa" in out


def test_a_pattern_re2_cannot_take_is_an_error_on_the_schema(tmp_path: Path):
    schema = _schema({"model": {"type": "string", "pattern": r"(a)\1"}})
    code, out = _check(tmp_path, schema, assistant_yaml())
    assert code == 1 and "schemas/writer.json" in out and "not supported" in out
    assert "re2.cc" not in out  # RE2's own logging stays quiet


@settings(max_examples=300, deadline=None)
@given(st.lists(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([0.0, 1.0, 2.5]),
                                       st.sampled_from(["a", "b"])),
                             lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(st.sampled_from(["x", "y"]), inner, max_size=2)),
                             max_leaves=6), max_size=6))
def test_unique_items_agrees_with_jsonschema(items: list) -> None:
    from jsonschema import Draft202012Validator

    from roster.fastcheck import compile_check

    schema = {"type": "array", "uniqueItems": True}
    check = compile_check(schema)
    assert check is not None
    assert check(items) == Draft202012Validator(schema).is_valid(items)


def test_unique_items_on_a_long_list_is_linear():
    from roster.fastcheck import compile_check

    check = compile_check({"type": "array", "uniqueItems": True})
    assert check is not None and check([{"k": i} for i in range(100_000)])


@pytest.mark.parametrize("pattern", ["^a", "[0-9]+", "^(?:x|y)$"])
def test_ordinary_patterns_still_work(pattern: str):
    from roster.regex import search

    assert search(pattern, "a") == (pattern == "^a")


def _ladder(depth: int) -> dict:
    """``$defs`` where each level is anyOf two refs to the next: 2**depth paths in 2 KB."""
    defs = {f"d{i}": {"anyOf": [{"$ref": f"#/$defs/d{i + 1}"}, {"$ref": f"#/$defs/d{i + 1}"}]} for i in range(depth)}
    defs[f"d{depth}"] = {"type": "integer"}
    return {"$defs": defs, "type": "object", "properties": {"model": {"$ref": "#/$defs/d0"}}}


def test_a_schema_that_unfolds_exponentially_is_refused(tmp_path: Path):
    schema = json.loads(json.dumps(WRITER_SCHEMA))
    schema["config_schema"] = _ladder(30)
    assert len(json.dumps(schema)) < 4000
    code, out = _check(tmp_path, schema, assistant_yaml())
    assert code == 1 and "unfolds" in out and "schemas/writer.json" in out


def test_a_recursive_schema_is_still_accepted():
    from roster.schemas import load_schema

    tree = {"$defs": {"node": {"type": "object", "properties": {"children": {
        "type": "array", "items": {"$ref": "#/$defs/node"}}}}}, "$ref": "#/$defs/node"}
    loaded = load_schema("g", "schemas/g.json", json.dumps({"config_schema": tree}).encode())
    assert loaded.ok, loaded.problems
    shallow = load_schema("g", "schemas/g.json", json.dumps({"config_schema": _ladder(8)}).encode())
    assert shallow.ok, shallow.problems


_UNEVALUATED = [
    {"properties": {"a": {}}, "patternProperties": {"^x": {"type": "integer"}}, "unevaluatedProperties": False},
    {"allOf": [{"properties": {"a": {}}}, {"patternProperties": {"^x": {}}}], "unevaluatedProperties": False},
    {"anyOf": [{"properties": {"a": {"type": "string"}}}, {"patternProperties": {"b$": {}}}],
     "unevaluatedProperties": {"type": "integer"}},
    {"if": {"required": ["a"]}, "then": {"patternProperties": {"^y": {}}}, "else": {"properties": {"b": {}}},
     "unevaluatedProperties": False},
    {"$defs": {"p": {"patternProperties": {"^[a-c]+$": {}}}}, "$ref": "#/$defs/p",
     "dependentSchemas": {"q": {"properties": {"r": {}}}}, "unevaluatedProperties": False},
]
_INSTANCES = [{}, {"a": 1}, {"a": "s", "x1": 1, "z": 2}, {"xb": "s", "b": 1, "c": 2}, {"y": 1, "q": 0, "r": 1},
              {"a": 1, "yy": 2, "abc": 3, "zz": "s"}]


@pytest.mark.parametrize("schema", _UNEVALUATED)
def test_unevaluated_properties_on_re2_agrees_with_jsonschema(schema: dict):
    from jsonschema import Draft202012Validator

    from roster.schemas import _linear_validator

    for instance in _INSTANCES:
        ours = sorted(e.message for e in _linear_validator()(schema).iter_errors(instance))
        theirs = sorted(e.message for e in Draft202012Validator(schema).iter_errors(instance))
        assert ours == theirs, instance


def test_unevaluated_properties_never_matches_with_python_re():
    from roster.schemas import _linear_validator

    schema = {"patternProperties": {EVIL: {}}, "unevaluatedProperties": False}
    errors = list(_linear_validator()(schema).iter_errors({"a" * 40 + "b": 1}))
    assert [e.validator for e in errors] == ["unevaluatedProperties"]
