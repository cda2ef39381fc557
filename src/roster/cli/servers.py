"""What the commands that talk to a LangGraph server share: ``--url``, ``--timeout``, and the
URL an environment's file names (sync, pull, import, schemas export --from-server)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from roster.errors import UsageError

if TYPE_CHECKING:
    from roster.roster import Roster

URL_HELP = "The API key comes from LANGGRAPH_API_KEY or LANGSMITH_API_KEY; extra headers from ROSTER_HTTP_HEADERS."


def checked_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A server URL given on the command line, refused before anything else runs; the message
    names the option (the library's names the URL only: it may come from an environment file)."""
    if value is None:
        return None
    from roster.langgraph.client import check_url  # lazy: loads urllib.request (~20 ms), for sync etc. only

    try:
        check_url(value)
    except UsageError as e:
        raise click.BadParameter(str(e), ctx=ctx, param=param) from None
    return value


def url_option(*, required: bool = False, help: str = f"The LangGraph server. {URL_HELP}",
               name: str = "--url") -> Callable[[Any], Any]:
    """``--url`` of the commands that talk to one LangGraph server."""
    return click.option(name, "url", required=required, metavar="URL", callback=checked_url, help=help)


def timeout_option() -> Callable[[Any], Any]:
    return click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds per server request.")


def env_url(roster: Roster, env: str, ref: str | None) -> str:
    """The ``url`` of ``environments/ENV.yaml`` at ``ref``."""
    found = {e.name: e for e in roster.environments(ref)}
    url = found[env].url if env in found else None
    if not url:
        raise UsageError(f"environment {env!r} names no url (add url: to environments/{env}.yaml, or pass --url)")
    return str(url)
