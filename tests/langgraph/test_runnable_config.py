"""An assistant's config and context reach the nodes of a real compiled graph."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from helpers.syncing import make_assistant

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


# --- a local run gets what a server run gets (SPEC 5, issue 16) -----------------------------

def _graphs():
    """Compiled graphs in the styles of LangGraph's templates: a Runtime.context of each
    schema kind (dataclass as in react-agent, TypedDict, pydantic), and an old-style graph
    that reads ``config["configurable"]`` (as in data-enrichment)."""
    from dataclasses import asdict, dataclass

    from langchain_core.runnables import RunnableConfig
    from langgraph.graph import END, START, StateGraph
    from langgraph.runtime import Runtime
    from pydantic import BaseModel
    from typing_extensions import TypedDict

    @dataclass(kw_only=True)
    class DataclassContext:
        model: str = "anthropic/claude-sonnet-4-5"
        max_loops: int = 6
        user_id: str = "nobody"

    class TypedDictContext(TypedDict, total=False):
        model: str
        max_loops: int
        user_id: str

    class PydanticContext(BaseModel):
        model: str = "anthropic/claude-sonnet-4-5"
        max_loops: int = 6
        user_id: str = "nobody"

    class State(TypedDict, total=False):
        seen: dict

    def compiled(node, context_schema=None):
        builder = StateGraph(State, context_schema=context_schema)
        builder.add_node("node", node)
        builder.add_edge(START, "node")
        builder.add_edge("node", END)
        return builder.compile()

    def from_dataclass(state: State, runtime: Runtime[DataclassContext]) -> dict:
        return {"seen": asdict(runtime.context)}

    def from_typeddict(state: State, runtime: Runtime[TypedDictContext]) -> dict:
        return {"seen": dict(runtime.context)}

    def from_pydantic(state: State, runtime: Runtime[PydanticContext]) -> dict:
        return {"seen": runtime.context.model_dump()}

    def from_configurable(state: State, config: RunnableConfig) -> dict:
        configurable = config["configurable"]
        return {"seen": {k: configurable[k] for k in ("model", "max_loops", "user_id") if k in configurable}}

    return {
        "dataclass": compiled(from_dataclass, DataclassContext),
        "typeddict": compiled(from_typeddict, TypedDictContext),
        "pydantic": compiled(from_pydantic, PydanticContext),
        "configurable": compiled(from_configurable),
    }


GRAPH_KINDS = ("dataclass", "typeddict", "pydantic", "configurable")
VALUES = {"model": "openai/gpt-4.1-mini", "max_loops": 2}


@pytest.fixture(scope="module")
def graphs(langgraph_installed):
    return _graphs()


@pytest.mark.parametrize("kind", GRAPH_KINDS)
@pytest.mark.parametrize("written_as", ["context", "config.configurable"])
def test_either_way_of_writing_reaches_every_kind_of_graph(graphs, kind, written_as):
    fields = ({"context": dict(VALUES)} if written_as == "context"
              else {"config": {"configurable": dict(VALUES)}})
    a = make_assistant("enrich", "g", **fields)
    kwargs = a.invoke_kwargs()
    assert kwargs["context"] == kwargs["config"]["configurable"] == VALUES
    assert kwargs["context"] is not kwargs["config"]["configurable"]  # two copies, as a server keeps
    seen = graphs[kind].invoke({}, **kwargs)["seen"]
    assert {k: seen[k] for k in VALUES} == VALUES


@pytest.mark.parametrize("kind", GRAPH_KINDS)
@pytest.mark.parametrize("per_run", ["context", "configurable"])
def test_per_run_values_merge_over_the_assistants_and_win(graphs, kind, per_run):
    a = make_assistant("memory", "g", context={**VALUES, "user_id": "default-user"})
    kwargs = a.invoke_kwargs(**{per_run: {"user_id": "u-42", "max_loops": 3}})
    expected = {"model": VALUES["model"], "max_loops": 3, "user_id": "u-42"}
    assert kwargs["context"] == kwargs["config"]["configurable"] == expected
    assert graphs[kind].invoke({}, **kwargs)["seen"] == expected
    assert a.context["user_id"] == "default-user"  # the assistant itself is unchanged


@pytest.mark.parametrize("kind", ["dataclass", "pydantic", "configurable"])
def test_an_assistant_that_sets_neither_runs_with_the_graphs_defaults(graphs, kind):
    a = make_assistant("plain", "g")
    kwargs = a.invoke_kwargs()
    assert kwargs["context"] == {} and kwargs["config"]["configurable"] == {}  # {} never None
    seen = graphs[kind].invoke({}, **kwargs)["seen"]
    assert seen.get("model", "anthropic/claude-sonnet-4-5") == "anthropic/claude-sonnet-4-5"


def test_runnable_config_mirrors_and_merges_too():
    a = make_assistant("x", "g", config={"tags": ["t"], "configurable": {"model": "m"}})
    config = a.runnable_config(context={"user_id": "u"})
    assert config["configurable"] == config["context"] == {"model": "m", "user_id": "u"}
    assert config["tags"] == ["t"] and type(config["tags"]) is list
    assert config["metadata"]["assistant_id"] == "x"
    assert a.config["configurable"] == {"model": "m"}


def test_per_run_values_in_both_places_are_refused():
    from roster.errors import UsageError

    a = make_assistant("x", "g")
    with pytest.raises(UsageError, match="not both"):
        a.invoke_kwargs(context={"a": 1}, configurable={"b": 2})
