"""Field-level diff between two versions (SPEC sections 5 and 6)."""
from __future__ import annotations

import pytest

from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo
from roster import Roster, UnknownRef
from roster.diff import FieldChange, diff_values
from roster.reporters.assistants import render_changes_text, render_diff


def test_diff_values_added_removed_changed_nested() -> None:
    old = {"name": "A", "config": {"configurable": {"model": "x", "gone": 1}, "tags": ["a"]}}
    new = {"name": "B", "config": {"configurable": {"model": "x", "new": True}, "tags": ["a", "b"]}}
    changes = diff_values(old, new)
    assert [c.as_json() for c in changes] == [
        {"path": "name", "op": "changed", "old": "A", "new": "B"},
        {"path": "config.configurable.gone", "op": "removed", "old": 1, "new": None},
        {"path": "config.configurable.new", "op": "added", "old": None, "new": True},
        {"path": "config.tags", "op": "changed", "old": ["a"], "new": ["a", "b"]},
    ]


def test_diff_values_equal_is_empty() -> None:
    value = {"a": {"b": [1, 2, {"c": "d"}]}, "e": None}
    assert diff_values(value, {"a": {"b": [1, 2, {"c": "d"}]}, "e": None}) == []


def test_diff_values_type_changes_count() -> None:
    # 1 == 1.0 and 1 == True in Python, but they are different values in a config
    assert [c.path for c in diff_values({"t": 1}, {"t": 1.0})] == ["t"]
    assert [c.path for c in diff_values({"t": 1}, {"t": True})] == ["t"]
    assert [c.op for c in diff_values({"t": None}, {"t": "x"})] == ["changed"]
    assert [c.op for c in diff_values({"t": {"a": 1}}, {"t": "flat"})] == ["changed"]


def test_multiline_change_is_a_line_diff() -> None:
    change = FieldChange("config.configurable.system_prompt", "changed", "one\ntwo\nthree\n", "one\nTWO\nthree\nfour\n")
    assert change.is_multiline()
    lines = change.line_diff()
    assert "-two" in lines and "+TWO" in lines and "+four" in lines
    assert " one" in lines
    assert not any(line.startswith(("---", "+++")) for line in lines)
    single = FieldChange("name", "changed", "a", "b")
    assert not single.is_multiline()
    text = render_changes_text([change, single])
    assert text[0] == "~ config.configurable.system_prompt:"
    assert "    -two" in text and "    +TWO" in text
    assert '~ name: "a" -> "b"' in text


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    g = GitRepo(tmp_path_factory.mktemp("diff") / "repo")
    g.write_schema()
    g.write_assistant("a", prompt="Line one.\nLine two.\nLine three.", temperature=0.5)
    g.commit("v1")
    g.write_assistant("a", text=assistant_yaml(prompt="Line one.\nLine 2.\nLine three.\nLine four.", temperature=0.7,
                                               name="Writer A", extra="metadata:\n  owner: marketing\n"))
    g.commit("v2")
    g.tag("v2.0")
    g.write_assistant("b", text=assistant_yaml(prompt="Bee."))
    g.commit("add b")
    return g


def test_roster_diff_between_versions(repo: GitRepo) -> None:
    result = Roster(repo.path).diff("a@1", "a@2")
    assert result.old.version == 1 and result.new.version == 2
    by_path = {c.path: c for c in result.changes}
    assert set(by_path) == {"name", "config.configurable.temperature", "config.configurable.system_prompt",
                            "metadata.owner"}
    assert (by_path["name"].old, by_path["name"].new) == ("a", "Writer A")
    assert by_path["metadata.owner"].op == "added" and by_path["metadata.owner"].new == "marketing"
    assert by_path["config.configurable.temperature"].old == 0.5
    assert by_path["config.configurable.system_prompt"].is_multiline()


def test_roster_diff_json_shape(repo: GitRepo) -> None:
    data = Roster(repo.path).diff("a@1", "a@v2.0").as_json()
    assert set(data) == {"from", "to", "changes"}
    assert data["from"]["version"] == 1 and data["to"]["version"] == 2
    assert data["to"]["commit"] == repo.rev("v2.0")
    for change in data["changes"]:
        assert set(change) == {"path", "op", "old", "new"}
        assert change["op"] in ("added", "removed", "changed")


def test_roster_diff_same_version_by_two_refs_is_empty(repo: GitRepo) -> None:
    result = Roster(repo.path).diff("a@v2.0", "a@main")
    assert result.changes == []
    assert "no differences" in render_diff(result, "text")


def test_roster_diff_between_two_assistants(repo: GitRepo) -> None:
    result = Roster(repo.path).diff("a", "b")
    paths = {c.path for c in result.changes}
    assert "assistant_id" in paths
    assert "config.configurable.system_prompt" in paths


