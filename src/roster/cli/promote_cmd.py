"""``roster promote ID VERSION_OR_REF --to LABEL``."""
from __future__ import annotations

import click

from roster.cli.options import emit, format_option


@click.command("promote")
@click.argument("assistant_id", metavar="ID")
@click.argument("target", metavar="VERSION_OR_REF")
@click.option("--to", "label", required=True, metavar="LABEL", help="Environment label, e.g. prod: moves the "
              "tag ID@LABEL.")
@format_option()
@click.pass_obj
def command(settings: object, assistant_id: str, target: str, label: str, fmt: str) -> int:
    """Point the environment tag ID@LABEL at a version or ref (promote, or roll back).

    The tag is created if needed; the move is atomic and refuses to overwrite a
    concurrent move. Push it with: git push --force origin refs/tags/ID@LABEL
    """
    from roster.reporters import assistants as out

    promotion = settings.roster().promote(assistant_id, target, to=label)  # type: ignore[attr-defined]
    emit(out.render_promotion(promotion, fmt))
    return 0
