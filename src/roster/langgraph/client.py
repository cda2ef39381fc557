"""A small LangGraph server client on urllib (standard library only).

It covers what Roster needs of the LangGraph Platform API: assistants (search, get,
create, patch, delete, versions, set_latest) and graph schemas. Every failure becomes a
:class:`roster.errors.RemoteError` that names the request, the HTTP status and the
server's ``detail``; the API key is never part of a message.

Why not the official ``langgraph-sdk`` (httpx): it follows no redirect, which is
safe, but it has no overall deadline (a read timeout of 300 s per read), no cap on
the size of an answer, and it would make httpx a dependency of every install for
four endpoints. The requests go through :mod:`roster.http`, which holds the
rules: no redirect to another host, a per-read timeout and an overall deadline,
bounded bodies; search pages are capped here.
"""
from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.parse
from typing import Any

from roster.errors import RemoteError, UsageError
from roster.http import (
    HEADERS_ENV,
    HTTPStatus,
    headers_from_env,
    send,
    split_credentials,
)
from roster.http import check_url as _check_http_url

API_KEY_ENV = ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY")
PAGE = 1000  # the API's maximum page size for searches
MAX_PAGES = 100  # 100,000 assistants: a server that always answers a full page stops here
DEFAULT_TIMEOUT = 30.0


class HTTPStatusError(RemoteError):
    """The server answered with an HTTP error status."""

    def __init__(self, message: str, *, status: int, detail: str) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


def api_key_from_env(environ: dict[str, str] | None = None) -> str | None:
    """The API key, from ``LANGGRAPH_API_KEY`` else ``LANGSMITH_API_KEY`` (never a file)."""
    env = os.environ if environ is None else environ
    for name in API_KEY_ENV:
        value = (env.get(name) or "").strip().strip("'\"")
        if value:
            return value
    return None


def check_url(url: str) -> str:
    """The server URL without a trailing slash; credentials in it stay (``send`` takes them out)."""
    _check_http_url(url)
    parsed = urllib.parse.urlsplit(url)
    if parsed.query or parsed.fragment:
        raise UsageError(f"server URL must not have a query or fragment: {split_credentials(url)[0]!r}")
    return url.rstrip("/")


