"""Servers and index files that someone else controls: keys stay home, answers are bounded."""
from __future__ import annotations

import gzip
import http.server
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers.servers import threaded_servers
from roster.errors import RemoteError
from roster.langgraph.client import LangGraphClient

Handle = Callable[[http.server.BaseHTTPRequestHandler], None]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handle: Handle) -> None:
        self.handle_fn = handle
        self.seen: list[dict[str, str]] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def _any(self) -> None:
        self.server.seen.append({k.lower(): v for k, v in self.headers.items()} | {"path": self.path})
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        self.server.handle_fn(self)

    do_GET = do_POST = do_PATCH = do_DELETE = _any

    def log_message(self, *args: object) -> None:
        pass


def _json(h: http.server.BaseHTTPRequestHandler, value: object, status: int = 200) -> None:
    raw = json.dumps(value).encode()
    h.send_response(status)
    h.send_header("content-type", "application/json")
    h.send_header("content-length", str(len(raw)))
    h.end_headers()
    h.wfile.write(raw)


@pytest.fixture
def serve() -> Iterator[Callable[[Handle], _Server]]:
    yield from threaded_servers(_Server)


def _client(url: str, *, timeout: float = 30.0, max_bytes: int | None = None) -> LangGraphClient:
    return LangGraphClient(url, retries=0, timeout=timeout, max_bytes=max_bytes)


