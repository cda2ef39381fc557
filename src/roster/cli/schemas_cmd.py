"""``roster schemas export``: write schemas/<graph_id>.json from langgraph.json or a server."""
from __future__ import annotations

import os
from typing import Any

import click

from roster.cli.options import emit


def _project_paths(settings: Any) -> tuple[str, str]:
    """(default langgraph.json path, default schemas folder) for this project."""
    project = None
    if settings is not None and hasattr(settings, "project"):
        from roster.errors import NotARepository

        try:
            project = settings.project()
        except NotARepository:
            project = None
    if project is None:
        base = os.getcwd()
        return os.path.join(base, "langgraph.json"), os.path.join(base, "schemas")
    if project.top is None:
        from roster.errors import UsageError

        raise UsageError("schemas export writes files: it needs a working tree, not a bare repository")
    return (os.path.join(project.top, project.layout.langgraph_json),
            os.path.join(project.top, project.layout.schemas))


def _rel(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("../..") else rel


@click.group("schemas")
def command() -> None:
    """Graph schemas (schemas/<graph_id>.json)."""


@command.command("export")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a committed schema file is missing or "
              "differs from what the graphs (or the server) say.")
@click.option("--from-server", "url", metavar="URL", help="Read the schemas from a running LangGraph server "
              "(GET /assistants/{id}/schemas) instead of importing the graphs.")
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
           graphs: tuple[str, ...], python: str | None, timeout: float, fmt: str) -> None:
    """Export graph schemas: import each graph that langgraph.json lists (in a child
    process; needs `pip install 'langgraph-roster[langgraph]'` or --python), or read them from a
    running server with --from-server. With --check nothing is written and the command
    exits 1 when the committed files are stale."""
    import json

    from roster.langgraph import export as ex

    default_config, default_out = _project_paths(ctx.obj)
    out_dir = out or default_out
    if url:
        from roster.langgraph.client import LangGraphClient

        client = LangGraphClient(url, timeout=min(timeout, 120.0))
        schemas = ex.schemas_from_server(url, client=client, graphs=graphs or None)
        source = client.url  # without any credentials the URL carries
    else:
        config = os.path.abspath(config_path or default_config)
        schemas = ex.export_schemas(os.path.dirname(config), langgraph_json=os.path.basename(config),
                                    python=python, graphs=graphs or None, timeout=timeout)
        source = _rel(config)
    files = {gid: os.path.join(out_dir, f"{gid}.json") for gid in sorted(schemas)}
    if check:
        stale = ex.stale_schemas(out_dir, schemas)
        if fmt == "json":
            emit(json.dumps({"ok": not stale, "source": source,
                                   "stale": [{"graph_id": g, "path": _rel(files[g])} for g in stale],
                                   "checked": [_rel(files[g]) for g in files]}, indent=2))
        elif stale:
            for gid in stale:
                state = "missing" if not os.path.exists(files[gid]) else "stale"
                emit(f"{_rel(files[gid])}: {state} (graph {gid!r} from {source})")
            emit(f"{len(stale)} of {len(files)} schema file(s) out of date; run `roster schemas export`.")
        else:
            emit(f"{len(files)} schema file(s) up to date with {source}.")
        ctx.exit(1 if stale else 0)
    written = set(ex.write_schemas(out_dir, schemas))
    if fmt == "json":
        emit(json.dumps({"source": source, "written": [_rel(p) for p in sorted(written)],
                               "unchanged": [_rel(p) for p in files.values() if p not in written]}, indent=2))
        return
    for path in files.values():
        emit(f"{'wrote' if path in written else 'unchanged'} {_rel(path)}")
