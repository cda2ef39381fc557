"""GitHub workflow commands: annotations that land on the changed lines of a pull request."""
from __future__ import annotations

from roster.check import CheckReport
from roster.reporters.text import summary_line


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_check(report: CheckReport) -> str:
    lines = []
    for p in sorted(report.problems, key=lambda p: (p.path, p.line, p.column)):
        title = f"roster: {p.assistant_id}" if p.assistant_id else "roster"
        where = f"{p.pointer}: " if p.pointer else ""
        lines.append(f"::{p.severity} file={_escape_property(p.path)},line={p.line},col={p.column},"
                     f"title={_escape_property(title)}::{_escape_data(where + p.message)}")
    # The plain summary follows so the log stays readable for people.
    lines.append(summary_line(report))
    return "\n".join(lines)
