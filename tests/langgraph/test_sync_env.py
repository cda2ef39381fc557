"""`roster sync --env ENV` against a real `langgraph dev` server: each assistant at its pin, roster_env recorded."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from roster.langgraph.sync import server_id_for

pytestmark = pytest.mark.langgraph

ECHO = "graph_id: echo\nconfig:\n  configurable:\n    style: {style}\n"


def _id(assistant_id: str) -> str:
    return server_id_for(type("A", (), {"assistant_id": assistant_id, "server_id": None})())


@pytest.fixture
def repo(tmp_path: Path, langgraph_server) -> Path:
    from gitrepo import GitRepo
    from roster.langgraph.export import render_schema, schemas_from_server

    g = GitRepo(tmp_path / "repo")
    schemas = schemas_from_server(langgraph_server.url)
    g.write("schemas/echo.json", render_schema(schemas["echo"]))
    for style in ("quiet", "loud", "shouty"):
        g.write_assistant("echo-bot", ECHO.format(style=style))
        g.commit(f"echo {style}")
    g.write("environments/prod.yaml", f"url: {langgraph_server.url}\nassistants:\n  echo-bot: 2\n")
    g.commit("prod runs echo-bot 2")
    return g.path


def run(repo: Path, *args: str):
    from roster.cli.main import Settings
    from roster.cli.sync_cmd import command

    return CliRunner().invoke(command, list(args), obj=Settings(str(repo), None, False))


def test_sync_env_deploys_the_pinned_version_to_the_file_url(repo: Path, clean_server) -> None:
    result = run(repo, "--env", "prod")
    assert result.exit_code == 0, result.output
    got = clean_server.get_assistant(_id("echo-bot"))
    assert got["config"]["configurable"]["style"] == "loud"  # version 2, not HEAD's "shouty"
    assert got["metadata"]["roster_env"] == "prod" and got["metadata"]["roster_version"] == 2
    result = run(repo, "--env", "prod", "--dry-run", "--detailed-exitcode")
    assert result.exit_code == 0, result.output  # nothing left to do


def test_sync_env_needs_a_url(repo: Path, tmp_path: Path) -> None:
    (repo / "environments" / "staging.yaml").write_text("assistants:\n  echo-bot: 1\n")
    from gitrepo import run_git

    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "-m", "staging")
    result = run(repo, "--env", "staging")
    assert result.exit_code != 0 and "names no url" in str(result.exception or result.output)
