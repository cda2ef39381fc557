"""A small LangGraph server client on urllib (standard library only).

It covers what Roster needs of the LangGraph Platform API: assistants (search, get,
create, patch, delete, versions, set_latest) and graph schemas. Every failure becomes a
:class:`roster.errors.RemoteError` that names the request, the HTTP status and the
server's ``detail``; the API key is never part of a message.
"""
from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from roster.errors import RemoteError, UsageError

API_KEY_ENV = ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY")
PAGE = 1000  # the API's maximum page size for searches
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
    parsed = urllib.parse.urlsplit(url or "")
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UsageError(f"--url must be an http:// or https:// URL, got {url!r}")
    if parsed.query or parsed.fragment:
        raise UsageError(f"--url must not have a query or fragment: {url!r}")
    return url.rstrip("/")


class LangGraphClient:
    """Talks to one LangGraph server. ``api_key=None`` reads it from the environment."""

    def __init__(self, url: str, *, api_key: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 retries: int = 2, use_env_key: bool = True) -> None:
        self.url = check_url(url)
        self.api_key = api_key if api_key is not None else (api_key_from_env() if use_env_key else None)
        self.timeout = timeout
        self.retries = retries

    # -- HTTP -------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, *, idempotent: bool | None = None) -> Any:
        """Send one request; return the decoded JSON (None for an empty body)."""
        if idempotent is None:
            idempotent = method in ("GET", "DELETE") or path.endswith("/search") or path.endswith("/versions")
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/json", "User-Agent": "roster"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["x-api-key"] = self.api_key
        what = f"{method} {self.url}{path}"
        attempts = 1 + (self.retries if idempotent else 0)
        for attempt in range(attempts):
            req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - URL checked
                    raw = resp.read()
                return json.loads(raw) if raw.strip() else None
            except urllib.error.HTTPError as e:
                status = e.code
                detail = _detail(e)
                if status in (502, 503, 504) and attempt + 1 < attempts:
                    time.sleep(0.5 * (attempt + 1))
                    continue
                raise HTTPStatusError(_status_message(what, status, detail), status=status, detail=detail) from None
            except (socket.timeout, TimeoutError):
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
            except ValueError as e:  # JSON
                raise RemoteError(f"{what}: the answer is not JSON ({e})") from None
        raise AssertionError("unreachable")  # pragma: no cover

    # -- assistants ---------------------------------------------------------------------

    def search_assistants(self, *, metadata: dict | None = None, graph_id: str | None = None) -> list[dict]:
        """Every assistant on the server (all pages)."""
        out: list[dict] = []
        offset = 0
        while True:
            body: dict[str, Any] = {"limit": PAGE, "offset": offset}
            if metadata:
                body["metadata"] = metadata
            if graph_id:
                body["graph_id"] = graph_id
            page = self.request("POST", "/assistants/search", body)
            if not isinstance(page, list):
                raise RemoteError(f"POST {self.url}/assistants/search: expected a list, got {type(page).__name__}")
            out.extend(page)
            if len(page) < PAGE:
                return out
            offset += len(page)

    def get_assistant(self, assistant_id: str) -> dict:
        return self.request("GET", f"/assistants/{_q(assistant_id)}")

    def create_assistant(self, payload: dict) -> dict:
        return self.request("POST", "/assistants", {**payload, "if_exists": "raise"})

    def patch_assistant(self, assistant_id: str, payload: dict) -> dict:
        return self.request("PATCH", f"/assistants/{_q(assistant_id)}", payload)

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
        while True:
            page = self.request("POST", f"/assistants/{_q(assistant_id)}/versions",
                                {"limit": PAGE, "offset": offset})
            out.extend(page or [])
            if not page or len(page) < PAGE:
                return out
            offset += len(page)

    def set_latest(self, assistant_id: str, version: int) -> dict:
        """Point the assistant at an earlier version of its own (a rollback without a new version)."""
        return self.request("POST", f"/assistants/{_q(assistant_id)}/latest", {"version": version})

    def get_schemas(self, assistant_id: str) -> dict:
        return self.request("GET", f"/assistants/{_q(assistant_id)}/schemas")


def _q(part: str) -> str:
    return urllib.parse.quote(str(part), safe="")


def _detail(error: urllib.error.HTTPError) -> str:
    try:
        raw = error.read()
    except Exception:  # noqa: BLE001
        raw = b""
    text = raw.decode("utf-8", "replace").strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        return text[:500] or (error.reason or "")
    if isinstance(parsed, dict) and "detail" in parsed:
        detail = parsed["detail"]
        return detail if isinstance(detail, str) else json.dumps(detail)
    return text[:500]


def _status_message(what: str, status: int, detail: str) -> str:
    detail = " ".join(detail.split())
    if status in (401, 403):
        return (f"{what}: the server refused the request (HTTP {status}: {detail}); set a valid API key in "
                f"LANGGRAPH_API_KEY or LANGSMITH_API_KEY")
    return f"{what}: HTTP {status}: {detail}"


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason)
