"""Every command that talks to a server, against a real `langgraph dev` with custom auth.

The server runs the fixture graphs with ``tests/langgraph_auth_fixture`` laid over them: a
``langgraph_sdk.Auth`` handler that wants ``Authorization: Bearer <token>`` and otherwise
answers 401 "Authorization header missing" (as the official custom-auth template does).
Roster gets the header only from ``ROSTER_HTTP_HEADERS``; the token must never be printed.
The CLI runs as a subprocess, so the variable is read the way a user's shell passes it.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_cli_sync import ECHO, WRITER, Ids, commit, git

from conftest import FIXTURE, ROOT, Server, _stop, find_cli, missing, start_server

pytestmark = pytest.mark.langgraph

AUTH_FIXTURE = ROOT / "tests" / "langgraph_auth_fixture"


class AuthServer:
    def __init__(self, server: Server, token: str) -> None:
        self.server = server
        self.url = server.url
        self.token = token
        self.headers = f"Authorization: Bearer {token}"

    def call(self, method: str, path: str, body: object = None) -> object:
        """A request with the bearer token (the test's own view of the server)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def roster_assistants(self) -> dict[str, dict]:
        found = self.call("POST", "/assistants/search", {"limit": 1000})
        assert isinstance(found, list)
        return {a["metadata"]["roster_id"]: a for a in found if "roster_id" in (a.get("metadata") or {})}


@contextlib.contextmanager
def running_auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    """A `langgraph dev` server on the fixture graphs whose custom auth wants
    `Authorization: Bearer <token>` (a fresh random token per server)."""
    cli = find_cli()
    if cli is None:
        missing("langgraph-cli[inmem] (the `langgraph` executable)")
        raise AssertionError("unreachable")
    base = tmp_path_factory.mktemp("langgraph-auth-server")
    folder = base / "project"
    shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns(".langgraph_api", "__pycache__"))
    for name in ("auth.py", "langgraph.json"):
        shutil.copy(AUTH_FIXTURE / name, folder / name)
    token = "tok-" + secrets.token_hex(16)
    (folder / "token.txt").write_text(token + "\n")
    # GET /ok (the readiness probe) is open on a server with custom auth; the API is not.
    server = start_server(cli, folder, base / "server.log")
    try:
        yield AuthServer(server, token)
    finally:
        _stop(server.process)


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory, langgraph_installed: None) -> Iterator[AuthServer]:
    with running_auth_server(tmp_path_factory) as server:
        yield server


@pytest.fixture
def repo(tmp_path: Path, auth_server: AuthServer) -> Path:
    from roster.langgraph.client import LangGraphClient
    from roster.langgraph.export import render_schema, schemas_from_server

    client = LangGraphClient(auth_server.url, use_env_key=False,
                             headers={"Authorization": f"Bearer {auth_server.token}"})
    schemas = schemas_from_server(auth_server.url, client=client)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "add assistants", {
        "schemas/writer.json": render_schema(schemas["writer"]),
        "schemas/echo.json": render_schema(schemas["echo"]),
        "assistants/marketing/blog-writer.yaml": WRITER,
        "assistants/echo-bot.yaml": ECHO,
    })
    for server_id in auth_server.roster_assistants().values():  # each test starts from no Roster assistants
        auth_server.call("DELETE", f"/assistants/{server_id['assistant_id']}")
    return repo


