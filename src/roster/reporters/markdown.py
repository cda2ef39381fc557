"""Markdown for ``$GITHUB_STEP_SUMMARY`` and pull-request comments."""
from __future__ import annotations

from roster.check import CheckReport
from roster.reporters.text import plural


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_check(report: CheckReport) -> str:
    icon = "✅" if report.ok else "❌"
    out = [f"## {icon} Roster check", "",
           f"Checked {plural(report.checked, 'assistant')} ({report.source}): "
           f"**{plural(len(report.errors), 'error')}**, {plural(len(report.warnings), 'warning')}.", ""]
    if report.changes:
        from roster.reporters.changes import render_changes_markdown
        out += render_changes_markdown(report.changes)
    if report.problems:
        out += ["| | file | line | where | problem |", "|---|---|---|---|---|"]
        for p in sorted(report.problems, key=lambda p: (p.severity != "error", p.path, p.line)):
            mark = "❌" if p.severity == "error" else "⚠️"
            out.append(f"| {mark} | `{cell(p.path)}` | {p.line}:{p.column} | `{cell(p.pointer) or '-'}` | "
                       f"{cell(p.message)} |")
        out.append("")
    return "\n".join(out)
