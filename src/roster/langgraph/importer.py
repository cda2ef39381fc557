"""``roster import``: start a repository from the assistants a LangGraph deployment already runs.

Every server assistant that Roster does not manage (no ``roster_id`` in its metadata, and
no file of this project claims its UUID) becomes ``assistants/<id>.yaml`` with its
``server_id`` pinned, so that ``roster sync`` adopts it without a change. The server's
default per-graph assistants (``created_by: system``) only with ``include_defaults``.
Nothing is ever overwritten: ids are made unique against the files there, and files are
created exclusively.
"""
from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from roster.catalog import scan_assistants
from roster.errors import RosterError
from roster.langgraph.content import ROSTER_KEYS, split_config
from roster.langgraph.export import normalize_schema, render_schema
from roster.langgraph.sync import ROSTER_NAMESPACE
from roster.model import CONFIG_FIELDS, file_content
from roster.source import FolderSource

MAX_ID = 80  # a file name, with room for "-NN.yaml"
HEADER = "# Imported from a LangGraph server by `roster import`; server_id keeps it the same assistant there.\n"


@dataclass
class ImportResult:
    written: list[str] = field(default_factory=list)  # assistant files, relative to the project folder
    schemas: list[str] = field(default_factory=list)  # schema files fetched
    skipped: list[str] = field(default_factory=list)  # one line each: what and why

    def as_json(self) -> dict:
        return {"written": self.written, "schemas": self.schemas, "skipped": self.skipped}


def slug(name: str) -> str:
    """An assistant id from a server name: lower-case, ``-`` for other characters."""
    text = re.sub(r"[^a-z0-9._-]", "-", name.lower())
    text = re.sub(r"-{2,}", "-", text).strip("-.")
    return text[:MAX_ID].rstrip("-.") or "assistant"


def import_assistants(project: Any, client: Any, *, include_defaults: bool = False,
                      dry_run: bool = False) -> ImportResult:
    """Write a file for each unmanaged server assistant (and missing schemas) into ``project``."""

    folder = project.folder
    if folder is None:
        raise RosterError("roster import writes files: it needs a working tree, not a bare repository or URL")
    top, layout = project.top, project.layout
    source = FolderSource(top)
    entries, _ = scan_assistants(source, layout)
    taken = {e.assistant_id.lower() for e in entries}
    claimed = {_claimed_uuid(e.assistant_id, source.read(e.entry)) for e in entries}
    result = ImportResult()
    schemas: dict[str, Mapping | None] = {}
    server = sorted(client.search_assistants(), key=lambda s: (str(s.get("created_at") or ""),
                                                                 str(s.get("assistant_id"))))
    for s in server:
        sid = str(s.get("assistant_id", "")).lower()
        meta = s.get("metadata") or {}
        label = f"{s.get('name')!r} ({sid})"
        if sid in claimed:
            continue
        if meta.get("roster_id") is not None:
            result.skipped.append(f"{label}: managed by Roster as {meta.get('roster_id')!r} (another repository?)")
            continue
        if meta.get("created_by") == "system" and not include_defaults:
            result.skipped.append(f"{label}: the server's default assistant of graph {s.get('graph_id')} "
                                  "(imported only when defaults are included)")
            continue
        graph_id = str(s.get("graph_id") or "")
        if graph_id not in schemas:
            schemas[graph_id] = _schema(top, layout, graph_id, sid, client, result, dry_run)
        data, problem = _file_data(s, schemas[graph_id])
        if problem:
            result.skipped.append(f"{label}: {problem}")
            continue
        assistant_id = _unique(slug(str(s.get("name") or graph_id)), taken)
        if data.get("name") == assistant_id:
            del data["name"]
        path = os.path.join(top, layout.assistants, f"{assistant_id}.yaml")
        try:
            text = _render(data)
        except RosterError as e:
            result.skipped.append(f"{label}: {e}")
            continue
        _write_new(path, text, dry_run, top)
        taken.add(assistant_id)
        claimed.add(sid)
        result.written.append(os.path.relpath(path, top).replace(os.sep, "/"))
    return result


def _claimed_uuid(assistant_id: str, raw: bytes) -> str:
    pinned = file_content(raw).get("server_id")
    try:
        return str(uuid.UUID(str(pinned))) if pinned else str(uuid.uuid5(ROSTER_NAMESPACE, assistant_id))
    except ValueError:
        return ""


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _file_data(server: Mapping, schema: Mapping | None) -> tuple[dict, str]:
    """The file's fields for a server assistant, or a reason it cannot be one."""
    cfg, effective, _ = split_config(server.get("config"), server.get("context"))
    unknown = sorted(k for k in cfg if k not in CONFIG_FIELDS)
    if unknown:
        return {}, f"its config has keys an assistant file cannot hold ({', '.join(unknown)})"
    data: dict[str, Any] = {"graph_id": server.get("graph_id")}
    if server.get("name"):
        data["name"] = server["name"]
    if server.get("description"):
        data["description"] = server["description"]
    # A server mirrors configurable and context into each other: write one, where the graph reads it.
    use_context = bool((schema or {}).get("context_schema"))
    config = {k: cfg[k] for k in CONFIG_FIELDS if cfg.get(k) is not None}
    if effective and not use_context:
        config["configurable"] = effective
    if config:
        data["config"] = config
    if effective and use_context:
        data["context"] = effective
    meta = {k: v for k, v in (server.get("metadata") or {}).items() if k not in ROSTER_KEYS and v is not None}
    if meta:
        data["metadata"] = meta
    data["server_id"] = str(server.get("assistant_id"))
    return data, ""


def _render(data: Mapping) -> str:
    from roster.yamledit import dump_new, verify  # lazy: imports ruamel.yaml, only when a file is written

    text = dump_new(data, header=HEADER)
    verify(text, dict(data))
    return text


def _schema(top: str, layout: Any, graph_id: str, sid: str, client: Any, result: ImportResult,
            dry_run: bool) -> Mapping | None:
    """The graph's schema: the project's file, else fetched from the server and written."""


    path = os.path.join(top, *layout.schema_path(graph_id).split("/"))
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as f:
                loaded = json.load(f)
            return loaded if isinstance(loaded, dict) else None
        except (OSError, ValueError):
            return None
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}", graph_id):
        return None  # not a name a schema file can have: `check` will say the schema is missing
    try:
        schema = normalize_schema(graph_id, client.get_schemas(sid))
    except RosterError as e:
        result.skipped.append(f"schemas/{graph_id}.json: not fetched ({e}); `roster schemas export` writes it")
        return None
    _write_new(path, render_schema(schema), dry_run, top)
    result.schemas.append(os.path.relpath(path, top).replace(os.sep, "/"))
    return schema


def _write_new(path: str, text: str, dry_run: bool, top: str) -> None:
    if dry_run:
        return
    folder = os.path.dirname(path)
    real, root = os.path.realpath(folder), os.path.realpath(top)
    if os.path.lexists(folder) and real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        raise RosterError(f"{os.path.relpath(folder, top)} leads outside the project (a symlink): "
                          "nothing written there")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="") as f:  # "x": never overwrite a file (nor follow a link)
            f.write(text)
    except FileExistsError:
        raise RosterError(f"{path} appeared while importing: not overwritten") from None
    except OSError as e:
        raise RosterError(f"cannot write {path}: {e.strerror or e}") from None
