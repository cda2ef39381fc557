"""``roster schemas export``: write schemas/<graph_id>.json from langgraph.json or a server."""
from __future__ import annotations

import os

import click

from roster.cli.exits import EXIT_INVALID, EXIT_OK, RosterCommand, RosterGroup
from roster.cli.options import emit
from roster.cli.servers import checked_url
from roster.cli.settings import Settings, settings_of
from roster.errors import NotARepository, UsageError


def _project_paths(settings: Settings) -> tuple[str, str]:
    """(default langgraph.json path, default schemas folder) for this project."""
    try:
        project = settings.project()
    except NotARepository:  # not in a repository: the current folder is the project
        base = os.getcwd()
        return os.path.join(base, "langgraph.json"), os.path.join(base, "schemas")
    if project.top is None:
        raise UsageError("schemas export writes files: it needs a working tree, not a bare repository")
    return (os.path.join(project.top, project.layout.langgraph_json),
            os.path.join(project.top, project.layout.schemas))


@click.group("schemas", cls=RosterGroup)
def command() -> None:
    """Graph schemas (schemas/<graph_id>.json)."""


@command.command("export", cls=RosterCommand)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a committed schema file is missing or "
              "differs from what the graphs (or the server) say.")
@click.option("--from-server", "url", metavar="URL", callback=checked_url, help="Read the schemas from a running "
              "LangGraph server (GET /assistants/{id}/schemas) instead of importing the graphs.")
@click.option("--out", "out", metavar="DIR", help="Folder to write to; default: the project's schemas/.")
@click.option("--config", "config_path", metavar="PATH", help="The langgraph.json listing the graphs; default: "
              "the project's langgraph.json.")
@click.option("--graph", "graphs", metavar="GRAPH_ID", multiple=True, help="Only this graph (repeatable).")
@click.option("--python", "python", metavar="PATH", help="Python interpreter that can import the graphs "
              "(has langgraph and the graphs' dependencies); default: the one running roster.")
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds allowed for importing "
              "the graphs, or for each server request.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.pass_context
def export(ctx: click.Context, check: bool, url: str | None, out: str | None, config_path: str | None,
           graphs: tuple[str, ...], python: str | None, timeout: float, fmt: str) -> int:
    """Export graph schemas: import each graph that langgraph.json lists (in a child
    process; needs `pip install 'langgraph-roster[langgraph]'` or --python), or read them from a
    running server with --from-server. With --check nothing is written and the command
    exits 1 when the committed files are stale."""
    # lazy: the exporter (~10 ms) and what renders it load for this command only
    from roster.langgraph import export as ex
    from roster.reporters.schemas import render_schema_check, render_schema_export, shown_path

    default_config, default_out = _project_paths(settings_of(ctx))
    out_dir = out or default_out
    if url:
        from roster.langgraph.client import LangGraphClient  # lazy: urllib.request (~20 ms), for a server only

        client = LangGraphClient(url, timeout=min(timeout, 120.0))
        schemas = ex.schemas_from_server(url, client=client, graphs=graphs or None)
        source = client.url  # without any credentials the URL carries
    else:
        config = os.path.abspath(config_path or default_config)
        if not os.path.exists(config):  # the library names the file; the flag that names another is ours
            raise UsageError(f"{config}: no such file (give the langgraph.json with --config)")
        schemas = ex.export_schemas(os.path.dirname(config), langgraph_json=os.path.basename(config),
                                    python=python, graphs=graphs or None, timeout=timeout)
        source = shown_path(config)
    files = {gid: os.path.join(out_dir, f"{gid}.json") for gid in sorted(schemas)}
    if check:
        stale = ex.stale_schemas(out_dir, schemas)
        emit(render_schema_check(files, stale, source, fmt))
        return EXIT_INVALID if stale else EXIT_OK
    written = set(ex.write_schemas(out_dir, schemas))
    emit(render_schema_export(files, written, source, fmt))
    return EXIT_OK
