"""``roster list``: text and JSON, at a ref, filters, repositories of every shape."""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.cli import assert_clean_error, invoke
from helpers.gitcmd import GitRepo, run_git, short
from helpers.stories import Story

ASSISTANT_KEYS = {"assistant_id", "graph_id", "name", "description", "config", "context", "metadata", "version",
                  "created_at", "updated_at", "commit"}

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    return Story(tmp_path_factory.mktemp("list") / "repo")


@pytest.fixture(params=["runner", "subprocess"])
def cli(request: pytest.FixtureRequest) -> Cli:
    return lambda *args, cwd=None: invoke(request.param, *args, cwd=cwd)


def runner(*args: str, cwd: str | os.PathLike[str] | None = None) -> tuple[int, str, str]:
    return invoke("runner", *args, cwd=cwd)


def test_list_json_shape(story: Story, cli: Cli) -> None:
    code, out, err = cli("--repo", str(story.path), "list", "--format", "json")
    assert code == 0, err
    items = json.loads(out)
    assert isinstance(items, list)
    for item in items:
        assert set(item) == ASSISTANT_KEYS
        assert len(item["commit"]) == 40
    assert [(i["assistant_id"], i["version"], i["commit"]) for i in items] == [
        ("blog-writer", 4, story.blog4), ("team/author", 3, story.improve), ("tweet-writer", 2, story.readd)]
    assert items[2]["metadata"] == {"owner": "social"}
    assert items[2]["created_at"] == story.g.commit_time(story.tweet)


def test_list_text(story: Story, cli: Cli) -> None:
    code, out, err = cli("--repo", str(story.path), "list")
    assert code == 0, err
    rows = [line.split() for line in out.splitlines()]
    assert [row[:4] for row in rows] == [
        ["blog-writer", "v4", "writer", story.blog4[:7]],
        ["team/author", "v3", "writer", story.improve[:7]],
        ["tweet-writer", "v2", "writer", story.readd[:7]],
    ]
    assert out.splitlines()[0].endswith("Blog writer")


@pytest.mark.parametrize("ref, expected", [
    ("v1.0.0", [("blog-writer", 2), ("team/writer", 1), ("tweet-writer", 1)]),
    ("v1.1.0", [("blog-writer", 3), ("team/writer", 1), ("tweet-writer", 1)]),
    ("HEAD~3", [("blog-writer", 3), ("team/author", 3)]),  # tweet-writer deleted there
    ("pr-1", [("blog-writer", 3), ("team/writer", 1), ("tweet-writer", 1)]),
])
def test_list_at_a_ref(story: Story, ref: str, expected: list[tuple[str, int]]) -> None:
    code, out, err = runner("--repo", str(story.path), "list", "--ref", ref, "--format", "json")
    assert code == 0, err
    assert [(i["assistant_id"], i["version"]) for i in json.loads(out)] == expected


def test_list_at_a_commit_id(story: Story) -> None:
    code, out, err = runner("--repo", str(story.path), "list", "--ref", short(story.init, 8), "--format", "json")
    assert code == 0, err
    assert [(i["assistant_id"], i["commit"]) for i in json.loads(out)] == [
        ("blog-writer", story.init), ("team/writer", story.init)]


def test_list_filters(story: Story) -> None:
    code, out, _ = runner("--repo", str(story.path), "list", "--metadata", "owner=social", "--format", "json")
    assert code == 0 and [i["assistant_id"] for i in json.loads(out)] == ["tweet-writer"]
    code, out, _ = runner("--repo", str(story.path), "list", "--graph", "writer", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 3
    code, out, _ = runner("--repo", str(story.path), "list", "--graph", "support")
    assert code == 0 and out.strip() == "no assistants"
    code, out, _ = runner("--repo", str(story.path), "list", "--graph", "support", "--format", "json")
    assert code == 0 and json.loads(out) == []


def test_list_bad_metadata_filter(story: Story) -> None:
    code, _, err = runner("--repo", str(story.path), "list", "--metadata", "owner")
    assert_clean_error(code, err)
    assert "KEY=VALUE" in err


@pytest.mark.parametrize("ref, fragment", [
    ("nope", "unknown ref 'nope'"),
    ("--upload-pack=x", "invalid ref"),
])
def test_list_at_a_bad_ref(story: Story, ref: str, fragment: str) -> None:
    code, out, err = runner("--repo", str(story.path), "list", f"--ref={ref}")
    assert_clean_error(code, err)
    assert fragment in err and out == ""


def test_list_in_a_bare_clone(story: Story, tmp_path: Path, cli: Cli) -> None:
    bare = tmp_path / "bare.git"
    run_git(tmp_path, "clone", "-q", "--bare", str(story.path), str(bare))
    code, out, err = cli("--repo", str(bare), "list", "--format", "json")
    assert code == 0, err
    assert [(i["assistant_id"], i["version"]) for i in json.loads(out)] == [
        ("blog-writer", 4), ("team/author", 3), ("tweet-writer", 2)]


def test_list_after_gc(story: Story, tmp_path: Path) -> None:
    clone = tmp_path / "packed"
    run_git(tmp_path, "clone", "-q", "--no-local", str(story.path), str(clone))
    run_git(clone, "gc", "-q", "--prune=now")
    code, out, err = runner("--repo", str(clone), "list", "--ref", "v1.0.0", "--format", "json")
    assert code == 0, err
    assert [i["version"] for i in json.loads(out)] == [2, 1, 1]


def test_list_in_a_shallow_clone(story: Story, tmp_path: Path, cli: Cli) -> None:
    clone = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{story.path}", str(clone))
    code, out, err = cli("--repo", str(clone), "list", "--format", "json")
    assert code == 0, err
    items = json.loads(out)
    assert [i["assistant_id"] for i in items] == ["blog-writer", "team/author", "tweet-writer"]
    assert all(i["version"] is None for i in items)
    code, out, _ = cli("--repo", str(clone), "list")
    assert code == 0 and all(" v? " in line for line in out.splitlines())


def test_list_empty_repository(tmp_path: Path, cli: Cli) -> None:
    g = GitRepo(tmp_path / "empty")
    code, _, err = cli("--repo", str(g.path), "list")
    assert_clean_error(code, err)
    assert "no commits yet" in err


def test_list_repository_without_assistants(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write("README.md", "hi\n")
    g.commit("readme")
    code, out, err = runner("--repo", str(g.path), "list", "--format", "json")
    assert code == 0, err
    assert json.loads(out) == []
