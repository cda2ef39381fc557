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


def url_option(*, required: bool = False) -> Callable[[Any], Any]:
    """``--url`` of the commands that talk to one LangGraph server (import, pull)."""
    return click.option("--url", required=required, metavar="URL", help="The LangGraph server. The API key comes "
                        "from LANGGRAPH_API_KEY or LANGSMITH_API_KEY; extra headers from ROSTER_HTTP_HEADERS.")


def timeout_option() -> Callable[[Any], Any]:
    return click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds per server request.")


def emit(text: str, *, err: bool = False, workflow_commands: bool = False) -> None:
    """Every line a command prints goes through here: controls escaped, no workflow command
    (unless the format is ``github``, whose reporter escapes each field of its own commands),
    no line ending in whitespace."""
    if text:
        from roster.hygiene import clean_text, end_lines

        click.echo(end_lines(clean_text(text, workflow_commands=workflow_commands)), err=err)
