"""`roster sync` end to end: a git repository of assistants, the core's Roster.list, a real server."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from roster.langgraph.sync import server_id_for

pytestmark = pytest.mark.langgraph

WRITER = """\
graph_id: writer
name: Blog writer
description: Long-form posts
config:
  tags: [blog]
  recursion_limit: 7
context:
  greeting: Hi
  temperature: 0.7
metadata:
  owner: marketing
"""
ECHO = """\
graph_id: echo
config:
  configurable:
    style: loud
"""


def git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="Ada", GIT_AUTHOR_EMAIL="ada@example.com", GIT_COMMITTER_NAME="Ada",
               GIT_COMMITTER_EMAIL="ada@example.com", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def commit(repo: Path, message: str, files: dict[str, str | None]) -> str:
    for rel, text in files.items():
        path = repo / rel
        if text is None:
            git(repo, "rm", "-q", rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        git(repo, "add", rel)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def server_repo(tmp_path: Path, url: str, message: str, files: dict[str, str | None]) -> Path:
    """A new repository at tmp_path/repo whose first commit holds the server's writer and echo schemas and files."""
    from roster.langgraph.export import render_schema, schemas_from_server

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    schemas = schemas_from_server(url)
    commit(repo, message, {"schemas/writer.json": render_schema(schemas["writer"]),
                           "schemas/echo.json": render_schema(schemas["echo"]), **files})
    return repo


@pytest.fixture
def repo(tmp_path: Path, langgraph_server) -> Path:
    return server_repo(tmp_path, langgraph_server.url, "add assistants", {
        "assistants/marketing/blog-writer.yaml": WRITER,
        "assistants/echo-bot.yaml": ECHO,
    })


@pytest.fixture
def run(repo: Path):
    from roster import Roster

    if not hasattr(Roster, "list"):
        pytest.fail("roster.Roster.list is missing: the core API this command needs", pytrace=False)
    from roster.cli.main import Settings
    from roster.cli.sync_cmd import command

    def invoke(*args: str):
        return CliRunner().invoke(command, list(args), obj=Settings(str(repo), None, False))

    return invoke


class Ids:
    writer = server_id_for(type("A", (), {"assistant_id": "marketing/blog-writer", "server_id": None})())
    echo = server_id_for(type("A", (), {"assistant_id": "echo-bot", "server_id": None})())


def test_cli_sync_lifecycle(repo: Path, run, clean_server, sdk):
    client = clean_server
    url = client.url

    result = run("--url", url, "--dry-run", "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    assert "+ create marketing/blog-writer" in result.output and "+ create echo-bot" in result.output
    assert client.search_assistants(metadata={"roster_id": "echo-bot"}) == []  # dry run changed nothing

    result = run("--url", url)
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    got = client.get_assistant(Ids.writer)
    head = git(repo, "rev-parse", "HEAD").strip()
    assert got["metadata"]["roster_id"] == "marketing/blog-writer"
    assert got["metadata"]["roster_version"] == 1 and got["metadata"]["roster_commit"] == head
    assert got["context"] == {"greeting": "Hi", "temperature": 0.7}

    result = run("--url", url, "--dry-run", "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert "Nothing to do" in result.output

    # a commit that does not touch the assistants: still nothing to do, no new server version
    commit(repo, "unrelated", {"README.md": "hello\n"})
    assert run("--url", url, "--detailed-exitcode").exit_code == 0
    assert [v["version"] for v in client.get_versions(Ids.writer)] == [1]

    changed = commit(repo, "warmer greeting", {
        "assistants/marketing/blog-writer.yaml": WRITER.replace("greeting: Hi", "greeting: Hello")})
    result = run("--url", url, "--dry-run", "--detailed-exitcode", "--format", "json")
    assert result.exit_code == 2, result.output
    plan = json.loads(result.output)["plan"]
    assert plan["summary"] == {"create": 0, "update": 1, "delete": 0, "unchanged": 1, "drift": 0, "orphaned": 0,
                               "unmanaged": 2}
    (item,) = [i for i in plan["items"] if i["action"] == "update"]
    assert item["changes"] == [{"path": "context.greeting", "op": "changed", "old": "Hi", "new": "Hello"}]

    result = run("--url", url, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["applied"][0]["new_server_version"] == 2
    assert [v["version"] for v in client.get_versions(Ids.writer)] == [2, 1]
    assert client.get_assistant(Ids.writer)["metadata"]["roster_commit"] == changed
    assert client.get_assistant(Ids.writer)["metadata"]["roster_version"] == 2

    # --ref: sync an older commit (a rollback) is one more server version
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    result = run("--url", url, "--ref", first)
    assert result.exit_code == 0, result.output
    assert client.get_assistant(Ids.writer)["context"]["greeting"] == "Hi"
    assert [v["version"] for v in client.get_versions(Ids.writer)] == [3, 2, 1]
    assert run("--url", url).exit_code == 0  # back to HEAD

    # delete a file: without --prune it stays (reported), with --prune only Roster's go
    by_hand = sdk.assistants.create(graph_id="echo", name="by hand")
    commit(repo, "retire echo-bot", {"assistants/echo-bot.yaml": None})
    result = run("--url", url, "--dry-run", "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert "orphan echo-bot" in result.output
    result = run("--url", url, "--prune", "--dry-run", "--detailed-exitcode")
    assert result.exit_code == 2 and "- delete echo-bot" in result.output
    result = run("--url", url, "--prune")
    assert result.exit_code == 0, result.output
    left = {a["assistant_id"] for a in client.search_assistants()}
    assert Ids.echo not in left and Ids.writer in left and by_hand["assistant_id"] in left


def test_cli_sync_errors(repo: Path, run, clean_server):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    result = run("--url", dead, "--dry-run", "--detailed-exitcode")
    assert result.exit_code == 1
    assert "cannot reach the LangGraph server" in result.output
    result = run("--url", dead, "--dry-run")  # without it a RosterError exits 2, as in every command
    assert result.exit_code == 2
    assert result.output.startswith("roster: error: cannot reach the LangGraph server")

    commit(repo, "both", {"assistants/echo-bot.yaml": ECHO + "context:\n  style: quiet\n"})
    result = run("--url", clean_server.url, "--detailed-exitcode")
    assert result.exit_code == 1
    assert "both config.configurable and context" in result.output
