"""The fast path of a load (the C composer's node graph) gives exactly what the builder gives."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster.yamldoc import MAX_DEPTH, MAX_INT_DIGITS, MAX_NODES, YamlError
from roster.yamlfast import compose
from roster.yamlload import build, load_text

ASSISTANT = """\
graph_id: writer
name: "Writer 1"
description: 'Writes; owned by team-2'
config:
  tags: [writer, team-2]
  recursion_limit: 50
  configurable:
    model: gpt-4o
    temperature: 0.25
    max_tokens: 1024
    seed: -7
    mode: 0x1F
    flags: {a: true, b: False, c: ~, d: null, e: yes, f: 2024-01-01, g: 012, h: 1e3, i: .5}
    system_prompt: |
      You are a writer. Be brief!
      Keep "quotes" and 'single' ones; é ü 字 ✓.
    folded: >-
      one
      two
context:
  tenant_id: "t-1"
  empty:
  list:
    - one
    - - nested
      - 2
    - {k: v}
metadata:
  "quoted key": 1
  ? explicit key
  : value
"""


def outcome(load, text: str):
    """What a load gives, comparable: data with its types and marks, or the error in full."""
    try:
        doc = load(text)
    except YamlError as e:
        return ("error", e.message, e.line, e.column, e.pointer)
    return ("ok", repr(doc.data), sorted(doc.value_marks.items(), key=repr),
            sorted(doc.key_marks.items(), key=repr))


def same_as_builder(text: str) -> None:
    assert outcome(load_text, text) == outcome(build, text)


def test_a_typical_assistant_takes_the_fast_path_and_matches_the_builder():
    assert compose(ASSISTANT) is not None
    same_as_builder(ASSISTANT)
    doc = load_text(ASSISTANT)
    flags = doc.data["config"]["configurable"]["flags"]
    assert flags == {"a": True, "b": False, "c": None, "d": None, "e": "yes", "f": "2024-01-01", "g": 12,
                     "h": 1000.0, "i": 0.5}
    assert doc.locate(("config", "configurable", "folded")) == (17, 5)
    assert doc.locate_value(("context", "list", 1, 1)) == (26, 9)


@pytest.mark.parametrize("text", [
    "a: ! 12\n",  # '!' makes a plain scalar a string: composes like '12', so the builder decides
    "é: ü字\nb: ! 12\n",  # marks count characters, not bytes
    "a: ! 'x'\n",
    "a: !!str 12\nb: !!int '7'\n",
    "a: !!binary aGk=\n",
    "a: !custom x\n",
    "!!map {a: 1}\n",
    "a: &x [1]\nb: *x\n",
    "a: 1\na: 2\n",
    "<<: {a: 1}\n",
    "1: one\n",
    "~: nothing\n",
    "[a, b]: 1\n",
    "a: 1\n---\nb: 2\n",
    "- a\n- b\n",
    "just text\n",
    "",
    "a: .inf\n",
    "a: " + "9" * (MAX_INT_DIGITS + 1) + "\n",
    "a: [1, 2\n",
    "a: 'x\n",
    "a: \x07\n",
])
def test_what_the_fast_path_cannot_vouch_for_goes_to_the_builder(text: str):
    assert compose(text) is None
    same_as_builder(text)


@pytest.mark.parametrize("text", ['"<<": 1\n', "a: '<<'\n", "a: [x, {b: [c]}]\n", "a: b!\nc: '! x'\n",
                                  "0!:", "a: !\n", "a: [!, 1]\n"])
def test_fast_path_cases_match_the_builder(text: str):
    assert compose(text) is not None
    same_as_builder(text)


@pytest.mark.parametrize("depth, fast", [(MAX_DEPTH, True), (MAX_DEPTH + 1, False)])
def test_nesting_at_and_past_the_bound(depth: int, fast: bool):
    text = "a: " + "[" * (depth - 1) + "]" * (depth - 1) + "\n"
    assert (compose(text) is not None) is fast
    same_as_builder(text)
    if not fast:
        with pytest.raises(YamlError):
            load_text(text)


def test_too_many_nodes_goes_to_the_builder_which_refuses():
    text = "a: [" + ",".join(["1"] * MAX_NODES) + "]\n"
    assert compose(text) is None
    with pytest.raises(YamlError, match="nodes"):
        load_text(text)


def test_marks_are_computed_once_and_only_when_asked():
    doc = load_text("a: 1\nb:\n  c: x\n")
    assert doc._value_marks is None  # nothing asked yet: nothing computed
    assert doc.locate(("b", "c")) == (3, 3)
    assert doc.value_marks[("b", "c")] == (3, 6)
    assert doc.key_marks is doc.key_marks


_alphabet = st.sampled_from(list("ab01-:!&*[]{},'\"#|>?~. \n\t\\xé<"))


@settings(max_examples=400, deadline=None)
@given(st.text(_alphabet, max_size=80))
def test_any_text_loads_the_same_on_both_paths(text: str) -> None:
    same_as_builder(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["k", "key", "<<", "1", "true", "~", "a b"]),
                          st.sampled_from(["1", "-2", "0o7", "0x", "1.5e3", "yes", "! 3", "'q'", "[1, x]",
                                           "{a: 1}", "|\n    lit", "null", "", ".NaN", "2024-01-01"])),
                max_size=6))
def test_mappings_of_tricky_scalars_load_the_same_on_both_paths(pairs: list[tuple[str, str]]) -> None:
    same_as_builder("".join(f"{k}: {v}\n" for k, v in pairs))


def _paths_to_try(value_marks: dict) -> list[tuple]:
    """Every path the marks know, and near misses: a wrong key, an index too far, a str for an int."""
    out = []
    for path in value_marks:
        out += [path, path + ("nope",), path + (0,), path + (1,), path + (-1,), path + (True,), path + ("0",)]
    return out


@pytest.mark.parametrize("text", [ASSISTANT, "a: [x, [y, {z: 1}], {'0': q}]\n'1': [[]]\n", "k: {}\n"])
def test_one_path_is_located_as_the_full_marks_locate_it(text: str):
    full = build(text)
    for path in _paths_to_try(full.value_marks):
        fast = load_text(text)  # a fresh document: located by walking to this one path
        assert fast.locate(path) == full.locate(path), path
        assert fast.locate_value(path) == full.locate_value(path), path
        assert fast._value_marks is None  # located without building every mark


def test_many_lookups_build_the_marks_once_and_agree():
    text = "".join(f"k{i}: {i}\n" for i in range(100))
    fast, full = load_text(text), build(text)
    for i in range(100):
        assert fast.locate((f"k{i}",)) == full.locate((f"k{i}",)) == (i + 1, 1)
    assert fast._value_marks == full.value_marks  # past a few single walks, built whole (no quadratic scan)


@settings(max_examples=200, deadline=None)
@given(st.text(_alphabet, max_size=60))
def test_located_paths_agree_on_both_paths(text: str) -> None:
    try:
        full = build(text)
    except YamlError:
        return
    fast = load_text(text)
    for path in _paths_to_try(full.value_marks):
        assert fast.locate(path) == full.locate(path)
        assert fast.locate_value(path) == full.locate_value(path)
