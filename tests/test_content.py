"""roster.content: the one list of an assistant's fields, its builders and JSON shapes."""
from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo
from roster import Roster, content
from roster.content import (
    CONFIG_FIELDS,
    FIELDS,
    assistant_fields,
    assistant_json,
    diffable,
    from_mapping,
    from_valid,
    named,
    server_fields,
    version_json,
    with_id,
)

PINNED = "6f1c0c8e-0d8a-4c5e-9d3a-1b2c3d4e5f60"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    g = GitRepo(tmp_path_factory.mktemp("content") / "repo")
    g.write_schema()
    g.write_assistant("a", text=assistant_yaml(prompt="One.\nTwo.", temperature=0.5, name="Writer A",
                                               extra=f"description: Writes.\nserver_id: {PINNED}\n"
                                                     "metadata:\n  owner: docs\n"))
    g.commit("v1")
    g.write_assistant("a", text="graph_id: writer\nname: [not, text]\nconfig: 3\nmetadata:\n  owner: docs\n")
    g.commit("v2: not valid")
    return g


def test_the_one_list_is_the_files_fields_and_the_models() -> None:
    from roster.model import ASSISTANT_FIELDS, Assistant, AssistantFile

    assert FIELDS == ASSISTANT_FIELDS == tuple(AssistantFile.model_fields)
    assert set(FIELDS) <= set(Assistant.model_fields)
    assert server_fields() == tuple(f for f in FIELDS if f != "server_id")


def test_a_valid_files_content_drops_unset_config_keys_and_fills_mappings() -> None:
    from roster.model import AssistantFile

    parsed = AssistantFile.model_validate({"graph_id": "w", "config": {"tags": ["x"]}, "server_id": PINNED.upper()})
    assert parsed.content() == {"graph_id": "w", "name": None, "description": None, "config": {"tags": ["x"]},
                                "context": {}, "metadata": {}, "server_id": PINNED}


@pytest.mark.parametrize("data", [
    {"graph_id": "g"},
    {"graph_id": "g", "config": {"run_name": "r", "configurable": {"x": None}, "tags": None, "recursion_limit": 3}},
    {"graph_id": "g", "name": "N", "context": {"a": [1]}, "metadata": None, "server_id": PINNED.replace("-", "")},
])
def test_from_valid_is_the_models_content_without_pydantic(data: dict) -> None:
    from roster.model import AssistantFile

    expected = AssistantFile.model_validate(data).content()
    assert named(from_valid(data), "x") == named(expected, "x")
    assert list(from_valid(data)["config"]) == list(expected["config"])


def test_file_content_of_a_valid_file_is_the_models() -> None:
    from roster.model import AssistantFile, file_content

    raw = b"graph_id: w\nname: N\ncontext:\n  k: 1\n"
    assert file_content(raw) == AssistantFile.model_validate({"graph_id": "w", "name": "N",
                                                              "context": {"k": 1}}).content()


def test_file_content_of_an_invalid_file_keeps_what_it_can() -> None:
    from roster.model import file_content

    raw = b"graph_id: w\nname: [not, text]\nconfig: 3\nmetadata:\n  owner: x\nunknown: 1\n"
    assert file_content(raw) == {"graph_id": "w", "name": None, "description": None, "config": {}, "context": {},
                                 "metadata": {"owner": "x"}, "server_id": None}
    blank = {"graph_id": "", "name": None, "description": None, "config": {}, "context": {}, "metadata": {},
             "server_id": None}
    assert file_content(b"graph_id: [\n") == from_mapping({}) == blank


def test_named_and_assistant_fields_fill_what_a_published_version_lacks() -> None:
    assert named({"graph_id": "w", "name": None, "config": {"tags": []}}, "team/x") == {
        "graph_id": "w", "name": "team/x", "description": None, "config": {"tags": []}, "context": {},
        "metadata": {}, "server_id": None}
    fields = assistant_fields({}, "x")
    assert list(fields) == ["assistant_id", *FIELDS]
    assert fields["assistant_id"] == "x" and fields["graph_id"] == "" and fields["name"] == "x"


