"""Sync plans and pull results as text for people: every change in full, prompts as line diffs.

Nothing secret is printed (SPEC section 7): a value the secret rules flag is shown as
``[redacted]``, here and in the JSON of ``sync`` and ``pull`` (:func:`redact_json`).
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from roster.diff import FieldChange
from roster.hygiene import redacted, visible_diff_line
from roster.langgraph.sync import (
    CREATE,
    DELETE,
    UNCHANGED,
    UPDATE,
    SyncPlan,
    SyncResult,
)

INDENT = "      "
_CHANGE_LISTS = ("changes", "drift_changes", "server_changes", "git_changes")


def redact_change(change: FieldChange) -> FieldChange:
    key = change.path.rsplit(".", 1)[-1]
    return change._replace(old=redacted(change.old, key), new=redacted(change.new, key))


def _change_of(data: dict[str, Any]) -> FieldChange:
    return FieldChange(data["path"], data.get("op", ""), data.get("old"), data.get("new"))


def redact_json(data: Any) -> Any:
    """A plan or pull result as JSON, with the values of every change redacted where needed."""
    if isinstance(data, dict):
        out = {}
        for k, v in data.items():
            if k in _CHANGE_LISTS and isinstance(v, list):
                out[k] = [redact_change(_change_of(c)).as_json() if isinstance(c, dict) and "path" in c else c
                          for c in v]
            else:
                out[k] = redact_json(v)
        return out
    if isinstance(data, list):
        return [redact_json(v) for v in data]
    return data


def value_text(value: Any) -> str:
    """One value in full: JSON (YAML-like true/null), never cut."""
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def change_lines(changes: Iterable[FieldChange], indent: str = INDENT) -> list[str]:
    """One line per change; a multi-line string becomes a line diff below its path."""
    lines: list[str] = []
    for c in map(redact_change, changes):
        if c.op == "changed" and _multiline(c.old, c.new):
            lines.append(f"{indent}~ {c.path}:")
            lines.extend(f"{indent}    {line}" for line in c.line_diff())
        elif c.op == "added":
            lines.extend(_whole(indent, "+", c.path, c.new))
        elif c.op == "removed":
            lines.extend(_whole(indent, "-", c.path, c.old))
        else:
            lines.append(f"{indent}~ {c.path}: {value_text(c.old)} -> {value_text(c.new)}")
    return lines


def _whole(indent: str, mark: str, path: str, value: Any) -> list[str]:
    if isinstance(value, str) and "\n" in value:
        return [f"{indent}{mark} {path}: |"] + [f"{indent}    {visible_diff_line(mark + line)}"
                                                 for line in value.splitlines()]
    return [f"{indent}{mark} {path}: {value_text(value)}"]


def _multiline(old: Any, new: Any) -> bool:
    return isinstance(old, str) and isinstance(new, str) and ("\n" in old or "\n" in new)


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
            lines.append(f"{INDENT}{item.reason}")
        if item.drift and item.drift_changes:
            lines.append(f"{INDENT}changed on the server (base -> server):")
            lines.extend(change_lines(item.drift_changes, INDENT + "  "))
        if item.action == UPDATE:
            if item.drift:
                lines.append(f"{INDENT}sync would change (server -> git):")
            lines.extend(change_lines(item.changes, INDENT + ("  " if item.drift else "")))
    for item in plan.orphans:
        lines.append(f"! orphan {item.assistant_id}  ({item.server_id}): {item.reason}; --prune deletes it")
    for item in plan.unmanaged:
        lines.append(f"  unmanaged {value_text(item.name)}  ({item.server_id}, graph {item.graph_id}): {item.reason}; "
                     f"never touched")
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
    if s["unmanaged"]:
        tail += f", {s['unmanaged']} not managed by Roster"
    lines.append(tail + ".")
    if plan.blocked:
        lines.append(f"Blocked: {len(plan.blocked)} drifted assistant(s) would lose their server edits; nothing "
                     f"is applied. Run `roster pull` to bring the edits into git, or sync --overwrite-drift.")
    elif plan.has_changes and dry_run:
        lines.append(f"(dry run: nothing changed; without --dry-run Roster {verb} apply this plan)")
    return "\n".join(lines)


def format_result(result: SyncResult, url: str = "") -> str:
    if not result.applied:
        return ""
    counts: dict[str, int] = {}
    for item in result.applied:
        counts[item.action] = counts.get(item.action, 0) + 1
    parts = [f"{counts.get(k, 0)} {w}" for k, w in ((CREATE, "created"), (UPDATE, "updated"), (DELETE, "deleted"))]
    rolled = [i for i in result.applied if i.rollback_to is not None]
    text = f"Applied{' on ' + url if url else ''}: " + ", ".join(parts)
    if rolled:
        text += f" ({len(rolled)} by set_latest to an earlier server version)"
    return text + "."
