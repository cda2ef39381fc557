"""An assistant's config and context reach the nodes of a real compiled graph."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from _lg_helpers import make_assistant

pytestmark = pytest.mark.langgraph

FIXTURE = Path(__file__).resolve().parents[1] / "langgraph_fixture"


@pytest.fixture(scope="module")
def graph_module(langgraph_installed):
    spec = importlib.util.spec_from_file_location("roster_test_fixture_graph", FIXTURE / "graph.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # type hints are resolved through sys.modules
    sys.dont_write_bytecode, old = True, sys.dont_write_bytecode
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = old
    return module


def test_context_and_config_reach_nodes(graph_module):
    a = make_assistant("blog", "writer", config={"tags": ["blog"], "recursion_limit": 9},
                       context={"greeting": "Howdy", "temperature": 1.5})
    config = a.runnable_config()
    out = graph_module.graph.invoke({"topic": "roster"}, config=config, context=a.context)
    assert out["reply"] == "Howdy roster (plain)"
    assert out["seen"] == {"style": "plain", "greeting": "Howdy", "temperature": 1.5, "tags": ["blog"],
                           "recursion_limit": 9}


def test_configurable_reaches_nodes(graph_module):
    a = make_assistant("blog", "writer", config={"configurable": {"style": "terse"}})
    out = graph_module.graph.invoke({"topic": "x"}, config=a.runnable_config(), context=a.context)
    assert out["seen"]["style"] == "terse"
    assert out["seen"]["greeting"] == "Hello"  # the context schema's default


def test_context_inside_config_alone_does_not_reach_nodes(graph_module):
    """Recorded behaviour of langgraph 1.x: ``config["context"]`` is not read in-process,
    so callers must pass ``context=`` (see NOTES.md). If this starts failing, langgraph
    now reads it and the docs can say so."""
    a = make_assistant("blog", "writer", context={"greeting": "Howdy"})
    config = {**a.runnable_config(), "context": dict(a.context)}
    with pytest.raises(AttributeError):
        graph_module.graph.invoke({"topic": "x"}, config=config)


def test_invoke_kwargs_reach_nodes(graph_module):
    a = make_assistant("blog", "writer", config={"tags": ["t"]}, context={"greeting": "Ahoy"})
    if not hasattr(a, "invoke_kwargs"):
        pytest.skip("this core has no Assistant.invoke_kwargs")
    out = graph_module.graph.invoke({"topic": "x"}, **a.invoke_kwargs())
    assert out["seen"]["greeting"] == "Ahoy" and out["seen"]["tags"] == ["t"]
