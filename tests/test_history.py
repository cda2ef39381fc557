"""Versions along the first-parent chain (SPEC section 3), checked against real git.

Every repository here is built with the ``git`` command; the expected commits
come from ``git log --first-parent`` on the same repository.
"""
from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo, run_git
from helpers.stories import Story, two_versions
from roster import HistoryCut, Roster, UnknownAssistant
from roster.git import Repo
from roster.history import INDEX_FORMAT, DeltaIndex


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    return Story(tmp_path_factory.mktemp("history") / "repo")


def git_log(story: Story, path: str, ref: str = "HEAD", *extra: str) -> list[str]:
    return story.g.git("log", "--first-parent", *extra, "--format=%H", ref, "--", path).split()


# --- matches git log --first-parent ------------------------------------------------

@pytest.mark.parametrize("assistant_id, path, ref", [
    ("blog-writer", Story.BLOG, "HEAD"),
    ("blog-writer", Story.BLOG, "main"),
    ("blog-writer", Story.BLOG, "v1.0.0"),
    ("blog-writer", Story.BLOG, "v1.1.0"),
    ("blog-writer", Story.BLOG, "pr-1"),
    ("blog-writer", Story.BLOG, "pr-2"),
    ("tweet-writer", Story.TWEET, "pr-1"),
    ("tweet-writer", Story.TWEET, "v1.0.0"),
])
def test_history_matches_git_log_first_parent(story: Story, assistant_id: str, path: str, ref: str) -> None:
    expected = git_log(story, path, ref)
    assert expected, "the scenario must give git log something to list"
    versions = Roster(story.path).history(assistant_id, ref=ref)
    assert [v.commit for v in versions] == expected
    assert [v.version for v in versions] == list(range(len(expected), 0, -1))


def test_deleted_and_readded_history_matches_git_log_without_the_deletion(story: Story) -> None:
    # git log lists the deleting commit too; a deletion is not a version.
    all_commits = git_log(story, Story.TWEET)
    assert story.delete in all_commits
    expected = git_log(story, Story.TWEET, "HEAD", "--diff-filter=AM")
    versions = Roster(story.path).history("tweet-writer")
    assert [v.commit for v in versions] == expected == [story.readd, story.tweet]
    assert [v.version for v in versions] == [2, 1]


def test_renamed_history_matches_git_log_follow(story: Story) -> None:
    expected = story.g.git("log", "--first-parent", "--follow", "--format=%H", "--",
                           "assistants/team/author.yml").split()
    versions = Roster(story.path).history("team/author")
    assert [v.commit for v in versions] == expected == [story.improve, story.rename, story.init]
    assert [v.assistant_id for v in versions] == ["team/author", "team/author", "team/writer"]
    assert [v.version for v in versions] == [3, 2, 1]


# --- what a version is -----------------------------------------------------------------

def test_a_merged_pull_request_is_one_version_at_its_merge_commit(story: Story) -> None:
    versions = Roster(story.path).history("blog-writer")
    commits = [v.commit for v in versions]
    assert story.merge1 in commits
    for branch_commit in (story.pr1_a, story.pr1_b, story.pr1_sync):
        assert branch_commit not in commits
    merged = next(v for v in versions if v.commit == story.merge1)
    assert merged.version == 2
    assert merged.message == "Merge pull request #1 from acme/pr-1"
    assert "End with three bullet points." in merged.config["configurable"]["system_prompt"]


def test_a_squash_merge_is_one_version(story: Story) -> None:
    versions = Roster(story.path).history("blog-writer")
    squashed = next(v for v in versions if v.commit == story.squash)
    assert squashed.version == 3
    assert squashed.config["configurable"]["temperature"] == 0.8
    assert not {story.pr2_a, story.pr2_b, story.pr2_c} & {v.commit for v in versions}


def test_a_merge_that_does_not_touch_the_file_is_not_a_version(story: Story) -> None:
    # tweet-writer was added on main while pr-1 was open; merging pr-1 does not change it
    # against the first parent, so the merge commit is not one of its versions.
    versions = Roster(story.path).history("tweet-writer")
    assert story.merge1 not in [v.commit for v in versions]


def test_version_dates_are_commit_dates_in_utc(story: Story) -> None:
    versions = Roster(story.path).history("blog-writer")
    oldest = versions[-1]
    for v in versions:
        assert v.updated_at == story.g.commit_time(v.commit)
        assert v.updated_at.endswith("Z") and "T" in v.updated_at
        assert v.created_at == oldest.updated_at == story.g.commit_time(story.init)
    # dates rise with the version numbers
    assert [v.updated_at for v in versions] == sorted((v.updated_at for v in versions), reverse=True)


