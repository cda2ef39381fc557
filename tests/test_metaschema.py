"""``metaschema.surely_valid`` says True only where jsonschema's ``check_schema`` passes."""
from __future__ import annotations

import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from helpers.paths import SCHEMAS
from roster.metaschema import surely_valid
from roster.schemas import SCHEMA_KINDS

GRAPH_FILES = sorted(SCHEMAS.glob("*.json"))


def passes_check_schema(schema) -> bool:
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError:
        return False
    return True


def test_the_projects_own_graph_schemas_are_vouched_for():
    kinds = [json.loads(f.read_text())[k] for f in GRAPH_FILES for k in SCHEMA_KINDS
             if isinstance(json.loads(f.read_text()).get(k), dict)]
    assert kinds
    for schema in kinds:
        assert surely_valid(schema) and passes_check_schema(schema)


@pytest.mark.parametrize("schema", [
    {"type": "strin"}, {"type": []}, {"type": ["string", "string"]}, {"minLength": -1}, {"minLength": 1.5},
    {"minLength": True}, {"required": ["a", "a"]}, {"required": "a"}, {"pattern": "("}, {"anyOf": []},
    {"properties": {"a": 3}}, {"items": [{"type": "string"}]}, {"enum": "a"}, {"multipleOf": 0},
    {"patternProperties": {"(": {}}}, {"$ref": 3}, {"$defs": []}, {"title": 3}, {"uniqueItems": "yes"},
    {"not": {"type": 1}}, {"additionalProperties": {"minimum": "1"}}, 3, None, [],
])
def test_what_the_meta_schema_refuses_is_never_vouched_for(schema):
    assert not surely_valid(schema)
    assert not passes_check_schema(schema)


@pytest.mark.parametrize("schema", [
    {"$schema": "https://json-schema.org/draft/2020-12/schema"}, {"$id": "x"}, {"x-custom": 1},
    {"$ref": "other.json#/a"}, {"minLength": 1.0},
])
def test_what_it_does_not_know_goes_to_check_schema(schema):
    assert not surely_valid(schema)


def test_a_nesting_past_its_bound_goes_to_check_schema():
    deep: dict = {"type": "object"}
    for _ in range(80):
        deep = {"properties": {"a": deep}}
    assert not surely_valid(deep)


_keywords = st.sampled_from(["type", "properties", "required", "items", "$ref", "$defs", "anyOf", "allOf", "oneOf",
                             "not", "enum", "const", "default", "title", "description", "minimum", "maximum",
                             "minLength", "maxLength", "minItems", "pattern", "additionalProperties", "format",
                             "patternProperties", "uniqueItems", "multipleOf", "examples", "exclusiveMinimum"])
_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 5), st.floats(-2, 5, allow_nan=False),
              st.sampled_from(["string", "object", "integer", "#", "#/$defs/a", "(", "^a$", "a", "strin", ""])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.one_of(_keywords, st.just("a")),
                                                                           inner, max_size=3)),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_keywords, _values, max_size=4))
def test_vouched_for_implies_check_schema_passes(schema) -> None:
    if surely_valid(schema):
        assert passes_check_schema(schema), schema


def test_a_check_whose_assistants_all_pass_the_fast_checks_never_loads_jsonschema(example_project, tmp_path):
    import subprocess
    from pathlib import Path

    from helpers.paths import EXAMPLES

    for example in sorted((EXAMPLES / "positive").iterdir()):
        (example_project / "assistants" / example.name).write_bytes(example.read_bytes())
    code = ("import sys\nfrom roster.check import check_source\nfrom roster.source import FolderSource, Layout\n"
            "report = check_source(FolderSource(sys.argv[1]), Layout())\n"
            "print(report.checked, len(report.problems), 'jsonschema' in sys.modules)\n")
    src = str(Path(__file__).resolve().parents[1] / "src")
    out = subprocess.run([sys.executable, "-c", code, str(example_project)], capture_output=True, text=True,
                         env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"}, check=True).stdout.split()
    assert int(out[0]) >= 8 and out[1] == "0"
    assert out[2] == "False"
