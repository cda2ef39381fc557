"""``roster pull``: write edits made on a LangGraph server into the assistant files."""
from __future__ import annotations

import click

from roster.cli.exits import EXIT_INVALID, EXIT_OK, RosterCommand
from roster.cli.options import emit, format_option
from roster.cli.servers import env_url, timeout_option, url_option
from roster.cli.settings import settings_of
from roster.errors import UsageError


@click.command("pull", cls=RosterCommand)
@url_option()
@click.option("--env", metavar="ENV", help="Pull from the deployment of environment ENV: the url of "
              "environments/ENV.yaml (unless --url).")
@click.option("--dry-run", is_flag=True, help="Print the diffs only; write nothing.")
@timeout_option()
@format_option()
@click.pass_context
def command(ctx: click.Context, url: str | None, env: str | None, dry_run: bool, timeout: float, fmt: str) -> int:
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
    # lazy: the LangGraph client and the pull model (~60 ms) load for the server commands only
    from roster.langgraph.client import LangGraphClient
    from roster.langgraph.pull import pull
    from roster.reporters.server import render_pull

    if url is not None:
        LangGraphClient(url, timeout=timeout)  # the API key and headers are checked before git is touched
    elif env is None:
        raise UsageError("pull needs --url URL, or --env ENV (whose environments/ENV.yaml names the url)")
    roster = settings_of(ctx).roster()
    client = LangGraphClient(url if url is not None else env_url(roster, str(env), None), timeout=timeout)
    result = pull(roster, client, dry_run=dry_run)
    emit(render_pull(result, client.url, fmt))
    return EXIT_OK if result.ok else EXIT_INVALID
