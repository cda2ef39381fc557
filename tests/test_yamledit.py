"""The round-trip YAML editor: an edit changes the lines it must and no other."""
from __future__ import annotations

import difflib

import pytest

from roster.yamledit import (
    EditError,
    YamlEditor,
    dump_new,
    edit_text,
    merge_lines,
    verify,
)
from roster.yamlload import load_text

FILE = """\
# The blog writer.
---
graph_id: writer
name: "Blog writer"     # shown in Studio
description: 'Long-form posts'
config:
  tags:
    - blog
    - long
  recursion_limit: 7
context:
  greeting: Hi
  answer: yes           # a string in YAML 1.2
  since: 2024-01-01
  nothing: ~
  # reviewed by legal
  system_prompt: |
    You write long-form blog posts.
    Be concise.
    Cite your sources.
metadata: {owner: marketing, team: content}
"""


def changed_lines(old: str, new: str) -> list[str]:
    return [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def edit(text: str, sets=(), deletes=()) -> str:
    data = load_text(text).data
    for path in deletes:
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    for path, value in sets:
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return edit_text(text, list(sets), list(deletes), expect=data, where="x.yaml")


def test_one_value_changes_one_line():
    out = edit(FILE, [(("context", "greeting"), "Hello")])
    assert changed_lines(FILE, out) == ["-  greeting: Hi", "+  greeting: Hello"]


def test_a_prompt_line_changes_in_its_block():
    prompt = "You write long-form blog posts.\nBe brief and warm.\nCite your sources.\n"
    out = edit(FILE, [(("context", "system_prompt"), prompt)])
    assert changed_lines(FILE, out) == ["-    Be concise.", "+    Be brief and warm."]


def test_a_plain_string_that_becomes_multiline_is_a_block():
    out = edit(FILE, [(("context", "greeting"), "Hi\nthere\n")])
    assert changed_lines(FILE, out) == ["-  greeting: Hi", "+  greeting: |", "+    Hi", "+    there"]


def test_a_block_stays_a_block_when_one_line_is_left():
    out = edit(FILE, [(("context", "system_prompt"), "Only this.")])
    assert "  system_prompt: |-\n    Only this.\n" in out


def test_added_deleted_and_flow_keys():
    out = edit(FILE, [(("context", "max_words"), 300), (("metadata", "owner"), "sales"),
                      (("config", "tags"), ["blog"])], [("context", "since")])
    assert sorted(changed_lines(FILE, out)) == sorted([
        "-    - long", "-  since: 2024-01-01", "+  max_words: 300",
        "-metadata: {owner: marketing, team: content}", "+metadata: {owner: sales, team: content}"])
    assert "# reviewed by legal" in out and out.startswith("# The blog writer.\n---\n")


def test_a_flow_list_stays_a_flow_list():
    text = "graph_id: w\nconfig:\n  tags: [a, b]   # labels\n"
    assert edit(text, [(("config", "tags"), ["a", "c"])]) == "graph_id: w\nconfig:\n  tags: [a, c]   # labels\n"


def test_new_sections_are_created():
    text = "graph_id: writer\n"
    out = edit(text, [(("description", ), "New"), (("config", "configurable", "style"), "loud")])
    assert out == "graph_id: writer\ndescription: New\nconfig:\n  configurable:\n    style: loud\n"


@pytest.mark.parametrize("text", [
    "graph_id: w\r\ncontext:\r\n  a: 1\r\n  b: 2\r\n",
    "graph_id: w\ncontext:\n  a: 1\n  b: 2",
    "graph_id: w\ncontext:\n    a: 1\n    b: 2\nconfig:\n    tags:\n    - x\n",
    "graph_id: w\nconfig:\n  tags:\n    - x\ncontext:\n  a: 1\n  b: 2\n",
])
def test_layouts_survive(text: str):
    out = edit(text, [(("context", "b"), 3)])
    assert len(changed_lines(text, out)) == 2, out
    assert ("\r\n" in out) == ("\r\n" in text)


def test_untouched_file_round_trips_exactly():
    assert YamlEditor(FILE).text() == FILE


def test_verify_refuses_a_text_that_means_something_else():
    with pytest.raises(EditError, match="would not say"):
        verify("a: 1\n", {"a": 2}, "x.yaml")
    with pytest.raises(EditError, match="would not load"):
        verify("a: [\n", {"a": 2}, "x.yaml")


def test_not_a_mapping_is_refused():
    with pytest.raises(EditError, match="not a mapping"):
        YamlEditor("- a\n- b\n", where="x.yaml")
    with pytest.raises(EditError, match="x.yaml: cannot edit"):
        YamlEditor("a: [\n", where="x.yaml")


def test_merge_keeps_noise_and_takes_edits():
    original = "# c\n---\na: ~\nb: 1\n"
    unedited = "a:\nb: 1\n"
    edited = "a:\nb: 2\n"
    assert merge_lines(original, unedited, edited) == "# c\n---\na: ~\nb: 2\n"


def test_dump_new_uses_blocks_for_prompts():
    text = dump_new({"graph_id": "w", "context": {"p": "one\ntwo\n", "n": 1}}, header="# h\n")
    assert text == "# h\ngraph_id: w\ncontext:\n  p: |\n    one\n    two\n  n: 1\n"
    assert load_text(text).data == {"graph_id": "w", "context": {"p": "one\ntwo\n", "n": 1}}


SECTIONED = "graph_id: w\ncontext:\n  a: 1  # one\n  p: |\n    l1\n\n# section comment\nmetadata:\n  o: x\n"


def test_a_new_last_entry_goes_above_the_next_sections_comment():
    out = edit(SECTIONED, [(("context", "b"), 2)])
    assert out == SECTIONED.replace("    l1\n", "    l1\n  b: 2\n")
    out = edit(SECTIONED, [(("context", "d"), {"x": "l2\nl3\n"})])
    assert out == SECTIONED.replace("    l1\n", "    l1\n  d:\n    x: |\n      l2\n      l3\n")


def test_comments_after_a_deleted_entry_stay():
    out = edit(SECTIONED, [], [("context", "p")])
    assert out == SECTIONED.replace("  p: |\n    l1\n", "")
    text = "graph_id: w\ncontext:\n  a: 1\n\n# section comment\nmetadata:\n  o: x\n"
    out = edit(text, [(("context", "b"), 2)], [("context", "a")])
    assert out == text.replace("  a: 1\n", "  b: 2\n")


LEAVES = [("graph_id",), ("name",), ("description",), ("config", "recursion_limit"), ("context", "greeting"),
          ("context", "answer"), ("context", "since"), ("context", "nothing"), ("metadata", "owner")]


@pytest.mark.parametrize("path", LEAVES, ids=[".".join(p) for p in LEAVES])
def test_any_one_scalar_changes_exactly_its_line(path):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    values = st.one_of(st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False, allow_infinity=False),
                       st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30))

    @settings(max_examples=25, deadline=None)
    @given(values)
    def check(value):
        if value == load_text(FILE).data[path[0]] if len(path) == 1 else False:
            return
        out = edit(FILE, [(path, value)])  # edit() checks the result loads as exactly the data asked for
        changed = changed_lines(FILE, out)
        if changed:
            assert len([c for c in changed if c.startswith("-")]) == 1, changed
    check()
