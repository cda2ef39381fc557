"""An assistant's content: the one list of its fields, built from every source, and its JSON shapes.

The content is what an assistant file says (``FIELDS``). Every place that holds or
compares it builds it here: a file known to be valid, without pydantic (``from_valid``),
a file that is not valid (``from_mapping``), a published
version (``named``, ``assistant_fields``), a resolved assistant (``diffable``), and the
JSON of SPEC section 6 (``assistant_json``, ``version_json``). ``roster.langgraph.content``
compares the same fields with a server's (``server_fields``).

A leaf: it imports no other roster module. ``roster show`` and ``history`` import it
without pydantic or jsonschema (tests/test_known.py), and ``roster.model`` builds on it:
a validated file's content is ``AssistantFile.content()`` and a file's bytes, valid or
not, are read by ``model.file_content`` (pydantic and the YAML loader are theirs).
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

# What an assistant file says, in the order every shape lists it: what diff compares,
# what a published version holds, what sync compares with a server (less ROSTER_ONLY).
FIELDS = ("graph_id", "name", "description", "config", "context", "metadata", "server_id")
# Roster's own, not a field of LangGraph's Assistant: where a server keeps the assistant.
# The JSON of SPEC section 6 leaves it out, and a server assistant does not hold it.
ROSTER_ONLY = ("server_id",)
MAPPINGS = ("config", "context", "metadata")  # {} when the file leaves them out
# LangGraph's RunnableConfig as a file keeps it, in the order of the model's ConfigFile
# (pydantic's model_dump lists them so; from_valid gives the same order without it).
CONFIG_FIELDS = ("tags", "recursion_limit", "configurable", "metadata", "run_name", "max_concurrency")


def server_fields() -> tuple[str, ...]:
    """The fields LangGraph's Assistant has: SPEC 6's JSON, and what sync compares."""
    return tuple(f for f in FIELDS if f not in ROSTER_ONLY)


# --- builders -------------------------------------------------------------------------


def from_mapping(data: Mapping[str, Any]) -> dict[str, Any]:
    """The best-effort content of a file that is not a valid AssistantFile (history and the
    published index show every version, valid or not): text fields None and mappings ``{}``
    where the file holds something else, ``graph_id`` ``""``. A valid file's content is
    ``AssistantFile.content()``; ``model.file_content`` reads a file's bytes either way."""
    out: dict[str, Any] = {}
    for f in FIELDS:
        value = data.get(f)
        if f in MAPPINGS:
            out[f] = value if isinstance(value, dict) else {}
        else:
            out[f] = value if isinstance(value, str) else None
    out["graph_id"] = out["graph_id"] or ""
    return out


def from_valid(data: Mapping[str, Any]) -> dict[str, Any]:
    """The content of a file known to be valid (its verdict is kept), read without pydantic:
    what ``AssistantFile.content()`` gives for it (config without unset keys, in the
    model's order; server_id as the UUID's canonical text; ``named`` fills the rest)."""
    out = {f: data.get(f) for f in FIELDS}
    config = out["config"] or {}
    out["config"] = {k: config[k] for k in CONFIG_FIELDS if config.get(k) is not None}
    if out["server_id"] is not None:
        out["server_id"] = str(uuid.UUID(out["server_id"]))
    return out


def plain_content(data: Any) -> dict[str, Any] | None:
    """``AssistantFile.content()`` of a mapping that is surely a valid file, without pydantic;
    None when it may not be (the model decides those: ``model.file_content``).

    The checks are the model's (strict types, no unknown keys), and only ever answer
    when sure; tests/test_content.py proves both give the same content.
    """
    if type(data) is not dict or not data.keys() <= _FIELD_SET:
        return None
    graph_id = data.get("graph_id")
    if type(graph_id) is not str or not graph_id:
        return None
    if not all(data.get(f) is None or type(data[f]) is str for f in ("name", "description", "server_id")):
        return None
    if not all(data.get(f) is None or _str_mapping(data[f]) for f in ("context", "metadata")):
        return None
    config = data.get("config")
    if config is not None and not _plain_config(config):
        return None
    out = from_valid(data) if data.get("server_id") is None or _uuid(data["server_id"]) else None
    if out is None:
        return None
    out["context"] = out["context"] or {}
    out["metadata"] = out["metadata"] or {}
    return out


