"""``roster history ID``."""
from __future__ import annotations

import click

from roster.cli.options import emit, format_option


@click.command("history")
@click.argument("assistant_id", metavar="ID")
@click.option("--ref", metavar="REF", help="Follow the first-parent history of REF (default: HEAD).")
@format_option()
@click.pass_obj
def command(settings: object, assistant_id: str, ref: str | None, fmt: str) -> int:
    """List the versions of an assistant, newest first (renames followed)."""
    from roster import known
    from roster.reporters import assistants as out
    from roster.roster import Roster

    roster = settings.roster()  # type: ignore[attr-defined]
    if fmt == "text" and isinstance(roster, Roster):  # the text shows commit facts only: no file is parsed
        versions = known.history(roster, assistant_id, ref)
    else:
        versions = roster.history(assistant_id, ref=ref)
    emit(out.render_history(versions, fmt))
    return 0
