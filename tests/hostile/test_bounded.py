"""Work that must stay linear on hostile values: secret patterns, and what they must still find."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from roster.secrets import find_secrets

# The pattern as a regex: what the linear matcher must agree with.
_JWT_REGEX = re.compile(r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}")
_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


def test_a_long_run_of_jwt_prefixes_is_scanned_in_linear_time():
    # Quadratic as a regex: minutes on 1 MiB. A wall-clock limit is the subprocess corpus's job;
    # here the value must simply be scanned (and found clean) at all.
    assert list(find_secrets({"description": "eyJ-" * 25_000})) == []
    assert list(find_secrets({"description": ("eyJ" * 3 + ".") * 90_000})) == []


def test_a_real_jwt_is_still_found():
    assert [what for _, what in find_secrets({"prompt": f"token: {_TOKEN} end"})] == ["JSON web token"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="eyJ.-_abcXYZ09 é", max_size=60), st.integers(0, len(_TOKEN)),
       st.text(alphabet="eyJ.-_abcXYZ09 é", max_size=20))
def test_the_linear_jwt_matcher_agrees_with_the_regex(before: str, cut: int, after: str) -> None:
    from roster.secrets import _JWT

    for text in (before + after, before + _TOKEN[:cut] + after):
        assert _JWT.search(text) == bool(_JWT_REGEX.search(text)), text
