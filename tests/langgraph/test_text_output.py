"""`sync --dry-run` plans and `pull --dry-run` diffs on a real server: no line ends with whitespace.

The prompts hold blank lines, lines of only spaces, lines ending in spaces or tabs, and tabs
inside (issue 16). Trailing blanks that changed still show, escaped as ``\\u0020``/``\\u0009``.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cli_sync import commit, git

from roster.langgraph.sync import server_id_for

pytestmark = pytest.mark.langgraph

PROMPT_1 = "You write posts.\n\nBe concise.   \n\tIndented with a tab\ttab inside\t\n  \nEnd. "
PROMPT_2 = "You write posts.\n\nBe precise.  \n\tIndented with a tab\t\n\n\nNo emoji.\t"
PROMPT_3 = "You write posts.\n\nBe precise.  \n\n\tIndented on the server\t\n"
SID = server_id_for(type("A", (), {"assistant_id": "blanks", "server_id": None})())


def assistant(prompt: str) -> str:
    """The prompt as a literal block: its blank lines and trailing blanks are in the file as typed."""
    block = "\n".join(f"    {line}" if line else "" for line in prompt.split("\n"))
    return f"graph_id: writer\nname: Blanks\ncontext:\n  greeting: Hi\n  system_prompt: |-\n{block}\n"


def ends_with_whitespace(text: str) -> list[str]:
    return [line for line in text.split("\n") if line != line.rstrip()]


@pytest.fixture
def repo(tmp_path: Path, langgraph_server) -> Path:
    from roster.langgraph.export import render_schema, schemas_from_server

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "add", {"schemas/writer.json": render_schema(schemas_from_server(langgraph_server.url)["writer"]),
                         "assistants/blanks.yaml": assistant(PROMPT_1)})
    return repo


def run(repo: Path, name: str, *args: str) -> str:
    from roster.cli.main import Settings
    from roster.cli.pull_cmd import command as pull
    from roster.cli.sync_cmd import command as sync

    command = {"sync": sync, "pull": pull}[name]
    result = CliRunner().invoke(command, list(args), obj=Settings(str(repo), None, False))
    assert result.exit_code == 0, result.output
    assert ends_with_whitespace(result.output) == [], result.output
    return result.output


def test_plans_and_pull_diffs_end_no_line_with_whitespace(repo: Path, clean_server, sdk) -> None:
    url = clean_server.url
    run(repo, "sync", "--url", url, "--dry-run")
    run(repo, "sync", "--url", url)
    assert clean_server.get_assistant(SID)["context"]["system_prompt"] == PROMPT_1

    commit(repo, "reword", {"assistants/blanks.yaml": assistant(PROMPT_2)})
    out = run(repo, "sync", "--url", url, "--dry-run").splitlines()
    assert "          -Be concise.\\u0020\\u0020\\u0020" in out and "          +No emoji.\\u0009" in out
    assert "          +Be precise.\\u0020\\u0020" in out
    run(repo, "sync", "--url", url)

    current = clean_server.get_assistant(SID)["context"]
    sdk.assistants.update(SID, context={**current, "system_prompt": PROMPT_3})  # an edit in Studio
    out = run(repo, "sync", "--url", url, "--dry-run", "--overwrite-drift").splitlines()
    assert any(line.endswith("+\tIndented on the server\\u0009") for line in out), out
    out = run(repo, "pull", "--url", url, "--dry-run").splitlines()
    assert any(line.startswith("would write assistants/blanks.yaml") for line in out), out
    assert "-    Be precise.\\u0020\\u0020" in out and "-" in out, out  # lines of the file
    run(repo, "pull", "--url", url)
    git(repo, "commit", "-qam", "pull the Studio edit")
    out = run(repo, "sync", "--url", url, "--dry-run")
    assert "Nothing to do" in out
