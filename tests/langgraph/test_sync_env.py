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
    from helpers.gitcmd import GitRepo
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
    from helpers.gitcmd import run_git

    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "-m", "staging")
    result = run(repo, "--env", "staging")
    assert result.exit_code == 2 and "roster: error: environment 'staging' names no url" in result.output


def test_a_reverted_promotion_rolls_the_server_back_without_a_new_version(repo: Path, clean_server) -> None:
    from helpers.gitcmd import run_git

    assert run(repo, "--env", "prod").exit_code == 0  # creates echo-bot at git version 2 ("loud")
    sid = _id("echo-bot")
    (repo / "environments" / "prod.yaml").write_text(
        (repo / "environments" / "prod.yaml").read_text().replace("echo-bot: 2", "echo-bot: 3"))
    run_git(repo, "commit", "-q", "-am", "Promote echo-bot to prod: version 2 -> version 3")
    assert run(repo, "--env", "prod").exit_code == 0
    assert clean_server.get_assistant(sid)["config"]["configurable"]["style"] == "shouty"
    before = [v["version"] for v in clean_server.get_versions(sid)]
    run_git(repo, "revert", "--no-edit", "HEAD")
    result = run(repo, "--env", "prod", "--dry-run", "--format", "json")
    import json

    (item,) = [i for i in json.loads(result.output)["plan"]["items"] if i["action"] != "unmanaged"]
    assert item["rollback_to"] == 1  # the server already holds this content: set_latest, not a new version
    result = run(repo, "--env", "prod", "--format", "json")
    assert result.exit_code == 0, result.output
    got = clean_server.get_assistant(sid)
    # What a run receives is version 2's content, in both places the server keeps it.
    assert got["config"]["configurable"]["style"] == "loud"
    assert got["context"] in ({}, got["config"]["configurable"])
    assert got["metadata"]["roster_env"] == "prod" and got["metadata"]["roster_version"] == 2
    after = [v["version"] for v in clean_server.get_versions(sid)]
    # `langgraph dev` restores config but not context on set_latest; then one update follows.
    assert after in (before, [max(before) + 1, *before])
    assert run(repo, "--env", "prod", "--dry-run", "--detailed-exitcode").exit_code == 0


def test_pull_env_reads_the_url_from_the_file(repo: Path, clean_server) -> None:
    from roster.cli.main import Settings
    from roster.cli.pull_cmd import command

    assert run(repo, "--env", "prod").exit_code == 0
    result = CliRunner().invoke(command, ["--env", "prod", "--dry-run"], obj=Settings(str(repo), None, False))
    assert result.exit_code == 0, result.output
    assert clean_server.url in result.output and "Nothing to pull" in result.output
