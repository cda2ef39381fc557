"""Git URLs: which texts are URLs, and what of them may be shown (roster.git.urls)."""
from __future__ import annotations

from pathlib import Path

import pytest

from roster.git.urls import is_remote_url, redact


@pytest.mark.parametrize("text", [
    "https://github.com/acme/assistants.git", "http://127.0.0.1:8080/x.git", "ssh://git@host:22/org/repo.git",
    "git://127.0.0.1:9418/repo.git", "file:///srv/git/repo.git", "git@github.com:acme/assistants.git",
    "github.com:acme/assistants.git", "HTTPS://Example.com/x",
])
def test_git_urls_are_recognised(text: str) -> None:
    assert is_remote_url(text)


@pytest.mark.parametrize("text", [".", "repo", "./a:b", "/srv/git/repo.git", "relative/dir", "name:path",
                                  "mailto://x", "-x://y", ""])
def test_paths_are_not_urls(text: str) -> None:
    assert not is_remote_url(text)


def test_existing_path_with_a_colon_is_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "me@host.example:repo").mkdir()
    monkeypatch.chdir(tmp_path)
    assert not is_remote_url("me@host.example:repo")
    assert is_remote_url("me@host.example:other")


def test_redact_strips_user_info() -> None:
    assert redact("https://x-access-token:ghp_SECRET@github.com/acme/a.git") == "https://github.com/acme/a.git"
    assert redact("https://tok@host:8443/a.git?x=1") == "https://host:8443/a.git?x=1"
    assert redact("git@github.com:acme/a.git") == "github.com:acme/a.git"
    assert redact("git://127.0.0.1:9418/a.git") == "git://127.0.0.1:9418/a.git"
