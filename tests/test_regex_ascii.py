"""Schema patterns (RE2): ASCII text is searched as bytes, with the same answers as text."""
from __future__ import annotations

import pytest

from roster.regex import compile_pattern


@pytest.mark.parametrize("pattern, text, found", [
    ("^[a-z_]+:[A-Za-z0-9._-]+$", "openai:gpt-4o", True),
    ("^[a-z_]+:[A-Za-z0-9._-]+$", "openai gpt", False),
    ("^.{3}$", "abc", True),
    ("^.{3}$", "äbc", True),  # three characters, four bytes: searched as text
    ("^.{4}$", "äbc", False),
    ("^[a-z]{2}-[A-Z]{2}$", "en-GB", True),
    ("\\d", "", False),
    ("^$", "", True),
])
def test_search_answers_as_on_text(pattern: str, text: str, found: bool):
    assert (compile_pattern(pattern).search(text) is not None) is found
