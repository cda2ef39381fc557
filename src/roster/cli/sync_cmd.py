"""``roster sync``: make a LangGraph server's assistants match git."""
from __future__ import annotations

import click

from roster.cli.exits import EXIT_INVALID, EXIT_OK, EXIT_USAGE, RosterCommand
from roster.cli.options import emit, format_option
from roster.cli.servers import URL_HELP, env_url, timeout_option, url_option
from roster.cli.settings import settings_of
from roster.errors import UsageError

# What a plan means for --detailed-exitcode (SPEC section 10, like terraform plan -detailed-exitcode).
NOTHING_TO_DO, BLOCKED, CHANGES = EXIT_OK, EXIT_INVALID, EXIT_USAGE


@click.command("sync", cls=RosterCommand)
@url_option(help="The LangGraph server (http://127.0.0.1:2024, or a deployment URL). " + URL_HELP
            + " With --env: default, the url of environments/ENV.yaml.")
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
            overwrite_drift: bool, detailed_exitcode: bool, timeout: float, fmt: str) -> int:
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
    # lazy: the LangGraph client and the sync model (~60 ms) load for the server commands only
    from roster.langgraph.client import LangGraphClient
    from roster.langgraph.deploy import plan_deploy
    from roster.langgraph.sync import apply_sync
    from roster.reporters.server import SyncRun, render_sync_plan, render_sync_result

    if url is not None:
        LangGraphClient(url, timeout=timeout)  # the API key and headers are checked before git is touched
    elif env is None:
        raise UsageError("sync needs --url URL, or --env ENV (whose environments/ENV.yaml names the url)")
    roster = settings_of(ctx).roster()
    client = LangGraphClient(url if url is not None else env_url(roster, str(env), ref), timeout=timeout)
    plan, _ = plan_deploy(roster, client, ref=ref, prune=prune, overwrite_drift=overwrite_drift, env=env)
    run = SyncRun(client.url, ref, env, dry_run, plan)
    if plan.errors:
        emit(render_sync_plan(run, fmt))
        raise UsageError(f"cannot sync: {len(plan.errors)} problem(s) in the plan; nothing applied")
    if plan.blocked:
        emit(render_sync_plan(run, fmt))
        return BLOCKED
    if dry_run or not plan.has_changes:
        emit(render_sync_plan(run, fmt))
        outcome = CHANGES if plan.has_changes else NOTHING_TO_DO
    else:
        if fmt == "text":  # the plan first, so a failure part way shows what was meant
            emit(render_sync_plan(run, fmt, applying=True))
        emit(render_sync_result(run, apply_sync(plan, client), fmt))
        outcome = CHANGES
    return outcome if detailed_exitcode else EXIT_OK
