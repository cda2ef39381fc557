"""``roster sync``: make a LangGraph server's assistants match git.

Model
-----
Every Roster assistant maps to one server assistant whose UUID is the file's
``server_id``, else ``uuid5(ROSTER_NAMESPACE, assistant_id)`` (stable across machines and
runs). Roster writes these metadata keys on the server, next to the file's own metadata:

``roster_id``             the Roster id (``team/blog-writer``): marks the assistant as Roster's
``roster_version``        the version number in git
``roster_commit``         the commit of that version
``roster_metadata_keys``  the file's metadata keys, sorted (so a key removed from the file
                          can be cleared on the server: a LangGraph PATCH *merges* metadata)

Planning (:func:`plan_sync`) is pure. An assistant is **unchanged** when its *content*
equals the server's: graph_id, name, description, config (without ``configurable``), the
effective configurable/context, and the file's metadata keys plus ``roster_id``.
``roster_version`` and ``roster_commit`` are not compared: a new commit that does not change
the file, a rebase, or a revert to an old content never creates a server version
(a LangGraph PATCH *always* does, so nothing is sent for an unchanged assistant).

A LangGraph server refuses an assistant that sets both ``config.configurable`` and
``context``, and mirrors whichever is set into the other; Roster compares and sends the
one effective mapping. Metadata keys a server or an auth handler adds are left alone.

**Drift**: a server assistant whose ``roster_commit`` is the commit git has for it but whose
content differs; someone changed it outside Roster. It is updated back to git's content and
reported as drift.

**Prune** deletes only server assistants whose metadata has a ``roster_id`` and that git no
longer has at that UUID (deleted or renamed files, or a changed ``server_id``). Assistants
created by hand or by the server (no ``roster_id``) are never deleted.
"""
from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from roster.errors import RemoteError, UsageError

#: Namespace of the UUIDs Roster derives: ``uuid5(NAMESPACE_URL, "urn:roster:assistant")``.
ROSTER_NAMESPACE = uuid.UUID("9029ab84-fcd7-5a42-9c7a-d759d6d2601b")

ROSTER_KEYS = ("roster_id", "roster_version", "roster_commit", "roster_metadata_keys", "roster_env")
_CONTENT_FIELDS = ("graph_id", "name", "description", "config", "context", "metadata")

CREATE, UPDATE, UNCHANGED, DELETE = "create", "update", "unchanged", "delete"


def server_id_for(assistant: Any) -> str:
    """The server UUID of a Roster assistant: its pinned ``server_id`` or the derived one."""
    pinned = getattr(assistant, "server_id", None)
    if pinned:
        return str(uuid.UUID(str(pinned)))
    return str(uuid.uuid5(ROSTER_NAMESPACE, assistant.assistant_id))


@dataclass(frozen=True)
class Change:
    path: str
    op: str  # added | removed | changed
    old: Any = None
    new: Any = None

    def as_json(self) -> dict:
        return {"path": self.path, "op": self.op, "old": self.old, "new": self.new}


@dataclass
class SyncItem:
    action: str  # create | update | unchanged | delete
    server_id: str
    assistant_id: str | None  # the Roster id (for delete: the server's roster_id)
    graph_id: str | None = None
    changes: list[Change] = field(default_factory=list)
    drift: bool = False
    reason: str = ""
    payload: dict | None = None  # the request body for create/update
    server_version: int | None = None  # the server's version before the sync
    version: int | None = None  # git version
    commit: str | None = None
    rollback_to: int | None = None  # an update that points the server at this earlier version instead
    expected: dict | None = None  # for a rollback: the content the server must hold afterwards

    def as_json(self) -> dict:
        return {
            "action": self.action,
            "rollback_to": self.rollback_to,
            "assistant_id": self.assistant_id,
            "server_id": self.server_id,
            "graph_id": self.graph_id,
            "version": self.version,
            "commit": self.commit,
            "server_version": self.server_version,
            "drift": self.drift,
            "reason": self.reason,
            "changes": [c.as_json() for c in self.changes],
        }


