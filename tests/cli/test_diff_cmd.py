"""``roster diff SPEC_A SPEC_B``: field-level changes, line diffs of prompts, ``--exit-code``."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.cli import assert_clean_error, invoke
from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    g = GitRepo(tmp_path_factory.mktemp("diff-cmd") / "repo")
    g.write_schema()
    g.write_assistant("writer", prompt="You write posts.\nBe concise.\nCite sources.", temperature=0.5)
    g.commit("v1")
    g.tag("v1.0.0", annotated=True)
    g.write_assistant("writer", text=assistant_yaml(prompt="You write posts.\nBe precise.\nCite sources.\nNo emoji.",
                                                    temperature=0.5, extra="metadata:\n  owner: blog\n"))
    g.commit("v2")
    g.write("README.md", "docs\n")
    g.commit("docs only")
    return g


@pytest.fixture(params=["runner", "subprocess"])
def cli(request: pytest.FixtureRequest) -> Cli:
    return lambda *args, cwd=None: invoke(request.param, *args, cwd=cwd)


def test_diff_json_shape(repo: GitRepo, cli: Cli) -> None:
    code, out, err = cli("--repo", str(repo.path), "diff", "writer@1", "writer@2", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"from", "to", "changes"}
    assert data["from"]["version"] == 1 and data["to"]["version"] == 2
    assert data["from"]["commit"] == repo.rev("v1.0.0")
    assert data["to"]["commit"] == repo.rev("HEAD~1")
    assert data["changes"] == [
        {"path": "config.configurable.system_prompt", "op": "changed",
         "old": "You write posts.\nBe concise.\nCite sources.\n",
         "new": "You write posts.\nBe precise.\nCite sources.\nNo emoji.\n"},
        {"path": "metadata.owner", "op": "added", "old": None, "new": "blog"},
    ]


def test_diff_text_shows_prompt_as_a_line_diff(repo: GitRepo, cli: Cli) -> None:
    code, out, err = cli("--repo", str(repo.path), "diff", "writer@v1.0.0", "writer")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"--- writer v1 ({repo.rev('v1.0.0')[:7]})"
    assert lines[1] == f"+++ writer v2 ({repo.rev('HEAD~1')[:7]})"
    assert "~ config.configurable.system_prompt:" in lines
    assert "     You write posts." in lines
    assert "    -Be concise." in lines
    assert "    +Be precise." in lines
    assert "    +No emoji." in lines
    assert '+ metadata.owner: "blog"' in lines


def test_diff_exit_code(repo: GitRepo, cli: Cli) -> None:
    code, out, _ = cli("--repo", str(repo.path), "diff", "writer@1", "writer@2", "--exit-code")
    assert code == 1 and "-Be concise." in out
    code, out, _ = cli("--repo", str(repo.path), "diff", "writer@2", "writer@HEAD", "--exit-code")
    assert code == 0 and "no differences" in out
    code, _, _ = cli("--repo", str(repo.path), "diff", "writer@1", "writer@2")
    assert code == 0  # differences without --exit-code are not a failure


def test_diff_reverse_direction(repo: GitRepo) -> None:
    code, out, err = invoke("runner", "--repo", str(repo.path), "diff", "writer@2", "writer@1", "--format", "json")
    assert code == 0, err
    changes = json.loads(out)["changes"]
    assert {"path": "metadata.owner", "op": "removed", "old": "blog", "new": None} in changes


@pytest.mark.parametrize("a, b, fragment", [
    ("writer@1", "writer@7", "no version 7"),
    ("writer@1", "ghost", "no assistant 'ghost'"),
    ("writer@nope", "writer", "unknown ref 'nope'"),
    ("writer@1", "../writer", "'..'"),
])
def test_diff_errors(repo: GitRepo, a: str, b: str, fragment: str) -> None:
    code, out, err = invoke("runner", "--repo", str(repo.path), "diff", a, b, "--exit-code")
    assert_clean_error(code, err)
    assert fragment in err and out == ""


def test_diff_in_an_empty_repository(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "empty")
    code, _, err = invoke("runner", "--repo", str(g.path), "diff", "a@1", "a@2")
    assert_clean_error(code, err)
    assert "no commits yet" in err


def test_diff_error_as_a_real_process(repo: GitRepo) -> None:
    code, out, err = invoke("subprocess", "--repo", str(repo.path), "diff", "writer@1", "writer@7")
    assert_clean_error(code, err)
    assert "no version 7" in err and out == ""


def test_exit_code_sees_a_change_of_server_id(tmp_path: Path, cli: Cli) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("w", prompt="Same.")
    g.commit("v1")
    pinned = "server_id: 6f1c0c8e-0d8a-4c5e-9d3a-1b2c3d4e5f60\n"
    g.write_assistant("w", text=assistant_yaml(prompt="Same.", extra=pinned))
    g.commit("v2")
    code, out, err = cli("--repo", str(g.path), "diff", "w@1", "w@2", "--exit-code")
    assert code == 1, (out, err)
    assert "server_id" in out
