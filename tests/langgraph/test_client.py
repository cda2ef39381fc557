"""The urllib client's errors: refused key, 4xx/5xx, connection refused, timeout. No langgraph needed."""
from __future__ import annotations

import http.server
import json
import socket
import time

import pytest

from helpers.servers import threaded_servers
from roster.errors import RemoteError, UsageError
from roster.langgraph.client import LangGraphClient, api_key_from_env


class FakeServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler_status: int = 200, body: object = None, delay: float = 0.0) -> None:
        self.status, self.body, self.delay = handler_status, body, delay
        self.seen: list[dict] = []
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    server: FakeServer

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.seen.append({"method": self.command, "path": self.path, "headers": headers,
                                 "body": self.rfile.read(length) if length else b""})
        if self.server.delay:
            time.sleep(self.server.delay)
        raw = json.dumps(self.server.body).encode()
        self.send_response(self.server.status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = do_PATCH = do_DELETE = _answer

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def fake():
    yield from threaded_servers(FakeServer)


def test_api_key_from_env_only(monkeypatch, fake):
    monkeypatch.delenv("LANGGRAPH_API_KEY", raising=False)
    monkeypatch.setenv("LANGSMITH_API_KEY", "lsv2-secret")
    assert api_key_from_env() == "lsv2-secret"
    monkeypatch.setenv("LANGGRAPH_API_KEY", "'lg-secret'")
    assert api_key_from_env() == "lg-secret"
    srv = fake(200, [])
    LangGraphClient(srv.url).search_assistants()
    assert srv.seen[0]["headers"].get("x-api-key") == "lg-secret"
    assert srv.seen[0]["path"] == "/assistants/search"
    assert json.loads(srv.seen[0]["body"]) == {"limit": 1000, "offset": 0}


def test_refused_key_names_the_env_vars_not_the_key(monkeypatch, fake):
    monkeypatch.setenv("LANGGRAPH_API_KEY", "lg-secret-value")
    for status in (401, 403):
        srv = fake(status, {"detail": "Invalid API key"})
        with pytest.raises(RemoteError) as info:
            LangGraphClient(srv.url).search_assistants()
        message = str(info.value)
        assert f"HTTP {status}: Invalid API key" in message
        assert "LANGGRAPH_API_KEY or LANGSMITH_API_KEY" in message
        assert "lg-secret-value" not in message


def test_4xx_and_5xx(fake):
    srv = fake(422, {"detail": "Invalid assistant ID: must be a UUID"})
    with pytest.raises(RemoteError, match="GET .*/assistants/x: HTTP 422: Invalid assistant ID") as info:
        LangGraphClient(srv.url, use_env_key=False).get_assistant("x")
    assert info.value.status == 422
    srv = fake(503, {"detail": "overloaded"})
    with pytest.raises(RemoteError, match="HTTP 503: overloaded"):
        LangGraphClient(srv.url, use_env_key=False, retries=1).search_assistants()
    assert len(srv.seen) == 2  # idempotent: retried once
    srv = fake(500, {"detail": "boom"})
    with pytest.raises(RemoteError, match="HTTP 500: boom"):
        LangGraphClient(srv.url, use_env_key=False).create_assistant({"graph_id": "g"})
    assert len(srv.seen) == 1  # a create is never retried


def test_connection_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(RemoteError, match=f"cannot reach the LangGraph server at http://127.0.0.1:{port}"):
        LangGraphClient(f"http://127.0.0.1:{port}", use_env_key=False).search_assistants()
    assert time.monotonic() - started < 5


def test_timeout(fake):
    srv = fake(200, [], delay=1.5)
    with pytest.raises(RemoteError, match="no answer within 0.3 s"):
        LangGraphClient(srv.url, use_env_key=False, timeout=0.3, retries=0).search_assistants()


def test_not_json(fake):
    srv = fake(200, None)
    srv.body = "x"  # valid JSON string, but not a list
    with pytest.raises(RemoteError, match="expected a list"):
        LangGraphClient(srv.url, use_env_key=False).search_assistants()


@pytest.mark.parametrize("url", ["", "ftp://x", "127.0.0.1:2024", "http://", "http://h/?q=1", "--help"])
def test_bad_urls(url):
    with pytest.raises(UsageError):
        LangGraphClient(url)
