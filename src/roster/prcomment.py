"""One sticky pull-request comment with the check's Markdown summary, through GitHub's REST API.

The action runs ``python -m roster.prcomment --body-file F``. The comment carries a hidden
marker; a later run edits that comment instead of adding another. A fork's pull request
gets a read-only token (403): the caller then keeps the summary in the job summary.
Exit codes: 0 posted or updated, 4 not allowed (read-only token), 1 any other failure.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

MARKER = "<!-- roster-check: sticky comment, edited in place by the Roster action -->"
BODY_LIMIT = 60_000  # GitHub refuses comment bodies over 65,536 characters
EXIT_FORBIDDEN = 4


class CommentError(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:  # the token never follows a redirect
        return None


def _request(api: str, token: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(f"{api}{path}", data=data, method=method, headers={
        "Accept": "application/vnd.github+json", "Authorization": f"Bearer {token}",
        "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "roster-action",
        **({"Content-Type": "application/json"} if data is not None else {})})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            raw = response.read(8 * 1024 * 1024)
    except urllib.error.HTTPError as e:
        raise CommentError(f"{method} {path}: HTTP {e.code}", e.code) from None
    except (urllib.error.URLError, OSError) as e:
        raise CommentError(f"{method} {path}: {getattr(e, 'reason', e)}") from None
    return json.loads(raw) if raw else None


def upsert_comment(*, api: str, token: str, repository: str, number: int, body: str) -> str:
    """Create the sticky comment, or edit the one an earlier run made. Returns "created" or "updated"."""
    if urlsplit(api).scheme not in ("https", "http"):
        raise CommentError(f"GITHUB_API_URL must be an http(s) URL, not {api!r}")
    text = body if len(body) <= BODY_LIMIT else body[:BODY_LIMIT] + "\n\n_… cut: see the job summary._"
    text = f"{MARKER}\n{text}"
    base = f"/repos/{repository}/issues"
    for page in range(1, 51):  # 5,000 comments at most: a runaway thread is not walked forever
        comments = _request(api, token, "GET", f"{base}/{number}/comments?per_page=100&page={page}")
        if not isinstance(comments, list):
            break
        for comment in comments:
            if isinstance(comment, dict) and str(comment.get("body", "")).startswith(MARKER):
                _request(api, token, "PATCH", f"{base}/comments/{int(comment['id'])}", {"body": text})
                return "updated"
        if len(comments) < 100:
            break
    _request(api, token, "POST", f"{base}/{number}/comments", {"body": text})
    return "created"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m roster.prcomment")
    parser.add_argument("--body-file", required=True)
    parser.add_argument("--number", type=int, required=True)
    args = parser.parse_args(argv)
    token = os.environ.get("GITHUB_TOKEN", "")
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    if not token or not repository:
        print("roster: no GITHUB_TOKEN or GITHUB_REPOSITORY: the summary stays in the job summary", file=sys.stderr)
        return EXIT_FORBIDDEN
    with open(args.body_file, encoding="utf-8") as f:
        body = f.read()
    try:
        what = upsert_comment(api=api, token=token, repository=repository, number=args.number, body=body)
    except CommentError as e:
        print(f"roster: cannot comment on the pull request: {e}", file=sys.stderr)
        return EXIT_FORBIDDEN if e.status in (401, 403, 404) else 1
    print(f"roster: pull-request comment {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
