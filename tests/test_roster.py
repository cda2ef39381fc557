"""The ``Roster`` library facade (SPEC section 5) on repositories built with real git."""
from __future__ import annotations

import marshal
import os
import threading
from pathlib import Path

import pytest

from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo, run_git, short
from helpers.stories import Story, three_versions, two_versions
from roster import (
    GitError,
    HistoryCut,
    LookupFailed,
    NotARepository,
    Roster,
    RosterError,
    UnknownAssistant,
    UnknownRef,
    UsageError,
)
from roster.model import Assistant


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    return Story(tmp_path_factory.mktemp("roster") / "repo")


# --- get -----------------------------------------------------------------------------------

def test_get_fields(story: Story) -> None:
    a = Roster(story.path).get("blog-writer")
    assert isinstance(a, Assistant)
    assert a.assistant_id == "blog-writer"
    assert a.graph_id == "writer"
    assert a.name == "Blog writer"
    assert a.version == 4
    assert a.commit == story.blog4 and len(a.commit) == 40
    assert a.created_at == story.g.commit_time(story.init)
    assert a.updated_at == story.g.commit_time(story.blog4)
    assert a.config["tags"] == ["blog"]
    assert a.config["recursion_limit"] == 25
    assert a.config["configurable"]["model"] == "anthropic:claude-sonnet-4-5"
    assert a.context == {} and a.metadata == {}


def test_get_with_ref_argument_equals_spec(story: Story) -> None:
    r = Roster(story.path)
    assert r.get("blog-writer", ref="v1.0.0") == r.get("blog-writer@v1.0.0")
    assert r.get("blog-writer", ref="v1.0.0").version == 2


def test_get_yml_file_in_a_subfolder(story: Story) -> None:
    a = Roster(story.path).get("team/author")
    assert a.path == "assistants/team/author.yml"
    assert a.name == "Team writer" and a.version == 3
    assert Roster(story.path).get("team/writer@v1.0.0").path == "assistants/team/writer.yml"


def test_runnable_config(story: Story) -> None:
    a = Roster(story.path).get("tweet-writer@1")
    config = a.runnable_config()
    assert config["configurable"] == {"model": "openai:gpt-4.1-mini",
                                      "system_prompt": "One post of at most 280 characters.\nAt most two hashtags.\n"}
    assert config["tags"] == ["blog"] and config["recursion_limit"] == 25
    assert config["context"] == config["configurable"]  # one mapping in both places, as on a server
    assert config["metadata"] == {"assistant_id": "tweet-writer", "roster_version": 1, "roster_commit": story.tweet}
    config["configurable"]["model"] = "changed"
    assert a.config["configurable"]["model"] == "openai:gpt-4.1-mini"  # a copy, not the cached object


def test_runnable_config_with_context_and_config_metadata(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a", text=assistant_yaml(extra="context:\n  max_words: 300\n").replace(
        "config:\n", "config:\n  metadata:\n    team: blog\n"))
    c = g.commit("a")
    config = Roster(g.path).get("a").runnable_config()
    # Both set (sync refuses it: a server keeps one mapping): locally both are merged, context winning.
    assert config["context"]["max_words"] == 300 and config["context"] == config["configurable"]
    assert config["metadata"] == {"team": "blog", "assistant_id": "a", "roster_version": 1, "roster_commit": c}
    assert config["configurable"]["model"] == "anthropic:claude-sonnet-4-5"