class LangGraphClient:
    """Talks to one LangGraph server. ``api_key=None`` reads it from the environment."""

    def __init__(self, url: str, *, api_key: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 retries: int = 2, use_env_key: bool = True, headers: dict[str, str] | None = None,
                 max_bytes: int | None = None) -> None:
        full = check_url(url)
        # ``url`` is what messages and plans show: never the credentials a URL may carry.
        self.url, self._auth = split_credentials(full)
        self.api_key = api_key if api_key is not None else (api_key_from_env() if use_env_key else None)
        # Extra headers for servers with custom auth (ROSTER_HTTP_HEADERS), e.g. a bearer token.
        self.extra_headers = headers if headers is not None else headers_from_env()
        self.timeout = timeout
        self.retries = retries
        self.max_bytes = max_bytes

    def __repr__(self) -> str:
        return f"LangGraphClient({self.url!r})"

    # -- HTTP -------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, *, idempotent: bool | None = None) -> Any:
        """Send one request; return the decoded JSON (None for an empty body)."""
        if idempotent is None:
            idempotent = method in ("GET", "DELETE") or path.endswith("/search") or path.endswith("/versions")
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/json", "User-Agent": "roster", **self.extra_headers, **self._auth}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["x-api-key"] = self.api_key
        what = f"{method} {self.url}{path}"
        attempts = 1 + (self.retries if idempotent else 0)
        for attempt in range(attempts):
            try:
                raw = send(self.url + path, method=method, data=data, headers=headers, timeout=self.timeout,
                           max_bytes=self.max_bytes).body
                return json.loads(raw) if raw.strip() else None
            except HTTPStatus as e:
                status = e.status
                detail = _detail(e.body, e.headers)
                if status in (502, 503, 504) and attempt + 1 < attempts:
                    time.sleep(0.5 * (attempt + 1))
                    continue
                raise HTTPStatusError(_status_message(what, status, detail), status=status, detail=detail) from None
            except RemoteError:
                raise  # a refused redirect, a deadline, an oversized answer: retrying changes nothing
            except TimeoutError:
                if attempt + 1 < attempts:
                    continue
                raise RemoteError(f"{what}: no answer within {self.timeout:g} s") from None
            except urllib.error.URLError as e:
                reason = e.reason
                if isinstance(reason, (socket.timeout, TimeoutError)):
                    if attempt + 1 < attempts:
                        continue
                    raise RemoteError(f"{what}: no answer within {self.timeout:g} s") from None
                if isinstance(reason, ConnectionRefusedError) and attempt + 1 < attempts:
                    time.sleep(0.2 * (attempt + 1))
                    continue
                raise RemoteError(f"cannot reach the LangGraph server at {self.url}: {_reason(reason)}") from None
            except (ConnectionError, OSError) as e:
                if attempt + 1 < attempts:
                    continue
                raise RemoteError(f"{what}: connection failed: {_reason(e)}") from None
            except ValueError as e:  # JSON, or a URL http.client refuses
                raise RemoteError(f"{what}: the answer is not JSON ({e})") from None
        raise AssertionError("unreachable")  # pragma: no cover

    # -- assistants ---------------------------------------------------------------------

    def search_assistants(self, *, metadata: dict | None = None, graph_id: str | None = None) -> list[dict]:
        """Every assistant on the server (all pages)."""
        out: list[dict] = []
        offset = 0
        for _ in range(MAX_PAGES):
            body: dict[str, Any] = {"limit": PAGE, "offset": offset}
            if metadata:
                body["metadata"] = metadata
            if graph_id:
                body["graph_id"] = graph_id
            page = self.request("POST", "/assistants/search", body)
            if not isinstance(page, list):
                raise RemoteError(f"POST {self.url}/assistants/search: expected a list, got {type(page).__name__}")
            _objects(page, "POST /assistants/search")
            out.extend(page)
            if len(page) < PAGE:
                return out
            offset += len(page)
        raise RemoteError(f"POST {self.url}/assistants/search: more than {MAX_PAGES} pages of {PAGE}; "
                          "the server keeps answering full pages")

    def _dict(self, answer: Any, what: str) -> dict:
        if not isinstance(answer, dict):
            raise RemoteError(f"{self.url}: {what}: expected a JSON object, got {type(answer).__name__}")
        return answer

    def get_assistant(self, assistant_id: str) -> dict:
        return self._dict(self.request("GET", f"/assistants/{_q(assistant_id)}"), "get_assistant")

    def create_assistant(self, payload: dict) -> dict:
        return self._dict(self.request("POST", "/assistants", {**payload, "if_exists": "raise"}), "create_assistant")

    def patch_assistant(self, assistant_id: str, payload: dict) -> dict:
        return self._dict(self.request("PATCH", f"/assistants/{_q(assistant_id)}", payload), "patch_assistant")

    def delete_assistant(self, assistant_id: str) -> None:
        """Delete; an assistant already gone (404, e.g. a retried request) is not an error."""
        try:
            self.request("DELETE", f"/assistants/{_q(assistant_id)}")
        except HTTPStatusError as e:
            if e.status != 404:
                raise

    def get_versions(self, assistant_id: str) -> list[dict]:
        out: list[dict] = []
        offset = 0
        what = f"POST {self.url}/assistants/{assistant_id}/versions"
        for _ in range(MAX_PAGES):
            page = self.request("POST", f"/assistants/{_q(assistant_id)}/versions",
                                {"limit": PAGE, "offset": offset})
            if page is None:
                return out
            if not isinstance(page, list):
                raise RemoteError(f"{what}: expected a list, got {type(page).__name__}")
            _objects(page, what)
            out.extend(page)
            if not page or len(page) < PAGE:
                return out
            offset += len(page)
        raise RemoteError(f"{what}: more than {MAX_PAGES} pages; the server keeps answering full pages")

    def set_latest(self, assistant_id: str, version: int) -> dict:
        """Point the assistant at an earlier version of its own (a rollback without a new version)."""
        return self.request("POST", f"/assistants/{_q(assistant_id)}/latest", {"version": version})

    def get_schemas(self, assistant_id: str) -> dict:
        return self._dict(self.request("GET", f"/assistants/{_q(assistant_id)}/schemas"), "get_schemas")


def _q(part: str) -> str:
    return urllib.parse.quote(str(part), safe="")


def _objects(page: list[Any], what: str) -> None:
    """A page of a listing holds JSON objects, each with a string ``assistant_id``."""
    for item in page:
        if not isinstance(item, dict) or not isinstance(item.get("assistant_id"), str):
            raise RemoteError(f"{what}: an item of the answer is not an assistant object")


def _detail(raw: bytes, headers: Any) -> str:
    text = raw.decode("utf-8", "replace").strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        return text[:500]
    if isinstance(parsed, dict) and "detail" in parsed:
        detail = parsed["detail"]
        return (detail if isinstance(detail, str) else json.dumps(detail))[:500]
    return text[:500]


def _status_message(what: str, status: int, detail: str) -> str:
    detail = " ".join(detail.split())
    if status in (401, 403):
        return (f"{what}: the server refused the request (HTTP {status}: {detail}); set a valid API key in "
                f"LANGGRAPH_API_KEY or LANGSMITH_API_KEY, or, for a server with custom auth, the headers it "
                f"expects in {HEADERS_ENV} (one 'Name: value' per line, e.g. 'Authorization: Bearer <token>')")
    return f"{what}: HTTP {status}: {detail}"


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason)
