"""Shared test helpers: projects on disk, real git repositories, and the CLI.

Everything here drives the real tools (the ``git`` command, pygit2, click's
runner, ``python -m roster``): nothing is mocked. Git gets a fixed identity
and strictly increasing dates through the environment, so commits are
reproducible and never read the user's configuration.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]  # the project checkout
SCHEMAS = ROOT / "schemas"
EXAMPLES = Path(__file__).resolve().parent / "examples"

AUTHOR_NAME, AUTHOR_EMAIL = "Ada Tester", "ada@example.com"
COMMITTER_NAME, COMMITTER_EMAIL = "Cy Committer", "cy@example.com"
_START = 1_700_000_000  # 2023-11-14T22:13:20Z
_clock = itertools.count(1)

FileContent = str | bytes | None


def next_date() -> str:
    """A git date one minute after the previous one (``@<seconds> +0000``)."""
    return f"@{_START + 60 * next(_clock)} +0000"


# --- files --------------------------------------------------------------------

def write_files(root: Path, files: Mapping[str, FileContent]) -> None:
    """Write ``{relative path: text or bytes}`` below ``root``; ``None`` deletes the file."""
    for rel, content in files.items():
        target = root / rel
        if content is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def make_project(tmp_path: Path, files: Mapping[str, FileContent], *, schemas: bool = False,
                 name: str = "project") -> Path:
    """A project folder below ``tmp_path`` holding ``files`` (and a copy of the repo's schemas/ if asked)."""
    root = tmp_path / name
    root.mkdir(parents=True, exist_ok=True)
    if schemas:
        shutil.copytree(SCHEMAS, root / "schemas", dirs_exist_ok=True)
    write_files(root, files)
    return root


# --- git, the command -----------------------------------------------------------

def git_env(date: str | None = None) -> dict[str, str]:
    """The environment for ``git``: fixed identity and dates, no user or system config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    stamp = date or next_date()
    env.update(GIT_AUTHOR_NAME=AUTHOR_NAME, GIT_AUTHOR_EMAIL=AUTHOR_EMAIL, GIT_AUTHOR_DATE=stamp,
               GIT_COMMITTER_NAME=COMMITTER_NAME, GIT_COMMITTER_EMAIL=COMMITTER_EMAIL, GIT_COMMITTER_DATE=stamp,
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    return env


def git(cwd: Path | str, *args: str, date: str | None = None) -> str:
    """Run the real ``git`` in ``cwd``; fail the test with git's output when it fails. Returns stdout."""
    proc = subprocess.run(["git", *args], cwd=str(cwd), env=git_env(date), capture_output=True, text=True,
                          timeout=120)
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout.strip()


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


# --- git, through pygit2 (fast: no process, no worktree) -------------------------

def commit_files(repo_path: Path | str, files: Mapping[str, FileContent], message: str,
                 *, branch: str = "main") -> str:
    """Commit ``files`` on top of ``branch`` straight into the object database.

    The worktree and the index are not touched. ``None`` removes a path.
    Returns the new commit id.
    """
    import pygit2

    repo = pygit2.Repository(str(repo_path))
    ref_name = f"refs/heads/{branch}"
    ref = repo.references.get(ref_name)
    parents = [ref.target] if ref is not None else []
    index = pygit2.Index()
    if parents:
        index.read_tree(repo[parents[0]].peel(pygit2.Commit).tree)
    for rel, content in files.items():
        if content is None:
            index.remove(rel)
            continue
        data = content.encode("utf-8") if isinstance(content, str) else content
        index.add(pygit2.IndexEntry(rel, repo.create_blob(data), pygit2.enums.FileMode.BLOB))
    tree = index.write_tree(repo)
    seconds = _START + 60 * next(_clock)
    author = pygit2.Signature(AUTHOR_NAME, AUTHOR_EMAIL, seconds, 0)
    committer = pygit2.Signature(COMMITTER_NAME, COMMITTER_EMAIL, seconds, 0)
    oid = repo.create_commit(ref_name, author, committer, message, tree, parents)
    return str(oid)


# --- the command line -------------------------------------------------------------

@contextlib.contextmanager
def chdir(path: Path | str | None) -> Iterator[None]:
    if path is None:
        yield
        return
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_cli(*args: str, cwd: Path | str | None = None) -> tuple[int, str, str]:
    """``roster ARGS`` in this process through click's runner: (exit code, stdout, stderr).

    click >= 8.2 keeps stderr apart from stdout in the runner's result; an
    exception that escapes the CLI's own error handling fails the test.
    """
    from click.testing import CliRunner

    from roster.cli.main import cli

    runner = CliRunner()
    with chdir(cwd):
        result = runner.invoke(cli, list(args), prog_name="roster", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def run_roster_subprocess(*args: str, cwd: Path | str | None = None, timeout: float = 60,
                          input: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m roster ARGS`` in a new process, as a user or CI runs it.

    ``timeout`` is a guard against hangs (the test fails with TimeoutExpired),
    not a performance assertion.
    """
    env = dict(os.environ)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.run([sys.executable, "-m", "roster", *args], cwd=str(cwd) if cwd else None, env=env,
                          capture_output=True, text=True, timeout=timeout, input=input)


# --- reading results ----------------------------------------------------------------

def problem_lines(output: str, path: str) -> list[str]:
    """The lines of a text report that are about ``path`` (they start with ``path:``)."""
    return [line for line in output.splitlines() if line.startswith(f"{path}:")]


GOOD_WRITER = """\
graph_id: writer
name: Good writer
config:
  tags: [blog]
  recursion_limit: 25
  configurable:
    model: anthropic:claude-sonnet-4-5
    system_prompt: |
      You write posts.
"""

GOOD_SUPPORT = """\
graph_id: support
config:
  tags: [support]
context:
  model: anthropic:claude-haiku-4-5
  product: Acme Cloud
  knowledge_base:
    index: docs
"""


# --- servers on 127.0.0.1 -------------------------------------------------------------

S = TypeVar("S", bound=socketserver.BaseServer)


def threaded_servers(make: Callable[..., S]) -> Iterator[Callable[..., S]]:
    """For a fixture, ``yield from threaded_servers(ServerClass)``: the test gets ``start(*args)``,
    which makes a server and serves it on a daemon thread; each is shut down and closed afterwards."""
    servers: list[S] = []

    def start(*args: Any, **kwargs: Any) -> S:
        srv = make(*args, **kwargs)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.shutdown()
        srv.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, *, up: bool = True, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.02)
    raise AssertionError(f"port {port} did not go {'up' if up else 'down'} within {timeout} s")
