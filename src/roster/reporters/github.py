"""GitHub workflow commands: annotations that land on the changed lines of a pull request.

GitHub keeps 10 error and 10 warning annotations per step and drops the rest without a
word, so the first ten of each are annotations and one closing notice counts the rest.
"""
from __future__ import annotations

from roster.check import CheckReport
from roster.hygiene import ANNOTATIONS_PER_SEVERITY, gh_data, gh_property
from roster.reporters.text import plural, summary_line


def render_check(report: CheckReport) -> str:
    lines = []
    shown = {"error": 0, "warning": 0}
    left = {"error": 0, "warning": 0}
    for p in sorted(report.problems, key=lambda p: (p.path, p.line, p.column)):
        if shown[p.severity] >= ANNOTATIONS_PER_SEVERITY:
            left[p.severity] += 1
            continue
        shown[p.severity] += 1
        title = f"roster: {p.assistant_id}" if p.assistant_id else "roster"
        where = f"{p.pointer}: " if p.pointer else ""
        lines.append(f"::{p.severity} file={gh_property(p.path)},line={p.line},col={p.column},"
                     f"title={gh_property(title)}::{gh_data(where + p.message)}")
    if left["error"] or left["warning"]:
        rest = ", ".join(plural(n, kind) for kind, n in left.items() if n)
        note = (f"{rest} more, not shown as annotations (GitHub keeps 10 of each per step): "
                "see the job summary or the log")
        lines.append(f"::notice title=roster::{gh_data(note)}")
    # The plain summary follows so the log stays readable for people.
    lines.append(summary_line(report))
    return "\n".join(lines)
