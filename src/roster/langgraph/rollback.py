"""Rollbacks without churn (SPEC 10): content that equals an earlier server version is pointed at, not re-created.

After a revert (or a promotion back to an older version), the content git wants is
often exactly what the server held before. LangGraph keeps every version of an
assistant, so sync points the server back at that version (``POST
/assistants/{id}/latest``) instead of writing the same content as a new version.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from roster.langgraph.sync import UPDATE, SyncItem, SyncPlan, _content_changes, desired_content, server_content


def find_rollbacks(plan: SyncPlan, assistants: Iterable[Any], client: Any) -> None:
    """Turn each update whose content equals an earlier server version into a rollback to it (in place).

    One ``versions`` request per changed assistant; a drifted assistant is never rolled back
    (its edit on the server would be lost without a word).
    """
    by_id = {a.assistant_id: a for a in assistants}
    for item in plan.items:
        a = by_id.get(item.assistant_id or "")
        if item.action != UPDATE or item.drift or a is None:
            continue
        for old in sorted(client.get_versions(item.server_id), key=lambda v: -int(v.get("version") or 0)):
            number = old.get("version")
            if not isinstance(number, int) or number == item.server_version:
                continue
            if not _content_changes(a, old):
                item.rollback_to = number
                item.expected = desired_content(a)
                item.reason = (f"the same content as server version {number}: point the server at it "
                               f"(no new server version)")
                break



def apply_rollback(item: SyncItem, client: Any) -> Any:
    """``set_latest``, then check what the server holds; when it is not the content git wants, update instead.

    Some servers restore only part of an old version: ``langgraph dev`` (langgraph-runtime-inmem)
    restores ``config`` but keeps the newer ``context``. Serving that half-rolled-back assistant
    would be wrong, so the content is then sent as an update (one new server version).
    """
    answer = client.set_latest(item.server_id, item.rollback_to)
    if item.expected is None or _holds(answer, item.expected):
        return answer
    item.reason = (f"the server's set_latest to version {item.rollback_to} did not restore all of its content; "
                   f"sent as an update instead")
    item.rollback_to = None
    return client.patch_assistant(item.server_id, item.payload or {})


def _holds(server: Any, expected: dict[str, Any]) -> bool:
    if not isinstance(server, dict):
        return False
    configurable = (server.get("config") or {}).get("configurable") or {}
    context = server.get("context") or {}
    if configurable and context and configurable != context:
        return False  # the server keeps one mapping for both; two different ones are a partial restore
    return bool(server_content(server, expected["metadata"].keys()) == expected)
