"""reporters/server.py: sync plans and results, pull results and imports, as text and JSON.

The plans are real ``plan_sync`` plans of a real repository's assistants against server objects
shaped as a LangGraph server returns them; nothing in Roster is replaced.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers.gitcmd import GitRepo
from reporters.conftest import KEY
from roster import Roster
from roster.diff import FieldChange
from roster.langgraph.importer import ImportResult
from roster.langgraph.pull import PullItem, PullResult
from roster.langgraph.sync import SyncPlan, SyncResult, plan_sync, server_id_for
from roster.reporters.server import SyncRun, render_import, render_pull, render_sync_plan, render_sync_result

URL = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], list[dict[str, Any]]]:
    """Git's assistants and the server's: ``a`` edited in Studio, an orphan, one made by hand."""
    g = GitRepo(tmp_path_factory.mktemp("server") / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one\ntwo")
    g.write_assistant("b", prompt="b")
    g.commit("one")
    a, b = Roster(str(g.path)).list()
    config = {k: v for k, v in a.config.items() if k != "configurable"}
    edited = {**a.config["configurable"], "system_prompt": f"one\nuse {KEY}\n"}  # edited in Studio: a secret
    server: list[dict[str, Any]] = [
        {"assistant_id": server_id_for(a), "graph_id": "writer", "config": {**config, "configurable": edited},
         "context": edited, "name": "a", "description": None, "version": 2,
         "metadata": {"roster_id": "a", "roster_version": 1, "roster_commit": a.commit, "roster_metadata_keys": []}},
        {"assistant_id": "0000-orphan", "graph_id": "writer", "config": {}, "context": {}, "name": "gone",
         "version": 1, "metadata": {"roster_id": "gone", "roster_version": 3, "roster_commit": "f" * 40}},
        {"assistant_id": "1111-hand", "graph_id": "writer", "config": {}, "context": {}, "version": 1,
         "name": "evil\n::error::x", "metadata": {}},
    ]
    return [a, b], server


@pytest.fixture(scope="module")
def plan(inputs: tuple[list[Any], list[dict[str, Any]]]) -> SyncPlan:
    return plan_sync(*inputs)


def test_a_plan_as_text_redacts_the_secret_and_quotes_hostile_names(plan: SyncPlan) -> None:
    text = render_sync_plan(SyncRun(URL, None, None, True, plan), "text")
    lines = text.splitlines()
    assert lines[0].startswith("~ update a  (") and lines[0].endswith(", graph writer)  DRIFT")
    assert "            +[redacted]" in lines and "            -[redacted]" in lines
    assert '  unmanaged "evil\\n::error::x"  (1111-hand, graph writer): not managed by Roster (roster import ' \
           'adopts it); never touched' in lines
    assert "! orphan gone  (0000-orphan): no longer in git; --prune deletes it" in lines
    assert f"Plan on {URL}: 1 to create, 1 to update, 0 to delete, 0 unchanged, 1 drifted, 1 orphaned (not pruned), " \
           "1 not managed by Roster." in lines
    assert KEY not in text and "sk-ant" not in text


def test_a_plan_as_json_is_the_run_and_the_plan_redacted(plan: SyncPlan) -> None:
    data = json.loads(render_sync_plan(SyncRun(URL, "v1.0.0", "prod", True, plan), "json"))
    assert list(data) == ["url", "ref", "dry_run", "plan", "env"]
    assert (data["url"], data["ref"], data["dry_run"], data["env"]) == (URL, "v1.0.0", True, "prod")
    [update, create] = data["plan"]["items"]
    assert update["changes"] == [{"path": "config.configurable.system_prompt", "op": "changed", "old": "[redacted]",
                                  "new": "one\ntwo\n"}]
    assert update["drift_changes"][0]["new"] == "[redacted]" and create["action"] == "create"
    assert data["plan"]["unmanaged"][0]["name"] == "evil\n::error::x"
    assert "env" not in json.loads(render_sync_plan(SyncRun(URL, None, None, True, plan), "json"))
    assert plan.items[0].changes[0].old == f"one\nuse {KEY}\n"  # the plan itself is left as it is


def test_the_plan_while_applying_and_the_result(inputs: tuple[list[Any], list[dict[str, Any]]]) -> None:
    plan = plan_sync(*inputs, overwrite_drift=True)
    run = SyncRun(URL, None, None, False, plan)
    assert render_sync_plan(run, "text").splitlines()[-1] == \
        "(dry run: nothing changed; without --dry-run Roster would apply this plan)"
    assert render_sync_plan(run, "text", applying=True).splitlines()[-1].startswith(f"Plan on {URL}: 1 to create")
    create = plan.items[1]
    result = SyncResult(applied=[create], responses={create.server_id: {"version": 1}})
    assert render_sync_result(run, result, "text") == f"Applied on {URL}: 1 created, 0 updated, 0 deleted."
    data = json.loads(render_sync_result(run, result, "json"))
    assert data["url"] == URL and data["plan"]["summary"]["create"] == 1
    assert [a["assistant_id"] for a in data["applied"]] == ["b"]
    assert render_sync_result(run, SyncResult(), "text") == ""


def _pull() -> PullResult:
    secret = FieldChange("context.api_note", "changed", "none", KEY)
    return PullResult(items=[
        PullItem("write", "a", "assistants/a.yaml", "sid-a", base="v1",
                 diff=["--- a/assistants/a.yaml", "+++ b/assistants/a.yaml", "-    greeting: Hi ",
                       "+    greeting: Hello"]),
        PullItem("current", "c", "assistants/c.yaml", "sid-c", message="the file already holds the server's content"),
        PullItem("conflict", "b", "assistants/b.yaml", "sid-b", base="v2", server_changes=[secret],
                 git_changes=[FieldChange("name", "changed", "B", "Bee")], message="changed in git and on the server"),
    ], dry_run=True)


def test_a_pull_as_text() -> None:
    lines = render_pull(_pull(), URL, "text").splitlines()
    assert lines[:4] == ["would write assistants/a.yaml  (a, base: v1)", "--- a/assistants/a.yaml",
                         "+++ b/assistants/a.yaml", "-    greeting: Hi\\u0020"]  # a trailing blank stays visible
    assert "= assistants/c.yaml: the file already holds the server's content" in lines
    assert "! conflict assistants/b.yaml  (b): changed in git and on the server" in lines
    assert lines[-1] == f"Pull from {URL}: 1 file(s) to write, 1 conflict(s)/refused."
    assert KEY not in "\n".join(lines) and '        ~ name: "B" -> "Bee"' in lines
    assert render_pull(PullResult(), URL, "text") == \
        f"Nothing to pull from {URL}: no assistant was changed on the server."


def test_a_pull_as_json() -> None:
    data = json.loads(render_pull(_pull(), URL, "json"))
    assert (data["url"], data["ok"], data["dry_run"]) == (URL, False, True)
    assert data["items"][2]["server_changes"] == [
        {"path": "context.api_note", "op": "changed", "old": "none", "new": "[redacted]"}]


def test_an_import(tmp_path: Path) -> None:
    result = ImportResult(written=["assistants/bot.yaml"], schemas=["schemas/echo.json"],
                          skipped=["server default assistant 'echo' (imported only when defaults are included)"])
    assert render_import(result, URL, "text", dry_run=True).splitlines() == [
        "would write schemas/echo.json", "would write assistants/bot.yaml",
        "skipped server default assistant 'echo' (imported only when defaults are included)",
        f"Imported from {URL}: 1 assistant(s), 1 schema(s) (dry run: nothing written)."]
    assert render_import(result, URL, "text", dry_run=False).splitlines()[-1] == \
        f"Imported from {URL}: 1 assistant(s), 1 schema(s)."
    assert json.loads(render_import(result, URL, "json", dry_run=False)) == {
        "url": URL, "dry_run": False, "written": ["assistants/bot.yaml"], "schemas": ["schemas/echo.json"],
        "skipped": ["server default assistant 'echo' (imported only when defaults are included)"]}
