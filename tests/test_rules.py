"""Validation rules on one loaded document (the example files cover each rule end to end; these
cover how the rules combine and the schema shapes pydantic and LangGraph emit)."""
from __future__ import annotations

import json

import pytest

from helpers.paths import SCHEMAS
from roster.rules import check_document
from roster.schemas import load_schema
from roster.yamlload import load_text


def graphs_from(**schemas):
    """A graph lookup over inline GraphSchema dicts (plus the repo's writer and support)."""
    loaded = {g: load_schema(g, f"schemas/{g}.json", (SCHEMAS / f"{g}.json").read_bytes())
              for g in ("writer", "support")}
    for graph_id, data in schemas.items():
        loaded[graph_id] = load_schema(graph_id, f"schemas/{graph_id}.json", json.dumps(data).encode())
    return loaded


def check(text: str, *, strict: bool = False, **schemas):
    """(parsed file, problems in file order)."""
    graphs = graphs_from(**schemas)
    parsed, problems = check_document(load_text(text), path="assistants/a.yaml", assistant_id="a",
                                      graphs=graphs.get, known_graphs=lambda: sorted(graphs), strict=strict)
    return parsed, sorted(problems, key=lambda p: (p.line, p.column, p.severity))


def summary(problems):
    return [(p.severity, p.pointer, p.message) for p in problems]


def test_a_valid_document_parses_into_the_model():
    parsed, problems = check("graph_id: writer\nname: W\nconfig:\n  tags: [a]\n  configurable:\n"
                             "    model: m\n    system_prompt: p\n")
    assert problems == []
    assert parsed.graph_id == "writer"
    assert parsed.config.tags == ["a"]
    assert parsed.config.configurable == {"model": "m", "system_prompt": "p"}


def test_warnings_alone_still_give_the_parsed_file():
    parsed, problems = check("graph_id: writer\nconfig:\n  configurable: {model: m}\n")
    assert [p.severity for p in problems] == ["warning"]
    assert parsed is not None


def test_errors_give_no_parsed_file_and_every_problem_at_once():
    parsed, problems = check("graph_id: writer\nnmae: x\ndescripton: y\nconfig:\n  tags: x\n"
                             "  configurable: {model: 1, system_prompt: p, tone: loud}\n")
    assert parsed is None
    assert [p.pointer for p in problems] == ["nmae", "descripton", "config.tags", "config.configurable.model",
                                             "config.configurable.tone"]
    assert "(did you mean 'description'?)" in problems[1].message


def test_no_hint_when_nothing_is_close():
    [problem] = check("graph_id: writer\nzzzz: 1\nconfig:\n  configurable: {model: m, system_prompt: p}\n")[1]
    assert "did you mean" not in problem.message
    assert problem.message.endswith("allowed: graph_id, name, description, config, context, metadata, server_id")


def test_unknown_graph_lists_the_known_ones_even_without_a_close_match():
    [problem] = check("graph_id: zzz\n", planner={"config_schema": None})[1]
    assert problem.message == "unknown graph 'zzz' (known graphs: planner, support, writer)"


def test_an_invalid_schema_blocks_its_assistants_with_one_error():
    [problem] = check("graph_id: bad\nconfig:\n  configurable: {x: 1}\n", bad={"config_schema": {"type": 5}})[1]
    assert problem.pointer == "graph_id"
    assert problem.message == "graph schema schemas/bad.json is invalid, so this assistant cannot be checked"


def test_a_graph_without_schemas_accepts_any_configurable():
    assert check("graph_id: free\nconfig:\n  configurable: {anything: [1, 2]}\n",
                 free={"config_schema": None, "context_schema": None})[1] == []


# --- undeclared keys: warnings even where extra keys are allowed ----------------------------

OPEN = {"type": "object", "properties": {"model": {"type": "string"},
                                         "retriever": {"type": "object", "properties": {"k": {"type": "integer"}}}},
        "patternProperties": {"^x_": {}}}


def test_undeclared_keys_are_warnings_with_a_hint():
    problems = check("graph_id: open\nconfig:\n  configurable:\n    modle: m\n    x_custom: 1\n"
                     "    retriever: {k: 1, kk: 2}\n", open={"config_schema": OPEN})[1]
    assert summary(problems) == [
        ("warning", "config.configurable.modle",
         "'modle' is not declared in the graph's config_schema (did you mean 'model'?); if the graph's context "
         "schema is a dataclass, every run fails on it (TypeError)"),
        ("warning", "config.configurable.retriever.kk",
         "'kk' is not declared in the graph's config_schema (did you mean 'k'?)"),
    ]


