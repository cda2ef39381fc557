"""The shared helpers and fixtures keep tests away from the user's environment."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from helpers.cli import run_cli, run_roster_subprocess
from helpers.gitcmd import GitRepo, commit_all, git, init_repo
from helpers.identity import AUTHOR_EMAIL, AUTHOR_NAME, COMMITTER_EMAIL, COMMITTER_NAME, STEP
from helpers.paths import SCHEMAS
from helpers.pygit import commit_files


def test_home_is_a_temporary_folder(isolated_home):
    assert os.environ["HOME"] == str(isolated_home)
    assert os.environ["GIT_CONFIG_NOSYSTEM"] == "1"
    assert not any(name in os.environ for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"))
    (isolated_home / ".gitconfig").write_text("[user]\n\temail = leaked@example.com\n")
    proc = subprocess.run(["git", "config", "--global", "user.email"], capture_output=True, text=True)
    assert proc.stdout.strip() == "leaked@example.com"  # git reads this HOME, not the user's


def test_pygit2_reads_no_user_config():
    import pygit2
    from pygit2.enums import ConfigLevel

    assert pygit2.settings.search_path[ConfigLevel.GLOBAL] != str(Path.home())


def test_example_project_holds_the_repos_schemas(example_project):
    assert sorted(p.name for p in (example_project / "schemas").iterdir()) == sorted(p.name for p in SCHEMAS.iterdir())
    assert list((example_project / "assistants").iterdir()) == []
    assert git(example_project, "rev-parse", "--is-inside-work-tree") == "true"


def test_run_cli_separates_stdout_and_stderr(tmp_path):
    code, out, err = run_cli("--repo", str(tmp_path / "missing"), "check")
    assert code == 2 and out == "" and err.startswith("roster: error:")


def test_run_roster_subprocess_uses_this_checkout(tmp_path):
    proc = run_roster_subprocess("--version", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("roster ")


def _three_commits(path: Path) -> list[str]:
    """One commit each way: the git command (functions), GitRepo, and pygit2."""
    init_repo(path)
    (path / "a.txt").write_text("one")
    first = commit_all(path, "one")
    g = GitRepo(path, init=False)
    g.write("b.txt", "two")
    second = g.commit("two")
    g.git("reset", "-q", "--hard")
    third = commit_files(path, {"c.txt": "three"}, "three")
    g.git("reset", "-q", "--hard")
    return [first, second, third]


def test_every_way_of_committing_uses_one_identity_and_one_clock(tmp_path):
    commits = _three_commits(tmp_path / "r")
    fmt = "%an <%ae> %at|%cn <%ce> %ct %ci"
    lines = [GitRepo(tmp_path / "r", init=False).git("show", "-s", f"--format={fmt}", c) for c in commits]
    committed = [int(line.split("|")[1].split()[3]) for line in lines]
    assert committed == sorted(committed) and len(set(committed)) == 3
    assert [b - a for a, b in zip(committed, committed[1:], strict=False)] == [STEP, STEP]
    for line, when in zip(lines, committed, strict=True):
        author, committer = line.split("|")
        assert author == f"{AUTHOR_NAME} <{AUTHOR_EMAIL}> {when - 600}"
        assert committer.startswith(f"{COMMITTER_NAME} <{COMMITTER_EMAIL}> {when} ") and committer.endswith("+0200")


def test_each_repository_has_its_own_clock_so_commit_ids_do_not_depend_on_other_tests(tmp_path):
    assert _three_commits(tmp_path / "a") == _three_commits(tmp_path / "b")
