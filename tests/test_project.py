"""Finding the project (roster.project): the repository, the folder holding assistants/, the layout."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.gitcmd import GitRepo, run_git
from roster.errors import NotARepository
from roster.project import open_project

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def mono(tmp_path: Path) -> GitRepo:
    """A monorepo: the assistants live in services/bots/, not at the top."""
    g = GitRepo(tmp_path / "mono")
    g.write("services/bots/assistants/a.yaml", "graph_id: writer\n")
    g.write("services/bots/deep/er/file.txt", "x\n")
    g.write("README.md", "top\n")
    g.commit("one")
    return g


def test_the_nearest_folder_holding_assistants_is_the_project(mono: GitRepo) -> None:
    top = str(mono.path.resolve())
    for start in ("services/bots/deep/er", "services/bots", "services/bots/assistants"):
        project = open_project(str(mono.path / start))
        assert project.top == top and project.layout.prefix == "services/bots/", start
        assert project.folder == f"{top}/services/bots"
    above = open_project(str(mono.path / "services"))
    assert above.layout.prefix == "" and above.folder == top  # nothing below the start is searched


def test_root_overrides_the_search_and_may_not_leave_the_repository(mono: GitRepo) -> None:
    project = open_project(str(mono.path / "services"), root="services/bots")
    assert project.layout.prefix == "services/bots/"
    assert open_project(str(mono.path), root=".").layout.prefix == ""
    for bad in ("..", "../elsewhere", "a/../../b"):
        with pytest.raises(NotARepository, match="leaves the repository"):
            open_project(str(mono.path), root=bad)


def test_the_repository_is_opened_on_first_use(mono: GitRepo) -> None:
    project = open_project(str(mono.path / "services" / "bots"))
    repo = project.repo
    assert repo is not None and repo.head() == mono.rev()
    assert project.repo is repo  # opened once


def test_a_worktree_check_does_not_load_the_git_library(mono: GitRepo) -> None:
    probe = ("import json, sys; sys.path.insert(0, sys.argv[1]); from roster.project import open_project; "
             "p = open_project(sys.argv[2]); print(json.dumps([p.folder, 'pygit2' in sys.modules]))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    out = subprocess.run([sys.executable, "-c", probe, str(ROOT / "src"), str(mono.path / "services" / "bots")],
                         capture_output=True, text=True, check=True, env=env, timeout=60).stdout
    folder, loaded = json.loads(out)
    assert folder == f"{mono.path.resolve()}/services/bots" and loaded is False


def test_a_bare_repository_has_no_folder_on_disk(mono: GitRepo, tmp_path: Path) -> None:
    run_git(tmp_path, "clone", "-q", "--bare", str(mono.path), str(tmp_path / "bare.git"))
    project = open_project(str(tmp_path / "bare.git"), root="services/bots")
    assert project.top is None and project.folder is None and project.layout.prefix == "services/bots/"
    assert project.repo is not None and project.repo.is_bare


def test_a_plain_folder_with_assistants_needs_no_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "plain" / "assistants").mkdir(parents=True)
    project = open_project(str(tmp_path / "plain"))
    assert project.repo is None and project.top == str(tmp_path / "plain")
    (tmp_path / "nothing").mkdir()
    with pytest.raises(NotARepository):
        open_project(str(tmp_path / "nothing"))