def test_free_form_objects_declare_nothing_and_warn_nothing():
    assert check("graph_id: free\nconfig:\n  configurable: {a: 1, b: 2}\n",
                 free={"config_schema": {"type": "object"}})[1] == []


def test_keys_declared_through_all_of_and_refs_are_known():
    schema = {"allOf": [{"$ref": "#/$defs/Base"}, {"properties": {"extra": {"type": "string"}}}],
              "$defs": {"Base": {"type": "object", "properties": {"model": {"type": "string"}}}}}
    problems = check("graph_id: combo\nconfig:\n  configurable: {model: m, extra: e, other: o}\n",
                     combo={"config_schema": schema})[1]
    [(severity, pointer, message)] = summary(problems)
    assert (severity, pointer) == ("warning", "config.configurable.other")
    assert message.startswith("'other' is not declared in the graph's config_schema (a typo?); ")


def test_closed_objects_give_errors_with_a_hint_not_warnings():
    problems = check("graph_id: support\ncontext:\n  model: m\n  product: p\n"
                     "  knowledge_base: {index: i, tpo_k: 3}\n")[1]
    assert summary(problems) == [("error", "context.knowledge_base.tpo_k",
                                  "'tpo_k' is not allowed by the graph's context_schema (did you mean 'top_k'?)")]


# --- required fields ----------------------------------------------------------------------------

def test_required_fields_warn_and_strict_makes_them_errors():
    text = "graph_id: support\ncontext:\n  model: m\n  knowledge_base: {}\n"
    loose = check(text)[1]
    assert [(p.severity, p.pointer) for p in loose] == [("warning", "context"), ("warning", "context.knowledge_base")]
    assert "required field 'product' of the graph's context_schema is missing" in loose[0].message
    assert "required field 'index'" in loose[1].message
    parsed, strict = check(text, strict=True)
    assert [p.severity for p in strict] == ["error", "error"]
    assert parsed is None


def test_required_fields_are_checked_without_a_section():
    """No context: and no configurable: is an empty mapping at run time: required fields are missing."""
    problems = check("graph_id: writer\n", strict=True)[1]
    assert [(p.severity, p.pointer, p.line) for p in problems] == [("error", "context", 1), ("error", "context", 1)]
    assert "required field 'model' of the graph's context_schema is missing" in problems[0].message


# --- schema error messages --------------------------------------------------------------------

def test_any_of_reports_the_branch_of_the_right_type():
    problems = check("graph_id: writer\nconfig:\n  configurable: {model: m, system_prompt: p, max_words: -5}\n")[1]
    assert summary(problems) == [("error", "config.configurable.max_words",
                                  "-5 must be greater than 0")]


def test_yaml11_boolean_hint_only_for_yaml11_booleans():
    schema = {"type": "object", "properties": {"flag": {"type": "boolean"}}}
    [yes] = check("graph_id: b\nconfig:\n  configurable: {flag: on}\n", b={"config_schema": schema})[1]
    assert yes.message == "'on' is not of type 'boolean' (YAML 1.2: only true and false are booleans)"
    [other] = check("graph_id: b\nconfig:\n  configurable: {flag: maybe}\n", b={"config_schema": schema})[1]
    assert other.message == "'maybe' is not of type 'boolean'"


def test_errors_inside_lists_point_at_the_item():
    schema = {"type": "object", "properties": {"languages": {"type": "array", "items": {"pattern": "^[a-z]{2}$"}}}}
    [problem] = check("graph_id: lang\ncontext:\n  languages:\n    - en\n    - english\n",
                      lang={"context_schema": schema})[1]
    assert (problem.pointer, problem.line, problem.column) == ("context.languages[1]", 5, 7)
    assert problem.message == "'english' does not match '^[a-z]{2}$'"


def test_a_ref_cycle_in_the_schema_is_an_error_not_a_crash():
    schema = {"$defs": {"A": {"$ref": "#/$defs/A"}}, "$ref": "#/$defs/A"}
    parsed, problems = check("graph_id: loop\nconfig:\n  configurable: {x: 1}\n", loop={"config_schema": schema})
    assert parsed is None
    assert summary(problems) == [("error", "config.configurable",
                                  "the graph's config_schema cannot be applied: its $ref chain loops or nests "
                                  "too deeply")]


