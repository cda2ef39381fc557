"""The Action's `sync: true` against a real `langgraph dev` server, its steps run as a runner runs them.

A push to the default branch deploys every environment file that names a url; a pull request
only plans (into the job summary); a failed check deploys nothing; drift fails the step.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from test_custom_auth import AuthServer, running_auth_server

import test_action
from conftest import FIXTURE, _stop, find_cli, start_server
from helpers.action import run_action
from test_action import _run

if TYPE_CHECKING:
    from helpers.action import ActionRun
    from helpers.gitcmd import GitRepo
    from roster.langgraph.client import LangGraphClient

pytestmark = pytest.mark.langgraph

ECHO = "graph_id: echo\nconfig:\n  configurable:\n    style: {style}\n"
KEY = "lsv2_sk_action0sync0secret0value"
PUSH_MAIN = {"ref": "refs/heads/main", "repository": {"default_branch": "main"}}


@pytest.fixture
def repo(tmp_path: Path, langgraph_server: Any, clean_server: LangGraphClient) -> GitRepo:
    """main: echo-bot at two versions; dev (with the server's url) runs version 1; staging has no url."""
    from helpers.gitcmd import GitRepo
    from roster.langgraph.export import render_schema, schemas_from_server

    g = GitRepo(tmp_path / "repo")
    g.write("schemas/echo.json", render_schema(schemas_from_server(langgraph_server.url)["echo"]))
    for style in ("quiet", "loud"):
        g.write_assistant("echo-bot", ECHO.format(style=style))
        g.commit(f"echo {style}")
    g.write("environments/dev.yaml", f"url: {langgraph_server.url}\nassistants:\n  echo-bot: 1\n")
    g.write("environments/staging.yaml", "assistants:\n  echo-bot: 2\n")
    g.commit("dev runs echo-bot 1")
    return g


def _managed(client: LangGraphClient) -> list[dict[str, Any]]:
    return [a for a in client.search_assistants() if (a.get("metadata") or {}).get("roster_id")]


def _no_key_shown(run: ActionRun, secret: str = KEY) -> None:
    """The secret is printed only in the line that asks the runner to mask it."""
    for step in run.steps:
        for text in (step.stdout, step.stderr):
            shown = [line for line in text.splitlines() if secret in line]
            assert all(line.startswith("::add-mask::") for line in shown), shown
    assert secret not in run.summary


def test_push_to_the_default_branch_syncs_every_environment_with_a_url(
        action_dir: Path, runner_temp: Path, repo: GitRepo, clean_server: LangGraphClient) -> None:
    run = _run(action_dir, runner_temp, repo.path, "push", PUSH_MAIN, "refs/heads/main", sync="true",
               publish="false", **{"api-key": KEY})
    main = run.steps[-1]
    assert run.failed is None, main.stdout + main.stderr
    (got,) = _managed(clean_server)
    assert got["metadata"]["roster_env"] == "dev" and got["metadata"]["roster_version"] == 1
    assert got["config"]["configurable"]["style"] == "quiet"  # dev's pin, not HEAD
    assert run.outputs["synced"] == '["dev"]' and run.outputs["ok"] == "true"
    assert "::notice title=roster::environment staging names no url" in main.stdout
    assert "Synced `dev`" in run.summary and "echo-bot" in run.summary
    assert f"::add-mask::{KEY}" in main.stdout
    _no_key_shown(run)
    # Another push with nothing new: sync runs again and has nothing to do.
    again = _run(action_dir, runner_temp, repo.path, "push", PUSH_MAIN, "refs/heads/main", sync="true",
                 publish="false", **{"api-key": KEY})
    assert again.failed is None and again.outputs["synced"] == '["dev"]'
    assert [a["version"] for a in clean_server.get_versions(got["assistant_id"])] == [1]


def test_pull_request_only_plans_into_the_summary(action_dir: Path, runner_temp: Path, repo: GitRepo,
        clean_server: LangGraphClient) -> None:
    base = repo.rev()
    repo.checkout("-b", "pr")
    repo.write("environments/dev.yaml", repo.path.joinpath("environments/dev.yaml").read_text()
               .replace("echo-bot: 1", "echo-bot: 2"))
    head = repo.commit("Promote echo-bot to dev: version 1 -> version 2")
    event = {"pull_request": {"number": 3, "base": {"sha": base}, "head": {"sha": head}},
             "repository": {"default_branch": "main"}}
    run = _run(action_dir, runner_temp, repo.path, "pull_request", event, "refs/pull/3/merge", sync="true",
               **{"api-key": KEY})
    assert run.failed is None, run.steps[-1].stdout + run.steps[-1].stderr
    assert _managed(clean_server) == []  # a plan writes nothing
    assert "Sync plan for `dev` (dry run, nothing written)" in run.summary
    assert "create echo-bot" in run.summary
    assert run.outputs["synced"] == "[]"
    _no_key_shown(run)
    # A push to a branch that is not the default one neither plans nor deploys.
    run = _run(action_dir, runner_temp, repo.path, "push", {**PUSH_MAIN, "ref": "refs/heads/pr"}, "refs/heads/pr",
               sync="true")
    assert run.failed is None and _managed(clean_server) == [] and "Sync" not in run.summary


def test_a_failed_check_is_never_synced(action_dir: Path, runner_temp: Path, repo: GitRepo,
        clean_server: LangGraphClient) -> None:
    repo.write_assistant("broken", "graph_id: no-such-graph\n")
    repo.commit("add a broken assistant")
    run = _run(action_dir, runner_temp, repo.path, "push", PUSH_MAIN, "refs/heads/main", sync="true",
               publish="false")
    main = run.steps[-1]
    assert main.returncode == 1, main.stdout + main.stderr
    assert "not syncing: the check failed" in main.stdout
    assert "Not deployed" in run.summary and run.outputs["synced"] == "[]"
    assert _managed(clean_server) == []


def test_drift_fails_the_step_and_says_to_pull(action_dir: Path, runner_temp: Path, repo: GitRepo,
        clean_server: LangGraphClient) -> None:
    first = _run(action_dir, runner_temp, repo.path, "push", PUSH_MAIN, "refs/heads/main", sync="true",
                 publish="false")
    assert first.failed is None, first.steps[-1].stdout + first.steps[-1].stderr
    (got,) = _managed(clean_server)
    # Edited in Studio: the server's content is no longer what roster_commit says.
    clean_server.patch_assistant(got["assistant_id"], {"config": {"configurable": {"style": "whisper"}}})
    run = _run(action_dir, runner_temp, repo.path, "push", PUSH_MAIN, "refs/heads/main", sync="true",
               publish="false")
    main = run.steps[-1]
    assert main.returncode == 1, main.stdout + main.stderr
    assert "::error title=roster::environment dev: an assistant was edited on the server" in main.stdout
    assert "roster pull --env dev" in main.stdout and "roster pull --env dev" in run.summary
    assert run.outputs["ok"] == "false" and run.outputs["synced"] == "[]"
    assert clean_server.get_assistant(got["assistant_id"])["config"]["configurable"]["style"] == "whisper"


def test_sync_input_must_be_a_boolean(action_dir: Path, runner_temp: Path, repo: GitRepo) -> None:
    run = _run(action_dir, runner_temp, repo.path, "push", PUSH_MAIN, "refs/heads/main", sync="yes")
    assert run.steps[-1].returncode == 2 and "input SYNC must be 'true' or 'false'" in run.steps[-1].stdout


def test_shallow_checkout_is_completed_before_pins_are_counted(action_dir: Path, runner_temp: Path, repo: GitRepo,
                                                               clean_server: LangGraphClient, tmp_path: Path) -> None:
    """actions/checkout's default depth 1: version 1 of echo-bot is not in the clone until it is unshallowed."""
    from helpers.gitcmd import run_git

    clone = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "main", repo.path.as_uri(), str(clone))
    run = _run(action_dir, runner_temp, clone, "push", PUSH_MAIN, "refs/heads/main", sync="true", publish="false")
    assert run.failed is None, run.steps[-1].stdout + run.steps[-1].stderr
    assert "shallow" not in run.steps[-1].stdout  # unshallowed before the check: the check verified the pins
    (got,) = _managed(clean_server)
    assert got["metadata"]["roster_version"] == 1 and got["config"]["configurable"]["style"] == "quiet"


