"""Options shared by several commands."""
from __future__ import annotations

from typing import Any, Callable

import click


def format_option(*choices: str) -> Callable[[Any], Any]:
    names = choices or ("text", "json")
    return click.option("--format", "fmt", type=click.Choice(names), default="text", show_default=True,
                        help="Output format.")


def emit(text: str) -> None:
    if text:
        click.echo(text)
