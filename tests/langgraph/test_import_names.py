"""Ids and file content that `roster import` derives from server assistants (pure)."""
from __future__ import annotations

import pytest

from roster.langgraph.importer import _file_data, _unique, slug


@pytest.mark.parametrize("name, expected", [
    ("Support Bot!", "support-bot"),
    ("  Ünïcode — name  ", "n-code-name"),
    ("a/b\\c", "a-b-c"),
    ("...hidden", "hidden"),
    ("", "assistant"),
    ("!!!", "assistant"),
    ("v1.2_final", "v1.2_final"),
    ("x" * 300, "x" * 80),
])
def test_slug(name: str, expected: str):
    assert slug(name) == expected


def test_unique_is_case_insensitive():
    taken = {"support-bot", "support-bot-2"}
    assert _unique("support-bot", taken) == "support-bot-3"
    assert _unique("Other", {"other"}) == "Other-2"


def test_only_one_of_configurable_and_context():
    server = {"assistant_id": "6f1c0c8e-0d8a-4c5e-9d3a-1b2c3d4e5f60", "graph_id": "writer", "name": "W",
              "config": {"tags": ["a"], "configurable": {"x": 1}}, "context": {"x": 1},
              "metadata": {"owner": "ops", "roster_version": 3}}
    data, problem = _file_data(server, {"context_schema": {"type": "object"}})
    assert not problem and data["context"] == {"x": 1} and data["config"] == {"tags": ["a"]}
    assert data["metadata"] == {"owner": "ops"} and data["server_id"] == server["assistant_id"]
    data, _ = _file_data(server, {"context_schema": None})
    assert data["config"] == {"tags": ["a"], "configurable": {"x": 1}} and "context" not in data
    _, problem = _file_data({**server, "config": {"callbacks": []}}, None)
    assert "callbacks" in problem
