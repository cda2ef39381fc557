"""``roster publish --out DIR``."""
from __future__ import annotations

import click

from roster.cli.exits import EXIT_OK, RosterCommand
from roster.cli.options import emit
from roster.cli.settings import Settings


@click.command("publish", cls=RosterCommand)
@click.option("--out", "out", required=True, metavar="DIR", type=click.Path(file_okay=False),
              help="Folder to write the site into; written whole and swapped in at the end, or, when it holds "
              "a site this repository published, updated in place (only what changed).")
@click.option("--ref", metavar="REF", help="Publish the first-parent history of REF (default: HEAD).")
@click.option("--title", metavar="TEXT", help="Site title (default: the repository folder's name).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Format of the summary printed at the end.")
@click.pass_obj
def command(settings: Settings, out: str, ref: str | None, title: str | None, fmt: str) -> int:
    """Write the published version history: index.json, one JSON file per version, and HTML pages.

    The site is self-contained (no external assets): it opens from disk and
    from any static host such as GitHub Pages. A progress bar is drawn on
    stderr when it is a terminal. A previous site in DIR is updated in place,
    only where its signed manifest vouches for it (see SECURITY.md), and a run
    that fails or is killed is undone; names in history that are not valid ids
    are left out and listed.
    """
    # lazy: publishing loads pygit2 and pydantic
    from roster.publish import publish
    from roster.publish.progress import Progress
    from roster.reporters.publish import render_publish

    emit(render_publish(publish(settings.roster(), out, ref=ref, title=title, progress=Progress()), fmt))
    return EXIT_OK
