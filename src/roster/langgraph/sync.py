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

Planning (:func:`plan_sync`) does no I/O of its own: git history and server versions come
through a ``lookup`` (:mod:`roster.langgraph.deploy` builds one). An assistant is
**unchanged** when its *content* (:mod:`roster.langgraph.content`) equals the server's:
graph_id, name, description, config (without ``configurable``), the effective
configurable/context, and the file's metadata keys plus ``roster_id`` (ignored for a server
assistant Roster never wrote, so that an imported one is adopted without a change).
``roster_version`` and ``roster_commit`` are not compared: a new commit that does not change
the file, a rebase, or a revert to an old content never creates a server version
(a LangGraph PATCH *always* does, so nothing is sent for an unchanged assistant).

A LangGraph server refuses an assistant that sets both ``config.configurable`` and
``context``, and mirrors whichever is set into the other; Roster compares and sends the
one effective mapping. Metadata keys a server or an auth handler adds are left alone.

**Drift** (:mod:`roster.langgraph.drift`): a server assistant whose content differs from
what Roster last wrote there (the version named by its ``roster_commit``) was edited outside
Roster, in LangGraph Studio or with the SDK, whether or not git moved on since. Sync never
overwrites it: the plan marks it and is *blocked* (nothing is applied) unless
``overwrite_drift``; ``roster pull`` brings the edit home. A drifted assistant whose content
already equals git's is unchanged (nothing is sent).

**Rollback**: when git's content equals an earlier version of that server assistant, the
update points the server at that version (``set_latest``) instead of creating a new one.

**Prune** deletes only server assistants whose metadata has a ``roster_id`` and that git no
longer has at that UUID (deleted or renamed files, or a changed ``server_id``). Assistants
created by hand or by the server (no ``roster_id``) are never deleted.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from roster.diff import FieldChange, diff_values
from roster.errors import RemoteError, RosterError, UsageError
from roster.langgraph.content import (
    ROSTER_KEYS,
    desired_content,
    labelled_changes,
    managed_keys,
    payload_for,
    same,
    server_content,
    source_of,
    split_config,
)
from roster.langgraph.drift import DriftLookup, find_base, rollback_version

#: Namespace of the UUIDs Roster derives: ``uuid5(NAMESPACE_URL, "urn:roster:assistant")``.
ROSTER_NAMESPACE = uuid.UUID("9029ab84-fcd7-5a42-9c7a-d759d6d2601b")

CREATE, UPDATE, UNCHANGED, DELETE, UNMANAGED = "create", "update", "unchanged", "delete", "unmanaged"

__all__ = ["ROSTER_KEYS", "ROSTER_NAMESPACE", "FieldChange", "SyncFailed", "SyncItem", "SyncPlan", "SyncResult",
           "apply_sync", "desired_content", "diff_values", "plan_sync", "server_content", "server_id_for"]


def server_id_for(assistant: Any) -> str:
    """The server UUID of a Roster assistant: its pinned ``server_id`` or the derived one."""
    pinned = getattr(assistant, "server_id", None)
    if pinned:
        return str(uuid.UUID(str(pinned)))
    return str(uuid.uuid5(ROSTER_NAMESPACE, assistant.assistant_id))


@dataclass
class SyncItem:
    action: str  # create | update | unchanged | delete
    server_id: str
    assistant_id: str | None  # the Roster id (for delete: the server's roster_id)
    graph_id: str | None = None
    changes: list[FieldChange] = field(default_factory=list)
    drift: bool = False
    reason: str = ""
    payload: dict | None = None  # the request body for create/update
    server_version: int | None = None  # the server's version before the sync
    version: int | None = None  # git version
    commit: str | None = None
    name: str | None = None  # the server's name (unmanaged assistants)
    drift_changes: list[FieldChange] = field(default_factory=list)  # base -> server: what was edited there
    base: str = ""  # where the drift base came from
    rollback_to: int | None = None  # an earlier server version holding git's content (set_latest)

    def as_json(self) -> dict:
        return {
            "action": self.action,
            "assistant_id": self.assistant_id,
            "server_id": self.server_id,
            "graph_id": self.graph_id,
            "version": self.version,
            "commit": self.commit,
            "server_version": self.server_version,
            "drift": self.drift,
            "reason": self.reason,
            "changes": [c.as_json() for c in self.changes],
            "drift_changes": [c.as_json() for c in self.drift_changes],
            "base": self.base or None,
            "rollback_to": self.rollback_to,
            "name": self.name,
        }