class Roster:
    """`roster ...` as a subprocess; remembers every output to look for the token in."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.outputs: list[str] = []

    def __call__(self, cwd: Path, *args: str, headers: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "ROSTER_HTTP_HEADERS")}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
        if headers is not None:
            env["ROSTER_HTTP_HEADERS"] = headers
        done = subprocess.run([sys.executable, "-m", "roster", "--repo", str(cwd), *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=120)
        self.outputs += [done.stdout, done.stderr]
        assert self.token not in done.stdout and self.token not in done.stderr, (args, done.stdout, done.stderr)
        return done


@pytest.fixture
def roster(auth_server: AuthServer) -> Iterator[Roster]:
    run = Roster(auth_server.token)
    yield run
    assert run.outputs and not any(auth_server.token in text for text in run.outputs)


def test_the_server_really_wants_the_token(auth_server: AuthServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(urllib.request.Request(auth_server.url + "/assistants/search", data=b"{}",
                                                      method="POST"), timeout=30)
    assert raised.value.code == 401
    assert json.loads(raised.value.read()) == {"detail": "Authorization header missing"}
    assert isinstance(auth_server.call("POST", "/assistants/search", {}), list)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_sync_without_the_header_says_what_to_set(repo: Path, auth_server: AuthServer, roster: Roster,
                                                  fmt: str) -> None:
    done = roster(repo, "sync", "--url", auth_server.url, "--format", fmt)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "HTTP 401" in lines[0] and "Authorization header missing" in lines[0]
    assert "ROSTER_HTTP_HEADERS" in lines[0] and "Authorization: Bearer <token>" in lines[0]
    assert "Traceback" not in done.stderr
    assert auth_server.roster_assistants() == {}


def test_a_wrong_token_is_refused_and_not_shown(repo: Path, auth_server: AuthServer, roster: Roster) -> None:
    wrong = "tok-" + secrets.token_hex(16)
    done = roster(repo, "sync", "--url", auth_server.url, headers=f"Authorization: Bearer {wrong}")
    assert done.returncode == 2 and "HTTP 401" in done.stderr and "ROSTER_HTTP_HEADERS" in done.stderr
    assert wrong not in done.stdout + done.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_sync_and_pull_with_the_header(repo: Path, auth_server: AuthServer, roster: Roster, fmt: str) -> None:
    url, headers = auth_server.url, auth_server.headers
    done = roster(repo, "sync", "--url", url, "--dry-run", "--format", fmt, headers=headers)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert auth_server.roster_assistants() == {}

    done = roster(repo, "sync", "--url", url, "--format", fmt, headers=headers)
    assert done.returncode == 0, (done.stdout, done.stderr)
    made = auth_server.roster_assistants()
    assert set(made) == {"marketing/blog-writer", "echo-bot"}
    assert made["marketing/blog-writer"]["assistant_id"] == Ids.writer
    assert made["marketing/blog-writer"]["context"] == {"greeting": "Hi", "temperature": 0.7}

    # an edit made on the server (as in Studio) comes home with `roster pull`
    writer = made["marketing/blog-writer"]
    auth_server.call("PATCH", f"/assistants/{Ids.writer}", {
        "context": {**writer["context"], "greeting": "Howdy"}})
    done = roster(repo, "pull", "--url", url, "--format", fmt, headers=headers)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert "greeting: Howdy" in (repo / "assistants/marketing/blog-writer.yaml").read_text()

    done = roster(repo, "pull", "--url", url, "--format", fmt)  # the same without the header: refused
    assert done.returncode == 2 and "ROSTER_HTTP_HEADERS" in done.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_import_and_schemas_export_with_the_header(repo: Path, tmp_path: Path, auth_server: AuthServer,
                                                    roster: Roster, fmt: str) -> None:
    made = [auth_server.call("POST", "/assistants", {"graph_id": "writer", "name": f"Support Bot {fmt}",
                                                     "context": {"greeting": "Hey"}}),
            auth_server.call("POST", "/assistants", {"graph_id": "echo", "name": f"Echo {fmt}"})]
    try:
        _import_and_export(repo, tmp_path, auth_server, roster, fmt)
    finally:
        for item in made:
            assert isinstance(item, dict)
            auth_server.call("DELETE", f"/assistants/{item['assistant_id']}")


def _import_and_export(repo: Path, tmp_path: Path, auth_server: AuthServer, roster: Roster, fmt: str) -> None:
    url, headers = auth_server.url, auth_server.headers
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    git(fresh, "init", "-q", "-b", "main")
    commit(fresh, "start", {"README.md": "fresh\n"})
    done = roster(fresh, "import", "--url", url, "--format", fmt)
    assert done.returncode == 2 and "ROSTER_HTTP_HEADERS" in done.stderr
    done = roster(fresh, "import", "--url", url, "--format", fmt, headers=headers)
    assert done.returncode == 0, (done.stdout, done.stderr)
    imported = sorted(p.relative_to(fresh / "assistants").as_posix()
                      for p in (fresh / "assistants").rglob("*.yaml"))
    assert len(imported) == 2, imported
    assert any("greeting: Hey" in (fresh / "assistants" / p).read_text() for p in imported)
    assert sorted(p.name for p in (fresh / "schemas").iterdir()) == ["echo.json", "writer.json"]

    out = tmp_path / "schemas-out"
    done = roster(fresh, "schemas", "export", "--from-server", url, "--out", str(out), "--format", fmt)
    assert done.returncode == 2 and "ROSTER_HTTP_HEADERS" in done.stderr
    done = roster(fresh, "schemas", "export", "--from-server", url, "--out", str(out), "--format", fmt,
                  headers=headers)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert sorted(p.name for p in out.iterdir()) == ["echo.json", "writer.json"]
    assert (out / "writer.json").read_text() == (repo / "schemas/writer.json").read_text()
    done = roster(repo, "schemas", "export", "--from-server", url, "--check", "--format", fmt, headers=headers)
    assert done.returncode == 0, (done.stdout, done.stderr)
