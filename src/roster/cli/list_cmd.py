"""``roster list``."""
from __future__ import annotations

import click

from roster.cli.options import emit, format_option


@click.command("list")
@click.option("--ref", metavar="REF", help="List the assistants at REF (default: HEAD).")
@click.option("--graph", "graph_id", metavar="G", help="Only assistants of graph G.")
@click.option("--metadata", "metadata", metavar="KEY=VALUE", multiple=True,
              help="Only assistants whose metadata has KEY equal to VALUE (repeatable).")
@format_option()
@click.pass_obj
def command(settings: object, ref: str | None, graph_id: str | None, metadata: tuple[str, ...], fmt: str) -> int:
    """List the assistants at a ref, with their version and graph."""
    from roster import known
    from roster.errors import UsageError
    from roster.reporters import assistants as out
    from roster.roster import Roster

    wanted = {}
    for item in metadata:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise UsageError(f"--metadata {item!r}: expected KEY=VALUE")
        wanted[key] = value
    roster = settings.roster()  # type: ignore[attr-defined]
    found = known.listing(roster, ref, graph_id, wanted or None) if isinstance(roster, Roster) else None
    if found is None:  # some content not validated before: the full way (which records the verdicts)
        found = roster.list(ref=ref, graph_id=graph_id, metadata=wanted or None)
    emit(out.render_list(found, fmt))
    return 0
