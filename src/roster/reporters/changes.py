"""The changes of ``check --base`` as Markdown: a table, then each assistant's diff."""
from __future__ import annotations

import json
from typing import Any, Sequence

from roster.reporters.markdown import cell

_ICONS = {"added": "🆕", "modified": "✏️", "renamed": "🔀", "deleted": "🗑️", "schema-changed": "📐"}


def render_changes_markdown(changes: Sequence[Any]) -> list[str]:
    out = ["### Changes", "", "| assistant | change | graph | fields |", "|---|---|---|---|"]
    for c in changes:
        what = f"{c.status} from `{cell(c.old_id)}`" if c.old_id else c.status
        out.append(f"| `{cell(c.assistant_id)}` | {_ICONS.get(c.status, '')} {what} | {cell(c.graph_id or '-')} | "
                   f"{len(c.fields) if c.fields else '-'} |")
    out.append("")
    for c in changes:
        if not c.fields:
            continue
        out += [f"<details open><summary><code>{c.assistant_id}</code>: {c.status}</summary>", ""]
        simple = [f for f in c.fields if not f.is_multiline()]
        if simple:
            out += ["| field | | old | new |", "|---|---|---|---|"]
            for f in simple:
                out.append(f"| `{cell(f.path)}` | {f.op} | {_value(f.old, f.op == 'added')} | "
                           f"{_value(f.new, f.op == 'removed')} |")
            out.append("")
        for f in c.fields:
            if f.is_multiline():
                out += [f"`{f.path}`:", "", "```diff", *f.line_diff(), "```", ""]
        out += ["</details>", ""]
    return out


def _value(value: Any, absent: bool) -> str:
    if absent:
        return ""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > 120:
        text = text[:117] + "..."
    return f"`{cell(text)}`"
