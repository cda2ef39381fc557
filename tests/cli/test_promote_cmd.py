"""``roster promote ID VERSION_OR_REF --to LABEL``: environment tags, before and after, rollback."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.cli import assert_clean_error, invoke
from helpers.gitcmd import GitRepo
from helpers.stories import three_versions

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture()
def repo(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    return three_versions(tmp_path / "repo")


@pytest.fixture(params=["runner", "subprocess"])
def cli(request: pytest.FixtureRequest) -> Cli:
    return lambda *args, cwd=None: invoke(request.param, *args, cwd=cwd)


def test_promote_creates_the_tag_and_show_follows_it(repo: tuple[GitRepo, list[str]], cli: Cli) -> None:
    g, commits = repo
    code, out, err = cli("--repo", str(g.path), "promote", "blog-writer", "2", "--to", "prod")
    assert code == 0, err
    assert out.strip() == f"blog-writer@prod: nothing (new tag) -> {commits[1][:7]} (v2)"
    assert g.rev("refs/tags/blog-writer@prod") == commits[1]
    code, out, err = cli("--repo", str(g.path), "show", "blog-writer@prod", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["version"] == 2
    assert json.loads(out)["config"]["configurable"]["system_prompt"] == "prompt 2\n"


def test_promote_moves_the_tag_and_prints_before_and_after(repo: tuple[GitRepo, list[str]], cli: Cli) -> None:
    g, commits = repo
    assert cli("--repo", str(g.path), "promote", "blog-writer", "1", "--to", "prod")[0] == 0
    code, out, err = cli("--repo", str(g.path), "promote", "blog-writer", "3", "--to", "prod")
    assert code == 0, err
    assert out.strip() == f"blog-writer@prod: {commits[0][:7]} (v1) -> {commits[2][:7]} (v3)"
    assert g.rev("blog-writer@prod") == commits[2]
    code, out, _ = cli("--repo", str(g.path), "show", "blog-writer@prod", "--format", "json")
    assert json.loads(out)["commit"] == commits[2]


def test_rollback_by_promoting_an_older_version(repo: tuple[GitRepo, list[str]]) -> None:
    g, commits = repo
    invoke("runner", "--repo", str(g.path), "promote", "blog-writer", "3", "--to", "prod")
    code, out, err = invoke("runner", "--repo", str(g.path), "promote", "blog-writer", "1", "--to", "prod",
                            "--format", "json")
    assert code == 0, err
    assert json.loads(out) == {"tag": "blog-writer@prod", "before": {"commit": commits[2], "version": 3},
                               "after": {"commit": commits[0], "version": 1}}
    code, out, _ = invoke("runner", "--repo", str(g.path), "show", "blog-writer@prod", "--format", "json")
    assert json.loads(out)["version"] == 1
    # the tag is a plain git tag anyone can read
    assert g.git("tag", "--points-at", commits[0]) == "blog-writer@prod"


def test_promote_a_ref_and_a_subfolder_id(repo: tuple[GitRepo, list[str]]) -> None:
    g, commits = repo
    code, out, err = invoke("runner", "--repo", str(g.path), "promote", "team/helper", "v1.0.0", "--to", "staging")
    assert code == 0, err
    assert g.rev("refs/tags/team/helper@staging") == commits[1]
    code, out, _ = invoke("runner", "--repo", str(g.path), "show", "team/helper@staging", "--format", "json")
    assert json.loads(out)["version"] == 2
    code, out, err = invoke("runner", "--repo", str(g.path), "promote", "team/helper", "HEAD", "--to", "staging")
    assert code == 0, err
    assert g.rev("refs/tags/team/helper@staging") == commits[2]


def test_history_lists_the_environment_tag(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    invoke("runner", "--repo", str(g.path), "promote", "blog-writer", "2", "--to", "prod")
    code, out, _ = invoke("runner", "--repo", str(g.path), "history", "blog-writer", "--format", "json")
    tags = {v["version"]: v["tags"] for v in json.loads(out)}
    assert tags[2] == ["blog-writer@prod", "v1.0.0"]
    assert tags[3] == [] and tags[1] == []


@pytest.mark.parametrize("args, fragment", [
    (["blog-writer", "9", "--to", "prod"], "no version 9"),
    (["blog-writer", "nope", "--to", "prod"], "unknown ref 'nope'"),
    (["ghost", "1", "--to", "prod"], "no assistant 'ghost'"),
    (["blog-writer", "1", "--to", "3"], "is a number"),
    (["blog-writer", "1", "--to", "a/b"], "invalid environment name"),
    (["blog-writer", "1", "--to=--force"], "invalid environment name"),
    (["../blog-writer", "1", "--to", "prod"], "'..'"),
    (["blog-writer", "1", "--to", "bad~name"], "invalid environment name"),
])
def test_promote_errors_change_nothing(repo: tuple[GitRepo, list[str]], args: list[str], fragment: str) -> None:
    g, _ = repo
    code, out, err = invoke("runner", "--repo", str(g.path), "promote", *args)
    assert_clean_error(code, err)
    assert fragment in err and out == ""
    assert g.git("tag", "-l") == "v1.0.0"


def test_promote_needs_a_label(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    code, _, err = invoke("runner", "--repo", str(g.path), "promote", "blog-writer", "1")
    assert code == 2 and "--to" in err


def test_promote_an_invalid_version_is_refused(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a", temperature=9)
    g.commit("invalid")
    code, _, err = invoke("runner", "--repo", str(g.path), "promote", "a", "1", "--to", "prod")
    assert code == 1 and "config.configurable.temperature" in err
    assert g.git("tag", "-l") == ""


def test_promote_in_an_empty_repository(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "empty")
    code, _, err = invoke("runner", "--repo", str(g.path), "promote", "a", "1", "--to", "prod")
    assert_clean_error(code, err)
    assert "no commits yet" in err


def test_promote_error_as_a_real_process(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    code, out, err = invoke("subprocess", "--repo", str(g.path), "promote", "blog-writer", "9", "--to", "prod")
    assert_clean_error(code, err)
    assert "no version 9" in err and out == ""
    assert g.git("tag", "-l") == "v1.0.0"
