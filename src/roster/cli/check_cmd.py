"""``roster check``."""
from __future__ import annotations

from collections.abc import Mapping

import click

from roster.cli.exits import EXIT_INVALID, EXIT_OK, RosterCommand
from roster.cli.options import emit, format_option
from roster.cli.settings import Settings


@click.command("check", cls=RosterCommand)
@click.option("--ref", metavar="REF", help="Check the commit at REF (read from git objects, no checkout) "
              "instead of the working tree.")
@click.option("--base", metavar="REF", help="Also report which assistants changed since the merge base of REF "
              "and the checked commit (what a pull request changes), and re-check every assistant whose graph "
              "schema changed.")
@click.option("--strict", is_flag=True, help="Every warning is an error (missing required fields, undeclared "
              "keys, ...).")
@click.option("--allow-empty", is_flag=True, help="Pass when no assistant file is found (by default that "
              "fails: a wrong --root would otherwise pass forever).")
@format_option("text", "json", "github", "markdown", "sarif")
@click.option("--output", "outputs", metavar="FORMAT=PATH", multiple=True, help="Also write the same result in "
              "FORMAT to PATH (repeatable; e.g. --output markdown=summary.md --output sarif=roster.sarif): one "
              "check, every format.")
@click.pass_obj
def command(settings: Settings, ref: str | None, base: str | None, strict: bool, allow_empty: bool,
            fmt: str, outputs: tuple[str, ...]) -> int:
    """Validate every assistant (working tree, or the commit at --ref).

    Exits 1 when any assistant is invalid, 2 on a usage or lookup error.
    """
    # lazy: loaded when the command runs, not by every `roster --help` (SPEC section 8)
    from roster.hygiene import clean_text
    from roster.reporters import CHECK_REPORTERS

    targets = _parse_outputs(outputs, CHECK_REPORTERS)
    report = settings.roster().check(ref=ref, base=base, strict=strict, allow_empty=allow_empty)
    for name, path in targets:
        text = clean_text(CHECK_REPORTERS[name](report), workflow_commands=name == "github")
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text + "\n")
        except OSError as e:
            raise click.UsageError(f"--output {name}={path}: cannot write: {e.strerror or e}") from e
    emit(CHECK_REPORTERS[fmt](report), workflow_commands=fmt == "github")
    return EXIT_OK if report.ok else EXIT_INVALID


def _parse_outputs(outputs: tuple[str, ...], known: Mapping[str, object]) -> list[tuple[str, str]]:
    found = []
    for item in outputs:
        name, eq, path = item.partition("=")
        if not eq or not path or name not in known:
            raise click.BadParameter(f"{item!r}: expected FORMAT=PATH with FORMAT one of {', '.join(known)}",
                                     param_hint="--output")
        found.append((name, path))
    return found