@dataclass
class SyncPlan:
    items: list[SyncItem] = field(default_factory=list)
    orphans: list[SyncItem] = field(default_factory=list)  # Roster-created, gone from git, not pruned
    unmanaged: list[SyncItem] = field(default_factory=list)  # on the server, not Roster's: never touched
    errors: list[str] = field(default_factory=list)
    prune: bool = False
    overwrite_drift: bool = False

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

    @property
    def blocked(self) -> list[SyncItem]:
        """Drifted assistants that applying would overwrite: nothing is applied while any is left."""
        return [] if self.overwrite_drift else [i for i in self.items if i.drift and i.action == UPDATE]

    def summary(self) -> dict[str, int]:
        return {
            "create": len(self.of(CREATE)),
            "update": len(self.of(UPDATE)),
            "delete": len(self.of(DELETE)),
            "unchanged": len(self.of(UNCHANGED)),
            "drift": len(self.drifted),
            "orphaned": len(self.orphans),
            "unmanaged": len(self.unmanaged),
        }

    def as_json(self) -> dict:
        return {
            "ok": not self.errors and not self.blocked,
            "changes_pending": self.has_changes,
            "blocked_by_drift": [i.assistant_id for i in self.blocked],
            "summary": self.summary(),
            "errors": list(self.errors),
            "items": [i.as_json() for i in self.items],
            "orphans": [i.as_json() for i in self.orphans],
            "unmanaged": [i.as_json() for i in self.unmanaged],
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


class DriftBlocked(RosterError):
    """The plan would overwrite edits made on the server; nothing was applied."""

    def __init__(self, items: Sequence[SyncItem]) -> None:
        names = ", ".join(str(i.assistant_id) for i in items)
        super().__init__(f"not applied: {len(items)} assistant(s) changed on the server since Roster wrote them "
                         f"({names}); pulling brings the edits into git (roster pull), overwriting the drift "
                         f"discards them")
        self.items = list(items)


class SyncFailed(RemoteError):
    """Applying a plan stopped part way; says what was applied and what was not."""

    def __init__(self, message: str, *, applied: Sequence[SyncItem], failed: SyncItem,
                 not_applied: Sequence[SyncItem]) -> None:
        super().__init__(message)
        self.applied = list(applied)
        self.failed = failed
        self.not_applied = list(not_applied)


# -- planning -----------------------------------------------------------------------------


def plan_sync(assistants: Iterable[Any], server_assistants: Iterable[Mapping], *, prune: bool = False,
              lookup: DriftLookup | None = None, overwrite_drift: bool = False) -> SyncPlan:
    """Compare git's assistants with the server's.

    ``assistants`` are Roster assistants (``assistant_id``, ``graph_id``, ``name``,
    ``description``, ``config``, ``context``, ``metadata``, ``version``, ``commit``,
    ``server_id``); ``server_assistants`` are the server's assistant objects as JSON.
    ``lookup`` reads git history and server versions to find drift bases and rollbacks;
    without it the plan is pure, and an assistant whose ``roster_commit`` is not git's
    commit for it has an unknown base (drifted when it differs).
    """
    plan = SyncPlan(prune=prune, overwrite_drift=overwrite_drift)
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
        common: dict[str, Any] = {"server_id": sid, "assistant_id": a.assistant_id, "graph_id": a.graph_id,
                                  "version": getattr(a, "version", None), "commit": getattr(a, "commit", None)}
        server = by_uuid.get(sid)
        if server is None:
            want = desired_content(a)
            plan.items.append(SyncItem(CREATE, changes=diff_values({}, want, sort_keys=True),
                                       reason="not on the server", payload=payload_for(a, None), **common))
            continue
        owner = (server.get("metadata") or {}).get("roster_id")
        if owner is not None and owner != a.assistant_id and not getattr(a, "server_id", None):
            plan.errors.append(f"{a.assistant_id}: server assistant {sid} belongs to Roster id {owner!r}")
            continue
            # (a pinned server_id that moved to another file, a rename, is taken over below)
        plan.items.append(_plan_existing(a, server, owner, lookup, overwrite_drift, common))

    for sid, s in sorted(by_uuid.items()):
        meta = s.get("metadata") or {}
        rid = meta.get("roster_id")
        if sid in claimed:
            continue
        if not isinstance(rid, str):
            system = meta.get("created_by") == "system"
            plan.unmanaged.append(SyncItem(
                UNMANAGED, server_id=s.get("assistant_id", sid), assistant_id=None, graph_id=s.get("graph_id"),
                server_version=s.get("version"), name=s.get("name"),
                reason=f"the server's default assistant of graph {s.get('graph_id')}" if system
                else "not managed by Roster (roster import adopts it)"))
            continue
        still = rid in claimed.values()
        item = SyncItem(DELETE, server_id=s.get("assistant_id", sid), assistant_id=rid, graph_id=s.get("graph_id"),
                        server_version=s.get("version"),
                        reason="its server id changed in git" if still else "no longer in git",
                        version=meta.get("roster_version"), commit=meta.get("roster_commit"))
        if prune:
            plan.items.append(item)
        else:
            plan.orphans.append(item)
    return plan


def _plan_existing(a: Any, server: Mapping, owner: Any, lookup: DriftLookup | None, overwrite_drift: bool,
                   common: dict) -> SyncItem:
    ours = desired_content(a)
    theirs = server_content(server, managed_keys(ours))
    source = source_of(a)
    version = server.get("version")
    # An assistant Roster never wrote has no roster_id: equal otherwise, it is left alone
    # (``roster import`` adopts a deployment without touching it).
    equal = same(theirs, ours) if owner is None else _canon_eq(theirs, ours)
    if equal:
        return SyncItem(UNCHANGED, server_version=version, **common)
    changes = labelled_changes(theirs, ours, source)
    base = find_base(a, server, lookup)
    item = SyncItem(UPDATE, changes=changes, drift=base.drifted, payload=payload_for(a, server), server_version=version,
                    base=base.where, **common)
    if base.drifted:
        if base.content is not None and base.theirs is not None:
            item.drift_changes = labelled_changes(base.content, base.theirs, source)
        item.reason = f"DRIFT: changed on the server since Roster wrote it (base: {base.where})"
        if not overwrite_drift:
            item.reason += "; sync will not overwrite it: pulling brings the edit into git (roster pull), " \
                           "overwriting the drift discards it"
            return item
        item.reason += "; the drift is overwritten: the server edit is discarded"
    elif owner is None:
        item.reason = "adopt an assistant Roster did not create"
    else:
        item.reason = "changed in git"
    if lookup is not None and owner is not None:
        item.rollback_to = rollback_version(a, server, lookup.server_versions(item.server_id))
        if item.rollback_to is not None:
            item.reason += f"; an earlier server version holds this content: set_latest {item.rollback_to}"
    return item


def _canon_eq(a: Mapping, b: Mapping) -> bool:
    return not labelled_changes(a, b, "context")


# -- applying -----------------------------------------------------------------------------


def apply_sync(plan: SyncPlan, client: Any) -> SyncResult:
    """Apply a plan step by step (creates, updates, then deletes).

    ``client`` has ``create_assistant(payload)``, ``patch_assistant(id, payload)`` and
    ``delete_assistant(id)`` (:class:`roster.langgraph.client.LangGraphClient`). On a
    failure raises :class:`SyncFailed` naming what was applied and what was not.
    """
    if plan.errors:
        raise UsageError("the sync plan has errors; nothing applied:\n" + "\n".join(plan.errors))
    if plan.blocked:
        raise DriftBlocked(plan.blocked)
    result = SyncResult()
    steps = plan.of(CREATE) + plan.of(UPDATE) + plan.of(DELETE)
    for index, item in enumerate(steps):
        try:
            if item.action == CREATE:
                answer = client.create_assistant({"assistant_id": item.server_id, **(item.payload or {})})
            elif item.action == UPDATE and item.rollback_to is not None:
                answer = _rollback(client, item)
            elif item.action == UPDATE:
                answer = client.patch_assistant(item.server_id, item.payload or {})
            else:
                answer = client.delete_assistant(item.server_id)
        except RemoteError as e:  # re-raised with what was done; any other error is a bug (exit 3)
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


def _rollback(client: Any, item: SyncItem) -> Any:
    """``set_latest`` to the earlier version; PATCH when the server did not restore the context.

    langgraph-runtime-inmem's ``set_latest`` restores config, metadata, name and description
    but leaves ``context`` as it was, and runs read ``context``: then a PATCH (one new
    version) is the only way to make the server run git's content.
    """
    answer = client.set_latest(item.server_id, item.rollback_to)
    want = split_config((item.payload or {}).get("config"), None)[1]
    got = answer.get("context") if isinstance(answer, dict) else None
    if (got or {}) != want:
        return client.patch_assistant(item.server_id, item.payload or {})
    return answer
