"""Graph schema files: LangGraph's GraphSchema, Draft 2020-12, no remote ``$ref`` ever fetched."""
from __future__ import annotations

import json
import select
import socket
import threading

import pytest

from helpers.paths import SCHEMAS
from roster.schemas import SCHEMA_KINDS, load_schema, resolve_local


def load(data: object, graph_id: str = "g") -> object:
    raw = data if isinstance(data, bytes) else (data if isinstance(data, str) else json.dumps(data, indent=2)).encode()
    return load_schema(graph_id, f"schemas/{graph_id}.json", raw)


@pytest.fixture
def listener():
    """A listening TCP socket on 127.0.0.1; ``connected()`` says whether anything connected to it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)

    class Listener:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"

        @staticmethod
        def connected(wait: float = 0.05) -> bool:
            readable, _, _ = select.select([sock], [], [], wait)
            return bool(readable)

    yield Listener
    sock.close()


@pytest.mark.parametrize("graph_id", ["writer", "support"])
def test_the_repos_own_schemas_load(graph_id):
    loaded = load_schema(graph_id, f"schemas/{graph_id}.json", (SCHEMAS / f"{graph_id}.json").read_bytes())
    assert loaded.ok
    assert loaded.problems == ()
    assert loaded.schema.graph_id == graph_id
    assert "config_schema" in loaded.validators
    if graph_id == "support":
        assert "context_schema" in loaded.validators


def test_a_graph_schema_with_only_nulls_is_fine():
    loaded = load({"graph_id": "g", **{kind: None for kind in SCHEMA_KINDS}})
    assert loaded.ok and loaded.validators == {} and loaded.problems == ()


def test_boolean_schemas_are_an_error_not_a_crash():
    problem = only_problem(load('{"config_schema": true}'))
    assert problem.message == "config_schema must be a JSON Schema object or null"
    assert problem.pointer == "config_schema"


def test_validators_are_compiled_once_per_schema():
    first = load({"config_schema": {"type": "object", "properties": {"only_here_x1": {"type": "string"}}}})
    second = load({"graph_id": "other", "config_schema": {"properties": {"only_here_x1": {"type": "string"}},
                                                          "type": "object"}}, graph_id="other")
    assert first.validators["config_schema"] is second.validators["config_schema"]


def test_validators_compiled_from_many_threads_agree():
    schema = {"config_schema": {"type": "object", "properties": {"threads_y2": {"type": "integer"}}}}
    results = []

    def work():
        results.append(load(schema).validators["config_schema"])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8
    assert all(not list(v.iter_errors({"threads_y2": 1})) for v in results)
    assert all(list(v.iter_errors({"threads_y2": "x"})) for v in results)


# --- bad schema files ----------------------------------------------------------------------------

def only_problem(loaded):
    assert not loaded.ok
    [problem] = loaded.problems
    assert problem.severity == "error"
    assert problem.path == "schemas/g.json"
    return problem


def test_invalid_json_is_located():
    problem = only_problem(load('{\n  "graph_id": "g",\n  "config_schema": {"type": "object",,}\n}\n'))
    assert problem.message == "not valid JSON: Expecting property name enclosed in double quotes"
    assert (problem.line, problem.column) == (3, 38)


def test_truncated_json_is_located():
    problem = only_problem(load('{\n  "config_schema": {\n'))
    assert problem.message.startswith("not valid JSON: ")
    assert problem.line == 3


def test_json_nested_too_deeply_is_an_error():
    problem = only_problem(load("[" * 100_000 + "]" * 100_000))
    assert problem.message == "not valid JSON: nested too deeply"


def test_not_utf8():
    problem = only_problem(load(b'{"graph_id": "caf\xe9"}'))
    assert problem.message.startswith("schema file is not UTF-8 (byte 0xe9")


def test_too_large():
    problem = only_problem(load(b" " * (8 * 1024 * 1024 + 1)))
    assert "the limit is 8,388,608" in problem.message


@pytest.mark.parametrize("data", [[], '"a string"', 3, "null"])
def test_top_level_must_be_an_object(data):
    problem = only_problem(load(data))
    assert problem.message == "a graph schema file must be a JSON object (LangGraph's GraphSchema)"


def test_a_schema_kind_that_is_not_an_object():
    problem = only_problem(load('{\n  "graph_id": "g",\n  "context_schema": [1, 2]\n}'))
    assert problem.message == "context_schema must be a JSON Schema object or null"
    assert (problem.line, problem.column, problem.pointer) == (3, 3, "context_schema")


def test_an_invalid_json_schema_is_located():
    text = ('{\n  "config_schema": {\n    "type": "object",\n    "properties": {\n'
            '      "n": {"type": "integr"}\n    }\n  }\n}\n')
    problem = only_problem(load(text))
    assert problem.message.startswith("config_schema is not a valid JSON Schema (Draft 2020-12): ")
    assert problem.pointer == "config_schema.properties.n.type"
    assert (problem.line, problem.column) == (5, 13)


@pytest.mark.parametrize("schema, fragment", [
    ({"type": "object", "required": "model"}, "'model' is not of type 'array'"),
    ({"type": "object", "minProperties": -1}, "-1 is less than the minimum of 0"),
    ({"type": "string", "pattern": "(unclosed"}, "'(unclosed' is not a valid regex"),
])
def test_more_invalid_json_schemas(schema, fragment):
    problem = only_problem(load({"config_schema": schema}))
    assert fragment in problem.message


def test_graph_id_that_differs_from_the_file_name_is_a_warning():
    loaded = load('{\n  "graph_id": "other",\n  "config_schema": null\n}', graph_id="g")
    assert loaded.ok
    [warning] = loaded.problems
    assert warning.severity == "warning"
    assert (warning.line, warning.column, warning.pointer) == (2, 3, "graph_id")
    assert "'other' differs from the file name ('g')" in warning.message


# --- remote references -----------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda url: {"type": "object", "properties": {"x": {"$ref": f"{url}/x.json"}}},
    lambda url: {"type": "object", "properties": {"x": {"$dynamicRef": f"{url}/x.json#meta"}}},
    lambda url: {"$id": f"{url}/root.json", "type": "object", "properties": {"x": {"$ref": "other.json"}}},
    lambda url: {"type": "object", "$defs": {"A": {"allOf": [{"$ref": f"{url}/a.json#/$defs/A"}]}}},
    lambda url: {"type": "object", "properties": {"x": {"$ref": "file:///etc/passwd"}}},
], ids=["ref", "dynamicRef", "relative-to-remote-id", "nested-in-defs", "file-url"])
def test_remote_refs_are_refused_and_never_fetched(listener, make):
    text = json.dumps({"graph_id": "g", "config_schema": make(listener.url)}, indent=2)
    problem = only_problem(load(text))
    assert "points outside this file; remote references are refused, never fetched" in problem.message
    assert problem.pointer.startswith("config_schema.") and problem.pointer.endswith("ef")
    assert problem.line > 1
    assert not listener.connected()


def test_a_remote_meta_schema_uri_is_not_fetched(listener):
    loaded = load({"config_schema": {"$schema": f"{listener.url}/meta", "type": "object"}})
    assert loaded.ok
    assert not list(loaded.validators["config_schema"].iter_errors({"a": 1}))
    assert not listener.connected()


def test_local_refs_work():
    loaded = load({"config_schema": {"type": "object", "properties": {"t": {"$ref": "#/$defs/T"}},
                                     "$defs": {"T": {"enum": ["a", "b"]}}}})
    validator = loaded.validators["config_schema"]
    assert not list(validator.iter_errors({"t": "a"}))
    assert [e.message for e in validator.iter_errors({"t": "c"})] == ["'c' is not one of ['a', 'b']"]


# --- resolve_local ------------------------------------------------------------------------------

def test_resolve_local_follows_refs_and_keeps_siblings():
    root = {"$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"type": "object", "properties": {"x": {}}},
                      "a~b/c": {"type": "string"}}}
    assert resolve_local(root, {"$ref": "#/$defs/A"}) == root["$defs"]["B"]
    assert resolve_local(root, {"$ref": "#/$defs/B", "description": "d"}) == {
        "type": "object", "properties": {"x": {}}, "description": "d"}
    assert resolve_local(root, {"$ref": "#/$defs/a~0b~1c"}) == {"type": "string"}
    assert resolve_local(root, {"$ref": "#/$defs/Missing"}) == {}
    assert resolve_local(root, {"type": "string"}) == {"type": "string"}


def test_resolve_local_stops_on_a_cycle():
    root = {"$defs": {"A": {"$ref": "#/$defs/A"}}}
    assert resolve_local(root, {"$ref": "#/$defs/A"}) == {"$ref": "#/$defs/A"}


def test_the_listener_does_see_a_connection(listener):
    """Control for the tests above: a real fetch attempt is noticed."""
    host, port = listener.url.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=2):
        assert listener.connected(wait=2)
