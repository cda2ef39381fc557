"""Reporters render results (data) as text, JSON, GitHub annotations or Markdown."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from roster.reporters.changes import safe_fields
from roster.reporters.jsonout import dumps

if TYPE_CHECKING:  # `roster show` renders through this package without loading the checker
    from roster.check import CheckReport

# Each check format loads when used: its module imports roster.check, the checker, which `roster
# show`, `list` and `history` never load (tests/test_known.py).


def _text(report: CheckReport) -> str:
    from roster.reporters.text import render_check  # lazy: loads the checker
    return render_check(report)


def _json(report: CheckReport) -> str:
    if report.changes:
        report = report._replace(changes=[c._replace(fields=safe_fields(c.fields)) for c in report.changes])
    return dumps(report.as_json())


def _github(report: CheckReport) -> str:
    from roster.reporters.github import render_check  # lazy: loads the checker
    return render_check(report)


def _markdown(report: CheckReport) -> str:
    from roster.reporters.markdown import render_check  # lazy: loads the checker
    return render_check(report)


def _sarif(report: CheckReport) -> str:
    from roster.reporters.sarif import render_check  # lazy: loads the checker
    return render_check(report)


CHECK_REPORTERS: dict[str, Callable[[CheckReport], str]] = {
    "text": _text,
    "json": _json,
    "github": _github,
    "markdown": _markdown,
    "sarif": _sarif,
}
