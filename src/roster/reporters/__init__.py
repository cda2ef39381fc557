"""Reporters render results (data) as text, JSON, GitHub annotations or Markdown."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `roster show` renders through this package without loading the checker
    from roster.check import CheckReport


def _text(report: CheckReport) -> str:
    from roster.reporters.text import render_check
    return render_check(report)


def _json(report: CheckReport) -> str:
    from roster.reporters.jsonout import dumps
    return dumps(report.as_json())


def _github(report: CheckReport) -> str:
    from roster.reporters.github import render_check
    return render_check(report)


def _markdown(report: CheckReport) -> str:
    from roster.reporters.markdown import render_check
    return render_check(report)


CHECK_REPORTERS: dict[str, Callable[[CheckReport], str]] = {
    "text": _text,
    "json": _json,
    "github": _github,
    "markdown": _markdown,
}
