"""Text and JSON for the commands that talk to a LangGraph server: ``sync``, ``pull``, ``import``.

Plans and pull results name the server by ``url`` without credentials (the client's ``url``);
every change's values are redacted where the secret rules flag them (SPEC section 7).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.hygiene import visible_diff_line

if TYPE_CHECKING:
    from roster.langgraph.importer import ImportResult
    from roster.langgraph.pull import PullResult
    from roster.langgraph.sync import SyncPlan, SyncResult


class SyncRun(NamedTuple):
    """What ``roster sync`` was asked (server, ref, environment, dry run) and the plan it made."""

    url: str
    ref: str | None
    env: str | None
    dry_run: bool
    plan: SyncPlan

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"url": self.url, "ref": self.ref or "HEAD", "dry_run": self.dry_run,
                               "plan": self.plan.as_json()}
        if self.env is not None:
            out["env"] = self.env
        return out


def _dumps(data: Any) -> str:
    from roster.reporters.syncplan import redact_json  # lazy: the sync model, for sync and pull only

    return json.dumps(redact_json(data), indent=2, default=str)


def render_sync_plan(run: SyncRun, fmt: str, *, applying: bool = False) -> str:
    """The plan; ``applying``: the text says it is being applied (JSON waits for the result)."""
    from roster.reporters.syncplan import format_plan  # lazy: the sync model, for sync only

    if fmt == "json":
        return _dumps(run.as_json())
    return format_plan(run.plan, run.url, dry_run=not applying)


def render_sync_result(run: SyncRun, result: SyncResult, fmt: str) -> str:
    """What was applied: the text follows the plan printed before; JSON is the plan and the result."""
    from roster.reporters.syncplan import format_result  # lazy: the sync model, for sync only

    if fmt == "json":
        return _dumps({**run.as_json(), **result.as_json()})
    return format_result(result, run.url)


def render_pull(result: PullResult, url: str, fmt: str) -> str:
    from roster.reporters.syncplan import change_lines  # lazy: the sync model, for pull only

    if fmt == "json":
        return _dumps({"url": url, **result.as_json()})
    lines: list[str] = []
    for item in result.items:
        if item.status == "write":
            verb = "would write" if result.dry_run else "wrote"
            lines.append(f"{verb} {item.path}  ({item.assistant_id}, base: {item.base})")
            lines.extend(visible_diff_line(line) for line in item.diff)
        elif item.status == "current":
            lines.append(f"= {item.path}: {item.message}")
        else:
            lines.append(f"! {item.status} {item.path}  ({item.assistant_id}): {item.message}")
            if item.server_changes:
                lines.append("      changed on the server (base -> server):")
                lines.extend(change_lines(item.server_changes, "        "))
            if item.git_changes:
                lines.append("      changed in git (base -> file):")
                lines.extend(change_lines(item.git_changes, "        "))
    written = sum(1 for i in result.items if i.status == "write")
    bad = sum(1 for i in result.items if i.status not in ("write", "current"))
    if not result.items:
        lines.append(f"Nothing to pull from {url}: no assistant was changed on the server.")
    else:
        verb = "to write" if result.dry_run else "written"
        lines.append(f"Pull from {url}: {written} file(s) {verb}, {bad} conflict(s)/refused.")
    return "\n".join(lines)


def render_import(result: ImportResult, url: str, fmt: str, *, dry_run: bool) -> str:
    if fmt == "json":
        return json.dumps({"url": url, "dry_run": dry_run, **result.as_json()}, indent=2)
    verb = "would write" if dry_run else "wrote"
    lines = [f"{verb} {path}" for path in result.schemas + result.written]
    lines += [f"skipped {line}" for line in result.skipped]
    lines.append(f"Imported from {url}: {len(result.written)} assistant(s), {len(result.schemas)} schema(s)"
                 + (" (dry run: nothing written)." if dry_run else "."))
    return "\n".join(lines)
