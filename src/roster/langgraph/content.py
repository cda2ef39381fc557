"""The content model Roster compares: what a server assistant holds, in one comparable form.

A LangGraph server keeps one mapping for ``config.configurable`` and ``context`` (it
mirrors whichever is set into the other), and merges metadata on PATCH, so a file and a
server assistant are compared as: graph_id, name, description (None == ""), config without
``configurable``, the effective configurable/context mapping, and only the metadata keys
Roster manages (the file's keys, those it wrote before, and ``roster_id``).

The fields are ``roster.content.server_fields()`` (the one list, less Roster's own
``server_id``), and changes are ``roster.diff`` changes, keys sorted: a server's key order
says nothing.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from roster.content import server_fields
from roster.diff import FieldChange, diff_values, same_value

ROSTER_KEYS = ("roster_id", "roster_version", "roster_commit", "roster_metadata_keys", "roster_env")


def split_config(config: Mapping | None, context: Mapping | None) -> tuple[dict, dict, str]:
    """(config without configurable, effective configurable/context, where it came from)."""
    cfg = copy.deepcopy(dict(config or {}))
    configurable = cfg.pop("configurable", None) or {}
    ctx = dict(context or {})
    if configurable:
        return cfg, copy.deepcopy(dict(configurable)), "config.configurable"
    return cfg, copy.deepcopy(ctx), "context"


def file_metadata(assistant: Any) -> dict:
    meta = dict(getattr(assistant, "metadata", None) or {})
    return {k: v for k, v in meta.items() if k not in ROSTER_KEYS}


def desired_content(assistant: Any) -> dict:
    """What the server should hold for this assistant, in comparable form."""
    cfg, effective, _ = split_config(assistant.config, assistant.context)
    meta = {k: v for k, v in file_metadata(assistant).items() if v is not None}
    meta["roster_id"] = assistant.assistant_id
    out = {f: getattr(assistant, f, None) for f in server_fields()}  # every field, in the one order
    out.update(name=assistant.name or assistant.assistant_id, description=assistant.description or "",
               config=cfg, context=effective, metadata=meta)
    return out


def server_content(server: Mapping, managed_keys: Iterable[str]) -> dict:
    """The same view of a server assistant; metadata limited to the keys Roster manages."""
    cfg, effective, _ = split_config(server.get("config"), server.get("context"))
    smeta = server.get("metadata") or {}
    prior = smeta.get("roster_metadata_keys")
    keys = set(managed_keys) | (set(prior) if isinstance(prior, list) else set())
    meta = {k: smeta[k] for k in keys if k in smeta and smeta[k] is not None and k not in ROSTER_KEYS}
    if smeta.get("roster_id") is not None:
        meta["roster_id"] = smeta["roster_id"]
    out = {f: server.get(f) for f in server_fields()}
    out.update(description=server.get("description") or "", config=cfg, context=effective, metadata=meta)
    return out


def managed_keys(*contents: Mapping) -> set[str]:
    """The metadata keys of these contents (in desired_content form)."""
    out: set[str] = set()
    for c in contents:
        out.update(k for k in (c.get("metadata") or {}) if k not in ROSTER_KEYS)
    return out


def same(a: Mapping, b: Mapping) -> bool:
    """Equal content, ``roster_id`` aside (an assistant Roster never wrote has none)."""
    return same_value(_without_id(a), _without_id(b))


def _without_id(content: Mapping) -> dict:
    out = dict(content)
    out["metadata"] = {k: v for k, v in (content.get("metadata") or {}).items() if k != "roster_id"}
    return out


def labelled_changes(old: Mapping, new: Mapping, source: str) -> list[FieldChange]:
    """Field-level changes between two contents; the effective mapping named as the file names it."""
    changes: list[FieldChange] = []
    for name in server_fields():
        label = source if name == "context" else name
        changes.extend(diff_values(old.get(name), new.get(name), (label,), sort_keys=True))
    return changes


def source_of(assistant: Any) -> str:
    """Where the file keeps the effective mapping: ``config.configurable`` or ``context``."""
    return split_config(assistant.config, assistant.context)[2]


def payload_for(assistant: Any, server: Mapping | None) -> dict:
    """The request body that makes the server hold the assistant's content."""
    cfg, effective, _ = split_config(assistant.config, assistant.context)
    file_meta = file_metadata(assistant)
    metadata: dict[str, Any] = dict(file_meta)
    if server is not None:  # clear keys Roster set before and the file no longer has
        smeta = server.get("metadata") or {}
        prior = smeta.get("roster_metadata_keys")
        for key in prior if isinstance(prior, list) else []:
            if isinstance(key, str) and key not in file_meta and key not in ROSTER_KEYS \
                    and smeta.get(key) is not None:
                metadata[key] = None
    metadata.update({
        "roster_id": assistant.assistant_id,
        "roster_version": getattr(assistant, "version", None),
        "roster_commit": getattr(assistant, "commit", None),
        "roster_metadata_keys": sorted(file_meta),
    })
    config = dict(cfg)
    if effective or server is not None:
        # Always present on update: an empty PATCH config would keep the old one.
        config["configurable"] = effective
    body: dict[str, Any] = {
        "graph_id": assistant.graph_id,
        "config": config,
        "context": {},  # the server mirrors config.configurable into context
        "metadata": metadata,
        "name": assistant.name or assistant.assistant_id,
    }
    description = assistant.description
    if description is not None or (server is not None and server.get("description")):
        body["description"] = description or ""
    for f in server_fields():  # any other field of LangGraph's Assistant: as the file says
        if f not in body and f != "description":
            body[f] = getattr(assistant, f, None)
    return body
