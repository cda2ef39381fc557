"""Writes through roster.git: compare-and-swap ref moves, and the one-file commit of promote."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pygit2
import pytest

from helpers.gitcmd import GitRepo, run_git
from roster.errors import GitError, RosterError
from roster.git import Repo, valid_ref_name


@pytest.fixture
def three(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    g = GitRepo(tmp_path / "repo")
    commits = []
    for n in range(3):
        g.write("a.txt", f"{n}\n")
        commits.append(g.commit(f"c{n}"))
    return g, commits


def test_a_new_tag_is_created_when_none_was_expected(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    repo = Repo(str(g.path))
    repo.move_ref("refs/tags/a@prod", commits[0], None, "roster promote a 1 --to prod")
    assert g.rev("a@prod") == commits[0]


def test_a_tag_that_appeared_meanwhile_is_refused_and_kept(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    repo = Repo(str(g.path))
    expected = repo.ref_value("refs/tags/a@prod")
    assert expected is None
    g.tag("a@prod", commits[1])  # someone else creates it between our read and our write
    with pytest.raises(RosterError, match=r"moved by someone else \(now at [0-9a-f]{40}, expected nothing\)"):
        repo.move_ref("refs/tags/a@prod", commits[2], expected, "roster promote")
    assert g.rev("a@prod") == commits[1]


def test_a_concurrent_move_is_refused_then_the_fresh_value_wins(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    g.tag("a@prod", commits[0])
    repo = Repo(str(g.path))
    stale = repo.ref_value("refs/tags/a@prod")
    g.tag("a@prod", commits[1], force=True)
    with pytest.raises(RosterError, match="nothing changed, try again"):
        repo.move_ref("refs/tags/a@prod", commits[2], stale, "roster promote")
    assert g.rev("a@prod") == commits[1]
    repo.move_ref("refs/tags/a@prod", commits[2], repo.ref_value("refs/tags/a@prod"), "roster promote")
    assert g.rev("a@prod") == commits[2]


def test_an_annotated_tag_is_compared_by_its_tag_object(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    g.tag("a@prod", commits[0], annotated=True)
    repo = Repo(str(g.path))
    with pytest.raises(RosterError, match="moved by someone else"):
        repo.move_ref("refs/tags/a@prod", commits[1], commits[0], "peeled is not what the ref holds")
    repo.move_ref("refs/tags/a@prod", commits[1], repo.ref_value("refs/tags/a@prod"), "roster promote")
    assert g.git("rev-parse", "refs/tags/a@prod") == commits[1]  # now a lightweight tag on the commit


def test_a_ref_locked_by_another_writer_is_a_clear_error(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    g.tag("a@prod", commits[0])
    lock = g.path / ".git" / "refs" / "tags" / "a@prod.lock"
    lock.write_text(commits[1] + "\n")  # what git leaves while it writes the ref
    repo = Repo(str(g.path))
    with pytest.raises(RosterError, match="cannot move refs/tags/a@prod: .*is another process moving it"):
        repo.move_ref("refs/tags/a@prod", commits[2], commits[0], "roster promote")
    lock.unlink()
    assert g.rev("a@prod") == commits[0]


def test_two_threads_racing_one_tag_move_it_once(three: tuple[GitRepo, list[str]]) -> None:
    g, commits = three
    g.tag("a@prod", commits[0])
    repos = [Repo(str(g.path)), Repo(str(g.path))]
    expected = repos[0].ref_value("refs/tags/a@prod")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def move(repo: Repo, target: str) -> None:
        start.wait()
        try:
            repo.move_ref("refs/tags/a@prod", target, expected, "race")
            outcomes.append(target)
        except RosterError:
            outcomes.append("refused")

    threads = [threading.Thread(target=move, args=(r, c)) for r, c in zip(repos, commits[1:], strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if o != "refused"]
    assert len(winners) == 1 and outcomes.count("refused") == 1
    assert g.rev("a@prod") == winners[0]


def test_commit_file_commits_that_file_only_and_runs_no_hook(three: tuple[GitRepo, list[str]], tmp_path: Path) -> None:
    g, commits = three
    g.git("config", "user.name", "Env Editor")
    g.git("config", "user.email", "env@example.com")
    marker = tmp_path / "HOOK-RAN"
    hook = g.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    os.chmod(hook, 0o755)
    g.write("environments/prod.yaml", "pins:\n  a: 2\n")
    g.write("staged.txt", "staged\n")
    g.git("add", "staged.txt")
    g.write("unstaged.txt", "left alone\n")
    repo = Repo(str(g.path))
    made = repo.commit_file("environments/prod.yaml", "Promote a to prod\n")
    assert made == g.rev() and repo.first_parent(made) == commits[-1]
    assert g.git("show", "--format=", "--name-only", made) == "environments/prod.yaml"
    assert g.git("show", f"{made}:environments/prod.yaml") == "pins:\n  a: 2"
    info = repo.commit_info(made)
    assert (info.author_name, info.author_email, info.message) == ("Env Editor", "env@example.com",
                                                                   "Promote a to prod")
    assert not marker.exists()
    status = g.git("status", "--porcelain")
    assert "A  staged.txt" in status and "?? unstaged.txt" in status and "environments" not in status


def test_commit_file_needs_a_worktree_and_an_identity(three: tuple[GitRepo, list[str]], tmp_path: Path) -> None:
    g, _ = three
    run_git(tmp_path, "clone", "-q", "--bare", str(g.path), str(tmp_path / "bare.git"))
    with pytest.raises(GitError, match="bare repository has no working tree"):
        Repo(str(tmp_path / "bare.git")).commit_file("a.txt", "x")
    g.write("a.txt", "changed\n")
    with pytest.raises(GitError, match="no git identity to commit with"):
        Repo(str(g.path)).commit_file("a.txt", "x")
    g.git("config", "user.name", "N")
    g.git("config", "user.email", "n@example.com")
    with pytest.raises(GitError, match="cannot commit missing.txt"):
        Repo(str(g.path)).commit_file("missing.txt", "x")


def test_commit_file_makes_the_folders_a_new_file_needs(tmp_path: Path) -> None:
    path = tmp_path / "repo"
    pygit2.init_repository(str(path), initial_head="main")
    g = GitRepo(path, init=False)
    g.write("a.txt", "1\n")
    g.commit("first")
    g.git("config", "user.name", "N")
    g.git("config", "user.email", "n@example.com")
    g.write("deep/er/new.yaml", "x: 1\n")
    made = Repo(str(path)).commit_file("deep/er/new.yaml", "new\n")
    assert g.git("ls-tree", "-r", "--name-only", made).split() == ["a.txt", "deep/er/new.yaml"]


@pytest.mark.parametrize(("name", "valid"), [
    ("refs/tags/a@prod", True), ("refs/tags/team/helper@staging", True), ("refs/heads/main", True),
    ("refs/tags/a..b", False), ("refs/tags/a b", False), ("refs/tags/a@{1}", False), ("refs/tags/x.lock", False),
    ("refs/tags/", False), ("refs/tags/a\x00", False), ("refs/tags/a~1", False),
])
def test_valid_ref_names_are_the_ones_git_accepts(tmp_path: Path, name: str, valid: bool) -> None:
    assert valid_ref_name(name) is valid
    if "\x00" not in name:
        accepted = run_git(tmp_path, "check-ref-format", name, check=False).returncode == 0
        assert accepted is valid
