"""``roster import``: start a repository from an existing LangGraph deployment."""
from __future__ import annotations

import click

from roster.cli.exits import RosterCommand
from roster.cli.options import emit, format_option
from roster.cli.servers import timeout_option, url_option
from roster.cli.settings import settings_of


@click.command("import", cls=RosterCommand)
@url_option(required=True)
@click.option("--include-defaults", is_flag=True, help="Also import the server's default per-graph assistants "
              "(metadata created_by: system).")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@timeout_option()
@format_option()
@click.pass_context
def command(ctx: click.Context, url: str, include_defaults: bool, dry_run: bool, timeout: float, fmt: str) -> None:
    """Start a repository from a LangGraph deployment's assistants.

    Writes assistants/<id>.yaml for every server assistant that Roster does not
    manage (the server's default per-graph ones only with --include-defaults),
    with its server_id pinned and its id derived from its name
    (lower-case, - for other characters, made unique), and fetch the missing
    schemas/<graph_id>.json. Never overwrites a file. Commit the result: `roster
    check` passes and `roster sync --dry-run` has nothing to do."""
    # lazy: the LangGraph client and the importer (pydantic) load for the server commands only
    from roster.langgraph.client import LangGraphClient
    from roster.langgraph.importer import import_assistants
    from roster.reporters.server import render_import

    client = LangGraphClient(url, timeout=timeout)
    result = import_assistants(settings_of(ctx).project(), client, include_defaults=include_defaults,
                               dry_run=dry_run)
    emit(render_import(result, client.url, fmt, dry_run=dry_run))
