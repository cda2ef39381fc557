"""The support graph behind the triage and billing assistants (no model call).

It declares a ``context_schema``: ``assistants/support/*.yaml`` set ``context``;
``roster schemas export`` derives schemas/support.json from it.
"""
from __future__ import annotations

from typing import Annotated, Any, Optional

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict


class KnowledgeBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: str
    top_k: int = Field(default=4, ge=1, le=20)


class SupportContext(BaseModel):
    """What a support assistant knows about its product, per assistant."""

    model: str
    product: str
    escalation_threshold: float = Field(default=0.3, ge=0, lt=1)
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(default_factory=lambda: ["en"])
    knowledge_base: Optional[KnowledgeBase] = None


class SupportState(TypedDict, total=False):
    messages: list[dict[str, Any]]
    escalated: bool


def triage(state: SupportState, runtime: Runtime[SupportContext]) -> dict[str, Any]:
    ctx = runtime.context
    unsure = len(state.get("messages", [])) > 3
    return {"escalated": unsure and ctx.escalation_threshold < 0.5}


builder = StateGraph(SupportState, context_schema=SupportContext)
builder.add_node("triage", triage)
builder.add_edge(START, "triage")
builder.add_edge("triage", END)
graph = builder.compile()
