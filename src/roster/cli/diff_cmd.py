"""``roster diff SPEC_A SPEC_B``."""
from __future__ import annotations

import click

from roster.cli.exits import EXIT_INVALID, EXIT_OK, RosterCommand
from roster.cli.options import emit, format_option
from roster.cli.settings import Settings


@click.command("diff", cls=RosterCommand)
@click.argument("spec_a", metavar="SPEC_A")
@click.argument("spec_b", metavar="SPEC_B")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the two differ, 0 when they are the same.")
@format_option()
@click.pass_obj
def command(settings: Settings, spec_a: str, spec_b: str, exit_code: bool, fmt: str) -> int:
    """Field-level diff of two assistants or versions (e.g. blog-writer@1 blog-writer@3).

    Multi-line prompts are shown as a line diff.
    """
    # lazy: loaded when the command runs, not by every `roster --help` (SPEC section 8)
    from roster.reporters import assistants as out

    result = settings.roster().diff(spec_a, spec_b)
    emit(out.render_diff(result, fmt))
    return EXIT_INVALID if exit_code and result.changes else EXIT_OK