def test_an_unresolvable_local_ref_is_an_error_not_a_crash():
    schema = {"type": "object", "properties": {"x": {"$ref": "#/$defs/Missing"}}}
    [problem] = check("graph_id: miss\nconfig:\n  configurable: {x: 1}\n", miss={"config_schema": schema})[1]
    assert problem.severity == "error"
    assert problem.message.startswith("the graph's config_schema cannot be applied: unresolvable $ref")


def test_a_wrong_container_is_reported_once():
    problems = check("graph_id: support\ncontext: [a, b]\nconfig:\n  configurable: 5\n")[1]
    assert summary(problems) == [("error", "context", "must be a mapping, not a list"),
                                 ("error", "config.configurable", "must be a mapping, not the number 5")]


# --- secrets --------------------------------------------------------------------------------------

def test_secrets_are_errors_wherever_they_are():
    problems = check("graph_id: writer\nname: ghp_Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aEAbCd\n"
                     "metadata:\n  deep: [{x: [AKIAZQ3XT7BN9MK2PL5V]}]\n"
                     "config:\n  configurable: {model: m, system_prompt: p}\n")[1]
    assert [(p.pointer, p.line) for p in problems] == [("name", 2), ("metadata.deep[0].x[0]", 4)]
    assert all(p.severity == "error" and "looks like a secret" in p.message for p in problems)


@pytest.mark.parametrize("server_id, ok", [
    ("6f1c0c8e-0d8a-4c5e-9d3a-1b2c3d4e5f60", True),
    ("6F1C0C8E0D8A4C5E9D3A1B2C3D4E5F60", True),
    ("blog-writer", False),
    ("6f1c0c8e-0d8a-4c5e-9d3a", False),
])
def test_server_id_must_be_a_uuid(server_id, ok):
    problems = check(f"graph_id: writer\nserver_id: '{server_id}'\n"
                     "config:\n  configurable: {model: m, system_prompt: p}\n")[1]
    assert (problems == []) is ok


# --- Roster's own words for schema violations (issue 9: no third-party wording) --------------

def _one(schema: dict, value: str) -> str:
    [problem] = check(f"graph_id: b\nconfig:\n  configurable: {{x: {value}}}\n",
                      b={"config_schema": {"type": "object", "properties": {"x": schema}}})[1]
    return problem.message


@pytest.mark.parametrize("schema, value, message", [
    ({"type": "string"}, "true", "true is not of type 'string' (quote it for a string)"),
    ({"type": "string"}, "null", "null is not of type 'string'"),
    ({"type": ["integer", "null"]}, "false", "false is not of type 'integer', 'null'"),
    ({"enum": [True, None, "a"]}, "b", "'b' is not one of [true, null, 'a']"),
    ({"const": False}, "true", "true is not the allowed value false"),
    ({"exclusiveMaximum": 2}, "2", "2 must be less than 2"),
    ({"minLength": 2}, "a", "'a' is shorter than 2 characters"),
    ({"maxItems": 1}, "[a, b]", "the list has more than 1 item"),
    ({"uniqueItems": True}, "[a, a]", "the list has repeated items; each must be unique"),
    ({"not": {"type": "string"}}, "s", "'s' is a value the graph's schema excludes"),
    ({"minProperties": 1}, "{}", "the mapping has fewer than 1 key"),
])
def test_schema_violations_are_said_in_rosters_words(schema, value, message):
    assert _one(schema, value) == message.replace(" (quote it for a string)", "")


def test_a_long_value_is_shortened_in_a_message():
    message = _one({"maxLength": 3}, "'" + "x" * 500 + "'")
    assert message.startswith("'xxxxx") and "...' is longer than 3 characters" in message and len(message) < 120


def test_every_missing_required_field_is_named_once_from_the_schema_not_the_message():
    schema = {"type": "object", "properties": {"a": {}, "b": {}, "it's": {}}, "required": ["a", "b", "it's"]}
    problems = check("graph_id: b\nconfig:\n  configurable: {b: 1}\n", strict=True, b={"config_schema": schema})[1]
    assert [p.message for p in problems] == [
        "required field 'a' of the graph's config_schema is missing",
        "required field \"it's\" of the graph's config_schema is missing"]


def test_an_unresolvable_ref_names_the_ref_in_rosters_words():
    schema = {"type": "object", "properties": {"x": {"$ref": "#/$defs/Missing"}}}
    [problem] = check("graph_id: b\nconfig:\n  configurable: {x: 1}\n", b={"config_schema": schema})[1]
    assert problem.message == "the graph's config_schema cannot be applied: unresolvable $ref '#/$defs/Missing'"
