"""A local run through ``invoke_kwargs()`` gets what a ``langgraph dev`` run of the same
assistant gets (SPEC 5, issue 16): both ways of writing it, with and without per-run values.

The graphs are template-style: ``ctx`` has a dataclass ``Context`` read through
``Runtime.context`` (react-agent), ``cfg`` reads ``config["configurable"]``
(data-enrichment). Each node reports the values it saw.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from conftest import _stop, find_cli, missing, start_server
from helpers.syncing import make_assistant

pytestmark = pytest.mark.langgraph

GRAPHS = '''
from dataclasses import asdict, dataclass

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from typing_extensions import TypedDict

KEYS = ("model", "max_loops", "owner")


@dataclass(kw_only=True)
class Context:
    model: str = "anthropic/claude-sonnet-4-5"
    max_loops: int = 6
    owner: str = "nobody"


class State(TypedDict, total=False):
    seen: dict


def from_context(state: State, runtime: Runtime[Context]) -> dict:
    return {"seen": asdict(runtime.context)}


def from_configurable(state: State, config: RunnableConfig) -> dict:
    configurable = config.get("configurable") or {}
    return {"seen": {k: configurable[k] for k in KEYS if k in configurable}}


def _compile(node, context_schema=None):
    builder = StateGraph(State, context_schema=context_schema)
    builder.add_node("node", node)
    builder.add_edge(START, "node")
    builder.add_edge("node", END)
    return builder.compile()


ctx = _compile(from_context, Context)
cfg = _compile(from_configurable)
'''

VALUES = {"model": "openai/gpt-4.1-mini", "max_loops": 2}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parity") / "project"
    folder.mkdir()
    (folder / "graphs.py").write_text(GRAPHS)
    (folder / "langgraph.json").write_text(json.dumps(
        {"dependencies": ["."], "graphs": {"ctx": "./graphs.py:ctx", "cfg": "./graphs.py:cfg"}}))
    return folder


@pytest.fixture(scope="module")
def local_graphs(project: Path, langgraph_installed: None):
    spec = importlib.util.spec_from_file_location("roster_parity_graphs", project / "graphs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # type hints are resolved through sys.modules
    spec.loader.exec_module(module)
    return {"ctx": module.ctx, "cfg": module.cfg}


@pytest.fixture(scope="module")
def server_sdk(project: Path, langgraph_installed: None):
    cli = find_cli()
    if cli is None:
        missing("langgraph-cli[inmem] (the `langgraph` executable)")
    server = start_server(cli, project, project.parent / "server.log")
    try:
        from langgraph_sdk import get_sync_client

        yield get_sync_client(url=server.url, api_key=None)
    finally:
        _stop(server.process)


@pytest.mark.parametrize("graph_id", ["ctx", "cfg"])
@pytest.mark.parametrize("written_as", ["context", "config.configurable"])
@pytest.mark.parametrize("per_run", [None, ("context", {"owner": "u-42", "max_loops": 3}),
                                     ("configurable", {"owner": "u-42"})])
def test_a_local_run_sees_what_a_server_run_sees(server_sdk, local_graphs, graph_id, written_as, per_run):
    fields = {"context": dict(VALUES)} if written_as == "context" else {"config": {"configurable": dict(VALUES)}}
    a = make_assistant("parity", graph_id, **fields)
    kind, values = per_run or ("context", None)
    kwargs = a.invoke_kwargs(**{kind: values}) if values else a.invoke_kwargs()
    local = local_graphs[graph_id].invoke({}, **kwargs)["seen"]

    created = server_sdk.assistants.create(graph_id, config=fields.get("config"), context=fields.get("context"))
    try:
        run = {"context": values} if kind == "context" else {"config": {"configurable": values}}
        remote = server_sdk.runs.wait(None, created["assistant_id"], input={}, **(run if values else {}))["seen"]
    finally:
        server_sdk.assistants.delete(created["assistant_id"])
    assert local == remote
    assert {k: local[k] for k in VALUES if k not in (values or {})} == {
        k: v for k, v in VALUES.items() if k not in (values or {})}  # the assistant's values arrive
