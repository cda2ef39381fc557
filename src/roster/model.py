"""Pydantic models: the assistant file, the graph schema, resolved assistants and versions."""
from __future__ import annotations

import copy
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator

ASSISTANT_FIELDS = ("graph_id", "name", "description", "config", "context", "metadata", "server_id")
CONFIG_FIELDS = ("tags", "recursion_limit", "configurable", "metadata", "run_name", "max_concurrency")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class ConfigFile(_Strict):
    """LangGraph's RunnableConfig as an assistant stores it."""

    tags: Optional[list[StrictStr]] = None
    recursion_limit: Optional[StrictInt] = Field(default=None, ge=1)
    configurable: Optional[dict[StrictStr, Any]] = None
    metadata: Optional[dict[StrictStr, Any]] = None
    run_name: Optional[StrictStr] = None
    max_concurrency: Optional[StrictInt] = Field(default=None, ge=1)


class AssistantFile(_Strict):
    """One ``assistants/<id>.yaml`` file; fields mirror LangGraph's Assistant."""

    graph_id: StrictStr = Field(min_length=1)
    name: Optional[StrictStr] = None
    description: Optional[StrictStr] = None
    config: Optional[ConfigFile] = None
    context: Optional[dict[StrictStr, Any]] = None
    metadata: Optional[dict[StrictStr, Any]] = None
    server_id: Optional[StrictStr] = None

    @field_validator("server_id")
    @classmethod
    def _uuid(cls, value: str | None) -> str | None:
        if value is None:
            return value
        import uuid

        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise ValueError("server_id must be a UUID like 6f1c0c8e-0d8a-4c5e-9d3a-1b2c3d4e5f60") from None


class GraphSchema(BaseModel):
    """LangGraph's GraphSchema, as ``GET /assistants/{id}/schemas`` returns it."""

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)

    graph_id: Optional[str] = None
    config_schema: Optional[dict[str, Any]] = None
    context_schema: Optional[dict[str, Any]] = None
    input_schema: Optional[dict[str, Any]] = None
    output_schema: Optional[dict[str, Any]] = None
    state_schema: Optional[dict[str, Any]] = None


class Assistant(BaseModel):
    """A resolved, validated assistant at one commit (or in the working tree).

    ``version``, ``commit``, ``created_at`` and ``updated_at`` are None for an
    assistant read from the working tree, which has no history yet.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    assistant_id: str
    graph_id: str
    name: str
    description: Optional[str] = None
    config: dict[str, Any] = Field(default_factory=dict)
    context: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)
    version: Optional[int] = None
    commit: Optional[str] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None
    server_id: Optional[str] = None
    path: str = ""

    def runnable_config(self) -> dict[str, Any]:
        """The ``config`` for ``graph.invoke(input, config=...)``: a fresh deep copy.

        It holds the assistant's ``config`` (``configurable``, ``tags``,
        ``recursion_limit``...), its ``context`` under ``"context"``, and run
        metadata recording ``assistant_id``, ``roster_version`` and ``roster_commit``.
        LangGraph's in-process runtime takes the context from the ``context=``
        argument, not from the config; ``invoke_kwargs()`` gives both at once.
        """
        config = copy.deepcopy(self.config)
        config.setdefault("configurable", {})
        config["context"] = copy.deepcopy(self.context)
        meta = config.setdefault("metadata", {})
        meta.update({"assistant_id": self.assistant_id, "roster_version": self.version,
                     "roster_commit": self.commit})
        return config

    def invoke_kwargs(self) -> dict[str, Any]:
        """``graph.invoke(input, **a.invoke_kwargs())``: the config, and the context
        where LangGraph's runtime reads it (``Runtime.context``)."""
        config = self.runnable_config()
        context = config.pop("context")
        return {"config": config, "context": context or None}

    def matches(self, graph_id: str | None = None, metadata: dict[str, Any] | None = None) -> bool:
        """The filter of ``list``: this graph, and these metadata values (like LangGraph's search)."""
        if graph_id is not None and self.graph_id != graph_id:
            return False
        return not metadata or all(self.metadata.get(k) == v for k, v in metadata.items())

    def as_json(self) -> dict[str, Any]:
        """LangGraph's Assistant fields plus ``commit`` (SPEC section 6)."""
        out: dict[str, Any] = {"assistant_id": self.assistant_id}
        out.update(self.content())
        out.update(version=self.version, created_at=self.created_at, updated_at=self.updated_at, commit=self.commit)
        return out

    def content(self) -> dict[str, Any]:
        """The fields a version diff compares (what the file says)."""
        return {
            "graph_id": self.graph_id,
            "name": self.name,
            "description": self.description,
            "config": self.config,
            "context": self.context,
            "metadata": self.metadata,
        }


class Author(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    name: str
    email: str


class Version(Assistant):
    """One version of an assistant: the assistant at that commit plus commit facts."""

    message: str = ""
    author: Author = Author(name="", email="")
    tags: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        out = super().as_json()
        out.update(message=self.message, author={"name": self.author.name, "email": self.author.email},
                   tags=list(self.tags))
        return out
