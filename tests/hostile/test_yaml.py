"""Assistant files built to exhaust the loader or what follows it; properties of the loader."""
from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster.yamlload import MAX_INT_DIGITS, YamlError, load_text


def test_a_big_scalar_aliased_many_times_is_refused_at_load():
    # ~700 KB of text, aliased 99,000 times: under the node cap, ~69 GB expanded.
    big = "x" * 700_000
    text = f"graph_id: writer\nmetadata:\n  a: &a {big}\n  b: [" + ", ".join(["*a"] * 99_000) + "]\n"
    with pytest.raises(YamlError) as info:
        load_text(text)
    assert "expands to more than" in str(info.value)


def test_a_document_without_aliases_near_the_size_limit_loads():
    text = "graph_id: writer\ndescription: " + "y" * 1_000_000 + "\n"
    assert len(load_text(text).data["description"]) == 1_000_000


@pytest.mark.parametrize("literal", ["1" * (MAX_INT_DIGITS + 1), "0x" + "f" * 4000, "0o" + "7" * 5000,
                                     "-" + "9" * (MAX_INT_DIGITS + 5)])
def test_integers_json_cannot_carry_are_refused_at_load(literal: str):
    with pytest.raises(YamlError) as info:
        load_text(f"graph_id: writer\nmetadata:\n  n: {literal}\n")
    assert "digits" in str(info.value) and info.value.line == 3


def test_the_largest_integer_allowed_round_trips_through_json():
    n = load_text(f"graph_id: w\nmetadata:\n  n: {'9' * MAX_INT_DIGITS}\n").data["metadata"]["n"]
    assert json.loads(json.dumps(n)) == n


# --- properties -----------------------------------------------------------------------------

# JSON escapes every non-ASCII character; PyYAML rejects the surrogate-pair escapes that
# characters beyond U+FFFF need, so the property holds in the Basic Multilingual Plane.
_bmp = st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",))
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                     st.text(_bmp, max_size=30))
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(_bmp, max_size=8), inner, max_size=4)),
    max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(_bmp, min_size=1, max_size=10), _values, min_size=1, max_size=5))
def test_json_text_loads_as_the_same_data(data: dict) -> None:
    """JSON is YAML 1.2: whatever JSON writes, the loader reads back unchanged."""
    assert load_text(json.dumps(data)).data == data


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_loads_or_fails_with_a_located_error(text: str) -> None:
    try:
        doc = load_text(text)
    except YamlError as e:
        assert e.line >= 1 and e.column >= 1
        return
    assert isinstance(doc.data, dict)


# --- what a caller passes -------------------------------------------------------------------


def test_a_spec_that_is_not_a_string_is_a_usage_error(tmp_path):
    from helpers.gitcmd import GitRepo
    from roster import Roster
    from roster.errors import UsageError

    repo = GitRepo(tmp_path / "repo")
    repo.write_schema()
    repo.write_assistant("writer")
    repo.commit("v1")
    r = Roster(str(repo.path))
    wrong: list[Any] = [["x"], {"x": 1}, None, 3]
    for bad in wrong:
        with pytest.raises(UsageError):
            r.get(bad)
    with pytest.raises(UsageError):
        r.get("writer", ref=wrong[0])


def test_a_version_number_too_long_for_int_is_a_lookup_error(tmp_path):
    from helpers.gitcmd import GitRepo
    from roster import Roster
    from roster.errors import LookupFailed

    repo = GitRepo(tmp_path / "repo")
    repo.write_schema()
    repo.write_assistant("writer")
    repo.commit("v1")
    with pytest.raises(LookupFailed):
        Roster(str(repo.path)).get("writer@" + "9" * 5000)