@dataclass
class SyncPlan:
    items: list[SyncItem] = field(default_factory=list)
    orphans: list[SyncItem] = field(default_factory=list)  # Roster-created, gone from git, not pruned
    errors: list[str] = field(default_factory=list)
    prune: bool = False

    def of(self, action: str) -> list[SyncItem]:
        return [i for i in self.items if i.action == action]

    @property
    def pending(self) -> list[SyncItem]:
        return [i for i in self.items if i.action != UNCHANGED]

    @property
    def has_changes(self) -> bool:
        return bool(self.pending)

    @property
    def drifted(self) -> list[SyncItem]:
        return [i for i in self.items if i.drift]

    def summary(self) -> dict[str, int]:
        return {
            "create": len(self.of(CREATE)),
            "update": len(self.of(UPDATE)),
            "delete": len(self.of(DELETE)),
            "unchanged": len(self.of(UNCHANGED)),
            "drift": len(self.drifted),
            "orphaned": len(self.orphans),
        }

    def as_json(self) -> dict:
        return {
            "ok": not self.errors,
            "changes_pending": self.has_changes,
            "summary": self.summary(),
            "errors": list(self.errors),
            "items": [i.as_json() for i in self.items],
            "orphans": [i.as_json() for i in self.orphans],
        }


@dataclass
class SyncResult:
    applied: list[SyncItem] = field(default_factory=list)
    responses: dict[str, Any] = field(default_factory=dict)  # server_id -> server answer

    def as_json(self) -> dict:
        out = []
        for item in self.applied:
            entry = item.as_json()
            answer = self.responses.get(item.server_id)
            if isinstance(answer, dict):
                entry["new_server_version"] = answer.get("version")
            out.append(entry)
        return {"applied": out}


class SyncFailed(RemoteError):
    """Applying a plan stopped part way; says what was applied and what was not."""

    def __init__(self, message: str, *, applied: Sequence[SyncItem], failed: SyncItem,
                 not_applied: Sequence[SyncItem]) -> None:
        super().__init__(message)
        self.applied = list(applied)
        self.failed = failed
        self.not_applied = list(not_applied)


# -- content model ------------------------------------------------------------------------


def _split_config(config: Mapping | None, context: Mapping | None) -> tuple[dict, dict, str]:
    """(config without configurable, effective configurable/context, where it came from)."""
    cfg = copy.deepcopy(dict(config or {}))
    configurable = cfg.pop("configurable", None) or {}
    ctx = dict(context or {})
    if configurable:
        return cfg, copy.deepcopy(dict(configurable)), "config.configurable"
    return cfg, copy.deepcopy(ctx), "context"


def _file_metadata(assistant: Any) -> dict:
    meta = dict(getattr(assistant, "metadata", None) or {})
    return {k: v for k, v in meta.items() if k not in ROSTER_KEYS}


def desired_content(assistant: Any) -> dict:
    """What the server should hold for this assistant, in comparable form."""
    cfg, effective, _ = _split_config(assistant.config, assistant.context)
    meta = {k: v for k, v in _file_metadata(assistant).items() if v is not None}
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
    cfg, effective, _ = _split_config(server.get("config"), server.get("context"))
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


def _payload(assistant: Any, server: Mapping | None, env: str | None = None) -> dict:
    """The request body that makes the server hold the assistant's content."""
    cfg, effective, _ = _split_config(assistant.config, assistant.context)
    file_meta = _file_metadata(assistant)
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
    if env is not None:  # the environment this deployment is (sync --env): SPEC 10
        metadata["roster_env"] = env
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


def _content_changes(assistant: Any, server: Mapping) -> list[Change]:
    want = desired_content(assistant)
    have = server_content(server, want["metadata"].keys())
    changes = []
    _, _, source = _split_config(assistant.config, assistant.context)
    for name in _CONTENT_FIELDS:
        label = source if name == "context" else name
        changes.extend(diff_values(have[name], want[name], label))
    return changes


