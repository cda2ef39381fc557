"""A react-agent-style graph (LangGraph's official template layout), with no model call.

The template's ``Context`` is a dataclass that the graph reads from ``Runtime.context``;
``user_id`` is supplied by every run (as in memory-agent), never by an assistant, which is
declared in ``schemas/agent.roster.yaml``. The node answers with what it was handed, so a
local run and a server run of the same assistant can be compared value for value.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from typing_extensions import TypedDict


@dataclass(kw_only=True)
class Context:
    """The assistant's settings (the template's ``context.py``)."""

    user_id: str
    system_prompt: str = field(default="You are a helpful AI assistant.",
                               metadata={"description": "The system prompt of the agent."})
    model: str = field(default="anthropic/claude-sonnet-4-5",
                       metadata={"description": "provider/model-name of the chat model."})
    max_search_results: int = field(default=10, metadata={"description": "Search results to return."})


class State(TypedDict, total=False):
    question: str
    answer: dict[str, Any]


def call_model(state: State, config: RunnableConfig, runtime: Runtime[Context]) -> dict[str, Any]:
    names = {f.name for f in fields(Context)}
    configurable = {k: v for k, v in (config.get("configurable") or {}).items() if k in names}
    return {"answer": {"question": state.get("question", ""), "context": asdict(runtime.context),
                       "configurable": configurable}}


builder = StateGraph(State, context_schema=Context)
builder.add_node("call_model", call_model)
builder.add_edge(START, "call_model")
builder.add_edge("call_model", END)
graph = builder.compile(name="ReAct Agent")