def test_version_facts_author_message_and_tags(story: Story) -> None:
    versions = {v.version: v for v in Roster(story.path).history("blog-writer")}
    assert versions[2].tags == ("v1.0.0",)  # annotated tag, peeled to the merge commit
    assert versions[3].tags == ("v1.1.0",)  # lightweight tag
    assert versions[1].tags == ()
    assert versions[1].author.name == "Ada Tester"
    assert versions[1].author.email == "ada@example.com"
    assert versions[3].message == "Tune blog-writer temperature (#2)"


def test_versions_are_newest_first_and_hold_the_content_of_their_commit(story: Story) -> None:
    versions = Roster(story.path).history("blog-writer")
    temps = [v.config["configurable"]["temperature"] for v in versions]
    assert temps == [0.8, 0.8, 0.5, 0.5]
    prompts = [v.config["configurable"]["system_prompt"] for v in versions]
    assert prompts[0].endswith("Link two related posts.\n")
    assert "code sample" not in prompts[-1]
    raw = story.g.git("show", f"{versions[-1].commit}:{Story.BLOG}")
    assert "Use short paragraphs." in raw and "code sample" not in raw


def test_history_at_a_ref_before_a_rename_uses_the_old_id(story: Story) -> None:
    versions = Roster(story.path).history("team/writer", ref="v1.1.0")
    assert [(v.version, v.commit, v.assistant_id) for v in versions] == [(1, story.init, "team/writer")]


def test_deleted_id_says_when_and_which_was_its_last_version(story: Story) -> None:
    r = Roster(story.path)
    with pytest.raises(UnknownAssistant) as info:
        r.get(f"tweet-writer@{story.docs}")
    message = str(info.value)
    assert "deleted" in message
    assert story.delete[:12] in message
    assert story.g.commit_time(story.delete) in message
    assert "last version 1" in message and story.tweet[:12] in message


def test_renamed_id_says_where_it_went(story: Story) -> None:
    with pytest.raises(UnknownAssistant) as info:
        Roster(story.path).get("team/writer")
    message = str(info.value)
    assert "renamed to 'team/author'" in message
    assert story.rename[:12] in message
    assert "last version 1" in message


def test_readding_continues_the_numbering(story: Story) -> None:
    r = Roster(story.path)
    assert r.get("tweet-writer").version == 2
    assert r.get("tweet-writer").created_at == story.g.commit_time(story.tweet)
    assert r.get("tweet-writer@1").commit == story.tweet
    assert "two hashtags" in r.get("tweet-writer@1").config["configurable"]["system_prompt"]


