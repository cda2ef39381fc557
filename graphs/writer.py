"""The writing graph behind the blog and tweet writers (no model call: a template).

Its ``config_schema`` is what ``assistants/*writer.yaml`` set under
``config.configurable``; ``roster schemas export`` derives schemas/writer.json from it.
"""
from __future__ import annotations

from enum import Enum
from typing import Optional

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from pydantic import BaseModel, Field
from typing_extensions import TypedDict


class Tone(str, Enum):
    neutral = "neutral"
    friendly = "friendly"
    formal = "formal"
    playful = "playful"


class WriterConfig(BaseModel):
    """Settings of the writing node, set per assistant."""

    model: str = Field(description="Chat model as provider:name.")
    system_prompt: str = Field(description="System prompt of the writing node.")
    temperature: float = Field(default=0.7, ge=0, le=2)
    max_words: Optional[int] = Field(default=None, gt=0)
    tone: Tone = Tone.neutral
    include_hashtags: bool = False


class WriterInput(TypedDict):
    topic: str


class WriterOutput(TypedDict):
    draft: str


class WriterState(TypedDict, total=False):
    topic: str
    draft: str


def write(state: WriterState, config: RunnableConfig) -> dict[str, str]:
    settings = WriterConfig(**config.get("configurable", {}))
    words = f" in at most {settings.max_words} words" if settings.max_words else ""
    return {"draft": f"[{settings.model}, {settings.tone.value}] A post about {state['topic']}{words}."}


builder = StateGraph(WriterState, config_schema=WriterConfig, input_schema=WriterInput, output_schema=WriterOutput)
builder.add_node("write", write)
builder.add_edge(START, "write")
builder.add_edge("write", END)
graph = builder.compile()