def test_runnable_config_without_config_still_has_configurable(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("bare", text="graph_id: writer\n")
    g.commit("bare")
    a = Roster(g.path).get("bare")
    assert a.name == "bare"  # the name defaults to the id
    config = a.runnable_config()
    assert config["configurable"] == {} and config["context"] == {}


def test_discovers_the_repository_from_a_subfolder(story: Story) -> None:
    assert Roster(story.path / "assistants" / "team").get("team/author").version == 3


# --- list ------------------------------------------------------------------------------------

def test_list_at_head(story: Story) -> None:
    found = Roster(story.path).list()
    assert [(a.assistant_id, a.version) for a in found] == [("blog-writer", 4), ("team/author", 3),
                                                            ("tweet-writer", 2)]


def test_list_at_tags(story: Story) -> None:
    r = Roster(story.path)
    assert [(a.assistant_id, a.version) for a in r.list(ref="v1.0.0")] == [
        ("blog-writer", 2), ("team/writer", 1), ("tweet-writer", 1)]
    assert [a.commit for a in r.list(ref="v1.1.0")] == [story.squash, story.init, story.tweet]
    assert [a.assistant_id for a in r.list(ref=story.delete)] == ["blog-writer", "team/author"]


def test_list_filters(story: Story) -> None:
    r = Roster(story.path)
    assert [a.assistant_id for a in r.list(metadata={"owner": "social"})] == ["tweet-writer"]
    assert [a.assistant_id for a in r.list(graph_id="writer")] == ["blog-writer", "team/author", "tweet-writer"]
    assert r.list(graph_id="support") == []
    assert r.list(metadata={"owner": "nobody"}) == []


def test_list_at_unknown_ref(story: Story) -> None:
    with pytest.raises(UnknownRef, match="nope"):
        Roster(story.path).list(ref="nope")


# --- repositories of every shape ---------------------------------------------------------

def test_bare_clone(story: Story, tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    run_git(tmp_path, "clone", "-q", "--bare", str(story.path), str(bare))
    r = Roster(bare)
    a = r.get("blog-writer")
    assert (a.version, a.commit) == (4, story.blog4)
    assert r.get("blog-writer@v1.0.0").version == 2
    assert r.get("team/author@1").assistant_id == "team/writer"  # version 1 had the old id
    assert [x.assistant_id for x in r.list()] == ["blog-writer", "team/author", "tweet-writer"]
    assert [v.version for v in r.history("tweet-writer")] == [2, 1]
    assert r.check(ref="main").ok


def test_everything_resolves_after_gc(story: Story, tmp_path: Path) -> None:
    clone = tmp_path / "packed"
    run_git(tmp_path, "clone", "-q", "--no-local", str(story.path), str(clone))
    run_git(clone, "tag", "blog-writer@prod", story.squash)
    run_git(clone, "tag", "-a", "-m", "annotated", "blog-writer@staging", story.merge1)
    run_git(clone, "gc", "-q", "--prune=now")
    assert not any((clone / ".git" / "refs" / "tags").iterdir())  # tags are packed
    packed = (clone / ".git" / "packed-refs").read_text()
    assert "refs/tags/blog-writer@prod" in packed
    r = Roster(clone)
    assert r.get("blog-writer@prod").version == 3
    assert r.get("blog-writer@staging").version == 2
    assert r.get("blog-writer@v1.0.0").version == 2
    assert r.get("blog-writer@v1.1.0").version == 3
    assert r.get(f"blog-writer@{short(story.merge1)}").version == 2
    assert r.get("blog-writer@origin/pr-1").version == 3
    assert r.get("blog-writer@pr-2").version == 5  # only origin/pr-2 exists in the clone
    assert [v.version for v in r.history("blog-writer")] == [4, 3, 2, 1]


def test_shallow_clone_get_returns_content_without_a_version(story: Story, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{story.path}", str(clone))
    r = Roster(clone)
    a = r.get("team/author")
    assert a.version is None and a.created_at is None
    assert a.config["configurable"]["system_prompt"].endswith("Sign with the team name.\n")
    assert {x.assistant_id for x in r.list()} == {"blog-writer", "team/author", "tweet-writer"}
    with pytest.raises(HistoryCut):
        r.history("team/author")
    assert isinstance(HistoryCut("x"), LookupFailed)


def test_empty_repository(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "empty")
    r = Roster(g.path)
    for call in (lambda: r.get("a"), lambda: r.list(), lambda: r.history("a"), lambda: r.get("a@main")):
        with pytest.raises(UnknownRef, match="no commits yet"):
            call()


def test_repository_with_files_but_no_commit_yet(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "fresh")
    g.write_schema()
    g.write_assistant("a")
    g.git("add", "-A")  # staged, never committed
    r = Roster(g.path)
    with pytest.raises(UnknownRef, match="no commits yet"):
        r.get("a")
    with pytest.raises(UnknownRef, match="no commits yet"):
        r.history("a")
    assert r.check().ok  # the working tree can still be checked
    assert r.check().checked == 1


def test_repository_without_assistants(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "other")
    g.write("README.md", "nothing here\n")
    g.commit("readme")
    r = Roster(g.path)
    assert r.list() == []
    with pytest.raises(UnknownAssistant):
        r.get("a")
    with pytest.raises(UnknownAssistant):
        r.history("a")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(NotARepository):
        Roster(tmp_path / "missing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(NotARepository):
        Roster(tmp_path / "plain")


def test_corrupt_blob_is_a_clear_error(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a", prompt="one")
    g.commit("one")
    blob = g.git("rev-parse", "HEAD:assistants/a.yaml")
    loose = g.path / ".git" / "objects" / blob[:2] / blob[2:]
    os.chmod(loose, 0o644)
    loose.write_bytes(b"this is not a zlib stream")
    with pytest.raises(GitError) as info:
        Roster(g.path).get("a")
    assert blob in str(info.value) and "corrupt" in str(info.value)


@pytest.mark.parametrize("what", ["HEAD:assistants", "HEAD^{tree}", "HEAD~1"])
def test_corrupt_tree_or_commit_is_an_error_not_an_empty_folder(tmp_path: Path, what: str) -> None:
    g, _, _ = two_versions(tmp_path / "repo")
    oid = g.git("rev-parse", what)
    loose = g.path / ".git" / "objects" / oid[:2] / oid[2:]
    os.chmod(loose, 0o644)
    loose.write_bytes(b"garbage")
    r = Roster(g.path)
    for call in (lambda: r.history("a"), lambda: r.list(), lambda: r.get("a@1")):
        with pytest.raises(GitError, match="corrupt"):
            call()
    # nothing wrong was remembered in the index: once the object is back, all is well
    for index in (g.path / ".git" / "roster").glob("deltas-*"):
        rows = marshal.loads(index.read_bytes())[2]
        assert all(change[0] != "D" for _commit, _parent, changes in rows for change in changes)


def test_bad_ids_are_usage_errors(story: Story) -> None:
    r = Roster(story.path)
    for bad in ("../etc/passwd", "/etc/passwd", "team/../../x", "./a", ".git/config", ""):
        with pytest.raises(UsageError):
            r.get(bad)
        with pytest.raises(UsageError):
            r.history(bad)
    with pytest.raises(UsageError):
        r.get("blog-writer@--upload-pack=touch /tmp/x")
    with pytest.raises(UsageError):
        r.list(ref="--output=/tmp/x")


def test_every_error_is_a_roster_error(story: Story) -> None:
    r = Roster(story.path)
    for call in (lambda: r.get("nobody"), lambda: r.get("blog-writer@nope"), lambda: r.history("nobody"),
                 lambda: r.get("../x"), lambda: r.get("blog-writer@99")):
        with pytest.raises(RosterError):
            call()


# --- promote -------------------------------------------------------------------------------

@pytest.fixture()
def three(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    return three_versions(tmp_path / "repo", ("a", "team/w"), prompts=("p{i}", "w{i}"), message="c{i}", release=None)


def test_promote_creates_then_moves_the_tag(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    r = Roster(g.path, refresh_interval=0)
    first = r.promote("a", "2", to="prod")
    assert (first.tag, first.before, first.after) == ("a@prod", None, commits[1])
    assert (first.before_version, first.after_version) == (None, 2)
    assert g.rev("refs/tags/a@prod") == commits[1]
    assert r.get("a@prod").version == 2
    second = r.promote("a", "3", to="prod")
    assert (second.before, second.after, second.before_version, second.after_version) == (
        commits[1], commits[2], 2, 3)
    assert g.rev("a@prod") == commits[2]
    assert r.get("a@prod").config["configurable"]["system_prompt"] == "p3\n"
    assert second.as_json() == {"tag": "a@prod", "before": {"commit": commits[1], "version": 2},
                                "after": {"commit": commits[2], "version": 3}}


def test_rollback_is_promoting_an_older_version(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    r = Roster(g.path, refresh_interval=0)
    r.promote("a", "3", to="prod")
    back = r.promote("a", "1", to="prod")
    assert (back.before_version, back.after_version) == (3, 1)
    assert r.get("a@prod").version == 1
    # the reflog of git itself shows the tag is a plain tag on the commit
    assert g.git("cat-file", "-t", "a@prod") == "commit"


def test_promote_by_ref_and_subfolder_id(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    g.tag("v1", commits[0], annotated=True)
    r = Roster(g.path, refresh_interval=0)
    p = r.promote("team/w", "v1", to="staging")
    assert p.tag == "team/w@staging" and p.after == commits[0]
    assert g.rev("refs/tags/team/w@staging") == commits[0]
    assert r.get("team/w@staging").version == 1
    with pytest.raises(UnknownRef, match="staging"):
        r.get("a@staging")  # another assistant's tag does not apply to a


def test_promote_refuses_bad_input(three: tuple[GitRepo, list[str]]) -> None:
    g, _ = three
    r = Roster(g.path)
    with pytest.raises(UsageError):
        r.promote("a", "1", to="7")  # a number would read as a version
    with pytest.raises(UsageError):
        r.promote("a", "1", to="x/y")
    with pytest.raises(UsageError):
        r.promote("a", "1", to="--force")
    with pytest.raises(UsageError):
        r.promote("../a", "1", to="prod")
    with pytest.raises(UnknownRef):
        r.promote("a", "9", to="prod")
    with pytest.raises(UnknownAssistant):
        r.promote("nobody", "1", to="prod")
    assert g.git("tag", "-l") == ""  # nothing was created by any of these


def test_promote_refuses_an_invalid_assistant(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a", temperature=5)  # above the schema's maximum
    g.commit("bad")
    from roster import InvalidAssistant

    with pytest.raises(InvalidAssistant):
        Roster(g.path).promote("a", "1", to="prod")
    assert g.git("tag", "-l") == ""


def test_a_concurrent_move_is_refused_and_kept(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    r = Roster(g.path, refresh_interval=0)
    r.promote("a", "1", to="prod")
    repo = r.project.repo
    assert repo is not None
    stale = repo.ref_value("refs/tags/a@prod")  # what we read before moving
    assert stale == commits[0]
    g.tag("a@prod", commits[1], force=True)  # someone else moves it in between
    with pytest.raises(RosterError, match="moved by someone else"):
        repo.move_ref("refs/tags/a@prod", commits[2], stale, "roster promote a 3 --to prod")
    assert g.rev("a@prod") == commits[1]  # the other move is still in place
    # and with the right expected value the move goes through
    repo.move_ref("refs/tags/a@prod", commits[2], commits[1], "roster promote a 3 --to prod")
    assert g.rev("a@prod") == commits[2]


def test_creating_a_tag_that_appeared_meanwhile_is_refused(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    repo = Roster(g.path).project.repo
    assert repo is not None
    g.tag("a@prod", commits[0])  # created by someone else after we saw no tag
    with pytest.raises(RosterError, match="moved by someone else"):
        repo.move_ref("refs/tags/a@prod", commits[2], None, "roster promote")
    assert g.rev("a@prod") == commits[0]


def test_promote_moves_an_annotated_tag(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    g.tag("a@prod", commits[0], annotated=True)
    r = Roster(g.path, refresh_interval=0)
    p = r.promote("a", "2", to="prod")
    assert (p.before, p.before_version, p.after_version) == (commits[0], 1, 2)
    assert g.rev("a@prod") == commits[1]


# --- threads ----------------------------------------------------------------------------------

def test_one_roster_shared_by_eight_threads(story: Story) -> None:
    specs = ["blog-writer", "blog-writer@1", "blog-writer@2", "blog-writer@3", "blog-writer@v1.0.0",
             "blog-writer@v1.1.0", "blog-writer@pr-1", "blog-writer@pr-2", "team/author", "team/author@1",
             "team/writer@v1.0.0", "tweet-writer", "tweet-writer@1", f"blog-writer@{short(story.tweet, 9)}",
             "blog-writer@HEAD~3", "team/author@main"]
    expected = {spec: Roster(story.path).get(spec).as_json() for spec in specs}
    expected_history = [v.as_json() for v in Roster(story.path).history("team/author")]
    shared = Roster(story.path, refresh_interval=0)
    errors: list[BaseException] = []
    results: dict[int, list[tuple[str, dict]]] = {}
    start = threading.Barrier(8)

    def work(n: int) -> None:
        try:
            start.wait()
            mine = []
            for round_ in range(6):
                for i, spec in enumerate(specs):
                    if (i + n + round_) % 2 == 0:
                        mine.append((spec, shared.get(spec).as_json()))
                if n % 4 == 0:
                    mine.append(("history", [v.as_json() for v in shared.history("team/author")]))
            results[n] = mine
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(results) == list(range(8))
    for mine in results.values():
        for spec, got in mine:
            assert got == (expected_history if spec == "history" else expected[spec])


def test_two_files_for_one_id_is_an_error_not_a_silent_pick(tmp_path: Path) -> None:
    from roster import InvalidAssistant

    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a", prompt="from yaml")
    g.commit("a.yaml")
    g.write_assistant("a", suffix=".yml", prompt="from yml")
    g.commit("a.yml too")
    r = Roster(g.path)
    with pytest.raises(InvalidAssistant) as info:
        r.get("a")
    assert "two files map to the id 'a'" in str(info.value)
    assert r.get("a@1").config["configurable"]["system_prompt"] == "from yaml\n"
    assert not r.check(ref="HEAD").ok


def test_promote_then_get_with_the_default_interval(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    r = Roster(g.path)  # refresh_interval=1.0: its own promotions are seen at once
    r.promote("a", "1", to="prod")
    assert r.get("a@prod").version == 1
    r.promote("a", "3", to="prod")
    assert r.get("a@prod").version == 3
    r.promote("a", "2", to="prod")
    assert r.get("a@prod").commit == commits[1]


# --- an unknown id suggests the nearest ones (SPEC 4) ------------------------------------------

@pytest.mark.parametrize("spec, suggested", [
    ("blog-writr", "did you mean 'blog-writer'?"),
    ("blog-writr@v1.0.0", "did you mean 'blog-writer'?"),
    ("tweet-writter@1", "did you mean 'tweet-writer'"),  # a version number: looked up in the history
    ("team/autor", "did you mean 'team/author'?"),
    ("author", "did you mean 'team/author'?"),  # the folder forgotten
])
def test_an_unknown_id_suggests_the_nearest_ids(story: Story, spec: str, suggested: str) -> None:
    with pytest.raises(UnknownAssistant) as info:
        Roster(story.path).get(spec)
    assert str(info.value).endswith(suggested) or suggested in str(info.value)


def test_no_suggestion_when_nothing_is_close(story: Story) -> None:
    r = Roster(story.path)
    with pytest.raises(UnknownAssistant) as info:
        r.get("zzz")
    assert "did you mean" not in str(info.value)
    with pytest.raises(UnknownAssistant, match="did you mean 'blog-writer'"):
        r.history("blog-writr")
