"""``roster show SPEC``."""
from __future__ import annotations

import click

from roster.cli.options import emit, format_option


@click.command("show")
@click.argument("spec", metavar="ID[@REF]")
@format_option()
@click.pass_obj
def command(settings: object, spec: str, fmt: str) -> int:
    """Print one resolved assistant: ID, ID@branch, ID@tag, ID@commit, ID@3 (version), ID@prod.

    Exits 1 when the assistant is invalid there, 2 when it or the ref is unknown.
    """
    from roster import known
    from roster.reporters import assistants as out
    from roster.roster import Roster

    roster = settings.roster()  # type: ignore[attr-defined]
    # Content validated before renders without jsonschema and pydantic; the rest goes the full way.
    assistant = (known.show(roster, spec) if isinstance(roster, Roster) else None) or roster.get(spec)
    emit(out.render_assistant(assistant, fmt))
    return 0
