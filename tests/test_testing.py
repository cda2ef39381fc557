"""The shared helpers and fixtures keep tests away from the user's environment."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from testing import SCHEMAS, git, run_cli, run_roster_subprocess


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
