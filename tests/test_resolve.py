"""Resolving at a commit: validation against the schema of that commit, numbering, caching."""
from __future__ import annotations

import copy
import json
import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.content import WRITER_SCHEMA, assistant_yaml
from helpers.gitcmd import GitRepo
from helpers.stories import Story, one_version
from roster import InvalidAssistant, Roster, UnknownAssistant
from roster.git import Repo
from roster.model import Assistant
from roster.resolve import Resolver
from roster.source import Layout


def schema_v1() -> dict:
    return copy.deepcopy(WRITER_SCHEMA)


def schema_v2() -> dict:
    schema = copy.deepcopy(WRITER_SCHEMA)
    schema["config_schema"]["properties"]["temperature"]["maximum"] = 1
    schema["config_schema"]["properties"]["tone"] = {"type": "string", "enum": ["friendly", "formal"]}
    return schema


@pytest.fixture(scope="module")
def schema_change(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """``old``: schema v1 (temperature <= 2, no tone). ``main``: schema v2 (temperature <= 1, tone allowed).

    ``hot`` sets temperature 1.5 (valid then, invalid now); ``toned`` sets a tone
    (invalid then, valid now). Neither file changes between the two commits.
    """
    g = GitRepo(tmp_path_factory.mktemp("schema") / "repo")
    g.write_schema("writer", schema_v1())
    g.write_assistant("hot", temperature=1.5)
    g.write_assistant("toned", text=assistant_yaml() .replace("    model:", "    tone: friendly\n    model:"))
    old = g.commit("assistants and schema v1")
    g.tag("old", old, annotated=True)
    g.write_schema("writer", schema_v2())
    new = g.commit("schema v2: temperature at most 1, tone allowed")
    return {"g": g, "old": old, "new": new}


def test_valid_at_the_old_ref_against_the_old_schema(schema_change: dict[str, object]) -> None:
    r = Roster(schema_change["g"].path)
    a = r.get("hot@old")
    assert a.config["configurable"]["temperature"] == 1.5
    assert a.version == 1 and a.commit == schema_change["old"]
    with pytest.raises(InvalidAssistant) as info:
        r.get("hot")  # the same file against today's schema
    problem = info.value.problems[0]
    assert problem.pointer == "config.configurable.temperature"
    assert problem.path == "assistants/hot.yaml"
    assert (problem.line, problem.column) == (7, 18)  # the value on the temperature line
    assert info.value.assistant_id == "hot"


def test_invalid_at_the_old_ref_though_valid_today(schema_change: dict[str, object]) -> None:
    r = Roster(schema_change["g"].path)
    assert r.get("toned").config["configurable"]["tone"] == "friendly"
    with pytest.raises(InvalidAssistant) as info:
        r.get("toned@old")
    assert any("tone" in p.pointer or "tone" in p.message for p in info.value.problems)
    assert "toned" in str(info.value)


def test_check_at_a_ref_uses_the_schema_of_that_ref(schema_change: dict[str, object]) -> None:
    r = Roster(schema_change["g"].path)
    old = r.check(ref="old")
    assert {p.assistant_id for p in old.errors} == {"toned"}
    new = r.check(ref="main")
    assert {p.assistant_id for p in new.errors} == {"hot"}
    assert old.checked == new.checked == 2


def test_history_still_lists_versions_that_do_not_validate_today(schema_change: dict[str, object]) -> None:
    r = Roster(schema_change["g"].path)
    (only,) = r.history("hot")
    assert only.version == 1
    assert only.config["configurable"]["temperature"] == 1.5


def test_list_at_a_ref_where_one_assistant_is_invalid_reports_it(schema_change: dict[str, object]) -> None:
    r = Roster(schema_change["g"].path)
    with pytest.raises(InvalidAssistant) as info:
        r.list(ref="old")  # toned is invalid there: list reports it rather than hiding it
    assert info.value.assistant_id == "toned"


# --- numbering at a commit ------------------------------------------------------------------

@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    return Story(tmp_path_factory.mktemp("resolve") / "repo")


def test_commit_without_a_change_has_the_last_version(story: Story) -> None:
    r = Roster(story.path)
    a = r.get(f"blog-writer@{story.tweet}")  # tweet-writer's commit: blog-writer unchanged there
    assert a.version == 1
    assert a.commit == story.init
    assert a.updated_at == story.g.commit_time(story.init)
    assert a.created_at == story.g.commit_time(story.init)
    b = r.get(f"blog-writer@{story.docs}")
    assert (b.version, b.commit) == (3, story.squash)


def test_commit_on_a_branch_is_numbered_along_that_branch(story: Story) -> None:
    r = Roster(story.path)
    a = r.get("blog-writer@pr-1")
    assert (a.version, a.commit) == (3, story.pr1_b)
    assert r.get(f"blog-writer@{story.pr1_a}").version == 2
    b = r.get("blog-writer@pr-2")
    assert (b.version, b.commit) == (5, story.pr2_c)


def test_resolver_commit_for_and_version_entry(story: Story) -> None:
    resolver = Resolver(Repo(str(story.path)), Layout())
    assert resolver.version_entry("blog-writer", 2).commit == story.merge1
    assert resolver.commit_for("blog-writer", "v1.0.0") == story.merge1
    assert resolver.commit_for("blog-writer", None) == story.head
    entry = resolver.version_entry("team/author", 1)
    assert (entry.commit, entry.assistant_id) == (story.init, "team/writer")


def test_version_of_a_renamed_assistant_reads_the_old_file(story: Story) -> None:
    r = Roster(story.path)
    first = r.get("team/author@1")
    assert first.commit == story.init
    assert first.config["configurable"]["system_prompt"] == "You write internal notes for the team.\nBe brief.\n"
    assert r.get("team/author@3").config["configurable"]["system_prompt"].endswith("Sign with the team name.\n")


def test_unknown_assistant_at_a_commit_before_it_existed(story: Story) -> None:
    with pytest.raises(UnknownAssistant, match="tweet-writer"):
        Roster(story.path).get(f"tweet-writer@{story.init}")


# --- caching ---------------------------------------------------------------------------------

def test_resolver_caches_by_commit(story: Story) -> None:
    resolver = Resolver(Repo(str(story.path)), Layout())
    first = resolver.get("blog-writer", story.squash)
    assert resolver.get("blog-writer", story.squash) is first
    assert resolver.graphs_at(story.squash) is resolver.graphs_at(story.squash)


def test_roster_get_again_is_the_same_object(story: Story) -> None:
    # A cache hit hands back the very object (bench/ measures how fast that is).
    r = Roster(story.path, refresh_interval=60)
    first = r.get("blog-writer@v1.0.0")
    assert all(r.get("blog-writer@v1.0.0") is first for _ in range(3))


def test_assistants_are_immutable(story: Story) -> None:
    a = Roster(story.path).get("blog-writer")
    with pytest.raises((TypeError, ValueError, AttributeError)):
        a.graph_id = "other"
    config = a.runnable_config()
    config["configurable"]["temperature"] = 99
    assert a.config["configurable"]["temperature"] == 0.8


def _mutations(a: Assistant) -> list[Callable[[], object]]:
    return [
        lambda: a.config["tags"].append("x"),
        lambda: a.config["tags"].extend(["x"]),
        lambda: a.config["tags"].__setitem__(0, "x"),
        lambda: a.config["tags"].sort(),
        lambda: a.config["configurable"].__setitem__("temperature", 99),
        lambda: a.config["configurable"].update(model="other"),
        lambda: a.config["configurable"].pop("model"),
        lambda: a.config.setdefault("run_name", "x"),
        lambda: a.config.__delitem__("tags"),
        lambda: a.context.__setitem__("k", "v"),
        lambda: a.metadata.__setitem__("owner", "someone else"),
        lambda: a.metadata.clear(),
    ]


def test_no_caller_can_change_what_a_later_get_returns(story: Story) -> None:
    r = Roster(story.path)
    a = r.get("blog-writer@v1.0.0")
    before = json.dumps(a.as_json(), sort_keys=True)
    for mutate in _mutations(a):
        with pytest.raises(TypeError, match="read-only"):
            mutate()
    again = r.get("blog-writer@v1.0.0")
    assert json.dumps(again.as_json(), sort_keys=True) == before
    assert again.config["tags"] == ["blog"] and isinstance(again.config["tags"], list)
    assert again.context == {} and isinstance(again.context, dict)


def test_listed_and_indexed_assistants_are_deeply_immutable(story: Story, tmp_path: Path) -> None:
    from roster.publish import publish

    r = Roster(story.path)
    publish(r, str(tmp_path / "site"))
    for source in (r, Roster.from_index(str(tmp_path / "site"))):
        a = next(x for x in source.list() if x.assistant_id == "blog-writer")
        for mutate in _mutations(a):
            with pytest.raises(TypeError):
                mutate()
        assert source.get("blog-writer").config == a.config
    for v in r.history("blog-writer"):
        with pytest.raises(TypeError):
            v.config["tags"].append("x")


def test_copies_handed_out_are_plain_and_mutable(story: Story) -> None:
    a = Roster(story.path).get("blog-writer")
    config = a.runnable_config()
    config["tags"].append("run")
    config["configurable"]["temperature"] = 1.5
    config["context"]["k"] = "v"
    kwargs = a.invoke_kwargs()
    kwargs["config"]["configurable"]["x"] = 1
    kwargs["context"]["y"] = 2
    for container in (config, config["tags"], config["configurable"], kwargs["config"], kwargs["context"]):
        assert type(container) in (dict, list)
    fresh = copy.deepcopy(a.config)
    fresh["tags"].append("mine")
    assert type(fresh) is dict and type(fresh["tags"]) is list
    assert a.config["tags"] == ["blog"] and "x" not in a.config["configurable"] and a.context == {}
    assert pickle.loads(pickle.dumps(a)) == a


def test_a_new_commit_is_seen_without_a_new_roster(tmp_path: Path) -> None:
    g, _ = one_version(tmp_path / "repo")
    r = Roster(g.path, refresh_interval=0)
    assert r.get("a").version == 1
    assert [x.assistant_id for x in r.list()] == ["a"]
    g.write_assistant("a", prompt="two")
    g.write_assistant("b", prompt="bee")
    two = g.commit("two")
    a = r.get("a")
    assert (a.version, a.commit) == (2, two)
    assert a.config["configurable"]["system_prompt"] == "two\n"
    assert [x.assistant_id for x in r.list()] == ["a", "b"]
    assert [v.version for v in r.history("a")] == [2, 1]
    g.checkout("-q", "-b", "other", "HEAD~1")  # HEAD moves to another branch
    assert r.get("a").version == 1


def test_a_moved_tag_is_seen_without_a_new_roster(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    commits = []
    for i in (1, 2, 3):
        g.write_assistant("a", prompt=f"p{i}")
        commits.append(g.commit(f"c{i}"))
    g.tag("a@prod", commits[0])
    g.tag("release", commits[0])
    r = Roster(g.path, refresh_interval=0)
    assert r.get("a@prod").version == 1
    assert r.get("a@release").version == 1
    g.tag("a@prod", commits[2], force=True)
    assert r.get("a@prod").version == 3
    g.tag("release", commits[1], force=True, annotated=True)
    assert r.get("a@release").version == 2
    g.git("gc", "-q")  # the tags are now packed
    g.tag("a@prod", commits[1], force=True)
    assert r.get("a@prod").version == 2


def test_with_a_long_interval_refresh_is_explicit(tmp_path: Path) -> None:
    g, _ = one_version(tmp_path / "repo")
    r = Roster(g.path, refresh_interval=3600)
    assert r.get("a").version == 1
    g.write_assistant("a", prompt="two")
    g.commit("two")
    assert r.get("a").version == 1  # cached for the interval
    r.refresh()
    assert r.get("a").version == 2


def test_a_short_interval_picks_up_changes_after_it(tmp_path: Path) -> None:
    g, _ = one_version(tmp_path / "repo")
    r = Roster(g.path, refresh_interval=0.2)
    assert r.get("a").version == 1
    g.write_assistant("a", prompt="two")
    g.commit("two")
    time.sleep(0.3)
    assert r.get("a").version == 2


# --- refresh() whatever the uptime and the interval (issue 9) ----------------------------------

LONGER_THAN_ANY_UPTIME = 1e12  # seconds: ~31,700 years; time.monotonic() counts from boot


def test_refresh_works_whatever_the_interval_and_uptime(tmp_path: Path) -> None:
    g, _ = one_version(tmp_path / "repo")
    r = Roster(g.path, refresh_interval=LONGER_THAN_ANY_UPTIME)
    assert r.get("a").version == 1
    g.write_assistant("a", prompt="two")
    two = g.commit("two")
    assert r.get("a").version == 1  # unrefreshed: the interval bounds staleness
    r.refresh()
    assert (r.get("a").version, r.get("a").commit) == (2, two)
    assert [v.version for v in r.history("a")] == [2, 1]
    g.write_assistant("a", prompt="three")
    g.commit("three")
    r.refresh()
    assert r.get("a").version == 3


def test_a_first_get_sees_the_refs_whatever_the_interval(tmp_path: Path) -> None:
    g, first = one_version(tmp_path / "repo")
    g.tag("a@prod", first)
    r = Roster(g.path, refresh_interval=LONGER_THAN_ANY_UPTIME)
    assert r.get("a@prod").version == 1
    g.write_assistant("a", prompt="two")
    g.tag("a@prod", g.commit("two"), force=True)
    r.refresh()
    assert r.get("a@prod").version == 2


def test_refresh_compares_ref_targets_not_file_stamps(tmp_path: Path) -> None:
    # A tag moved within one mtime tick of its folder: the stamps repeat, the target does not.
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    commits = []
    for i in (1, 2):
        g.write_assistant("a", prompt=f"p{i}")
        commits.append(g.commit(f"c{i}"))
    g.tag("a@prod", commits[0])
    tags = g.path / ".git" / "refs" / "tags"
    r = Roster(g.path, refresh_interval=0)  # look at the refs on every call
    assert r.get("a@prod").version == 1
    folder, tag_file = tags.stat(), (tags / "a@prod").stat()
    g.tag("a@prod", commits[1], force=True)
    os.utime(tags / "a@prod", ns=(tag_file.st_atime_ns, tag_file.st_mtime_ns))
    os.utime(tags, ns=(folder.st_atime_ns, folder.st_mtime_ns))
    assert r.get("a@prod").version == 2
