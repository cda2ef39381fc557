"""The no-code loop against a real `langgraph dev` server and real git repositories:
an edit made the way Studio and the SDK make it survives syncs, `roster pull` brings it home
as a minimal diff, `roster import` starts a repository from a deployment."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cli_sync import commit, git, server_repo

from roster.langgraph.sync import server_id_for

pytestmark = pytest.mark.langgraph

WRITER = """\
# The blog writer: long-form posts for the marketing site.
graph_id: writer
name: Blog writer   # shown in Studio
description: 'Long-form posts'
config:
  tags: [blog]
  recursion_limit: 7
context:
  greeting: Hi
  temperature: 0.7
  # reviewed by legal: keep the wording
  system_prompt: |
    You write long-form blog posts.
    Be concise.
    Cite your sources.
metadata:
  owner: marketing
"""
PATH = "assistants/marketing/blog-writer.yaml"
SID = server_id_for(type("A", (), {"assistant_id": "marketing/blog-writer", "server_id": None})())


def roster(repo: Path, *args: str):
    from roster.cli.main import cli

    return CliRunner().invoke(cli, ["--repo", str(repo), *args])


@pytest.fixture
def repo(tmp_path: Path, langgraph_server) -> Path:
    return server_repo(tmp_path, langgraph_server.url, "add the writer", {PATH: WRITER})


def studio_edit(sdk, prompt: str, **context) -> None:
    """What Studio sends: a PATCH of the whole config (context is mirrored by the server)."""
    current = sdk.assistants.get(SID)
    configurable = {**current["context"], "system_prompt": prompt, **context}
    sdk.assistants.update(SID, config={**current["config"], "configurable": configurable})


EDITED = "You write long-form blog posts.\nBe brief and warm.\nCite your sources.\n"


def test_studio_edit_survives_syncs_and_comes_home(repo: Path, clean_server, sdk):
    client = clean_server
    url = client.url
    assert roster(repo, "sync", "--url", url).exit_code == 0
    studio_edit(sdk, EDITED)
    versions = [v["version"] for v in client.get_versions(SID)]

    result = roster(repo, "sync", "--url", url, "--dry-run")
    assert result.exit_code == 1, result.output
    assert "DRIFT" in result.output and "Blocked" in result.output and "..." not in result.output
    assert "-Be concise." in result.output and "+Be brief and warm." in result.output
    assert "default assistant of graph writer" in result.output  # the unmanaged ones are listed
    result = roster(repo, "sync", "--url", url, "--dry-run", "--detailed-exitcode", "--format", "json")
    assert result.exit_code == 1, result.output
    plan = json.loads(result.output)["plan"]
    assert not plan["ok"] and plan["summary"]["drift"] == 1 and plan["summary"]["unmanaged"] == 2
    (item,) = plan["items"]
    assert item["drift"] and [c["path"] for c in item["drift_changes"]] == ["context.system_prompt"]
    assert item["drift_changes"][0]["new"] == EDITED  # in full

    # an unrelated commit, then a change of another file: the edit still survives every sync
    commit(repo, "unrelated", {"README.md": "hello\n"})
    for _ in range(2):
        result = roster(repo, "sync", "--url", url)
        assert result.exit_code == 1, result.output
    commit(repo, "another assistant", {"assistants/echo-bot.yaml": "graph_id: echo\n"})
    result = roster(repo, "sync", "--url", url, "--format", "json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.output)["plan"]["blocked_by_drift"] == ["marketing/blog-writer"]
    assert client.get_assistant(SID)["context"]["system_prompt"] == EDITED
    assert [v["version"] for v in client.get_versions(SID)] == versions

    result = roster(repo, "pull", "--url", url, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "-  Be concise." in result.output.replace("    ", "  ") or "Be concise." in result.output
    assert (repo / PATH).read_text() == WRITER  # a dry run writes nothing

    result = roster(repo, "pull", "--url", url)
    assert result.exit_code == 0, result.output
    assert (repo / PATH).read_text() == WRITER.replace("    Be concise.\n", "    Be brief and warm.\n")
    numstat = git(repo, "diff", "--numstat").split()
    assert numstat[:2] == ["1", "1"], numstat  # exactly the line changed on the server
    assert roster(repo, "check").exit_code == 0
    assert roster(repo, "pull", "--url", url).exit_code == 0  # already home: nothing written

    commit(repo, "Studio edit of the writer's prompt", {PATH: (repo / PATH).read_text()})
    result = roster(repo, "sync", "--url", url, "--dry-run", "--detailed-exitcode")
    assert result.exit_code == 2, result.output  # only the new echo-bot to create
    assert "+ create echo-bot" in result.output and "marketing/blog-writer" not in result.output
    assert roster(repo, "sync", "--url", url).exit_code == 0
    assert [v["version"] for v in client.get_versions(SID)] == versions  # the writer was not touched

    # a later change in git is an ordinary update, not drift
    commit(repo, "warmer", {PATH: (repo / PATH).read_text().replace("greeting: Hi", "greeting: Hello")})
    result = roster(repo, "sync", "--url", url)
    assert result.exit_code == 0, result.output
    got = client.get_assistant(SID)
    assert got["context"]["greeting"] == "Hello" and got["context"]["system_prompt"] == EDITED
    assert got["config"]["tags"] == ["blog"]


def test_overwrite_drift_discards_the_edit(repo: Path, clean_server, sdk):
    url = clean_server.url
    assert roster(repo, "sync", "--url", url).exit_code == 0
    studio_edit(sdk, EDITED)
    result = roster(repo, "sync", "--url", url, "--overwrite-drift")
    assert result.exit_code == 0, result.output
    assert clean_server.get_assistant(SID)["context"]["system_prompt"].startswith("You write long-form blog posts.\n"
                                                                                  "Be concise.")


def test_pull_conflict_writes_nothing(repo: Path, clean_server, sdk):
    url = clean_server.url
    assert roster(repo, "sync", "--url", url).exit_code == 0
    studio_edit(sdk, EDITED)
    changed = WRITER.replace("temperature: 0.7", "temperature: 0.9")
    commit(repo, "cooler", {PATH: changed})
    result = roster(repo, "pull", "--url", url)
    assert result.exit_code == 1, result.output
    assert "conflict" in result.output
    assert "+Be brief and warm." in result.output  # the server's diff
    assert "~ context.temperature: 0.7 -> 0.9" in result.output  # git's diff
    assert (repo / PATH).read_text() == changed
    result = roster(repo, "pull", "--url", url, "--format", "json")
    assert result.exit_code == 1
    (item,) = json.loads(result.output)["items"]
    assert item["status"] == "conflict" and not json.loads(result.output)["ok"]
    assert [c["path"] for c in item["git_changes"]] == ["context.temperature"]
    assert [c["path"] for c in item["server_changes"]] == ["context.system_prompt"]
    assert roster(repo, "sync", "--url", url).exit_code == 1  # and sync still keeps the edit


def test_sdk_context_patch_is_pulled(repo: Path, clean_server, sdk):
    """A PATCH of `context` alone: the server then also replaces the whole config."""
    url = clean_server.url
    text = "graph_id: writer\n# tone of voice\ncontext:\n  greeting: Hi   # short\n  system_prompt: |\n" \
           "    One.\n    Two.\n"
    commit(repo, "support", {"assistants/support.yaml": text})
    assert roster(repo, "sync", "--url", url).exit_code == 0
    sid = server_id_for(type("A", (), {"assistant_id": "support", "server_id": None})())
    sdk.assistants.update(sid, context={"greeting": "Hello", "system_prompt": "One.\nTwo.\nThree.\n"})
    result = roster(repo, "pull", "--url", url)
    assert result.exit_code == 0, result.output
    # the comment keeps its column where the longer value leaves room for it
    assert (repo / "assistants/support.yaml").read_text() == text.replace("Hi   # short", "Hello # short") + \
        "    Three.\n"
    assert roster(repo, "check").exit_code == 0


def test_rollback_uses_set_latest(repo: Path, clean_server):
    client = clean_server
    url = client.url
    assert roster(repo, "sync", "--url", url).exit_code == 0
    commit(repo, "new description", {PATH: WRITER.replace("'Long-form posts'", "'Posts'")})
    assert roster(repo, "sync", "--url", url).exit_code == 0
    assert client.get_assistant(SID)["version"] == 2
    commit(repo, "revert", {PATH: WRITER})
    result = roster(repo, "sync", "--url", url, "--dry-run")
    assert "set_latest 1" in result.output, result.output
    result = roster(repo, "sync", "--url", url)
    assert result.exit_code == 0, result.output
    got = client.get_assistant(SID)
    assert got["version"] == 1 and got["description"] == "Long-form posts"
    assert sorted(v["version"] for v in client.get_versions(SID)) == [1, 2]  # no new version
    assert roster(repo, "sync", "--url", url, "--dry-run", "--detailed-exitcode").exit_code == 0


def test_import_starts_a_repository(tmp_path: Path, clean_server, sdk):
    client = clean_server
    url = client.url
    prompt = "You answer support tickets.\nBe kind.\n"
    sdk.assistants.create(graph_id="writer", name="Support Bot!", context={"system_prompt": prompt, "greeting": "Hey"},
                          metadata={"team": "support"}, description="First line")
    sdk.assistants.create(graph_id="writer", name="support bot", config={"tags": ["x"], "recursion_limit": 3})
    sdk.assistants.create(graph_id="echo", name="Echo", config={"configurable": {"style": "loud"}})
    repo = tmp_path / "imported"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")

    result = roster(repo, "import", "--url", url, "--dry-run")
    assert result.exit_code == 0 and "would write assistants/support-bot-2.yaml" in result.output, result.output
    assert not (repo / "assistants").exists() and not (repo / "schemas").exists()
    result = roster(repo, "import", "--url", url)
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts)
    assert files == ["assistants/echo.yaml", "assistants/support-bot-2.yaml", "assistants/support-bot.yaml",
                     "schemas/echo.json", "schemas/writer.json"]
    text = (repo / "assistants/support-bot.yaml").read_text()
    assert "system_prompt: |\n    You answer support tickets.\n    Be kind.\n" in text
    assert "name: Support Bot!" in text and "configurable" not in text  # only one of the two mappings
    assert "configurable:\n    style: loud" in (repo / "assistants/echo.yaml").read_text()
    assert roster(repo, "check").exit_code == 0

    commit(repo, "import", {f: (repo / f).read_text() for f in files})
    result = roster(repo, "sync", "--url", url, "--dry-run", "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert "Nothing to do" in result.output

    # again: nothing new (all claimed); with the defaults, they come too, and no file is overwritten
    result = roster(repo, "import", "--url", url)
    assert result.exit_code == 0 and "0 assistant(s)" in result.output, result.output
    (repo / "assistants/writer.yaml").write_text("graph_id: writer\n")  # an id the default would take
    result = roster(repo, "import", "--url", url, "--include-defaults")
    assert result.exit_code == 0, result.output
    assert (repo / "assistants/writer.yaml").read_text() == "graph_id: writer\n"
    written = sorted(p.name for p in (repo / "assistants").iterdir())
    assert written == ["echo-2.yaml", "echo.yaml", "support-bot-2.yaml", "support-bot.yaml", "writer-2.yaml",
                       "writer.yaml"]
    assert uuid.UUID((repo / "assistants/writer-2.yaml").read_text().split("server_id: ")[1].strip())


def test_context_patch_that_drops_config_is_pulled_faithfully(repo: Path, clean_server, sdk):
    url = clean_server.url
    assert roster(repo, "sync", "--url", url).exit_code == 0
    current = sdk.assistants.get(SID)["context"]
    sdk.assistants.update(SID, context={**current, "greeting": "Hey"})  # the server drops tags, recursion_limit
    result = roster(repo, "pull", "--url", url)
    assert result.exit_code == 0, result.output
    text = (repo / PATH).read_text()
    expected = WRITER.replace("config:\n  tags: [blog]\n  recursion_limit: 7\n", "").replace("greeting: Hi",
                                                                                             "greeting: Hey")
    assert text == expected
    assert roster(repo, "check").exit_code == 0
    commit(repo, "Studio", {PATH: text})
    assert roster(repo, "sync", "--url", url, "--dry-run", "--detailed-exitcode").exit_code == 0


def test_pull_refuses_symlinks_and_bare_repositories(repo: Path, clean_server, sdk, tmp_path: Path):
    url = clean_server.url
    assert roster(repo, "sync", "--url", url).exit_code == 0
    studio_edit(sdk, EDITED)
    outside = tmp_path / "outside.yaml"
    outside.write_text(WRITER)
    (repo / PATH).unlink()
    (repo / PATH).symlink_to(outside)
    result = roster(repo, "pull", "--url", url)
    assert result.exit_code == 1 and "symlink" in result.output, result.output
    assert outside.read_text() == WRITER
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    result = roster(bare, "pull", "--url", url)
    assert result.exit_code == 2 and "working tree" in result.output, result.output