def test_headers_are_masked_and_an_unreachable_server_fails_only_the_push(
        action_dir: Path, runner_temp: Path, repo: GitRepo) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    repo.write("environments/dev.yaml", f"url: http://127.0.0.1:{port}\nassistants:\n  echo-bot: 1\n")
    repo.commit("dev moves to a server that is down")
    env = dict(test_action._env(), ROSTER_HTTP_HEADERS="X-Tenant: tenant0header0secret\n", LANGSMITH_API_KEY=KEY)
    run = run_action(action_dir, workspace=repo.path, runner_temp=runner_temp, event_name="push", event=PUSH_MAIN,
                     ref="refs/heads/main", inputs={"sync": "true", "publish": "false"}, env=env)
    main = run.steps[-1]
    assert main.returncode == 2, main.stdout + main.stderr
    assert "::error title=roster::environment dev: roster sync failed" in main.stdout
    assert "::add-mask::tenant0header0secret" in main.stdout and f"::add-mask::{KEY}" in main.stdout
    assert run.outputs["ok"] == "false" and run.outputs["synced"] == "[]"
    _no_key_shown(run)
    _no_key_shown(run, "tenant0header0secret")
    # The same on a pull request is a warning: the plan cannot fail the pull request.
    event = {"pull_request": {"number": 4, "base": {"sha": repo.rev()}}, "repository": {"default_branch": "main"}}
    run = run_action(action_dir, workspace=repo.path, runner_temp=runner_temp, event_name="pull_request", event=event,
                     ref="refs/pull/4/merge", inputs={"sync": "true"}, env=env)
    assert run.failed is None, run.steps[-1].stdout + run.steps[-1].stderr
    assert "::warning title=roster::environment dev: roster sync failed" in run.steps[-1].stdout


