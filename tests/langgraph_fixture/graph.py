"""A tiny graph for Roster's LangGraph tests: no model, no network.

It declares a ``context_schema`` (a pydantic model) and reads one value from
``config["configurable"]`` so that both halves of an assistant reach a node.
"""
from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from pydantic import BaseModel, Field
from typing_extensions import TypedDict


class Context(BaseModel):
    """Run-time context of the writer graph."""

    greeting: str = Field(default="Hello", description="Word the reply starts with")
    temperature: float = Field(default=0.5, ge=0, le=2)
    max_words: int | None = None
    system_prompt: str = Field(default="You write clearly.", description="Instructions for the model")


class State(TypedDict, total=False):
    topic: str
    reply: str
    seen: dict[str, Any]


class Output(TypedDict):
    reply: str
    seen: dict[str, Any]


def write(state: State, config: RunnableConfig, runtime: Runtime[Context]) -> dict:
    configurable = config.get("configurable", {})
    style = configurable.get("style", "plain")
    ctx = runtime.context
    reply = f"{ctx.greeting} {state.get('topic', 'world')} ({style})"
    return {
        "reply": reply,
        "seen": {
            "style": style,
            "greeting": ctx.greeting,
            "temperature": ctx.temperature,
            "tags": list(config.get("tags", [])),
            "recursion_limit": config.get("recursion_limit"),
        },
    }


builder = StateGraph(State, context_schema=Context, output_schema=Output)
builder.add_node("write", write)
builder.add_edge(START, "write")
builder.add_edge("write", END)
graph = builder.compile()


class EchoState(TypedDict, total=False):
    text: str


def echo(state: EchoState) -> dict:
    return {"text": state.get("text", "")}


_echo = StateGraph(EchoState)
_echo.add_node("echo", echo)
_echo.add_edge(START, "echo")
_echo.add_edge("echo", END)
echo_graph = _echo.compile()
