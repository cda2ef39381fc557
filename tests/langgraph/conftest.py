"""Fixtures for the LangGraph integration tests: a real `langgraph dev` server.

The server runs from ``.venv-langgraph`` (``make langgraph-deps``), or the executable in
``ROSTER_LANGGRAPH_CLI``, or ``langgraph`` on PATH. Tests marked ``langgraph`` need it
(and ``langgraph`` importable in this interpreter); when something is missing they are
skipped on a developer machine and FAIL under CI (``CI=true``), so a CI run can never
pass without having run them.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "langgraph_fixture"
READY_TIMEOUT = 90.0


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "langgraph: needs langgraph and a real `langgraph dev` server "
                                       "(make langgraph-deps)")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(what: str) -> None:
    message = f"{what} is not installed: run `make langgraph-deps` (see mk/langgraph.mk)"
    if in_ci():
        pytest.fail(f"{message}; LangGraph tests must run under CI", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def langgraph_installed() -> None:
    """langgraph importable in this interpreter (the roster[langgraph] extra)."""
    for module in ("langgraph", "langgraph_sdk"):
        if importlib.util.find_spec(module) is None:
            missing(f"{module} (for {sys.executable})")


def find_cli() -> str | None:
    explicit = os.environ.get("ROSTER_LANGGRAPH_CLI")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    local = ROOT / ".venv-langgraph" / "bin" / "langgraph"
    if os.access(local, os.X_OK):
        return str(local)
    return shutil.which("langgraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGSMITH_API_KEY", "LANGGRAPH_API_KEY", "LANGCHAIN_API_KEY", "LANGSERVE_GRAPHS",
                        "VIRTUAL_ENV", "PYTHONPATH")}
    env.update(LANGGRAPH_CLI_NO_ANALYTICS="1", LANGGRAPH_NO_VERSION_CHECK="true", LANGSMITH_TRACING="false",
               LANGCHAIN_TRACING_V2="false", PYTHONDONTWRITEBYTECODE="1", NO_COLOR="1", LOG_COLOR="false")
    return env


@dataclass
class Server:
    url: str
    port: int
    log: Path
    folder: Path
    process: subprocess.Popen
    ready_after: float

    def log_tail(self, lines: int = 80) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/ok", timeout=2) as resp:
            return resp.status == 200
    except Exception:
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # own session: only the server and its children
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def start_server(cli: str, folder: Path, log: Path) -> Server:
    last = ""
    for _attempt in range(3):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        with open(log, "ab") as out:
            process = subprocess.Popen(
                [cli, "dev", "--no-browser", "--no-reload", "--host", "127.0.0.1", "--port", str(port)],
                cwd=folder, env=server_env(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        while time.monotonic() - started < READY_TIMEOUT:
            if process.poll() is not None:
                break
            if _ok(url):
                text = log.read_text(errors="replace")
                if f"Port {port} is already in use" in text:  # it moved elsewhere: not ours
                    break
                return Server(url, port, log, folder, process, time.monotonic() - started)
            time.sleep(0.1)
        _stop(process)
        last = log.read_text(errors="replace")[-3000:]
    pytest.fail(f"`langgraph dev` did not become ready (log {log}):\n{last}", pytrace=False)


@pytest.fixture(scope="session")
def langgraph_server(tmp_path_factory: pytest.TempPathFactory, langgraph_installed: None):
    """A `langgraph dev` server on 127.0.0.1 and a free port, on a copy of the fixture graphs."""
    cli = find_cli()
    if cli is None:
        missing("langgraph-cli[inmem] (the `langgraph` executable)")
    base = tmp_path_factory.mktemp("langgraph-server")
    folder = base / "project"
    shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns(".langgraph_api", "__pycache__"))
    log = base / "server.log"
    server = start_server(cli, folder, log)
    print(f"\nlanggraph dev ready at {server.url} after {server.ready_after:.2f}s (log: {log})", file=sys.stderr)
    try:
        yield server
    finally:
        _stop(server.process)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        server = getattr(item, "funcargs", {}).get("langgraph_server")
        if isinstance(server, Server):
            report.sections.append((f"langgraph dev log ({server.log})", server.log_tail()))


@pytest.fixture
def client(langgraph_server: Server):
    from roster.langgraph.client import LangGraphClient

    return LangGraphClient(langgraph_server.url, use_env_key=False)


@pytest.fixture
def sdk(langgraph_server: Server):
    from langgraph_sdk import get_sync_client

    return get_sync_client(url=langgraph_server.url, api_key=None)


@pytest.fixture
def clean_server(client):
    """The shared server with only its own per-graph (system) assistants left."""
    for item in client.search_assistants():
        if (item.get("metadata") or {}).get("created_by") != "system":
            client.delete_assistant(item["assistant_id"])
    return client

