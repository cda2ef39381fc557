"""``roster status`` (assistant x environment matrix) and ``roster history ID --env ENV``."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.cli import invoke
from helpers.gitcmd import GitRepo


@pytest.fixture()
def repo(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    """blog-writer v1..v4 and team/helper v1..v2; prod pins by file, canary by a tag."""
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    commits = []
    for i in (1, 2):
        g.write_assistant("blog-writer", prompt=f"prompt {i}")
        g.write_assistant("team/helper", prompt=f"helper {i}")
        commits.append(g.commit(f"change {i}"))
    g.write("environments/prod.yaml", "# prod\nassistants:\n  blog-writer: 1   # first\n")
    commits.append(g.commit("Add prod"))
    g.write_assistant("blog-writer", prompt="prompt 3")
    commits.append(g.commit("blog 3"))
    g.write("environments/prod.yaml", "# prod\nassistants:\n  blog-writer: 3   # first\n  team/helper: 2\n")
    commits.append(g.commit("Promote blog-writer to prod"))
    g.write_assistant("blog-writer", prompt="prompt 4")
    commits.append(g.commit("blog 4"))
    g.write("environments/staging.yaml", "default: main\n")
    commits.append(g.commit("staging follows main"))
    g.tag("blog-writer@canary", commits[3])
    return g, commits


def test_status_matrix_text_and_json(repo: tuple[GitRepo, list[str]]) -> None:
    g, commits = repo
    code, out, err = invoke("runner", "--repo", str(g.path), "status")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["assistant", "HEAD", "canary", "prod", "staging"]
    assert lines[1].split() == ["blog-writer", "v4", "v3", "(1", "behind)", "v3", "(1", "behind)", "v4"]
    assert lines[2].split() == ["team/helper", "v2", "-", "v2", "v2"]
    assert "prod: environments/prod.yaml" in out and "canary: tags ID@canary" in out
    code, out, err = invoke("subprocess", "--repo", str(g.path), "status", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [e["name"] for e in data["environments"]] == ["canary", "prod", "staging"]
    blog = data["assistants"][0]
    assert blog["assistant_id"] == "blog-writer" and blog["head"] == 4
    assert blog["environments"]["prod"] == {"version": 3, "commit": commits[3], "behind": 1}
    assert data["assistants"][1]["environments"]["canary"] is None


def test_status_one_environment_and_unknown(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    code, out, err = invoke("runner", "--repo", str(g.path), "status", "--env", "prod", "--format", "json")
    assert code == 0, err
    assert [e["name"] for e in json.loads(out)["environments"]] == ["prod"]
    code, _, err = invoke("runner", "--repo", str(g.path), "status", "--env", "qa")
    assert code == 2 and "no environment 'qa'" in err


def test_history_env_lists_pin_changes_newest_first(repo: tuple[GitRepo, list[str]]) -> None:
    g, commits = repo
    code, out, err = invoke("runner", "--repo", str(g.path), "history", "blog-writer", "--env", "prod",
                            "--format", "json")
    assert code == 0, err
    got = json.loads(out)
    assert [(c["commit"], c["message"], c["before"]["version"], c["after"]["version"]) for c in got] == [
        (commits[4], "Promote blog-writer to prod", 1, 3),
        (commits[2], "Add prod", None, 1),
    ]
    assert got[0]["author"] == {"name": "Ada Tester", "email": "ada@example.com"}
    assert got[0]["date"] == g.commit_time(commits[4])
    code, out, err = invoke("runner", "--repo", str(g.path), "history", "team/helper", "--env", "prod")
    assert code == 0, err
    assert out.splitlines() == [(f"{commits[4][:7]}  {g.commit_time(commits[4])}  Ada Tester <ada@example.com>  "
                                 f"nothing -> v2  Promote blog-writer to prod")]


def test_history_env_after_a_revert(repo: tuple[GitRepo, list[str]]) -> None:
    g, commits = repo
    g.git("revert", "--no-edit", commits[4], tick=True)
    code, out, err = invoke("runner", "--repo", str(g.path), "history", "blog-writer", "--env", "prod",
                            "--format", "json")
    assert code == 0, err
    got = json.loads(out)
    assert (got[0]["before"]["version"], got[0]["after"]["version"]) == (3, 1)
    assert got[0]["message"].startswith('Revert "Promote blog-writer to prod"')


def test_history_env_without_a_file(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    code, _, err = invoke("runner", "--repo", str(g.path), "history", "blog-writer", "--env", "canary")
    assert code == 2 and "no environments/canary.yaml in the history" in err
