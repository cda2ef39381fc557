"""Git URLs: telling one from a path, and showing one without its credentials.

Cheap to import (no pygit2): the index backend and the CLI's warnings use it.
"""
from __future__ import annotations

import os
import re
from urllib.parse import urlsplit, urlunsplit

SCHEMES = ("http", "https", "ssh", "git", "file", "git+ssh", "ssh+git")
SCHEME_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://", re.ASCII)
# scp-like syntax, as git reads it: [user@]host:path, no slash before the colon.
SCP_URL = re.compile(r"(?:(?P<user>[^@/\s:]+)@)?(?P<host>[^@/\s:]+):(?P<path>(?!//)\S.*)\Z")


def is_remote_url(text: str) -> bool:
    """True for a git URL (``https://``, ``ssh://``, ``git://``, ``file://``, ``git@host:org/repo``)."""
    if not isinstance(text, str) or not text or text.startswith("-"):
        return False
    m = SCHEME_URL.match(text)
    if m:
        return m.group("scheme").lower() in SCHEMES
    m = SCP_URL.match(text)
    if not m or os.path.exists(text):
        return False
    host = m.group("host")
    # "user@host:path", or "host.example:path"; a bare "name:path" could be a local folder.
    return bool(m.group("user")) or "." in host or host == "localhost"


def redact(url: str) -> str:
    """The URL without user-info (``https://tok@host/x`` -> ``https://host/x``): safe to show and store."""
    m = SCHEME_URL.match(url)
    if m:
        try:
            parts = urlsplit(url)
        except ValueError:  # "http://[::1": say nothing more of it than its scheme
            return f"{m.group('scheme')}://<malformed URL>"
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    m = SCP_URL.match(url)
    if m:
        return f"{m.group('host')}:{m.group('path')}"
    return url
