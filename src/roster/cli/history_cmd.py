"""``roster history ID``."""
from __future__ import annotations

import click

from roster.cli.exits import EXIT_OK, RosterCommand
from roster.cli.options import emit, format_option
from roster.cli.settings import Settings


@click.command("history", cls=RosterCommand)
@click.argument("assistant_id", metavar="ID")
@click.option("--ref", metavar="REF", help="Follow the first-parent history of REF (default: HEAD).")
@click.option("--env", metavar="ENV", help="Instead: when environment ENV's pin of ID changed (commits of "
              "environments/ENV.yaml), with the version before and after, newest first.")
@format_option()
@click.pass_obj
def command(settings: Settings, assistant_id: str, ref: str | None, env: str | None, fmt: str) -> int:
    """List the versions of an assistant, newest first (renames followed).

    With --env ENV: every change of that environment's pin of ID instead: the
    commit (id and message), its author and date, the version before and after.
    """
    # lazy: loaded when the command runs, not by every `roster --help` (SPEC section 8)
    from roster import known
    from roster.reporters import assistants as out
    from roster.reporters.environments import render_pin_history
    from roster.roster import Roster

    if env is not None:
        from roster.envhistory import pin_history  # lazy: loads pydantic

        emit(render_pin_history(pin_history(settings.roster(), assistant_id, env, ref), fmt))
        return EXIT_OK

    roster = settings.roster()
    if fmt == "text" and isinstance(roster, Roster):  # the text shows commit facts only: no file is parsed
        versions = known.history(roster, assistant_id, ref)
    else:
        versions = roster.history(assistant_id, ref=ref)
    emit(out.render_history(versions, fmt))
    return EXIT_OK
