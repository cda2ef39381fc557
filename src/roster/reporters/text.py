"""Plain text for people: one problem per line as ``file:line:column: severity: where: message``."""
from __future__ import annotations

from roster.check import CheckReport


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_check(report: CheckReport) -> str:
    lines = [p.format() for p in sorted(report.problems, key=lambda p: (p.path, p.line, p.column))]
    for change in report.changes:
        lines.append(change.format())
    lines.append(summary_line(report))
    return "\n".join(lines)


def summary_line(report: CheckReport) -> str:
    verdict = "ok" if report.ok else "FAILED"
    return (f"{verdict}: checked {plural(report.checked, 'assistant')} ({report.source}): "
            f"{plural(len(report.errors), 'error')}, {plural(len(report.warnings), 'warning')}")
