"""Where a published ``index.json`` lives, and how to get it again cheaply.

An ``http(s)://`` URL is downloaded with ``If-None-Match``/``If-Modified-Since``
when the server sent an ``ETag``/``Last-Modified`` (a 304 costs one round trip
and no parsing); a local file (a path, a ``file://`` URL, or a folder holding
``index.json``) is re-read, and counts as changed only when its bytes did.
"""
from __future__ import annotations

import hashlib
import os
import re
import urllib.error
from urllib.parse import unquote, urlsplit

from roster.errors import RemoteError
from roster.git.urls import redact
from roster.http import HTTPStatus, check_url, send

USER_AGENT = "roster (index reader)"


class IndexLoader:
    """Where index.json lives and how to get it again cheaply."""

    def __init__(self, location: str, timeout: float) -> None:
        self.timeout = timeout
        self.etag: str | None = None
        self.last_modified: str | None = None
        self.local_digest: bytes | None = None
        text = os.fspath(location)
        if re.match(r"https?://", text, re.IGNORECASE):
            check_url(text, "the index URL")
            parts = urlsplit(text)
            if not parts.path.endswith(".json"):
                text = text.split("?", 1)[0].rstrip("/") + "/index.json"
            self.url: str | None = text
            self.path: str | None = None
        else:
            if text.lower().startswith("file://"):
                text = unquote(urlsplit(text).path)
            path = os.path.abspath(text)
            if os.path.isdir(path):
                path = os.path.join(path, "index.json")
            self.url, self.path = None, path
        self.display = redact(self.url) if self.url else self.path or text

    def load(self) -> bytes | None:
        """The file's bytes, or None when it has not changed since the last load."""
        return self._load_url() if self.url else self._load_path()

    def _load_path(self) -> bytes | None:
        assert self.path is not None
        try:
            with open(self.path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise RemoteError(f"cannot read {self.path}: {e.strerror or e}") from e
        # Compared by content, not by stat(): a rewrite within one mtime tick, at the
        # same size, is still seen. Reading a local file is cheap next to parsing it.
        digest = hashlib.blake2b(data, digest_size=16).digest()
        if digest == self.local_digest:
            return None
        self.local_digest = digest
        return data

    def _load_url(self) -> bytes | None:


        assert self.url is not None
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "gzip"}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        try:
            # send() keeps credentials in the URL away from the resolver, follows no redirect to
            # another host, and bounds the time, the size and the inflated size of the answer.
            response = send(self.url, headers=headers, timeout=self.timeout)
        except HTTPStatus as e:
            if e.status == 304:
                return None
            raise RemoteError(f"cannot download {self.display}: HTTP {e.status}") from None
        except RemoteError as e:
            raise RemoteError(f"cannot download {self.display}: {e}") from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", None) or e
            raise RemoteError(f"cannot download {self.display}: {reason}") from None
        self.etag, self.last_modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        return response.body
