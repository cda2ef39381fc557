"""The worktree holding a folder, found without pygit2 (roster.git.discover)."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.gitcmd import GitRepo
from roster.git.discover import worktree_top


def test_found_from_any_folder_inside(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    (g.path / "a" / "b").mkdir(parents=True)
    assert worktree_top(str(g.path / "a" / "b")) == str(g.path.resolve())
    assert worktree_top(str(g.path)) == str(g.path.resolve())


def test_a_linked_worktree_is_found_by_its_git_file(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write("a.txt", "1\n")
    g.commit("one")
    g.git("worktree", "add", "-q", str(tmp_path / "linked"))
    assert (tmp_path / "linked" / ".git").is_file()
    assert worktree_top(str(tmp_path / "linked")) == str((tmp_path / "linked").resolve())


def test_a_stray_git_folder_is_passed_over(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "outer")
    (g.path / "inner" / ".git").mkdir(parents=True)  # no objects/: not a repository
    assert worktree_top(str(g.path / "inner")) == str(g.path.resolve())


def test_git_dir_in_the_environment_is_left_to_libgit2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    g = GitRepo(tmp_path / "repo")
    monkeypatch.setenv("GIT_DIR", str(g.path / ".git"))
    assert worktree_top(str(g.path)) is None
