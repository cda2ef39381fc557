"""``environments.html``: each environment file, what it runs, and when each pin changed.

The data is ``index.json``'s ``environments`` (docs/index-format.md); the page
uses the site's own frame (``_Site.page``) so it looks like the others.
"""
from __future__ import annotations

from typing import Any

from roster.publish.index import PublishedIndex
from roster.publish.site import _e, _Site, _when, page_path


def environments_page(index: PublishedIndex, *, title: str) -> str:
    site = _Site(index, title)
    body = [("<h1>Environments</h1><p class=\"small muted\">What each deployment runs, from "
             "<span class=mono>environments/&lt;env&gt;.yaml</span> at the published commit; promoting is a "
             "pull request that edits one pin, and each change below is a commit.</p>")]
    for name, env in sorted((index.data.get("environments") or {}).items()):
        body.append(f'<h2 id="{_e(name)}">{_e(name)}</h2><p class="small"><span class=mono>{_e(env["path"])}</span>'
                    + (f' &middot; deploys to <span class=mono>{_e(env["url"])}</span>' if env.get("url") else "")
                    + (f' &middot; default <span class=mono>{_e(env["default"])}</span>' if env.get("default") else "")
                    + "</p>")
        rows = []
        for key, run in sorted(env["runs"].items()):
            n = run.get("version")
            pin = env["pins"].get(key, f"default: {env.get('default')}")
            where = (f'<a href="{page_path(key)}#v{n}">v{n}</a>' if n and key in index.assistants
                     else _e(run.get("error") or (run.get("commit") or "")[:12]))
            rows.append(f'<tr><td class="id"><a href="{page_path(key)}">{_e(key)}</a></td>'
                        f'<td class=mono>{_e(pin)}</td><td>{where}</td></tr>')
        body.append("<table><thead><tr><th>Assistant</th><th>Pin</th><th>Runs</th></tr></thead>"
                    f"<tbody>{''.join(rows)}</tbody></table>")
        changes = []
        for c in env["changes"]:
            who = c["assistant_id"] or "(default)"
            changes.append(f'<tr><td class="small">{_e(_when(c["date"]))}</td>'
                           f'<td class=mono>{_e(c["commit"][:12])}</td><td class="id">{_e(who)}</td>'
                           f'<td>{_e(_side(c["before"]))} &rarr; {_e(_side(c["after"]))}</td>'
                           f'<td>{_e(c["message"])}<div class="small muted">{_e(c["author"]["name"])}</div></td></tr>')
        if changes:
            body.append("<h3>When the pins changed</h3><table><thead><tr><th>When</th><th>Commit</th>"
                        "<th>Assistant</th><th>Change</th><th>Message</th></tr></thead>"
                        f"<tbody>{''.join(changes)}</tbody></table>")
    return site.page(f"Environments · {title}", "".join(body), depth=0, here="environments.html")


def _side(side: dict[str, Any]) -> str:
    pin, version = side.get("pin"), side.get("version")
    if pin is None:
        return "nothing"
    return f"v{version}" if version is not None and str(pin) == str(version) else \
        f"{pin} (v{version})" if version is not None else str(pin)
