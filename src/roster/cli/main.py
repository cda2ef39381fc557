"""The click app: the global options and the list of commands.

What a command needs beyond click and the light core loads when it runs: ``roster --help``
must be fast (SPEC section 8).
"""
from __future__ import annotations

import click

from roster import __version__
from roster.cli import commands
from roster.cli.exits import RosterGroup
from roster.cli.settings import Settings


class _Commands(RosterGroup):
    """The top group: a subcommand's module is imported when that subcommand is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *commands.MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in commands.MODULES:
            self.add_command(commands.load(cmd_name))
        return self.commands.get(cmd_name)

    def load_all(self) -> dict[str, click.Command]:
        """Every subcommand by name, all modules imported (documentation, tests)."""
        for name in commands.MODULES:
            self.get_command(click.Context(self), name)
        return dict(self.commands)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
    --exit-code), 2 usage or lookup error, 3 internal error (a bug: rerun with --debug).
    """
    ctx.obj = Settings(repo, root, debug, cache_dir)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="roster")
