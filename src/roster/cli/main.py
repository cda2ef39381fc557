"""The click app. Only click is imported at start: ``roster --help`` must be fast."""
from __future__ import annotations

import sys
from typing import Any

import click

from roster import __version__
from roster.cli import commands
from roster.cli.options import emit

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class Settings:
    """Global options, handed to every command through ``ctx.obj``.

    ``repo`` is a path, a git URL (read through a mirror in ``cache_dir``), or a
    published ``index.json`` (a URL or path ending in ``.json``: read-only).
    """

    def __init__(self, repo: str | None, root: str | None, debug: bool, cache_dir: str | None = None) -> None:
        self.repo = repo
        self.root = root
        self.debug = debug
        self.cache_dir = cache_dir

    def is_index(self) -> bool:
        return self.repo is not None and self.repo.split("?", 1)[0].endswith(".json")

    def project(self) -> Any:
        from roster.project import open_project

        project = open_project(self.repo or ".", root=self.root, cache_dir=self.cache_dir)
        if project.remote is not None:
            _warn_if_stale(project.remote.staleness())
        return project

    def roster(self) -> Any:
        from roster import Roster

        if self.repo is not None and self.is_index():
            return Roster.from_index(self.repo)
        roster = Roster(self.repo or ".", root=self.root, cache_dir=self.cache_dir)
        staleness = roster.staleness()
        if staleness is not None:
            _warn_if_stale(staleness)
        return roster


def _warn_if_stale(staleness: Any) -> None:
    """Offline: say that the answer comes from the mirror, and how old it is (stderr only)."""
    if staleness.error:
        from roster.freshness import describe

        emit(f"roster: warning: {_one_line(describe(staleness))}", err=True)


class RosterGroup(click.Group):
    """Maps every outcome to an exit code in one place (SPEC section 6)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("roster: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (`roster list | head`): not an error
            ctx.exit(EXIT_OK)
        except Exception as e:  # this is the one place errors become exit codes
            settings = ctx.obj if isinstance(ctx.obj, Settings) else None
            if settings is not None and settings.debug:
                raise
            ctx.exit(_report_error(e))
        if isinstance(result, int):
            ctx.exit(result)
        return result


def _report_error(error: Exception) -> int:
    from roster.errors import InvalidAssistant, RosterError

    if isinstance(error, InvalidAssistant):
        emit(f"roster: error: {error}", err=True)
        return EXIT_INVALID
    if isinstance(error, RosterError):
        for line in error.lines or (str(error),):
            emit(f"roster: error: {_one_line(line)}", err=True)
        return EXIT_USAGE
    where = f"{type(error).__name__}: {_one_line(str(error))}"
    emit(f"roster: internal error: {where} (a bug; rerun with --debug for the traceback)", err=True)
    return EXIT_INTERNAL


def _one_line(text: str) -> str:
    return " ".join(text.split()) if "\n" in text else text


@click.group(cls=RosterGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--repo", metavar="PATH|URL", help="Repository (worktree or bare), a git URL (https://, ssh://, "
              "git://, file://, git@host:org/repo.git; read through a local mirror), or a published index.json "
              "(read-only); default: discovered from the current directory, like git.")
@click.option("--cache-dir", metavar="DIR", envvar="ROSTER_CACHE_DIR", help="Where mirrors of git URLs are kept "
              "[default: $ROSTER_CACHE_DIR, else ~/.cache/roster].")
@click.option("--root", metavar="DIR", help="Folder inside the repository that holds assistants/ and "
              "schemas/ (monorepos); default: discovered.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(__version__, prog_name="roster", message="roster %(version)s")
@click.pass_context
def cli(ctx: click.Context, repo: str | None, cache_dir: str | None, root: str | None, debug: bool) -> None:
    """Roster: LangGraph assistants as code.

    Each assistant is a YAML file under assistants/, validated against its
    graph's JSON Schema under schemas/; every commit that changes it is a
    version. Exit codes: 0 ok, 1 invalid assistants (or differences with
    --exit-code), 2 usage or lookup error, 3 internal error.
    """
    ctx.obj = Settings(repo, root, debug, cache_dir)


for command in commands.all_commands():
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="roster")
