"""``roster history ID``: versions newest first, checked against ``git log --first-parent``."""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.cli import assert_clean_error, invoke
from helpers.gitcmd import GitRepo, run_git
from helpers.stories import Story, two_versions

VERSION_KEYS = {"assistant_id", "graph_id", "name", "description", "config", "context", "metadata", "version",
                "created_at", "updated_at", "commit", "message", "author", "tags"}

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    return Story(tmp_path_factory.mktemp("history-cmd") / "repo")


@pytest.fixture(params=["runner", "subprocess"])
def cli(request: pytest.FixtureRequest) -> Cli:
    return lambda *args, cwd=None: invoke(request.param, *args, cwd=cwd)


def runner(*args: str, cwd: str | os.PathLike[str] | None = None) -> tuple[int, str, str]:
    return invoke("runner", *args, cwd=cwd)


def test_history_json_matches_git_log(story: Story, cli: Cli) -> None:
    code, out, err = cli("--repo", str(story.path), "history", "blog-writer", "--format", "json")
    assert code == 0, err
    versions = json.loads(out)
    expected = story.g.git("log", "--first-parent", "--format=%H", "--", Story.BLOG).split()
    assert [v["commit"] for v in versions] == expected
    assert [v["version"] for v in versions] == [4, 3, 2, 1]
    for v in versions:
        assert set(v) == VERSION_KEYS
        assert v["author"] == {"name": "Ada Tester", "email": "ada@example.com"}
        assert v["updated_at"] == story.g.commit_time(v["commit"])
        assert v["created_at"] == story.g.commit_time(story.init)
        assert v["message"] == story.g.git("show", "-s", "--format=%s", v["commit"])
    assert [v["tags"] for v in versions] == [[], ["v1.1.0"], ["v1.0.0"], []]


def test_history_text(story: Story, cli: Cli) -> None:
    code, out, err = cli("--repo", str(story.path), "history", "blog-writer")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith(f"v4   {story.blog4[:7]}  {story.g.commit_time(story.blog4)}  "
                               "Ada Tester <ada@example.com>  blog-writer: link related posts")
    assert lines[2].startswith(f"v2   {story.merge1[:7]}")
    assert lines[2].endswith("Merge pull request #1 from acme/pr-1  [v1.0.0]")
    assert lines[3].startswith(f"v1   {story.init[:7]}")


def test_history_at_a_ref(story: Story) -> None:
    for ref in ("v1.0.0", "pr-1", "pr-2"):
        code, out, err = runner("--repo", str(story.path), "history", "blog-writer", "--ref", ref, "--format", "json")
        assert code == 0, err
        expected = story.g.git("log", "--first-parent", "--format=%H", ref, "--", Story.BLOG).split()
        assert [v["commit"] for v in json.loads(out)] == expected


def test_history_follows_a_rename(story: Story, cli: Cli) -> None:
    code, out, err = cli("--repo", str(story.path), "history", "team/author", "--format", "json")
    assert code == 0, err
    versions = json.loads(out)
    assert [(v["version"], v["assistant_id"], v["commit"]) for v in versions] == [
        (3, "team/author", story.improve), (2, "team/author", story.rename), (1, "team/writer", story.init)]
    code, out, _ = cli("--repo", str(story.path), "history", "team/author")
    assert out.splitlines()[-1].endswith("(as team/writer)")


def test_history_of_a_deleted_and_readded_assistant(story: Story) -> None:
    code, out, err = runner("--repo", str(story.path), "history", "tweet-writer", "--format", "json")
    assert code == 0, err
    assert [(v["version"], v["commit"]) for v in json.loads(out)] == [(2, story.readd), (1, story.tweet)]


def test_history_in_a_shallow_clone_is_cut(story: Story, tmp_path: Path, cli: Cli) -> None:
    clone = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{story.path}", str(clone))
    code, out, err = cli("--repo", str(clone), "history", "blog-writer")
    assert_clean_error(code, err)
    assert "history is cut" in err and "shallow" in err
    assert out == ""


def test_history_in_a_bare_clone(story: Story, tmp_path: Path, cli: Cli) -> None:
    bare = tmp_path / "bare.git"
    run_git(tmp_path, "clone", "-q", "--bare", str(story.path), str(bare))
    code, out, err = cli("--repo", str(bare), "history", "tweet-writer", "--format", "json")
    assert code == 0, err
    assert [v["version"] for v in json.loads(out)] == [2, 1]


@pytest.mark.parametrize("args, fragment", [
    (["history", "nobody"], "no assistant 'nobody'"),
    (["history", "blog-writer", "--ref", "nope"], "unknown ref 'nope'"),
    (["history", "blog-writer", "--ref=--upload-pack=x"], "invalid ref"),
    (["history", "../x"], "'..'"),
    (["history", "/abs/path"], "segment"),
])
def test_history_errors(story: Story, args: list[str], fragment: str) -> None:
    code, out, err = runner("--repo", str(story.path), *args)
    assert_clean_error(code, err)
    assert fragment in err and out == ""


def test_history_empty_repository(tmp_path: Path, cli: Cli) -> None:
    g = GitRepo(tmp_path / "empty")
    code, _, err = cli("--repo", str(g.path), "history", "a")
    assert_clean_error(code, err)
    assert "no commits yet" in err


def test_history_with_a_corrupt_tree(tmp_path: Path) -> None:
    g, _, _ = two_versions(tmp_path / "repo")
    tree = g.git("rev-parse", "HEAD:assistants")
    loose = g.path / ".git" / "objects" / tree[:2] / tree[2:]
    os.chmod(loose, 0o644)
    loose.write_bytes(b"garbage")
    code, out, err = runner("--repo", str(g.path), "history", "a")
    assert_clean_error(code, err)
    assert "corrupt" in err and out == ""


def test_history_error_as_a_real_process(story: Story) -> None:
    code, out, err = invoke("subprocess", "--repo", str(story.path), "history", "team/writer", "--ref", "nope")
    assert_clean_error(code, err)
    assert "unknown ref 'nope'" in err and out == ""


def test_history_of_an_old_id_follows_it_to_its_new_name(story: Story) -> None:
    code, out, err = invoke("runner", "--repo", str(story.path), "history", "team/writer", "--format", "json")
    assert code == 0, err
    versions = json.loads(out)
    assert versions[0]["assistant_id"] == "team/author"  # where it went
    assert [v["commit"] for v in versions] == [story.improve, story.rename, story.init]
