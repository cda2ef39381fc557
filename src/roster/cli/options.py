"""Options shared by several commands."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def format_option(*choices: str) -> Callable[[Any], Any]:
    names = choices or ("text", "json")
    return click.option("--format", "fmt", type=click.Choice(names), default="text", show_default=True,
                        help="Output format." + (" github: workflow annotations; markdown: for the job summary; "
                                                 "sarif: SARIF 2.1.0 for code scanning." if "sarif" in names else ""))


def emit(text: str, *, err: bool = False, workflow_commands: bool = False) -> None:
    """Every line a command prints goes through here: controls escaped, no workflow command
    (unless the format is ``github``, whose reporter escapes each field of its own commands),
    no line ending in whitespace."""
    if text:
        from roster.hygiene import clean_text, end_lines  # lazy: not loaded by every `roster --help`

        click.echo(end_lines(clean_text(text, workflow_commands=workflow_commands)), err=err)
