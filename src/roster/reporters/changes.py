"""The changes of ``check --base`` as Markdown: a table, then each assistant's diff."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from roster.hygiene import html_text, md_code, md_fence, md_text, redacted, shorten

_ICONS = {"added": "🆕", "modified": "✏️", "renamed": "🔀", "deleted": "🗑️", "schema-changed": "📐"}


def safe_fields(fields: Sequence[Any]) -> list[Any]:
    """Field changes with every flagged value redacted (judged under its own key)."""
    out = []
    for f in fields:
        key = f.path.rsplit(".", 1)[-1].split("[", 1)[0]
        out.append(f._replace(old=redacted(f.old, key), new=redacted(f.new, key)))
    return out


def render_changes_markdown(changes: Sequence[Any]) -> list[str]:
    out = ["### Changes", "", "| assistant | change | graph | fields |", "|---|---|---|---|"]
    for c in changes:
        what = f"{c.status} from {md_code(c.old_id)}" if c.old_id else c.status
        out.append(f"| {md_code(c.assistant_id)} | {_ICONS.get(c.status, '')} {what} | "
                   f"{md_text(c.graph_id or '-')} | {len(c.fields) if c.fields else '-'} |")
    out.append("")
    for c in changes:
        if not c.fields:
            continue
        out += [f"<details open><summary><code>{html_text(c.assistant_id)}</code>: {c.status}</summary>", ""]
        fields = safe_fields(c.fields)
        simple = [f for f in fields if not f.is_multiline()]
        if simple:
            out += ["| field | | old | new |", "|---|---|---|---|"]
            for f in simple:
                out.append(f"| {md_code(f.path)} | {f.op} | {_value(f.old, f.op == 'added')} | "
                           f"{_value(f.new, f.op == 'removed')} |")
            out.append("")
        for f in fields:
            if f.is_multiline():
                out += [f"{md_code(f.path)}:", "", *md_fence(f.line_diff(), "diff"), ""]
        out += ["</details>", ""]
    return out


def _value(value: Any, absent: bool) -> str:
    if absent:
        return ""
    import json  # lazy: json (~1 ms) is not needed by show and history in text

    return md_code(shorten(json.dumps(value, ensure_ascii=False, default=str), 120))
