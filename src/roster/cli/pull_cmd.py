"""``roster pull``: write edits made on a LangGraph server into the assistant files."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from roster.cli.options import emit, format_option, timeout_option, url_option

if TYPE_CHECKING:
    from roster.langgraph.pull import PullResult


@click.command("pull")
@url_option()
@click.option("--env", metavar="ENV", help="Pull from the deployment of environment ENV: the url of "
              "environments/ENV.yaml (unless --url).")
@click.option("--dry-run", is_flag=True, help="Print the diffs only; write nothing.")
@timeout_option()
@format_option()
@click.pass_context
def command(ctx: click.Context, url: str | None, env: str | None, dry_run: bool, timeout: float, fmt: str) -> None:
    """Bring assistants edited on the server (LangGraph Studio, the SDK) home to git.

    Each drifted assistant (changed on the server since Roster wrote it) gets the
    server's content written into its file in the working tree, with the smallest
    edit: comments, key order, quoting and block style of the other lines stay,
    and a changed prompt stays a | block. Commit the result on a branch and open
    a pull request; once merged, `roster sync` has nothing to do.

    Where the file also changed in git since then, nothing is written for it and
    the conflict is reported with both diffs. Exit codes: 0 done (or nothing to
    pull), 1 conflicts or refused edits, 2 usage or server errors.
    """
    import json

    from roster.errors import UsageError
    from roster.langgraph.client import LangGraphClient
    from roster.langgraph.plantext import redact_json
    from roster.langgraph.pull import pull

    if url is not None:
        LangGraphClient(url, timeout=timeout)  # checks the URL before touching git
    elif env is None:
        raise UsageError("pull needs --url URL, or --env ENV (whose environments/ENV.yaml names the url)")
    settings = ctx.obj
    roster = settings.roster() if settings is not None and hasattr(settings, "roster") else _default_roster()
    if url is None:
        from roster.cli.sync_cmd import _env_url

        url = _env_url(roster, str(env), None)
    client = LangGraphClient(url, timeout=timeout)
    result = pull(roster, client, dry_run=dry_run)
    if fmt == "json":
        emit(json.dumps(redact_json({"url": client.url, **result.as_json()}), indent=2, default=str))
    else:
        emit(format_pull(result, client.url))
    ctx.exit(0 if result.ok else 1)


def format_pull(result: PullResult, url: str) -> str:
    from roster.hygiene import visible_diff_line
    from roster.langgraph.plantext import change_lines

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


def _default_roster() -> Any:
    from roster import Roster

    return Roster(".")
