"""Text and JSON for ``roster schemas export`` (and its ``--check``)."""
from __future__ import annotations

import json
import os
from collections.abc import Collection, Mapping, Sequence


def shown_path(path: str) -> str:
    """``path`` relative to the current folder when it is below it or near, else as given."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("../..") else rel


def render_schema_check(files: Mapping[str, str], stale: Sequence[str], source: str, fmt: str) -> str:
    """``files``: graph id -> its schema file; ``stale``: the graph ids whose file is missing or differs."""
    if fmt == "json":
        return json.dumps({"ok": not stale, "source": source,
                           "stale": [{"graph_id": g, "path": shown_path(files[g])} for g in stale],
                           "checked": [shown_path(files[g]) for g in files]}, indent=2)
    if not stale:
        return f"{len(files)} schema file(s) up to date with {source}."
    lines = []
    for gid in stale:
        state = "missing" if not os.path.exists(files[gid]) else "stale"
        lines.append(f"{shown_path(files[gid])}: {state} (graph {gid!r} from {source})")
    lines.append(f"{len(stale)} of {len(files)} schema file(s) out of date; run `roster schemas export`.")
    return "\n".join(lines)


def render_schema_export(files: Mapping[str, str], written: Collection[str], source: str, fmt: str) -> str:
    """``written``: the files of ``files`` that were (re)written; the others were already current."""
    if fmt == "json":
        return json.dumps({"source": source, "written": [shown_path(p) for p in sorted(written)],
                           "unchanged": [shown_path(p) for p in files.values() if p not in written]}, indent=2)
    return "\n".join(f"{'wrote' if path in written else 'unchanged'} {shown_path(path)}" for path in files.values())
