"""The one runner of the ``git`` command (roster.git.run): what a repository's own config
or the folder the user stands in can make it do. Real git, real config files."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.gitcmd import GitRepo
from roster.git.run import run_in_repo, run_outside_repo


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[GitRepo, Path]:
    """A repository whose config names commands to run and allows every transport."""
    g = GitRepo(tmp_path / "repo")
    g.write("a.txt", "1\n")
    g.commit("one")
    marker = tmp_path / "PWNED"
    for key, value in (("core.sshCommand", f"touch {marker}"), ("core.askPass", f"touch {marker}"),
                       ("credential.helper", f"!touch {marker}"), ("core.fsmonitor", f"touch {marker}"),
                       ("protocol.allow", "always"), ("protocol.ext.allow", "always")):
        g.git("config", key, value)
    return g, marker


def test_command_valued_settings_are_blanked(hostile: tuple[GitRepo, Path]) -> None:
    g, marker = hostile
    git_dir = str(g.path / ".git")
    seen = {}
    for key in ("core.sshCommand", "core.askPass", "credential.helper", "core.fsmonitor", "core.hooksPath",
                "protocol.allow", "protocol.ext.allow", "protocol.file.allow"):
        proc = run_in_repo(git_dir, ["config", "--get", key], b"")
        assert proc is not None
        seen[key] = proc.stdout.decode().strip()
    assert seen == {"core.sshCommand": "false", "core.askPass": "false", "credential.helper": "",
                    "core.fsmonitor": "false", "core.hooksPath": "/dev/null", "protocol.allow": "never",
                    "protocol.ext.allow": "never", "protocol.file.allow": "never"}
    assert not marker.exists()


def test_no_transport_runs_even_when_the_repository_allows_it(hostile: tuple[GitRepo, Path]) -> None:
    g, marker = hostile
    proc = run_in_repo(str(g.path / ".git"), ["ls-remote", f"ext::sh -c touch% {marker}"], b"")
    assert proc is not None and proc.returncode != 0
    assert not marker.exists()


def test_reads_answer_through_the_runner(hostile: tuple[GitRepo, Path]) -> None:
    g, _ = hostile
    proc = run_in_repo(str(g.path / ".git"), ["cat-file", "--batch-check"], b"HEAD:a.txt\n")
    assert proc is not None and proc.returncode == 0
    assert proc.stdout.decode().split() == [g.git("rev-parse", "HEAD:a.txt"), "blob", "2"]


def test_outside_a_repository_the_current_folders_repository_is_not_found(
        hostile: tuple[GitRepo, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    g, _ = hostile
    monkeypatch.chdir(g.path)
    monkeypatch.setenv("GIT_DIR", str(g.path / ".git"))  # not even when the environment names it
    proc = run_outside_repo(["rev-parse", "--git-dir"], "")
    assert proc is not None and proc.returncode != 0 and "not a git repository" in proc.stderr


def test_without_git_on_path_nothing_runs(hostile: tuple[GitRepo, Path], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    g, _ = hostile
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert run_in_repo(str(g.path / ".git"), ["cat-file", "--batch-check"], b"HEAD\n") is None
    assert run_outside_repo(["version"], "") is None
