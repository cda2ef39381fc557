"""``CHECK_REPORTERS`` (reporters/__init__.py): one check, every format, on a real ``check --base``.

Whatever the format, no secret is repeated and a hostile key cannot inject a workflow command.
"""
from __future__ import annotations

import json

import pytest

from reporters.conftest import INJECTION, KEY, Made
from roster.hygiene import clean_text
from roster.reporters import CHECK_REPORTERS


@pytest.mark.parametrize("fmt", sorted(CHECK_REPORTERS))
def test_no_format_repeats_the_secret(made: Made, fmt: str) -> None:
    assert any(f.path == "metadata" for c in made.report.changes for f in c.fields)  # the secret is in a change
    out = CHECK_REPORTERS[fmt](made.report)
    assert KEY not in out and "sk-ant" not in out


@pytest.mark.parametrize("fmt", sorted(CHECK_REPORTERS))
def test_no_format_lets_a_key_start_a_workflow_command(made: Made, fmt: str) -> None:
    # as the command prints it: through clean_text (the github format escapes its own fields)
    out = clean_text(CHECK_REPORTERS[fmt](made.report), workflow_commands=fmt == "github")
    commands = [line for line in out.splitlines() if line.startswith("::")]
    if fmt == "github":
        assert [line.split(" ", 1)[0] for line in commands] == ["::error", "::error"]
    else:
        assert commands == []
    assert "::error file=x" not in "\n".join(line[:14] for line in out.splitlines())


def test_json_is_the_report_with_changes_redacted(made: Made) -> None:
    data = json.loads(CHECK_REPORTERS["json"](made.report))
    assert data["ok"] is False and data["checked"] == 4 and data["warnings"] == []
    assert [(e["assistant_id"], e["line"], e["column"], e["pointer"]) for e in data["errors"]] == [
        ("leaky", 10, 10, "metadata.token"), ("new", 9, 1, INJECTION)]
    changes = {c["assistant_id"]: c for c in data["changes"]}
    assert [(c["assistant_id"], c["status"], c["old_id"]) for c in data["changes"]] == [
        ("keep", "modified", None), ("leaky", "added", None), ("moved", "renamed", "move"), ("new", "added", None),
        ("gone", "deleted", None)]
    assert {"path": "metadata", "op": "added", "old": None, "new": {"token": "[redacted]"}} in \
        changes["leaky"]["changes"]
    assert made.report.changes[1].fields[2].new == {"token": KEY}  # the library's data stays as it is


def test_json_of_a_passing_check_has_no_changes_key(made: Made) -> None:
    report = made.roster.check(ref="HEAD~1")
    assert json.loads(CHECK_REPORTERS["json"](report)) == {"ok": True, "checked": 3, "errors": [], "warnings": []}