def test_a_plan_holding_backticks_keeps_its_fence(action_dir: Path, runner_temp: Path, repo: GitRepo,
                                                   clean_server: LangGraphClient) -> None:
    assert _run(action_dir, runner_temp, repo.path, "push", PUSH_MAIN, "refs/heads/main", sync="true",
                publish="false").failed is None
    base = repo.rev()
    repo.checkout("-b", "pr")
    repo.write_assistant("echo-bot", ECHO.format(style="'say ``` then stop'"))
    repo.commit("echo fenced")
    repo.write("environments/dev.yaml", repo.path.joinpath("environments/dev.yaml").read_text()
               .replace("echo-bot: 1", "echo-bot: 3"))
    repo.commit("Promote echo-bot to dev: version 1 -> version 3")
    event = {"pull_request": {"number": 5, "base": {"sha": base}}, "repository": {"default_branch": "main"}}
    run = _run(action_dir, runner_temp, repo.path, "pull_request", event, "refs/pull/5/merge", sync="true")
    assert run.failed is None, run.steps[-1].stdout + run.steps[-1].stderr
    plan = run.summary.split("Sync plan for `dev`", 1)[1]
    assert plan.count("\n````text\n") == 1 and plan.count("\n````\n") == 1
    inside = plan.split("\n````text\n", 1)[1].split("\n````\n", 1)[0]
    assert "say ``` then stop" in inside  # the update's diff, whole, inside the fence


