"""``roster status``: every assistant x every environment."""
from __future__ import annotations

import click

from roster.cli.exits import EXIT_OK, RosterCommand
from roster.cli.options import emit, format_option
from roster.cli.settings import Settings


@click.command("status", cls=RosterCommand)
@click.option("--env", metavar="ENV", help="Only this environment.")
@format_option()
@click.pass_obj
def command(settings: Settings, env: str | None, fmt: str) -> int:
    """Show what each environment runs: every assistant x every environment.

    Each cell is the version that environment runs (environments/ENV.yaml at
    HEAD, else the tag ID@ENV) and how many versions it is behind HEAD;
    "-" when the environment does not run the assistant.
    """
    # lazy: loaded when the command runs, not by every `roster --help` (SPEC section 8)
    from roster.envstatus import status  # lazy: loads pydantic
    from roster.reporters.environments import render_status

    emit(render_status(status(settings.roster(), env), fmt))
    return EXIT_OK
