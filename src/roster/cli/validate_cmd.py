"""``roster validate FILE...`` (the pre-commit hook)."""
from __future__ import annotations

import os

import click

from roster.cli.exits import EXIT_INVALID, EXIT_OK, RosterCommand
from roster.cli.options import emit, format_option


@click.command("validate", cls=RosterCommand)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--strict", is_flag=True,
              help="Every warning is an error (missing required fields, undeclared keys, ...).")
@format_option("text", "json", "github", "markdown", "sarif")
@click.pass_obj
def command(settings: object, files: tuple[str, ...], strict: bool, fmt: str) -> int:
    """Validate the given assistant files on disk (for pre-commit).

    Each file is checked against the schemas of the project that holds its
    assistants/ folder. Exits 1 when any file is invalid.
    """
    # lazy: loaded when the command runs, not by every `roster --help` (SPEC section 8)
    from roster.check import validate_files  # lazy: the checker, which show, list and history never load
    from roster.reporters import CHECK_REPORTERS

    fallback = getattr(settings, "repo", None) or os.getcwd()
    report = validate_files(files, fallback_root=fallback, strict=strict)
    emit(CHECK_REPORTERS[fmt](report), workflow_commands=fmt == "github")
    return EXIT_OK if report.ok else EXIT_INVALID