def test_a_published_version_and_history_give_the_same_assistant(repo: GitRepo) -> None:
    """The three builders agree: git history, the resolver, and a published version's content."""
    from roster.model import Version, file_content

    roster = Roster(repo.path)
    versions = {v.version: v for v in roster.history("a")}
    resolved = roster.get("a@1")
    assert resolved.content() == versions[1].content()
    for number, v in versions.items():
        raw = repo.git("show", f"{v.commit}:assistants/a.yaml").encode() + b"\n"
        again = Version(**assistant_fields(named(file_content(raw), "a"), "a"), version=number, commit=v.commit,
                        created_at=v.created_at, updated_at=v.updated_at, message=v.message, author=v.author,
                        tags=v.tags)
        assert again.as_json() == v.as_json()
    assert versions[2].name == "a" and versions[2].metadata == {"owner": "docs"} and versions[2].config == {}


def test_diffable_is_the_id_then_every_field(repo: GitRepo) -> None:
    a = Roster(repo.path).get("a@1")
    assert list(diffable(a)) == ["assistant_id", *FIELDS]
    assert diffable(a)["server_id"] == PINNED
    unset = {"graph_id": "w", "server_id": None}
    assert "server_id" in with_id("x", unset) and "server_id" not in with_id("x", unset, hide_unset=True)
    assert with_id("x", {"server_id": PINNED}, hide_unset=True)["server_id"] == PINNED


def test_json_shapes_are_the_models_and_the_published_ones(repo: GitRepo) -> None:
    roster = Roster(repo.path)
    a = roster.get("a@1")
    shape = a.as_json()
    assert list(shape) == ["assistant_id", *server_fields(), "version", "created_at", "updated_at", "commit"]
    assert shape == assistant_json("a", a.content(), version=a.version, created_at=a.created_at,
                                   updated_at=a.updated_at, commit=a.commit)
    v = roster.history("a")[-1]
    assert list(v.as_json()) == [*shape, "message", "author", "tags"]
    assert v.as_json() == version_json("a", v.content(), version=v.version, created_at=v.created_at,
                                       updated_at=v.updated_at, commit=v.commit, message=v.message,
                                       author={"name": v.author.name, "email": v.author.email}, tags=v.tags)


def test_published_version_files_are_history_json(repo: GitRepo, tmp_path: Any) -> None:
    from roster.publish import publish

    roster = Roster(repo.path)
    site = tmp_path / "site"
    publish(roster, str(site), title="t")
    for v in roster.history("a"):
        published = json.loads((site / "assistants" / "a" / f"v{v.version}.json").read_text(encoding="utf-8"))
        assert published == json.loads(json.dumps(v.as_json()))


# --- a field added to the list shows up everywhere ----------------------------------------