# -- planning -----------------------------------------------------------------------------


def plan_sync(assistants: Iterable[Any], server_assistants: Iterable[Mapping], *, prune: bool = False,
              env: str | None = None) -> SyncPlan:
    """Compare git's assistants with the server's; pure (no I/O).

    ``assistants`` are Roster assistants (``assistant_id``, ``graph_id``, ``name``,
    ``description``, ``config``, ``context``, ``metadata``, ``version``, ``commit``,
    ``server_id``); ``server_assistants`` are the server's assistant objects as JSON.
    """
    plan = SyncPlan(prune=prune)
    by_uuid: dict[str, Mapping] = {}
    for s in server_assistants:
        sid = s.get("assistant_id")
        if isinstance(sid, str):
            by_uuid[sid.lower()] = s

    claimed: dict[str, str] = {}
    for a in sorted(assistants, key=lambda x: x.assistant_id):
        try:
            sid = server_id_for(a)
        except ValueError:
            plan.errors.append(f"{a.assistant_id}: server_id {a.server_id!r} is not a UUID")
            continue
        if sid in claimed:
            plan.errors.append(f"{a.assistant_id}: server_id {sid} is also the server id of {claimed[sid]}")
            continue
        claimed[sid] = a.assistant_id
        cfg = dict(a.config or {})
        if cfg.get("configurable") and a.context:
            plan.errors.append(
                f"{a.assistant_id}: sets both config.configurable and context; a LangGraph server refuses "
                "that (it keeps one mapping for both): move the values into context")
            continue
        common = dict(server_id=sid, assistant_id=a.assistant_id, graph_id=a.graph_id,
                      version=getattr(a, "version", None), commit=getattr(a, "commit", None))
        server = by_uuid.get(sid)
        if server is None:
            want = desired_content(a)
            plan.items.append(SyncItem(CREATE, changes=diff_values({}, want), reason="not on the server",
                                       payload=_payload(a, None, env), **common))
            continue
        smeta = server.get("metadata") or {}
        owner = smeta.get("roster_id")
        if owner is not None and owner != a.assistant_id:
            if not getattr(a, "server_id", None):
                plan.errors.append(f"{a.assistant_id}: server assistant {sid} belongs to Roster id {owner!r}")
                continue
            # A pinned server_id moved to another file (a rename): take it over.
        changes = _content_changes(a, server)
        if not changes:
            plan.items.append(SyncItem(UNCHANGED, server_version=server.get("version"), **common))
            continue
        drift = owner == a.assistant_id and a.commit is not None and smeta.get("roster_commit") == a.commit
        if owner is None:
            reason = "adopt an assistant Roster did not create"
        elif drift:
            reason = "changed on the server since Roster applied this commit"
        else:
            reason = "changed in git"
        plan.items.append(SyncItem(UPDATE, changes=changes, drift=drift, reason=reason,
                                   payload=_payload(a, server, env), server_version=server.get("version"), **common))

    for sid, s in sorted(by_uuid.items()):
        rid = (s.get("metadata") or {}).get("roster_id")
        if not isinstance(rid, str) or sid in claimed:
            continue
        still = rid in claimed.values()
        item = SyncItem(DELETE, server_id=s.get("assistant_id", sid), assistant_id=rid, graph_id=s.get("graph_id"),
                        server_version=s.get("version"),
                        reason="its server id changed in git" if still else "no longer in git",
                        version=(s.get("metadata") or {}).get("roster_version"),
                        commit=(s.get("metadata") or {}).get("roster_commit"))
        if prune:
            plan.items.append(item)
        else:
            plan.orphans.append(item)
    return plan


# -- applying -----------------------------------------------------------------------------


