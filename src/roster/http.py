"""HTTP for servers and index files that Roster does not control (standard library only).

Every request Roster sends to a LangGraph server or for a published ``index.json``
goes through :func:`send`, which holds the rules of SECURITY.md:

- a redirect to another scheme, host or port is an error (urllib would carry every
  header, the API key included, to wherever a redirect points);
- credentials in a URL (``https://user:pw@host/``) never reach the resolver or any
  message: they are taken out of the URL and sent as a Basic header to that host;
- each read waits at most ``timeout`` seconds, and the whole request at most
  ``deadline`` seconds (a server dripping a byte at a time cannot outlive it);
- a body is read up to ``max_bytes``, and a gzip body inflates up to ``max_bytes``.
"""
from __future__ import annotations

import base64
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from typing import Any, NamedTuple

from roster.errors import RemoteError, UsageError

HEADERS_ENV = "ROSTER_HTTP_HEADERS"
MAX_BODY = 128 << 20  # 128 MiB: far above any real answer or index, far below a MemoryError
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
_CHUNK = 64 * 1024


class Response(NamedTuple):
    status: int
    headers: Any  # email.message.Message
    body: bytes


class HTTPStatus(RemoteError):
    """The server answered with an error status; ``body`` is its (bounded) answer."""

    def __init__(self, message: str, *, status: int, body: bytes, headers: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = body
        self.headers = headers


def split_credentials(url: str) -> tuple[str, dict[str, str]]:
    """``(url without user-info, {"Authorization": "Basic ..."})``; the header dict is empty without."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url, {}
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password)}".encode()).decode()
    return urllib.parse.urlunsplit(parts._replace(netloc=hostport)), {"Authorization": f"Basic {token}"}


def check_url(url: str, what: str = "server URL") -> str:
    """An http(s) URL with a host and a numeric port (if any); the message never repeats credentials."""
    shown = _shown(url or "")
    try:
        parts = urllib.parse.urlsplit(url or "")
        _ = parts.port  # raises ValueError on a non-numeric or out-of-range port
    except ValueError as e:
        raise UsageError(f"{what} is not a valid URL: {shown!r} ({e})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{what} must be an http:// or https:// URL, got {shown!r}")
    return url


def _shown(url: str) -> str:
    try:
        return split_credentials(url)[0]
    except ValueError:
        return "<the URL given>"


def headers_from_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """Extra request headers from ``ROSTER_HTTP_HEADERS``: one ``Name: value`` per line.

    For servers with custom auth (``Authorization: Bearer ...``). A malformed line is
    an error that names the line number, never its value.
    """
    text = (os.environ if environ is None else environ).get(HEADERS_ENV) or ""
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, colon, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not _TOKEN.match(name) or not value or any(c in value for c in "\r\n\0"):
            raise UsageError(f"{HEADERS_ENV}, line {n}: expected 'Name: value' (one header per line)")
        out[name] = value
    return out


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the same scheme, host and port as the request."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> urllib.request.Request | None:
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if _origin(old) != _origin(new):
            raise RemoteError(f"{req.get_method()} {_shown(req.full_url)}: the server redirected to "
                              f"{new.scheme}://{new.hostname or ''}, another host; refusing to follow (the request "
                              "carries credentials). Use the final URL directly")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _origin(parts: urllib.parse.SplitResult) -> tuple[str, str, int | None]:
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port or default


_OPENER = urllib.request.build_opener(_Redirects)


def send(url: str, *, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = 30.0, deadline: float | None = None, max_bytes: int | None = None) -> Response:
    """One request; raises :class:`HTTPStatus` on an error status, RemoteError on anything else.

    ``deadline`` defaults to four times ``timeout``, ``max_bytes`` to ``MAX_BODY``; ``url``
    may carry credentials.
    """
    max_bytes = MAX_BODY if max_bytes is None else max_bytes
    plain, auth = split_credentials(url)
    all_headers = {**(headers or {}), **auth}
    start = time.monotonic()
    limit = start + (deadline if deadline is not None else 4 * timeout)
    req = urllib.request.Request(plain, data=data, method=method, headers=all_headers)
    what = f"{method} {plain}"
    try:
        resp = _OPENER.open(req, timeout=timeout)  # http(s) only: callers check the URL
    except urllib.error.HTTPError as e:
        body = _read(e, what, limit, min(max_bytes, 1 << 20))
        raise HTTPStatus(f"{what}: HTTP {e.code}", status=e.code, body=body, headers=e.headers) from None
    with resp:
        body = _read(resp, what, limit, max_bytes)
        return Response(resp.status, resp.headers, body)


def _read(resp: Any, what: str, limit: float, max_bytes: int) -> bytes:
    """The body, read in pieces against the deadline and the size cap; gzip inflated (bounded)."""
    gz = (resp.headers.get("Content-Encoding") or "").lower() == "gzip" if resp.headers else False
    inflate = zlib.decompressobj(wbits=31) if gz else None
    out = bytearray()
    read = getattr(resp, "read1", None) or resp.read
    while True:
        if time.monotonic() > limit:
            raise RemoteError(f"{what}: the answer did not complete in time (overall deadline)")
        try:
            chunk = read(_CHUNK)
        except (TimeoutError, OSError) as e:
            raise RemoteError(f"{what}: reading the answer failed: {e}") from None
        if not chunk:
            break
        if inflate is not None:
            try:
                chunk = inflate.decompress(chunk, max_bytes + 1 - len(out))
            except zlib.error as e:
                raise RemoteError(f"{what}: the gzip answer is corrupt ({e})") from None
        out += chunk
        if len(out) > max_bytes:
            raise RemoteError(f"{what}: the answer is larger than {max_bytes:,} bytes; refusing it")
    return bytes(out)
