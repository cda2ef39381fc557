"""``roster show SPEC``."""
from __future__ import annotations

import click

from roster.cli.exits import EXIT_OK, RosterCommand
from roster.cli.options import emit, format_option
from roster.cli.settings import Settings
from roster.errors import UsageError


@click.command("show", cls=RosterCommand)
@click.argument("spec", metavar="ID[@REF]")
@click.option("--env", metavar="ENV", help="The version environment ENV runs (environments/ENV.yaml, else the "
              "tag ID@ENV); the same as ID@ENV.")
@format_option()
@click.pass_obj
def command(settings: Settings, spec: str, env: str | None, fmt: str) -> int:
    """Print one resolved assistant: ID, ID@branch, ID@tag, ID@commit, ID@3 (version), ID@prod.

    Exits 1 when the assistant is invalid there, 2 when it or the ref is unknown.
    """
    # lazy: loaded when the command runs, not by every `roster --help` (SPEC section 8)
    from roster import known
    from roster.environments import check_label
    from roster.reporters import assistants as out
    from roster.roster import Roster

    if env is not None:
        if "@" in spec:
            raise UsageError(f"{spec!r} already names a ref; use either ID@REF or --env ENV")
        spec = f"{spec}@{check_label(env)}"
    roster = settings.roster()
    # Content validated before renders without jsonschema and pydantic; the rest goes the full way.
    assistant = (known.show(roster, spec) if isinstance(roster, Roster) else None) or roster.get(spec)
    emit(out.render_assistant(assistant, fmt))
    return EXIT_OK
