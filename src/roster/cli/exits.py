"""Exit codes (SPEC section 6), and the one place where a command's outcome becomes one.

A command returns its code (an int; None is 0) or raises. ``RosterCommand`` and
``RosterGroup`` run every command through :func:`run`, which turns the return value or
the error into the exit code: a ``RosterError`` is printed as one line per problem, and
anything else is a bug, printed in one line with a hint to rerun with ``--debug`` (which
shows the traceback instead). No command calls ``sys.exit`` or ``ctx.exit`` itself.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from roster.cli.options import emit
from roster.errors import InvalidAssistant, RosterError

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports it


def run(ctx: click.Context, invoke: Callable[[], Any]) -> Any:
    """``invoke()`` with its int result or its error mapped to the exit code (``click`` exits)."""
    try:
        result = invoke()
    except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
        raise  # click's own usage errors exit 2, and a nested command's exit is already decided
    except KeyboardInterrupt:
        click.echo("roster: interrupted", err=True)
        ctx.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (`roster list | head`): not an error
        ctx.exit(EXIT_OK)
    except Exception as e:  # this is the one place errors become exit codes
        if getattr(ctx.obj, "debug", False):  # --debug: the traceback, as Python prints it
            raise
        ctx.exit(exit_code(e, detailed=bool(ctx.params.get("detailed_exitcode"))))
    if isinstance(result, int):
        ctx.exit(result)
    return result


def exit_code(error: Exception, *, detailed: bool = False) -> int:
    """Print ``error`` on stderr and return its exit code.

    ``detailed`` is ``sync --detailed-exitcode`` (SPEC section 10): as with ``terraform plan
    -detailed-exitcode``, 2 means "changes", so an error exits 1 instead.
    """
    if isinstance(error, InvalidAssistant):
        emit(f"roster: error: {error}", err=True)
        return EXIT_INVALID
    if isinstance(error, RosterError):
        for line in error.lines or (str(error),):
            emit(f"roster: error: {one_line(line)}", err=True)
        return EXIT_INVALID if detailed else EXIT_USAGE
    where = f"{type(error).__name__}: {one_line(str(error))}"
    emit(f"roster: internal error: {where} (a bug; rerun with --debug for the traceback)", err=True)
    return EXIT_INTERNAL


def one_line(text: str) -> str:
    return " ".join(text.split()) if "\n" in text else text


class RosterCommand(click.Command):
    """A command whose outcome goes through :func:`run`, also when invoked on its own (tests)."""

    def invoke(self, ctx: click.Context) -> Any:
        return run(ctx, lambda: super(RosterCommand, self).invoke(ctx))


class RosterGroup(click.Group):
    """A group whose own callback goes through :func:`run`; its subcommands are ``RosterCommand``."""

    command_class = RosterCommand

    def invoke(self, ctx: click.Context) -> Any:
        return run(ctx, lambda: super(RosterGroup, self).invoke(ctx))