def test_a_field_added_to_the_list_shows_up_in_index_site_sync_and_diff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every consumer reads the one list: add a field, and each of them carries it."""
    from roster.diff import diff_values
    from roster.langgraph.content import desired_content, labelled_changes, payload_for, server_content
    from roster.publish.index import version_json as published_version_json
    from roster.publish.shown import pruned, shown

    monkeypatch.setattr(content, "FIELDS", (*FIELDS, "tools"))

    # A file (the model does not know the field: not valid there) and a published version.
    parsed = from_mapping({"graph_id": "w", "tools": "web"})
    assert parsed["tools"] == "web"
    old = named(parsed, "x")
    new = named({**parsed, "tools": "search"}, "x")
    assert old["tools"] == "web" and assistant_fields(parsed, "x")["tools"] == "web"

    # diff (roster diff, a promotion)
    view = SimpleNamespace(assistant_id="x", content=lambda: old)
    assert diffable(view)["tools"] == "web"
    assert [(c.path, c.old, c.new) for c in diff_values(with_id("x", old), with_id("x", new))] == [
        ("tools", "web", "search")]

    # the site's timeline
    before, after = {"assistant_id": "x", "content": old}, {"assistant_id": "x", "content": new}
    assert shown(after)["tools"] == "search"
    assert [c.path for c in diff_values(*pruned(shown(before), shown(after)))] == ["tools"]

    # the JSON of a version (history, a published version file)
    assert assistant_json("x", new, version=1, created_at=None, updated_at=None, commit=None)["tools"] == "search"
    commit = {"date": "2024-01-01T00:00:00Z", "author": {"name": "n", "email": "e"}, "message": "m"}
    index = SimpleNamespace(data={"commits": {"c1": commit}}, tags_at={})  # what version_json reads of one
    entry = {"assistant_id": "x", "content": new, "version": 1, "commit": "c1"}
    assert published_version_json(index, entry, entry)["tools"] == "search"

    # sync: compared with the server's, sent to it
    assistant = SimpleNamespace(assistant_id="x", version=1, commit="c1", **new)
    ours = desired_content(assistant)
    theirs = server_content({**ours, "tools": "web"}, ["roster_id"])
    assert ours["tools"] == "search" and theirs["tools"] == "web"
    assert [(c.path, c.old, c.new) for c in labelled_changes(theirs, ours, "context")] == [
        ("tools", "web", "search")]
    assert payload_for(assistant, None)["tools"] == "search"


# --- plain_content: the model's content without pydantic, only when surely valid ----------------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False), st.text(max_size=3))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.one_of(st.text(max_size=2), st.integers(0, 2)), inner, max_size=3)),
    max_leaves=8)
_config = st.dictionaries(st.sampled_from([*CONFIG_FIELDS, "other"]), st.one_of(
    _values, st.lists(st.text(max_size=2), max_size=2), st.integers(-1, 30)), max_size=4)
_text_or_any = st.one_of(st.none(), st.text(max_size=3), _values)
_mapping = st.one_of(st.none(), st.dictionaries(st.text(max_size=2), _values, max_size=3), _values)
# Mostly files that are valid or nearly so: each field right, or wrong in one of many ways.
_files = st.fixed_dictionaries({"graph_id": st.one_of(st.text(min_size=1, max_size=3), _values)}, optional={
    "name": _text_or_any, "description": _text_or_any, "context": _mapping, "metadata": _mapping,
    "config": st.one_of(st.none(), _config, _values), "extra": _values,
    "server_id": st.one_of(st.none(), st.sampled_from(["6F1C0C8E-0D8A-4C5E-9D3A-1B2C3D4E5F60", "nope"]), _values)})


@settings(max_examples=400, deadline=None)
@given(_files)
def test_plain_content_is_the_models_content_whenever_it_answers(data: dict[str, Any]) -> None:
    from roster.content import plain_content
    from roster.model import content_of

    plain = plain_content(data)
    if plain is not None:
        # Same values and the same key order (index.json and the version files are written from it).
        assert json.dumps(plain) == json.dumps(content_of(data))


def test_plain_content_answers_for_valid_files() -> None:
    from roster.content import plain_content
    from roster.model import content_of

    valid = [
        {"graph_id": "writer"},
        {"graph_id": "w", "name": "N", "description": None, "context": {"k": None}, "metadata": {"owner": "x"},
         "server_id": "6F1C0C8E-0D8A-4C5E-9D3A-1B2C3D4E5F60",
         "config": {"max_concurrency": 2, "tags": ["a"], "recursion_limit": 25, "configurable": {"m": [1, None]},
                    "run_name": "r", "metadata": {}}},
    ]
    for data in valid:
        assert plain_content(data) == content_of(data)
    # What the model refuses, or may: the model decides (None here).
    for bad in [{"graph_id": ""}, {"graph_id": "w", "config": {"recursion_limit": True}},
                {"graph_id": "w", "config": {"recursion_limit": 0}}, {"graph_id": "w", "server_id": "nope"},
                {"graph_id": "w", "context": {1: "x"}}, {"graph_id": "w", "extra": 1}, ["graph_id"],
                {"graph_id": "w", "config": {"tags": ["a", 1]}}]:
        assert plain_content(bad) is None