def test_a_redirect_to_another_host_carries_no_key(serve, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LANGGRAPH_API_KEY", "lsv2_secret_key")
    monkeypatch.setenv("ROSTER_HTTP_HEADERS", "Authorization: Bearer bearer-secret")
    elsewhere = serve(lambda h: _json(h, []))

    def redirect(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(302 if h.command == "GET" else 307)
        h.send_header("Location", elsewhere.url("localhost") + h.path)
        h.send_header("content-length", "0")
        h.end_headers()

    front = serve(redirect)
    with pytest.raises(RemoteError) as info:
        _client(front.url()).search_assistants()
    assert "redirect" in str(info.value)
    with pytest.raises(RemoteError):
        _client(front.url()).get_schemas("x")
    assert elsewhere.seen == []
    assert "secret" not in str(info.value)


def test_custom_auth_headers_from_the_environment(serve, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("LANGGRAPH_API_KEY", raising=False)
    monkeypatch.delenv("LANGSMITH_API_KEY", raising=False)

    def auth(h: http.server.BaseHTTPRequestHandler) -> None:
        if h.headers.get("Authorization") != "Bearer tok-123":
            _json(h, {"detail": "Authorization header missing"}, 401)
        else:
            _json(h, [])

    srv = serve(auth)
    monkeypatch.delenv("ROSTER_HTTP_HEADERS", raising=False)
    with pytest.raises(RemoteError) as info:
        _client(srv.url()).search_assistants()
    assert "ROSTER_HTTP_HEADERS" in str(info.value) and "Authorization: Bearer" in str(info.value)
    monkeypatch.setenv("ROSTER_HTTP_HEADERS", "Authorization: Bearer tok-123\nX-Team: roster\n")
    assert _client(srv.url()).search_assistants() == []
    assert srv.seen[-1]["x-team"] == "roster"


def test_a_malformed_headers_variable_is_a_usage_error_that_hides_the_value(monkeypatch: pytest.MonkeyPatch):
    from roster.errors import UsageError

    monkeypatch.setenv("ROSTER_HTTP_HEADERS", "Bearer tok-secret-value")
    with pytest.raises(UsageError) as info:
        _client("http://127.0.0.1:9")
    assert "line 1" in str(info.value) and "tok-secret" not in str(info.value)


def test_cli_sync_with_custom_auth_and_url_credentials_prints_no_secret(serve, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch):
    from helpers.cli import run_cli

    seen: list[str] = []

    def auth(h: http.server.BaseHTTPRequestHandler) -> None:
        seen.append(h.headers.get("Authorization") or "")
        _json(h, {"detail": "nope"}, 403)

    srv = serve(auth)
    monkeypatch.setenv("ROSTER_HTTP_HEADERS", "X-Custom: hdr-secret")
    url = srv.url().replace("http://", "http://ci:pw-secret@")
    code, out, err = run_cli("schemas", "export", "--from-server", url, "--out", str(tmp_path / "s"))
    assert code != 0 and code != 3
    assert "pw-secret" not in out + err and "hdr-secret" not in out + err
    assert "ROSTER_HTTP_HEADERS" in err
    assert seen and seen[0].startswith("Basic ")  # the URL's credentials went as a header, to that host
    repo = tmp_path / "repo"
    from helpers.gitcmd import GitRepo

    r = GitRepo(repo)
    r.write_schema()
    r.write_assistant("writer")
    r.commit("v1")
    code, out, err = run_cli("--repo", str(repo), "sync", "--url", url, "--dry-run")
    assert code not in (0, 3)
    assert "pw-secret" not in out + err and "hdr-secret" not in out + err


def test_a_server_that_always_answers_a_full_page_is_stopped(serve):
    from roster.langgraph import client as mod

    page = [{"assistant_id": f"a{i}", "graph_id": "g"} for i in range(mod.PAGE)]
    raw = json.dumps(page).encode()

    def full(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("content-length", str(len(raw)))
        h.end_headers()
        h.wfile.write(raw)

    srv = serve(full)
    with pytest.raises(RemoteError) as info:
        _client(srv.url()).search_assistants()
    assert "pages" in str(info.value)
    assert len(srv.seen) == mod.MAX_PAGES


def test_an_endless_body_is_cut_off(serve):
    def endless(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.end_headers()
        chunk = b"[" + b" " * 65535
        try:
            for _ in range(100_000):
                h.wfile.write(chunk)
        except OSError:
            pass

    srv = serve(endless)
    with pytest.raises(RemoteError) as info:
        _client(srv.url(), max_bytes=4 << 20).search_assistants()
    assert "larger than" in str(info.value)


def test_a_dripping_server_does_not_outlive_the_deadline(serve):
    def drip(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("content-length", "1000")
        h.end_headers()
        try:
            for _ in range(1000):
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    srv = serve(drip)
    with pytest.raises(RemoteError) as info:
        _client(srv.url(), timeout=0.5).search_assistants()  # each read within 0.5 s, the whole within 2 s
    assert "deadline" in str(info.value)


def test_a_gzip_bomb_index_is_refused(serve, monkeypatch: pytest.MonkeyPatch):
    from roster import Roster
    from roster import http as rhttp

    bomb = gzip.compress(b"\0" * (64 << 20), compresslevel=9)  # 64 MiB inflated, ~64 KB on the wire

    def index(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Encoding", "gzip")
        h.send_header("content-length", str(len(bomb)))
        h.end_headers()
        h.wfile.write(bomb)

    srv = serve(index)
    monkeypatch.setattr(rhttp, "MAX_BODY", 8 << 20)
    with pytest.raises(RemoteError) as info:
        Roster.from_index(srv.url() + "/index.json")
    assert "larger than" in str(info.value)


def test_index_url_credentials_never_reach_the_resolver_or_a_message(serve):
    from roster import Roster

    srv = serve(lambda h: _json(h, {"detail": "nope"}, 404))
    url = srv.url().replace("http://", "http://user:pw-secret@") + "/index.json"
    with pytest.raises(RemoteError) as info:
        Roster.from_index(url)
    assert "pw-secret" not in str(info.value)
    assert srv.seen and srv.seen[0]["authorization"].startswith("Basic ")
    assert srv.seen[0]["host"].startswith("127.0.0.1")


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:port/x", "http://u:pw-secret@[::1/x"])
def test_a_malformed_url_is_a_usage_error(url: str):
    from roster.errors import UsageError

    with pytest.raises(UsageError) as info:
        _client(url)
    assert "pw-secret" not in str(info.value)
