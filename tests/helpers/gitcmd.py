"""Git repositories driven by the real ``git`` command: functions over a path, and ``GitRepo``.

Both date every commit by the repository's one clock (``identity.clock_for``)
and commit as the one identity, so ids and dates are reproducible and ordered.
"""
from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from helpers.content import WRITER_SCHEMA, assistant_yaml
from helpers.files import FileContent, make_project
from helpers.identity import AUTHOR_EMAIL, AUTHOR_NAME, clock_for, git_env, iso

# --- functions over a path ---------------------------------------------------------------


def run_git(cwd: str | os.PathLike[str], *args: str, env: dict[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
    """``git ARGS`` in ``cwd`` (the identity, no dates unless ``env`` has them); fails the test when it fails."""
    proc = subprocess.run(["git", *args], cwd=str(cwd), env=env or git_env(), text=True, capture_output=True,
                          timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


# The commands that write a commit (or a tag object): each moves the repository's clock one tick.
_DATED = frozenset({"commit", "merge", "tag", "cherry-pick", "rebase", "revert", "am", "commit-tree", "pull",
                    "notes", "stash"})


def git(cwd: Path | str, *args: str, date: str | None = None) -> str:
    """``git ARGS`` in ``cwd``, dated by the repository's clock or ``date``; returns stdout."""
    if date is None:
        clock = clock_for(cwd)
        if _DATED.intersection(args[:1]):
            clock.tick()
        env = git_env(author_date=clock.author_date(), committer_date=clock.committer_date())
    else:
        env = git_env(author_date=date, committer_date=date)
    return run_git(cwd, *args, env=env).stdout.strip()


def init_repo(path: Path | str) -> Path:
    """``git init -b main`` with a repository-local identity."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", AUTHOR_NAME)
    git(path, "config", "user.email", AUTHOR_EMAIL)
    git(path, "config", "commit.gpgsign", "false")
    return path


def commit_all(path: Path | str, message: str, date: str | None = None) -> str:
    """Stage everything and commit it; returns the new commit id."""
    git(path, "add", "-A")
    git(path, "commit", "-q", "--allow-empty", "-m", message, date=date)
    return git(path, "rev-parse", "HEAD")


def make_repo(tmp_path: Path, files: Mapping[str, FileContent], *, schemas: bool = True,
              commit: str | None = "initial", name: str = "repo") -> Path:
    """A git repository holding ``files`` (and the repo's schemas/), committed unless ``commit`` is None."""
    root = init_repo(tmp_path / name)
    make_project(tmp_path, files, schemas=schemas, name=name)
    if commit is not None:
        commit_all(root, commit)
    return root


def short(commit: str, length: int = 7) -> str:
    """An abbreviated commit id usable as a ref: all-digit prefixes read as version numbers (SPEC section 4)."""
    while commit[:length].isdigit():
        length += 1
    return commit[:length]


# --- a repository object -----------------------------------------------------------------


class GitRepo:
    """A repository in a tmp folder, driven by the real ``git``; each commit is one clock tick after the last."""

    def __init__(self, path: str | os.PathLike[str], *, bare: bool = False, init: bool = True,
                 home: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path)
        self.home = Path(home) if home else self.path.parent / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        if init:
            self.path.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", "-b", "main", *(["--bare"] if bare else []))

    # --- running git -------------------------------------------------------

    def env(self, tick: bool = False) -> dict[str, str]:
        clock = clock_for(self.path)
        if tick:
            clock.tick()
        return git_env(self.home, author_date=clock.author_date(), committer_date=clock.committer_date())

    def git(self, *args: str, tick: bool = False, check: bool = True) -> str:
        return run_git(self.path, *args, env=self.env(tick), check=check).stdout.strip()

    def rev(self, ref: str = "HEAD") -> str:
        return self.git("rev-parse", "--verify", "-q", f"{ref}^{{commit}}")

    # --- files ---------------------------------------------------------------

    def write(self, rel: str, text: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def write_schema(self, graph_id: str = "writer", schema: dict[str, Any] | None = None) -> None:
        data = dict(schema or WRITER_SCHEMA)
        data["graph_id"] = graph_id
        self.write(f"schemas/{graph_id}.json", json.dumps(data, indent=2) + "\n")

    def write_assistant(self, assistant_id: str, text: str | None = None, *, suffix: str = ".yaml",
                        **kwargs: Any) -> Path:
        return self.write(f"assistants/{assistant_id}{suffix}", text if text is not None else assistant_yaml(**kwargs))

    def commit(self, message: str, *, allow_empty: bool = False) -> str:
        """Stage everything and commit; returns the new commit id."""
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, *(["--allow-empty"] if allow_empty else []), tick=True)
        return self.rev()

    def commit_time(self, commit: str) -> str:
        return iso(int(self.git("show", "-s", "--format=%ct", commit)))

    def first_parent_log(self, path: str, ref: str = "HEAD") -> list[str]:
        out = self.git("log", "--first-parent", "--format=%H", ref, "--", path)
        return out.split() if out else []

    # --- branches and merges -------------------------------------------------

    def checkout(self, *args: str) -> None:
        self.git("checkout", "-q", *args)

    def merge_pr(self, branch: str, message: str | None = None) -> str:
        """Merge a pull-request branch into the current branch with a merge commit."""
        self.git("merge", "-q", "--no-ff", "-m", message or f"Merge pull request from {branch}", branch, tick=True)
        return self.rev()

    def squash_merge(self, branch: str, message: str) -> str:
        self.git("merge", "-q", "--squash", branch, tick=True)
        self.git("commit", "-q", "-m", message, tick=True)
        return self.rev()

    def tag(self, name: str, target: str = "HEAD", *, annotated: bool = False, force: bool = False) -> None:
        args = ["tag"] + (["-f"] if force else []) + (["-a", "-m", f"release {name}"] if annotated else [])
        self.git(*args, name, target, tick=annotated)
