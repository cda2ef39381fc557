"""``roster promote ID VERSION --to ENV`` and ``roster promote --all --from ENV_A --to ENV_B``."""
from __future__ import annotations

import click

from roster.cli.exits import EXIT_OK, RosterCommand
from roster.cli.options import emit, format_option
from roster.cli.settings import Settings
from roster.errors import UsageError


@click.command("promote", cls=RosterCommand)
@click.argument("assistant_id", metavar="ID", required=False)
@click.argument("target", metavar="VERSION_OR_REF", required=False)
@click.option("--to", "label", required=True, metavar="ENV", help="The environment, e.g. prod: edits the pin in "
              "environments/ENV.yaml when that file exists, else moves the tag ID@ENV.")
@click.option("--all", "all_", is_flag=True, help="Promote every assistant of the --from environment.")
@click.option("--from", "source", metavar="ENV", help="With --all: the environment whose pins are copied.")
@click.option("--commit", is_flag=True, help="Commit the edited environment file (only that file), with a "
              "message naming the assistant, the environment and both versions.")
@format_option()
@click.pass_obj
def command(settings: Settings, assistant_id: str | None, target: str | None, label: str, all_: bool,
            source: str | None, commit: bool, fmt: str) -> int:
    """Promote (or roll back) an assistant to an environment.

    With environments/ENV.yaml in the working tree, the pin of ID is edited with
    the smallest change (comments, order and other pins stay as they were), so
    the pull request's diff is one line; --commit commits it. Without such a
    file, the tag ID@ENV moves (atomically; push it with
    git push --force origin refs/tags/ID@ENV). Prints the version before and
    after and the field-level diff between them. ENV may not be HEAD, a number,
    a hex string, a branch or a repo-wide tag.
    """
    # lazy: loaded when the command runs, not by every `roster --help` (SPEC section 8)
    from roster.reporters import assistants as out

    roster = settings.roster()
    if all_:
        if assistant_id or target or not source:
            raise UsageError("--all takes no ID or VERSION, and needs --from ENV: roster promote --all --from "
                             "staging --to prod")
        done = roster.promote_all(source, label, commit=commit)
        emit(out.render_promotions(done, fmt))
        return EXIT_OK
    if source:
        raise UsageError("--from goes with --all")
    if not assistant_id or not target:
        raise UsageError("expected ID and VERSION_OR_REF: roster promote blog-writer 3 --to prod")
    emit(out.render_promotions([roster.promote(assistant_id, target, to=label, commit=commit)], fmt, single=True))
    return EXIT_OK
