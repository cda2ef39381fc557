"""``roster import``: start a repository from an existing LangGraph deployment."""
from __future__ import annotations

from typing import Any

import click

from roster.cli.options import emit, format_option, timeout_option, url_option


@click.command("import")
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
    import json

    from roster.langgraph.client import LangGraphClient
    from roster.langgraph.importer import import_assistants

    client = LangGraphClient(url, timeout=timeout)
    settings = ctx.obj
    project = settings.project() if settings is not None and hasattr(settings, "project") else _default_project()
    result = import_assistants(project, client, include_defaults=include_defaults, dry_run=dry_run)
    if fmt == "json":
        emit(json.dumps({"url": client.url, "dry_run": dry_run, **result.as_json()}, indent=2))
        return
    verb = "would write" if dry_run else "wrote"
    for path in result.schemas + result.written:
        emit(f"{verb} {path}")
    for line in result.skipped:
        emit(f"skipped {line}")
    emit(f"Imported from {client.url}: {len(result.written)} assistant(s), {len(result.schemas)} schema(s)"
               + (" (dry run: nothing written)." if dry_run else "."))


def _default_project() -> Any:
    from roster.project import open_project

    return open_project(".")