def test_a_url_set_by_the_pull_request_gets_no_plan_and_no_key(action_dir: Path, runner_temp: Path, repo: GitRepo,
                                                                 tmp_path: Path) -> None:
    """The key is sent only where the base already deploys: a pull request cannot redirect it."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[str] = []

    class Listener(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(f"{self.command} {self.path} {self.headers.get('x-api-key')}")
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"[]")

        do_GET = do_POST

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = repo.rev()
        repo.checkout("-b", "pr")
        repo.write("environments/dev.yaml", f"url: http://127.0.0.1:{server.server_port}\n"
                                            "assistants:\n  echo-bot: 1\n")
        repo.write("environments/qa.yaml", f"url: http://127.0.0.1:{server.server_port}\n"
                                           "assistants:\n  echo-bot: 1\n")
        repo.commit("dev and a new qa point at another server")
        event = {"pull_request": {"number": 6, "base": {"sha": base}}, "repository": {"default_branch": "main"}}
        run = _run(action_dir, runner_temp, repo.path, "pull_request", event, "refs/pull/6/merge", sync="true",
                   **{"api-key": KEY})
    finally:
        server.shutdown()
        server.server_close()
    main = run.steps[-1]
    assert run.failed is None, main.stdout + main.stderr
    assert seen == []  # not one request, so not the key either
    for name in ("dev", "qa"):
        assert f"::notice title=roster::environment {name}: this pull request sets its url" in main.stdout
        assert f"No sync plan for `{name}`" in run.summary
    _no_key_shown(run)


def test_every_environment_with_a_url_is_synced_to_its_own_server(
        action_dir: Path, runner_temp: Path, repo: GitRepo, clean_server: LangGraphClient, tmp_path: Path) -> None:
    from roster.langgraph.client import LangGraphClient

    folder = tmp_path / "prod-server"
    shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns(".langgraph_api", "__pycache__"))
    cli = find_cli()
    assert cli is not None  # langgraph_server above found it
    prod = start_server(cli, folder, tmp_path / "prod-server.log")
    try:
        repo.write("environments/prod.yaml", f"url: {prod.url}\nassistants:\n  echo-bot: 2\n")
        repo.commit("prod runs echo-bot 2")
        run = _run(action_dir, runner_temp, repo.path, "push", PUSH_MAIN, "refs/heads/main", sync="true",
                   publish="false")
        assert run.failed is None, run.steps[-1].stdout + run.steps[-1].stderr
        assert run.outputs["synced"] == '["dev","prod"]'
        (on_prod,) = _managed(LangGraphClient(prod.url, use_env_key=False))
    finally:
        _stop(prod.process)
    (on_dev,) = _managed(clean_server)
    assert (on_dev["metadata"]["roster_env"], on_dev["config"]["configurable"]["style"]) == ("dev", "quiet")
    assert (on_prod["metadata"]["roster_env"], on_prod["config"]["configurable"]["style"]) == ("prod", "loud")
    assert "Synced `dev`" in run.summary and "Synced `prod`" in run.summary


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory, langgraph_installed: None) -> Iterator[AuthServer]:
    with running_auth_server(tmp_path_factory) as server:
        yield server


def test_roster_http_headers_reach_a_server_with_custom_auth(action_dir: Path, runner_temp: Path, repo: GitRepo,
                                                             auth_server: AuthServer) -> None:
    repo.write("environments/dev.yaml", f"url: {auth_server.url}\nassistants:\n  echo-bot: 1\n")
    repo.commit("dev runs on the server with custom auth")
    env = dict(test_action._env(), ROSTER_HTTP_HEADERS=auth_server.headers)
    run = run_action(action_dir, workspace=repo.path, runner_temp=runner_temp, event_name="push", event=PUSH_MAIN,
                     ref="refs/heads/main", inputs={"sync": "true", "publish": "false"}, env=env)
    assert run.failed is None, run.steps[-1].stdout + run.steps[-1].stderr
    got = auth_server.roster_assistants()["echo-bot"]
    assert got["metadata"]["roster_env"] == "dev"
    assert f"::add-mask::Bearer {auth_server.token}" in run.steps[-1].stdout
    assert f"::add-mask::{auth_server.token}\n" in run.steps[-1].stdout
    _no_key_shown(run, auth_server.token)