def test_an_id_reused_after_a_rename_starts_a_new_lineage(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a", prompt="Alpha prompt.\nFirst line of a.\nSecond line of a.")
    first = g.commit("add a")
    g.git("mv", "assistants/a.yaml", "assistants/b.yaml")
    g.commit("rename a to b")
    g.write_assistant("a", text=assistant_yaml(model="openai:o3", prompt="Completely different.", name="New A"))
    fresh = g.commit("a new assistant called a")
    r = Roster(g.path)
    assert [v.commit for v in r.history("a")] == [fresh]
    assert r.get("a").version == 1 and r.get("a").name == "New A"
    assert [v.version for v in r.history("b")] == [2, 1]
    assert r.history("b")[-1].commit == first


def test_rename_with_edit_in_the_same_commit_is_followed(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    prompt = "\n".join(f"Rule {i}: be precise about topic {i}." for i in range(12))
    g.write_assistant("old", prompt=prompt)
    g.commit("add old")
    (g.path / "assistants/old.yaml").unlink()
    g.write_assistant("team/new", prompt=prompt + "\nOne more rule.")
    moved = g.commit("move and edit")
    versions = Roster(g.path).history("team/new")
    assert [(v.version, v.assistant_id) for v in versions] == [(2, "team/new"), (1, "old")]
    assert versions[0].commit == moved


def test_reverting_content_is_still_a_new_version(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a", prompt="A")
    g.commit("one")
    g.write_assistant("a", prompt="B")
    g.commit("two")
    g.write_assistant("a", prompt="A")
    g.commit("back to one")
    versions = Roster(g.path).history("a")
    assert [v.version for v in versions] == [3, 2, 1]
    assert versions[0].config == versions[2].config
    assert [v.commit for v in versions] == g.first_parent_log("assistants/a.yaml")


def test_history_of_unknown_id_is_an_error(story: Story) -> None:
    with pytest.raises(UnknownAssistant, match="no assistant 'nobody'"):
        Roster(story.path).history("nobody")


# --- shallow clones ----------------------------------------------------------------------

def test_depth_one_clone_says_its_history_is_cut(story: Story, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{story.path}", str(clone))
    assert (clone / ".git" / "shallow").exists()
    r = Roster(clone)
    with pytest.raises(HistoryCut, match="shallow") as info:
        r.history("blog-writer")
    assert "cut" in str(info.value)
    with pytest.raises(HistoryCut):
        r.get("blog-writer@1")
    a = r.get("blog-writer")  # the content is still there, only the numbering is unknown
    assert a.version is None
    assert a.config["configurable"]["temperature"] == 0.8
    assert a.config["configurable"]["system_prompt"].endswith("Link two related posts.\n")


def test_depth_two_clone_is_cut_as_well(story: Story, tmp_path: Path) -> None:
    clone = tmp_path / "shallow2"
    run_git(tmp_path, "clone", "-q", "--depth", "2", f"file://{story.path}", str(clone))
    r = Roster(clone)
    with pytest.raises(HistoryCut):
        r.history("tweet-writer")
    assert r.get("tweet-writer").version is None
    assert r.get("blog-writer").version is None


# --- the incremental index -----------------------------------------------------------

def test_index_is_kept_in_the_git_dir_and_reused(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a", prompt="one")
    c1 = g.commit("one")
    assert Roster(g.path).get("a").version == 1
    index_files = list((g.path / ".git" / "roster").glob("deltas-*"))
    assert len(index_files) == 1
    fmt, folder, rows = marshal.loads(index_files[0].read_bytes())
    assert fmt == INDEX_FORMAT and folder == "assistants" and c1 in {row[0] for row in rows}
    # New commits: a new process reads the index and walks only what is new.
    g.write_assistant("a", prompt="two")
    c2 = g.commit("two")
    g.write_assistant("b", prompt="bee")
    g.commit("b")
    r = Roster(g.path)
    assert [v.commit for v in r.history("a")] == [c2, c1] == g.first_parent_log("assistants/a.yaml")
    _, _, rows = marshal.loads(index_files[0].read_bytes())
    assert c2 in {row[0] for row in rows} and len(rows) == 3
    # nothing of the index shows up as a change in the work tree
    assert g.git("status", "--porcelain") == ""


def test_a_garbage_index_file_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    g, _, _ = two_versions(tmp_path / "repo")
    Roster(g.path).history("a")
    (index,) = (g.path / ".git" / "roster").glob("deltas-*")
    index.write_text("{not marshal")
    assert [v.version for v in Roster(g.path).history("a")] == [2, 1]
    index.write_bytes(marshal.dumps((INDEX_FORMAT, "assistants", (("x", 5),))))
    assert [v.version for v in Roster(g.path).history("a")] == [2, 1]


def test_index_of_a_rewritten_history(tmp_path: Path) -> None:
    # Deltas are keyed by commit id: amending and resetting never reuse a stale delta.
    g, _, _ = two_versions(tmp_path / "repo")
    assert Roster(g.path).get("a").version == 2
    g.git("reset", "-q", "--hard", "HEAD~1")
    g.write("README.md", "x\n")
    g.commit("unrelated")
    r = Roster(g.path)
    assert r.get("a").version == 1
    assert [v.commit for v in r.history("a")] == g.first_parent_log("assistants/a.yaml")


def test_delta_index_chain_directly(story: Story) -> None:
    repo = Repo(str(story.path))
    index = DeltaIndex(repo, "assistants")
    chain = index.chain(story.head)
    expected = story.g.git("rev-list", "--first-parent", "--reverse", "HEAD").split()
    assert chain.commits == expected
    assert not chain.cut
    lineage = chain.lineage_at("blog-writer", len(chain.commits) - 1)
    assert lineage is not None
    assert [e.commit for e in lineage.entries] == [story.init, story.merge1, story.squash, story.blog4]
    assert [e.kind for e in lineage.entries] == ["added", "changed", "changed", "changed"]
    tweet = chain.last_lineage("tweet-writer")
    assert tweet is not None and [e.kind for e in tweet.entries] == ["added", "re-added"]
    assert chain.gone["tweet-writer"][0].commit == story.delete
    assert chain.gone["team/writer"][0].renamed_to == "team/author"
    # before the rename the lineage of team/author is found under its old id
    pos = chain.pos[story.squash]
    assert chain.lineage_at("team/writer", pos) is chain.lineage_at("team/author", len(chain.commits) - 1)
    assert chain.lineage_at("team/author", pos) is None


def test_history_in_a_bare_clone(story: Story, tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    run_git(tmp_path, "clone", "-q", "--bare", str(story.path), str(bare))
    versions = Roster(bare).history("blog-writer")
    assert [v.commit for v in versions] == git_log(story, Story.BLOG)
    assert (bare / "roster").is_dir()  # the index lives in the git dir of a bare repo too


def test_history_after_gc_matches(story: Story, tmp_path: Path) -> None:
    clone = tmp_path / "gc"
    run_git(tmp_path, "clone", "-q", "--no-local", str(story.path), str(clone))
    run_git(clone, "gc", "-q", "--aggressive", "--prune=now")
    assert not list((clone / ".git" / "objects").glob("[0-9a-f][0-9a-f]/*"))  # everything packed
    versions = Roster(clone).history("team/author")
    assert [v.commit for v in versions] == [story.improve, story.rename, story.init]
    assert os.path.exists(clone / ".git" / "packed-refs")



def test_a_mode_only_change_is_not_a_version(tmp_path: Path) -> None:
    # git log lists the chmod commit; SPEC section 3 counts content changes only.
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a", prompt="one")
    first = g.commit("one")
    os.chmod(g.path / "assistants/a.yaml", 0o755)
    chmod = g.commit("make it executable")
    assert g.first_parent_log("assistants/a.yaml") == [chmod, first]
    r = Roster(g.path)
    assert [v.commit for v in r.history("a")] == [first]
    assert (r.get("a").version, r.get("a").commit) == (1, first)
    g.write_assistant("a", prompt="two")
    second = g.commit("two")
    assert [(v.version, v.commit) for v in Roster(g.path).history("a")] == [(2, second), (1, first)]


# --- a version's tags and message (SPEC section 3, issue 9) -----------------------------------

def test_a_versions_tags_are_repo_wide_and_its_own_never_another_assistants(tmp_path: Path) -> None:
    from roster.publish import publish

    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    for assistant_id in ("a", "b", "a-b", "team/a"):
        g.write_assistant(assistant_id, prompt="one")
    both = g.commit("a, b, a-b and team/a")
    for tag in ("a@prod", "b@prod", "b@staging", "a-b@prod", "team/a@prod", "v1.0.0"):
        g.tag(tag, both)
    r = Roster(g.path)
    assert r.history("a")[0].tags == ("a@prod", "v1.0.0")
    assert r.history("b")[0].tags == ("b@prod", "b@staging", "v1.0.0")
    assert r.history("team/a")[0].tags == ("team/a@prod", "v1.0.0")
    publish(r, str(tmp_path / "site"))
    index = Roster.from_index(str(tmp_path / "site"))
    assert index.history("a")[0].tags == ("a@prod", "v1.0.0")
    assert index.history("a-b")[0].tags == ("a-b@prod", "v1.0.0")


@pytest.mark.parametrize("message, expected", [
    ("Merge pull request #7 from alice/tweet\n\nAdd the tweet writer\n\nLonger text.", "Add the tweet writer (#7)"),
    ("Merge branch 'tweet'\n\n\n  Add the tweet writer  \n", "Add the tweet writer"),
    ("Merge branch 'tweet' into 'main'\n\nAdd the tweet writer\n\nSee merge request a/b!3", "Add the tweet writer"),
    ("Merge remote-tracking branch 'origin/tweet'\n\nAdd the tweet writer", "Add the tweet writer"),
])
def test_a_merge_commit_is_named_by_its_pull_request(tmp_path: Path, message: str, expected: str) -> None:
    assert _merge_messages(tmp_path, [message]) == [expected]


def test_only_a_generic_merge_summary_with_a_body_is_replaced(tmp_path: Path) -> None:
    messages = ["Merge pull request #7 from alice/tweet\n",  # no body: the summary stays
                "Explain: Merge pull request #8 from a/b\n\nbody",  # not the forge's text
                "Merge pull request #9 from a/c\n\nThe title"]
    assert _merge_messages(tmp_path, messages) == [
        "Merge pull request #7 from alice/tweet", "Explain: Merge pull request #8 from a/b", "The title (#9)"]


def _merge_messages(tmp_path: Path, messages: list[str]) -> list[str]:
    """Merge one pull-request branch per message; the versions' messages, oldest first."""
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a", prompt="one")
    g.commit("one")
    merges = []
    for i, message in enumerate(messages):
        g.checkout("-b", f"pr-{i}")
        g.write_assistant("a", prompt=f"change {i}")
        g.commit(f"change {i} on the branch")
        g.checkout("main")
        merges.append(g.merge_pr(f"pr-{i}", message))
    versions = Roster(g.path).history("a")[::-1][1:]
    assert [v.commit for v in versions] == merges
    return [v.message for v in versions]