def apply_sync(plan: SyncPlan, client: Any) -> SyncResult:
    """Apply a plan step by step (creates, updates, then deletes).

    ``client`` has ``create_assistant(payload)``, ``patch_assistant(id, payload)`` and
    ``delete_assistant(id)`` (:class:`roster.langgraph.client.LangGraphClient`). On a
    failure raises :class:`SyncFailed` naming what was applied and what was not.
    """
    if plan.errors:
        raise UsageError("the sync plan has errors; nothing applied:\n" + "\n".join(plan.errors))
    result = SyncResult()
    steps = plan.of(CREATE) + plan.of(UPDATE) + plan.of(DELETE)
    for index, item in enumerate(steps):
        try:
            if item.action == CREATE:
                answer = client.create_assistant({"assistant_id": item.server_id, **(item.payload or {})})
            elif item.action == UPDATE and item.rollback_to is not None:
                from roster.langgraph.rollback import apply_rollback

                answer = apply_rollback(item, client)
            elif item.action == UPDATE:
                answer = client.patch_assistant(item.server_id, item.payload or {})
            else:
                answer = client.delete_assistant(item.server_id)
        except Exception as e:  # noqa: BLE001 - re-raised with what was done
            done = ", ".join(f"{i.action} {i.assistant_id}" for i in result.applied) or "nothing"
            rest = steps[index + 1:]
            left = ", ".join(f"{i.action} {i.assistant_id}" for i in rest) or "nothing else"
            raise SyncFailed(
                f"sync failed at {item.action} {item.assistant_id} ({item.server_id}): {e}\n"
                f"applied: {done}\nnot applied: {item.action} {item.assistant_id}"
                + (f", {left}" if rest else ""),
                applied=result.applied, failed=item, not_applied=[item, *rest]) from e
        result.applied.append(item)
        result.responses[item.server_id] = answer
    return result


# -- presentation -------------------------------------------------------------------------


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_plan(plan: SyncPlan, url: str = "", *, dry_run: bool = True) -> str:
    lines: list[str] = []
    marks = {CREATE: "+", UPDATE: "~", DELETE: "-", UNCHANGED: "="}
    for item in plan.items:
        if item.action == UNCHANGED:
            continue
        head = f"{marks[item.action]} {item.action:<6} {item.assistant_id}  ({item.server_id}"
        head += f", graph {item.graph_id})" if item.graph_id else ")"
        if item.drift:
            head += "  DRIFT"
        lines.append(head)
        if item.reason:
            lines.append(f"      {item.reason}")
        if item.action == UPDATE:
            for c in item.changes:
                if c.op == "added":
                    lines.append(f"      + {c.path}: {_short(c.new)}")
                elif c.op == "removed":
                    lines.append(f"      - {c.path}: {_short(c.old)}")
                else:
                    lines.append(f"      ~ {c.path}: {_short(c.old)} -> {_short(c.new)}")
    for item in plan.orphans:
        lines.append(f"! orphan {item.assistant_id}  ({item.server_id}): {item.reason}; --prune deletes it")
    for error in plan.errors:
        lines.append(f"error: {error}")
    s = plan.summary()
    where = f" on {url}" if url else ""
    verb = "would" if dry_run else "will"
    if plan.has_changes:
        tail = f"Plan{where}: {s['create']} to create, {s['update']} to update, {s['delete']} to delete, " \
               f"{s['unchanged']} unchanged"
    else:
        tail = f"Nothing to do{where}: {s['unchanged']} unchanged"
    if s["drift"]:
        tail += f", {s['drift']} drifted"
    if s["orphaned"]:
        tail += f", {s['orphaned']} orphaned (not pruned)"
    lines.append(tail + ".")
    if plan.has_changes and dry_run:
        lines.append(f"(dry run: nothing changed; without --dry-run Roster {verb} apply this plan)")
    return "\n".join(lines)


def format_result(result: SyncResult, url: str = "") -> str:
    if not result.applied:
        return ""
    counts: dict[str, int] = {}
    for item in result.applied:
        counts[item.action] = counts.get(item.action, 0) + 1
    parts = [f"{counts.get(k, 0)} {w}" for k, w in ((CREATE, "created"), (UPDATE, "updated"), (DELETE, "deleted"))]
    return f"Applied{' on ' + url if url else ''}: " + ", ".join(parts) + "."
