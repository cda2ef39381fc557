"""The Action as a gate: one check, every format; no publish after a failure; the sticky comment."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema

from helpers.content import assistant_yaml
from test_action import _repo, _run

SARIF_SCHEMA = json.loads((Path(__file__).parent / "schemas_external" / "sarif-schema-2.1.0.json").read_text())


def _pr_event(base: str, head: str, number: int = 7) -> dict[str, Any]:
    return {"pull_request": {"number": number, "base": {"sha": base}, "head": {"sha": head}},
            "repository": {"default_branch": "main"}}


def test_one_check_renders_every_format_and_prints_no_full_sha(action_dir: Path, runner_temp: Path,
                                                                tmp_path: Path):
    g, base, head = _repo(tmp_path / "repo")
    sarif = tmp_path / "roster.sarif"
    run = _run(action_dir, runner_temp, g.path, "pull_request", _pr_event(base, head), "refs/pull/7/merge",
               sarif=str(sarif))
    main = run.steps[-1]
    assert main.returncode == 1
    assert main.stdout.count("FAILED: checked") == 1  # one check, not one per format
    assert "::error file=assistants/hot-writer.yaml" in main.stdout
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(sarif.read_text()))
    report = json.loads(Path(run.outputs["report"]).read_text())
    assert report["ok"] is False and {c["assistant_id"] for c in report["changes"]} == {"blog-writer", "hot-writer"}
    assert "Add a title." in run.summary
    for text in (main.stdout, main.stderr, run.summary):
        assert base not in text and head not in text


def test_a_failed_check_is_never_published(action_dir: Path, runner_temp: Path, tmp_path: Path):
    g, _, _ = _repo(tmp_path / "repo")
    g.checkout("main")
    g.write_assistant("hot-writer", text=assistant_yaml(temperature=7, prompt="Too hot."))
    g.commit("break main")
    event = {"ref": "refs/heads/main", "repository": {"default_branch": "main"}}
    run = _run(action_dir, runner_temp, g.path, "push", event, "refs/heads/main")
    assert run.steps[-1].returncode == 1
    assert run.outputs["published"] == "false" and run.outputs["ok"] == "false"
    assert not (g.path / "_site").exists()
    assert "not publishing: the check failed" in run.steps[-1].stdout


class FakeGitHub:
    """Issue comments of one pull request, as GitHub's REST API serves them (on 127.0.0.1)."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.comments: list[dict[str, Any]] = [{"id": 1, "body": "LGTM"}]
        self.calls: list[tuple[str, str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, code: int, body: Any) -> None:
                raw = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                fake.calls.append((method, self.path, self.headers.get("Authorization", "")))
                if fake.status != 200 and method != "GET":
                    return self._send(fake.status, {"message": "Resource not accessible by integration"})
                if method == "GET" and self.path.startswith("/repos/o/r/issues/7/comments"):
                    return self._send(200, fake.comments)
                if method == "POST" and self.path == "/repos/o/r/issues/7/comments":
                    fake.comments.append({"id": 100 + len(fake.comments), "body": body["body"]})
                    return self._send(201, fake.comments[-1])
                if method == "PATCH" and self.path.startswith("/repos/o/r/issues/comments/"):
                    wanted = int(self.path.rsplit("/", 1)[1])
                    for c in fake.comments:
                        if c["id"] == wanted:
                            c["body"] = body["body"]
                            return self._send(200, c)
                return self._send(404, {"message": "Not Found"})

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_PATCH(self) -> None:
                self._handle("PATCH")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _comment_run(action_dir: Path, runner_temp: Path, tmp_path: Path, api: FakeGitHub, g: Any, base: str,
                 head: str) -> Any:
    from helpers.action import run_action
    from test_action import _env

    return run_action(action_dir, workspace=g.path, runner_temp=runner_temp, event_name="pull_request",
                      event=_pr_event(base, head), ref="refs/pull/7/merge",
                      inputs={"comment": "true", "github-token": "tok-123"}, env=_env(), repository="o/r",
                      api_url=api.url)


def test_comment_is_posted_once_then_edited_in_place(action_dir: Path, runner_temp: Path,
                                                     tmp_path: Path):
    g, base, head = _repo(tmp_path / "repo")
    api = FakeGitHub()
    try:
        first = _comment_run(action_dir, runner_temp, tmp_path, api, g, base, head)
        assert "pull-request comment created" in first.steps[-1].stdout, first.steps[-1].stderr
        second = _comment_run(action_dir, runner_temp, tmp_path, api, g, base, head)
        assert "pull-request comment updated" in second.steps[-1].stdout
    finally:
        api.close()
    ours = [c for c in api.comments if "roster-check" in c["body"]]
    assert len(ours) == 1 and "hot-writer" in ours[0]["body"]
    assert [m for m, _, _ in api.calls] == ["GET", "POST", "GET", "PATCH"]
    assert all(auth == "Bearer tok-123" for _, _, auth in api.calls)


def test_a_read_only_token_falls_back_to_the_summary(action_dir: Path, runner_temp: Path,
                                                     tmp_path: Path):
    g, base, head = _repo(tmp_path / "repo")
    api = FakeGitHub(status=403)
    try:
        run = _comment_run(action_dir, runner_temp, tmp_path, api, g, base, head)
    finally:
        api.close()
    main = run.steps[-1]
    assert main.returncode == 1  # the check's verdict, not the comment's
    assert "summary stays in the job summary" in main.stdout
    assert "hot-writer" in run.summary
    assert not any(line.startswith("::error") and "comment" in line for line in main.stdout.splitlines())


def test_schemas_check_fails_on_a_stale_schema(action_dir: Path, runner_temp: Path, tmp_path: Path):
    """`schemas-check: true` runs `roster schemas export --check` with the input python (which imports the graphs)."""
    import shutil
    import sys

    from helpers.gitcmd import GitRepo

    g = GitRepo(tmp_path / "repo")
    fixture = Path(__file__).parent / "langgraph_fixture"
    shutil.copyfile(fixture / "graph.py", g.path / "graph.py")
    (g.path / "langgraph.json").write_text('{"dependencies": ["."], "graphs": {"writer": "./graph.py:graph"}}')
    g.write_assistant("w", text="graph_id: writer\ncontext:\n  greeting: Hi\n")
    (g.path / "schemas").mkdir(exist_ok=True)
    (g.path / "schemas" / "writer.json").write_text('{"graph_id": "writer", "context_schema": {"type": "object"}}')
    g.commit("stale schema")
    event = {"ref": "refs/heads/side", "repository": {"default_branch": "main"}}
    run = _run(action_dir, runner_temp, g.path, "push", event, "refs/heads/side", publish="false",
               **{"schemas-check": "true", "python": sys.executable})
    main = run.steps[-1]
    assert main.returncode == 1, main.stdout + main.stderr
    assert run.outputs["ok"] == "false"
    assert "out of date" in main.stdout + main.stderr