_FIELD_SET = frozenset(FIELDS)
_CONFIG_SET = frozenset(CONFIG_FIELDS)


def _str_mapping(value: Any) -> bool:
    return type(value) is dict and all(type(k) is str for k in value)


def _plain_config(config: Any) -> bool:
    if type(config) is not dict or not config.keys() <= _CONFIG_SET:
        return False
    tags = config.get("tags")
    if tags is not None and (type(tags) is not list or not all(type(t) is str for t in tags)):
        return False
    for f in ("recursion_limit", "max_concurrency"):
        n = config.get(f)
        if n is not None and (type(n) is not int or n < 1):
            return False
    run_name = config.get("run_name")
    return (run_name is None or type(run_name) is str) and all(
        config.get(f) is None or _str_mapping(config[f]) for f in ("configurable", "metadata"))


def _uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def named(content: Mapping[str, Any], assistant_id: str) -> dict[str, Any]:
    """The content as an assistant holds it: every field, ``name`` defaulting to the id the
    assistant had, ``graph_id`` ``""`` and the mappings ``{}`` when missing (an older or
    damaged published version may lack them)."""
    out = {f: content.get(f) for f in FIELDS}
    for f in MAPPINGS:
        out[f] = out[f] or {}
    out["graph_id"] = out["graph_id"] or ""
    out["name"] = out["name"] or assistant_id
    return out


def assistant_fields(content: Mapping[str, Any], assistant_id: str) -> dict[str, Any]:
    """The keyword arguments of ``Assistant`` a content gives: the id, then ``named``."""
    return {"assistant_id": assistant_id, **named(content, assistant_id)}


# --- what diff compares -----------------------------------------------------------------


def diffable(assistant: Any) -> dict[str, Any]:
    """What ``roster diff`` (and a promotion's diff) compares of a resolved assistant:
    its id, then every field of its content."""
    return with_id(assistant.assistant_id, assistant.content())


def with_id(assistant_id: str, content: Mapping[str, Any], *, hide_unset: bool = False) -> dict[str, Any]:
    """The id, then every field of ``content``; ``hide_unset``: the ROSTER_ONLY fields only
    when set (the site: a page of an assistant without a server_id never mentions one)."""
    out: dict[str, Any] = {"assistant_id": assistant_id}
    for f in FIELDS:
        value = content.get(f)
        if hide_unset and f in ROSTER_ONLY and not value:
            continue
        out[f] = value
    return out


# --- JSON shapes (SPEC section 6) ----------------------------------------------------------


def assistant_json(assistant_id: str, content: Mapping[str, Any], *, version: int | None, created_at: str | None,
                   updated_at: str | None, commit: str | None) -> dict[str, Any]:
    """LangGraph's Assistant fields plus ``commit``: the id, the content without the
    ROSTER_ONLY fields, then where it is in history (None in the working tree)."""
    out: dict[str, Any] = {"assistant_id": assistant_id}
    out.update((f, content.get(f)) for f in server_fields())
    out.update(version=version, created_at=created_at, updated_at=updated_at, commit=commit)
    return out


def version_json(assistant_id: str, content: Mapping[str, Any], *, version: int | None, created_at: str | None,
                 updated_at: str | None, commit: str | None, message: str, author: Mapping[str, Any],
                 tags: Iterable[str]) -> dict[str, Any]:
    """One version as ``roster history --format json`` and a published version file give it:
    ``assistant_json`` plus the commit's message, author and the tags at it."""
    out = assistant_json(assistant_id, content, version=version, created_at=created_at, updated_at=updated_at,
                         commit=commit)
    out.update(message=message, author={"name": author.get("name"), "email": author.get("email")}, tags=list(tags))
    return out
