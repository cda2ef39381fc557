"""What a commit says, as text: its summary (or a merged pull request's title), author and time.

Cheap to import (no pygit2): only bytes and strings.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import NamedTuple


class CommitInfo(NamedTuple):
    id: str
    parents: tuple[str, ...]
    message: str  # the summary line, or a merged pull request's title (version_message)
    author_name: str
    author_email: str
    time: str  # ISO 8601, UTC


def decode_text(raw: bytes, encoding: str | None) -> str:
    """Bytes of a commit header or message as text: its declared encoding when Python knows it, else UTF-8."""
    for codec in (encoding, "utf-8"):
        if codec:
            try:
                return raw.decode(codec)
            except (LookupError, UnicodeDecodeError):
                continue
    return raw.decode("utf-8", "replace")


def iso_utc(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# The summaries forges and git write for a merge commit, which say nothing of the change:
# GitHub's "Merge pull request #7 from a/b", git's "Merge branch 'x' [of URL] [into y]"
# (GitLab: "Merge branch 'x' into 'main'"), "Merge remote-tracking branch 'origin/x'".
_GENERIC_MERGE = re.compile(r"Merge (?:pull request #(?P<pr>\d+) from \S+"
                            r"|(?:remote-tracking )?branch '[^']*'(?: of \S+)?(?: into \S+)?)\Z")


def version_message(message: str) -> str:
    """A version's message (SPEC section 3): the commit's summary, but for a merge commit
    whose summary is the forge's generic text, the first non-empty line of the body (the
    pull request's title), then `` (#7)`` when the summary names a pull request."""
    lines = message.strip().splitlines()
    summary = lines[0].strip() if lines else ""
    generic = _GENERIC_MERGE.match(summary)
    if generic is None:
        return summary
    title = next((line.strip() for line in lines[1:] if line.strip()), None)
    if title is None:
        return summary
    return f"{title} (#{generic['pr']})" if generic["pr"] else title

