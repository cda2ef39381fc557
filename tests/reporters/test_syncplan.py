"""Sync and pull changes as text: every change in full, prompts as line diffs."""
from __future__ import annotations

from roster.diff import FieldChange
from roster.reporters.syncplan import change_lines, redact_json


def test_a_prompt_line_starting_with_two_dashes_is_kept_in_the_line_diff() -> None:
    # Was dropped: the diff's file headers were removed by their "---"/"+++" prefix, and so
    # was a removed line "-- note" ("--- note") or an added "++ x" ("+++ x").
    change = FieldChange("context.system_prompt", "changed", "-- note\nsame\n", "++ x\nsame\n")
    lines = change_lines([change], "")
    assert lines[0] == "~ context.system_prompt:"
    assert "    --- note" in lines and "    +++ x" in lines and "     same" in lines


def test_changes_print_whole_values_and_redact_secrets() -> None:
    lines = change_lines([FieldChange("metadata.owner", "added", None, "docs"),
                          FieldChange("config.tags", "removed", ["a"], None),
                          FieldChange("name", "changed", "a", "b")], "  ")
    assert lines == ['  + metadata.owner: "docs"', '  - config.tags: ["a"]', '  ~ name: "a" -> "b"']
    key = "sk-" + "a1B2" * 10
    data = redact_json({"items": [{"changes": [{"path": "context.api_key", "op": "added", "old": None,
                                                "new": key}]}]})
    assert key not in str(data)
    assert data["items"][0]["changes"][0]["path"] == "context.api_key"
