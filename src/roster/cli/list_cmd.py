"""``roster list``."""
from __future__ import annotations

import click

from roster.cli.exits import EXIT_OK, RosterCommand
from roster.cli.options import emit, format_option
from roster.cli.settings import Settings
from roster.errors import UsageError


@click.command("list", cls=RosterCommand)
@click.option("--ref", metavar="REF", help="List the assistants at REF (default: HEAD).")
@click.option("--graph", "graph_id", metavar="G", help="Only assistants of graph G.")
@click.option("--metadata", "metadata", metavar="KEY=VALUE", multiple=True,
              help="Only assistants whose metadata has KEY equal to VALUE (repeatable).")
@click.option("--env", metavar="ENV", help="Only what environment ENV runs, each at its pin (environments/ENV.yaml "
              "read at REF, else the tags ID@ENV).")
@format_option()
@click.pass_obj
def command(settings: Settings, ref: str | None, graph_id: str | None, metadata: tuple[str, ...], env: str | None,
            fmt: str) -> int:
    """List the assistants at a ref, with their version and graph."""
    # lazy: loaded when the command runs, not by every `roster --help` (SPEC section 8)
    from roster import known
    from roster.reporters import assistants as out
    from roster.roster import Roster

    wanted = {}
    for item in metadata:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise UsageError(f"--metadata {item!r}: expected KEY=VALUE")
        wanted[key] = value
    roster = settings.roster()
    found = None
    if env is None and isinstance(roster, Roster):
        found = known.listing(roster, ref, graph_id, wanted or None)
    if found is None:  # some content not validated before: the full way (which records the verdicts)
        found = roster.list(ref=ref, graph_id=graph_id, metadata=wanted or None, env=env)
    emit(out.render_list(found, fmt))
    return EXIT_OK
