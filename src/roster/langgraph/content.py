"""The content model Roster compares: what a server assistant holds, in one comparable form.

A LangGraph server keeps one mapping for ``config.configurable`` and ``context`` (it
mirrors whichever is set into the other), and merges metadata on PATCH, so a file and a
server assistant are compared as: graph_id, name, description (None == ""), config without
``configurable``, the effective configurable/context mapping, and only the metadata keys
Roster manages (the file's keys, those it wrote before, and ``roster_id``).
"""
from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ROSTER_KEYS = ("roster_id", "roster_version", "roster_commit", "roster_metadata_keys", "roster_env")
CONTENT_FIELDS = ("graph_id", "name", "description", "config", "context", "metadata")


@dataclass(frozen=True)
class Change:
    path: str
    op: str  # added | removed | changed
    old: Any = None
    new: Any = None

    def as_json(self) -> dict:
        return {"path": self.path, "op": self.op, "old": self.old, "new": self.new}



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
    return {
        "graph_id": assistant.graph_id,
        "name": assistant.name or assistant.assistant_id,
        "description": assistant.description or "",
        "config": cfg,
        "context": effective,
        "metadata": meta,
    }


def server_content(server: Mapping, managed_keys: Iterable[str]) -> dict:
    """The same view of a server assistant; metadata limited to the keys Roster manages."""
    cfg, effective, _ = split_config(server.get("config"), server.get("context"))
    smeta = server.get("metadata") or {}
    prior = smeta.get("roster_metadata_keys")
    keys = set(managed_keys) | (set(prior) if isinstance(prior, list) else set())
    meta = {k: smeta[k] for k in keys if k in smeta and smeta[k] is not None and k not in ROSTER_KEYS}
    if smeta.get("roster_id") is not None:
        meta["roster_id"] = smeta["roster_id"]
    return {
        "graph_id": server.get("graph_id"),
        "name": server.get("name"),
        "description": server.get("description") or "",
        "config": cfg,
        "context": effective,
        "metadata": meta,
    }


def diff_values(old: Any, new: Any, path: str = "") -> list[Change]:
    """Field-level changes from ``old`` to ``new`` (mappings recurse; lists are values)."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        out: list[Change] = []
        for key in sorted(set(old) | set(new), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in old:
                out.append(Change(sub, "added", None, new[key]))
            elif key not in new:
                out.append(Change(sub, "removed", old[key], None))
            else:
                out.extend(diff_values(old[key], new[key], sub))
        return out
    if _canon(old) == _canon(new):
        return []
    return [Change(path, "changed", old, new)]


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def managed_keys(*contents: Mapping) -> set[str]:
    """The metadata keys of these contents (in desired_content form)."""
    out: set[str] = set()
    for c in contents:
        out.update(k for k in (c.get("metadata") or {}) if k not in ROSTER_KEYS)
    return out


def same(a: Mapping, b: Mapping) -> bool:
    """Equal content, ``roster_id`` aside (an assistant Roster never wrote has none)."""
    return _canon(_without_id(a)) == _canon(_without_id(b))


def _without_id(content: Mapping) -> dict:
    out = dict(content)
    out["metadata"] = {k: v for k, v in (content.get("metadata") or {}).items() if k != "roster_id"}
    return out


def labelled_changes(old: Mapping, new: Mapping, source: str) -> list[Change]:
    """Field-level changes between two contents; the effective mapping named as the file names it."""
    changes: list[Change] = []
    for name in CONTENT_FIELDS:
        label = source if name == "context" else name
        changes.extend(diff_values(old.get(name), new.get(name), label))
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
    return body
