"""Markdown for ``$GITHUB_STEP_SUMMARY`` and pull-request comments (escaped, under 1 MiB)."""
from __future__ import annotations

from roster.check import CheckReport
from roster.hygiene import cap_summary, md_code, md_text
from roster.reporters.changes import render_changes_markdown
from roster.reporters.text import plural


def cell(text: str) -> str:
    """Plain text for a table cell."""
    return md_text(text)


def render_check(report: CheckReport) -> str:
    icon = "✅" if report.ok else "❌"
    counts = f"**{plural(len(report.errors), 'error')}**, {plural(len(report.warnings), 'warning')}"
    out = [f"## {icon} Roster check", "",
           f"Checked {plural(report.checked, 'assistant')} ({md_text(report.source)}): {counts}.", ""]
    if report.problems:
        # Problems first: a long diff must never push an error out of the summary.
        out += ["| | file | line | where | problem |", "|---|---|---|---|---|"]
        for p in sorted(report.problems, key=lambda p: (p.severity != "error", p.path, p.line)):
            mark = "❌" if p.severity == "error" else "⚠️"
            out.append(f"| {mark} | {md_code(p.path)} | {p.line}:{p.column} | "
                       f"{md_code(p.pointer) if p.pointer else '-'} | {md_text(p.message)} |")
        out.append("")
    if report.changes:
        out += render_changes_markdown(report.changes)
    return cap_summary("\n".join(out))
