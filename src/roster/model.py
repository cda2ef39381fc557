"""Pydantic models: the assistant file, the graph schema, resolved assistants and versions."""
from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError, field_validator

from roster.content import CONFIG_FIELDS as CONFIG_FIELDS  # the one list of config fields, re-exported
from roster.content import FIELDS, assistant_json, from_mapping, version_json
from roster.errors import UsageError
from roster.frozen import freeze

# The one list of an assistant file's fields (``roster.content.FIELDS``), under the name
# the file's rules (roster.rules) know it by.
ASSISTANT_FIELDS = FIELDS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class ConfigFile(_Strict):
    """LangGraph's RunnableConfig as an assistant stores it."""

    tags: list[StrictStr] | None = None
    recursion_limit: StrictInt | None = Field(default=None, ge=1)
    configurable: dict[StrictStr, Any] | None = None
    metadata: dict[StrictStr, Any] | None = None
    run_name: StrictStr | None = None
    max_concurrency: StrictInt | None = Field(default=None, ge=1)


class AssistantFile(_Strict):
    """One ``assistants/<id>.yaml`` file; fields mirror LangGraph's Assistant."""

    graph_id: StrictStr = Field(min_length=1)
    name: StrictStr | None = None
    description: StrictStr | None = None
    config: ConfigFile | None = None
    context: dict[StrictStr, Any] | None = None
    metadata: dict[StrictStr, Any] | None = None
    server_id: StrictStr | None = None

    @field_validator("server_id")
    @classmethod
    def _uuid(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise ValueError("server_id must be a UUID like 6f1c0c8e-0d8a-4c5e-9d3a-1b2c3d4e5f60") from None

    def content(self) -> dict[str, Any]:
        """What the file says (``roster.content.FIELDS``): config without its unset keys,
        mappings ``{}`` when left out, ``name`` None when unset (``roster.content.named``)."""
        values: dict[str, Any] = {"config": self.config.model_dump(exclude_none=True) if self.config else {},
                                  "context": self.context or {}, "metadata": self.metadata or {}}
        return {f: values[f] if f in values else getattr(self, f) for f in FIELDS}


def file_content(raw: bytes) -> dict[str, Any]:
    """What a version's file says: ``AssistantFile.content()`` when it is one, else what
    ``roster.content.from_mapping`` keeps of it (history and the published index show every
    version, valid or not)."""
    from roster.yamlload import YamlError, load_bytes  # lazy: PyYAML, for the callers that read files only

    try:
        data = load_bytes(raw).data
    except YamlError:
        data = {}
    return content_of(data)


def content_of(data: Any) -> dict[str, Any]:
    """``file_content`` of an already loaded file."""
    try:
        return AssistantFile.model_validate(data).content()
    except ValidationError:
        return from_mapping(data)


class GraphSchema(BaseModel):
    """LangGraph's GraphSchema, as ``GET /assistants/{id}/schemas`` returns it."""

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)

    graph_id: str | None = None
    config_schema: dict[str, Any] | None = None
    context_schema: dict[str, Any] | None = None
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    state_schema: dict[str, Any] | None = None


class Assistant(BaseModel):
    """A resolved, validated assistant at one commit (or in the working tree).

    ``version``, ``commit``, ``created_at`` and ``updated_at`` are None for an
    assistant read from the working tree, which has no history yet.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    assistant_id: str
    graph_id: str
    name: str
    description: str | None = None
    config: dict[str, Any] = Field(default_factory=dict, validate_default=True)
    context: dict[str, Any] = Field(default_factory=dict, validate_default=True)
    metadata: dict[str, Any] = Field(default_factory=dict, validate_default=True)
    version: int | None = None
    commit: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    server_id: str | None = None
    path: str = ""

    @field_validator("config", "context", "metadata")
    @classmethod
    def _frozen(cls, value: dict[str, Any]) -> dict[str, Any]:
        # Deeply read-only: resolved assistants are cached and shared by every caller.
        frozen: dict[str, Any] = freeze(value)
        return frozen

    def runnable_config(self, *, context: Mapping[str, Any] | None = None,
                        configurable: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The ``config`` for ``graph.invoke(input, config=...)``: a fresh, plain deep copy.

        It holds the assistant's ``config`` (``tags``, ``recursion_limit``...) and run
        metadata recording ``assistant_id``, ``roster_version`` and ``roster_commit``.
        As on a LangGraph server, the one effective mapping (see ``run_values``) is
        both ``config["configurable"]`` and ``config["context"]`` (``{}`` when empty).
        LangGraph's in-process runtime reads ``Runtime.context`` from the ``context=``
        argument, not from the config: ``invoke_kwargs()`` gives both at once.
        """
        values = self.run_values(context=context, configurable=configurable)
        config: dict[str, Any] = copy.deepcopy(self.config)
        config["configurable"] = copy.deepcopy(values)
        config["context"] = values
        meta = config.setdefault("metadata", {})
        meta.update({"assistant_id": self.assistant_id, "roster_version": self.version,
                     "roster_commit": self.commit})
        return config

    def invoke_kwargs(self, *, context: Mapping[str, Any] | None = None,
                      configurable: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``graph.invoke(input, **a.invoke_kwargs())``: what a LangGraph server run of
        this assistant passes to the graph.

        ``config["configurable"]`` and ``context`` hold the same values (separate
        copies), so a graph that reads ``Runtime.context`` and one that reads
        ``config["configurable"]`` both see them. Per-run values given as
        ``context=`` (or ``configurable=``) are merged over the assistant's, key by
        key; the run wins.
        """
        config = self.runnable_config(context=context, configurable=configurable)
        return {"config": config, "context": config.pop("context")}

    def run_values(self, *, context: Mapping[str, Any] | None = None,
                   configurable: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The mapping a server run hands the graph: the assistant's ``context`` or
        ``config.configurable`` (whichever the file sets; a server keeps one mapping
        for both), with per-run values merged over it. A plain deep copy."""
        if context and configurable:
            raise UsageError("per-run values go in context= or configurable=, not both "
                             "(a LangGraph server refuses both too)")
        own = dict(self.config.get("configurable") or {})
        own.update(self.context)  # both set: sync refuses it; locally, context wins key by key
        own.update(context or configurable or {})
        return copy.deepcopy(own)

    def matches(self, graph_id: str | None = None, metadata: dict[str, Any] | None = None) -> bool:
        """The filter of ``list``: this graph, and these metadata values (like LangGraph's search)."""
        if graph_id is not None and self.graph_id != graph_id:
            return False
        return not metadata or all(self.metadata.get(k) == v for k, v in metadata.items())

    def as_json(self) -> dict[str, Any]:
        """LangGraph's Assistant fields plus ``commit`` (SPEC section 6)."""
        return assistant_json(self.assistant_id, self.content(), version=self.version, created_at=self.created_at,
                              updated_at=self.updated_at, commit=self.commit)

    def content(self) -> dict[str, Any]:
        """What the file says: the fields ``diff`` compares and a published version holds
        (``roster.content.FIELDS``, the one list)."""
        return {field: getattr(self, field) for field in FIELDS}


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
        return version_json(self.assistant_id, self.content(), version=self.version, created_at=self.created_at,
                            updated_at=self.updated_at, commit=self.commit, message=self.message,
                            author={"name": self.author.name, "email": self.author.email}, tags=self.tags)
