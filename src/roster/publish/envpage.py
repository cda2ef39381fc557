"""``environments.html``: each environment file, what it runs, and when each pin changed.

The data is ``index.json``'s ``environments`` (docs/index-format.md); the page
uses the site's own frame (``site.framed_page``) so it looks like the others.
"""
from __future__ import annotations

from typing import Any

from roster.publish.index import PublishedIndex
from roster.publish.site import framed_page, page_path, when


def environments_page(index: PublishedIndex, *, title: str) -> str:
    envs = []
    for name, env in sorted((index.data.get("environments") or {}).items()):
        rows = []
        for key, run in sorted(env["runs"].items()):
            n = run.get("version")
            pin = env["pins"].get(key, f"default: {env.get('default')}")
            rows.append({"key": key, "href": page_path(key), "pin": pin,
                         "n": n if n and key in index.assistants else None,
                         "where": run.get("error") or (run.get("commit") or "")[:12]})
        changes = [{"when": when(c["date"]), "commit": c["commit"], "who": c["assistant_id"] or "(default)",
                    "before": _side(c["before"]), "after": _side(c["after"]), "message": c["message"],
                    "author": c["author"]["name"]} for c in env["changes"]]
        envs.append({"name": name, "path": env["path"], "url": env.get("url"), "default": env.get("default"),
                     "rows": rows, "changes": changes})
    # Jinja2 escapes every value (autoescape): names, pins, messages and URLs come from the repository.
    return framed_page(index, title, f"Environments · {title}", "environments.html", depth=0,
                       here="environments.html", envs=envs)


def _side(side: dict[str, Any]) -> str:
    pin, version = side.get("pin"), side.get("version")
    if pin is None:
        return "nothing"
    return f"v{version}" if version is not None and str(pin) == str(version) else \
        f"{pin} (v{version})" if version is not None else str(pin)
