"""Text and JSON for ``roster status`` and ``roster history --env``."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from roster.reporters.jsonout import dumps


def render_status(status: Any, fmt: str) -> str:
    if fmt == "json":
        return dumps(status.as_json())
    names = [e.name for e in status.environments]
    if not names:
        return "no environments: add environments/<env>.yaml, or promote with roster promote ID VERSION --to ENV"
    header = ["assistant", "HEAD", *names]
    rows = [header]
    for row in status.rows:
        cells = [row.assistant_id, f"v{row.head}" if row.head is not None else "(gone)"]
        for name in names:
            cell = row.cells.get(name)
            if cell is None:
                cells.append("-")
            elif cell.version is None:
                cells.append(f"{cell.commit[:7]}")
            elif cell.behind is None:
                cells.append(f"v{cell.version} (off HEAD)")
            elif cell.behind == 0:
                cells.append(f"v{cell.version}")
            else:
                cells.append(f"v{cell.version} ({cell.behind} behind)")
        rows.append(cells)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    sources = [f"{e.name}: {e.path or 'tags ID@' + e.name}{' -> ' + e.url if e.url else ''}"
               for e in status.environments]
    return "\n".join(lines + [""] + sources)


def render_pin_history(changes: Sequence[Any], fmt: str) -> str:
    if fmt == "json":
        return dumps([c.as_json() for c in changes])

    def side(pin: Any, version: Any) -> str:
        if pin is None:
            return "nothing"
        return f"v{version}" if version is not None and str(pin) == str(version) else \
            f"{pin} (v{version})" if version is not None else str(pin)

    return "\n".join(f"{c.commit[:7]}  {c.date}  {c.author.name} <{c.author.email}>  "
                     f"{side(c.before, c.before_version)} -> {side(c.after, c.after_version)}  {c.message}"
                     for c in changes)