def test_roster_diff_text_rendering(repo: GitRepo) -> None:
    text = render_diff(Roster(repo.path).diff("a@1", "a@2"), "text")
    lines = text.splitlines()
    assert lines[0].startswith("--- a v1 (") and lines[1].startswith("+++ a v2 (")
    assert "~ config.configurable.system_prompt:" in lines
    assert "    -Line two." in lines and "    +Line 2." in lines and "    +Line four." in lines
    assert "~ config.configurable.temperature: 0.5 -> 0.7" in lines
    assert '+ metadata.owner: "marketing"' in lines


def test_roster_diff_unknown_version(repo: GitRepo) -> None:
    with pytest.raises(UnknownRef, match="no version 9"):
        Roster(repo.path).diff("a@1", "a@9")


def test_a_change_of_server_id_is_a_difference(tmp_path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a", prompt="Same.")
    g.commit("v1")
    pinned = "6f1c0c8e-0d8a-4c5e-9d3a-1b2c3d4e5f60"
    g.write_assistant("a", text=assistant_yaml(prompt="Same.", extra=f"server_id: {pinned}\n"))
    g.commit("v2: pin the server id")
    result = Roster(g.path).diff("a@1", "a@2")
    assert [(c.path, c.op, c.old, c.new) for c in result.changes] == [("server_id", "changed", None, pinned)]
    assert result.as_json()["changes"] == [{"path": "server_id", "op": "changed", "old": None, "new": pinned}]


def test_diff_compares_every_field_a_published_version_holds(repo: GitRepo) -> None:
    from roster.content import FIELDS
    from roster.model import ASSISTANT_FIELDS, file_content

    a = Roster(repo.path).get("a")
    assert tuple(a.content()) == ASSISTANT_FIELDS == FIELDS == tuple(file_content(b"graph_id: writer\n"))


# --- the one engine: same_value, key order, and every caller's changes ----------------------


def test_same_value_is_json_equality_at_every_depth() -> None:
    from roster.diff import same_value
    from roster.frozen import freeze

    assert same_value({"a": [1, {"b": "c"}]}, {"a": [1, {"b": "c"}]})
    assert not same_value([1], [1.0]) and not same_value([1], [True]) and not same_value({"a": [0]}, {"a": [False]})
    assert not same_value({"a": 1}, {"a": 1, "b": None}) and not same_value(None, {})
    # A resolved assistant's read-only containers equal the plain ones they hold.
    assert same_value(freeze({"t": [1, {"x": 2}]}), {"t": [1, {"x": 2}]})


def test_a_number_changing_type_inside_a_list_is_a_change() -> None:
    # Was missed: lists were compared with ==, which takes 1 and 1.0 (and True) as equal.
    assert [(c.path, c.old, c.new) for c in diff_values({"nums": [1, 2]}, {"nums": [1, 2.0]})] == [
        ("nums", [1, 2], [1, 2.0])]


def test_frozen_and_plain_containers_are_no_change() -> None:
    from roster.frozen import freeze

    assert diff_values({"c": freeze({"tags": ["a"], "n": {"m": 1}})}, {"c": {"tags": ["a"], "n": {"m": 1}}}) == []


def test_key_order_document_or_sorted_and_a_path_prefix() -> None:
    old, new = {"b": 1, "a": {"z": 1}}, {"c": 3, "a": {"z": 2}}
    assert [c.path for c in diff_values(old, new)] == ["b", "a.z", "c"]
    assert [c.path for c in diff_values(old, new, sort_keys=True)] == ["a.z", "b", "c"]
    assert [c.path for c in diff_values(old, new, ("config", "configurable"))][0] == "config.configurable.b"
    assert diff_values("x", "y", ("name",)) == [FieldChange("name", "changed", "x", "y")]


def test_sync_and_the_site_list_their_changes_with_this_engine() -> None:
    from roster.langgraph.content import labelled_changes
    from roster.langgraph.sync import plan_sync
    from roster.publish.shown import pruned, shown

    server = {"graph_id": "w", "name": "x", "description": "", "config": {}, "context": {"k": 1, "a": [1]},
              "metadata": {"roster_id": "x"}}
    git = dict(server, context={"k": 2, "a": [1.0]})
    changes = labelled_changes(server, git, "config.configurable")
    assert changes == [FieldChange("config.configurable.a", "changed", [1], [1.0]),
                       FieldChange("config.configurable.k", "changed", 1, 2)]
    assistant = type("A", (), {"assistant_id": "x", "graph_id": "w", "name": "x", "description": None,
                               "config": {}, "context": {"k": 1}, "metadata": {}, "server_id": None,
                               "version": 1, "commit": "c"})()
    created = plan_sync([assistant], []).items[0]
    assert created.action == "create" and all(isinstance(c, FieldChange) for c in created.changes)
    assert [c.path for c in created.changes] == sorted(c.path for c in created.changes)
    a = {"assistant_id": "x", "content": {"graph_id": "w", "config": {"t": [1]}}}
    b = {"assistant_id": "x", "content": {"graph_id": "w", "config": {"t": [2]}, "server_id": "s"}}
    assert diff_values(*pruned(shown(a), shown(b))) == [FieldChange("config.t", "changed", [1], [2]),
                                                        FieldChange("server_id", "added", None, "s")]
