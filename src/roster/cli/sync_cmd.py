"""``roster sync``: make a LangGraph server's assistants match git."""
from __future__ import annotations

from typing import Any

import click

from roster.cli.options import emit, format_option, timeout_option


@click.command("sync")
@click.option("--url", metavar="URL", help="The LangGraph server (http://127.0.0.1:2024, or a "
              "deployment URL). The API key comes from LANGGRAPH_API_KEY or LANGSMITH_API_KEY. With --env: "
              "default, the url of environments/ENV.yaml.")
@click.option("--env", metavar="ENV", help="Deploy what environment ENV runs (environments/ENV.yaml, else the "
              "tags ID@ENV), each assistant at its pin; server metadata records roster_env.")
@click.option("--ref", metavar="REF", help="Sync the assistants at this git ref; default: HEAD (committed "
              "content only).")
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@click.option("--prune", is_flag=True, help="Also delete server assistants that Roster created (metadata "
              "roster_id) and git no longer has. Others are never touched.")
@click.option("--overwrite-drift", is_flag=True, help="Also overwrite assistants edited on the server (in LangGraph "
              "Studio, with the SDK) since Roster wrote them. Without it such drift blocks the sync (exit 1): "
              "`roster pull` brings the edits into git instead.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 0 when nothing is (or was) to do, 2 when changes are "
              "pending (or were applied), 1 on an error, like terraform plan -detailed-exitcode.")
@timeout_option()
@format_option()
@click.pass_context
def command(ctx: click.Context, url: str | None, env: str | None, ref: str | None, dry_run: bool, prune: bool,
            overwrite_drift: bool,
            detailed_exitcode: bool, timeout: float, fmt: str) -> None:
    """Create, update (only what changed) and, with --prune, delete the server's
    assistants so they match the assistant files at REF. Server metadata records
    roster_id, roster_version and roster_commit.

    With --env ENV, each assistant is deployed at the version environment ENV
    pins, to the url its file names (unless --url), and roster_env is recorded.

    An assistant edited on the server since Roster wrote it (its content differs
    from the version its roster_commit names) has drifted: the plan shows the
    edit, nothing is applied and the exit code is 1, unless --overwrite-drift.
    An update back to an earlier server version uses set_latest (no new version).
    The plan also lists the server's assistants that Roster does not manage;
    those are never touched."""
    from roster.errors import RosterError

    try:
        code = _run(ctx.obj, url, ref, dry_run, prune, overwrite_drift, fmt, timeout, env)
    except RosterError as e:
        if not detailed_exitcode:
            raise
        emit(f"roster: error: {e}", err=True)
        ctx.exit(1)
    if detailed_exitcode or code == 1:
        ctx.exit(code)


def _run(settings: Any, url: str | None, ref: str | None, dry_run: bool, prune: bool, overwrite_drift: bool,
         fmt: str, timeout: float, env: str | None = None) -> int:
    """Returns 0 (nothing to do), 2 (changes pending / applied) or 1 (blocked by drift); raises on errors."""
    import json

    from roster.errors import UsageError
    from roster.langgraph.client import LangGraphClient
    from roster.langgraph.deploy import plan_deploy
    from roster.langgraph.plantext import format_plan, format_result, redact_json
    from roster.langgraph.sync import apply_sync

    if url is not None:
        LangGraphClient(url, timeout=timeout)  # checks the URL before touching git
    elif env is None:
        raise UsageError("sync needs --url URL, or --env ENV (whose environments/ENV.yaml names the url)")
    roster = settings.roster() if settings is not None and hasattr(settings, "roster") else _default_roster()
    if url is None:
        url = _env_url(roster, str(env), ref)
    client = LangGraphClient(url, timeout=timeout)
    plan, _ = plan_deploy(roster, client, ref=ref, prune=prune, overwrite_drift=overwrite_drift, env=env)
    out: dict[str, Any] = {"url": client.url, "ref": ref or "HEAD", "dry_run": dry_run, "plan": plan.as_json()}
    if env is not None:
        out["env"] = env

    def show(applying: bool) -> None:
        if fmt == "json":
            emit(json.dumps(redact_json(out), indent=2, default=str))
        else:
            emit(format_plan(plan, client.url, dry_run=not applying))

    if plan.errors:
        show(False)
        raise UsageError(f"cannot sync: {len(plan.errors)} problem(s) in the plan; nothing applied")
    if plan.blocked:
        show(False)
        return 1
    if dry_run or not plan.has_changes:
        show(False)
        return 2 if plan.has_changes else 0
    if fmt == "text":
        show(True)
    result = apply_sync(plan, client)
    if fmt == "json":
        out.update(result.as_json())
        emit(json.dumps(redact_json(out), indent=2, default=str))
    else:
        emit(format_result(result, client.url))
    return 2


def _env_url(roster: Any, env: str, ref: str | None) -> str:
    from roster.errors import UsageError

    found = {e.name: e for e in roster.environments(ref)}
    url = found[env].url if env in found else None
    if not url:
        raise UsageError(f"environment {env!r} names no url (add url: to environments/{env}.yaml, or pass --url)")
    return str(url)


def _default_roster() -> Any:
    from roster import Roster

    return Roster(".")
