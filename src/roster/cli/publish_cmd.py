"""``roster publish --out DIR``."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roster.cli.main import Settings

import click

from roster.cli.options import emit


@click.command("publish")
@click.option("--out", "out", required=True, metavar="DIR", type=click.Path(file_okay=False),
              help="Folder to write the site into; replaced as a whole at the end (a previous site there "
              "makes the re-publish incremental).")
@click.option("--ref", metavar="REF", help="Publish the first-parent history of REF (default: HEAD).")
@click.option("--title", metavar="TEXT", help="Site title (default: the repository folder's name).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Format of the summary printed at the end.")
@click.pass_obj
def command(settings: Settings, out: str, ref: str | None, title: str | None, fmt: str) -> int:
    """Write the published version history: index.json, one JSON file per version, and HTML pages.

    The site is self-contained (no external assets): it opens from disk and
    from any static host such as GitHub Pages. A progress bar is drawn on
    stderr when it is a terminal. A previous site in DIR is reused only where
    its signed manifest vouches for it (see SECURITY.md); names in history that
    are not valid ids are left out and listed.
    """
    import json

    from roster.publish import publish
    from roster.publish.progress import Progress

    result = publish(settings.roster(), out, ref=ref, title=title, progress=Progress())
    if fmt == "json":
        emit(json.dumps(result._asdict(), indent=2))
    else:
        emit(f"published {result.assistants} assistants, {result.versions} versions "
             f"({result.head[:12]}) to {result.out} ({result.written} files written, {result.reused} kept)")
        for place in result.redacted:
            emit(f"redacted (looks like a secret): {place}")
        if result.skipped:
            # repr(): a name from history may hold markup or terminal control characters.
            names = ", ".join(repr(n) for n in result.skipped[:10]) + (" ..." if len(result.skipped) > 10 else "")
            emit(f"left out {len(result.skipped)} name(s) found in history that are not valid ids: {names}")
    return 0
