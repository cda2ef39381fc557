"""Repositories, mirrors and remotes that someone else controls: nothing runs, no credential leaks."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo


def _two_versions(tmp_path: Path) -> tuple[GitRepo, str]:
    repo = GitRepo(tmp_path / "repo")
    repo.write_schema()
    repo.write_assistant("writer")
    repo.commit("v1")
    first = repo.git("rev-parse", "HEAD:assistants/writer.yaml")
    repo.write_assistant("writer", prompt="second")
    repo.commit("v2")
    return repo, first


def test_publish_never_lazily_fetches_from_a_promisor_remote(tmp_path: Path):
    # A repository from an artifact or a restored cache: a missing blob, and a promisor
    # remote whose URL is a command (format version 0: libgit2 opens it, git honours the extension).
    repo, blob = _two_versions(tmp_path)
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    marker = tmp_path / "PWNED"
    for key, value in (("core.repositoryformatversion", "0"), ("extensions.partialClone", "origin"),
                       ("remote.origin.url", f"ext::sh -c touch% {marker}"), ("remote.origin.promisor", "true"),
                       ("protocol.ext.allow", "always"),
                       ("remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*")):
        repo.git("config", key, value)
    from roster.errors import RosterError
    from roster.git import Repo, read_blobs

    with pytest.raises(RosterError):
        read_blobs(Repo(str(repo.path)), [blob])  # what publish reads every version with
    assert not marker.exists()


def test_an_object_whose_bytes_do_not_match_its_id_is_not_believed(tmp_path: Path):
    import zlib

    repo, blob = _two_versions(tmp_path)
    path = repo.path / ".git" / "objects" / blob[:2] / blob[2:]
    forged = assistant_yaml(prompt="FORGED").encode()
    os.chmod(path, 0o644)
    path.write_bytes(zlib.compress(b"blob %d\0" % len(forged) + forged))
    from roster import Roster
    from roster.errors import RosterError
    from roster.publish import publish

    site = tmp_path / "site"
    try:
        publish(Roster(str(repo.path)), str(site))
    except RosterError:
        return  # refused: fine
    assert "FORGED" not in (site / "index.json").read_text()


def test_git_credential_fill_never_reads_the_config_of_the_current_folder(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch):
    from roster.git import git_credential_fill

    marker = tmp_path / "PWNED"
    here = GitRepo(tmp_path / "where-the-user-stands")
    here.git("config", "credential.helper", f"!touch {marker}; echo password=stolen; true")
    monkeypatch.chdir(here.path)
    assert git_credential_fill("https://example.com/org/repo.git", None) is None
    assert not marker.exists()


def test_subprocess_git_env_allows_no_transport():
    from roster.git import safe_git_env

    env = safe_git_env()
    proc = subprocess.run(["git", "ls-remote", "ext::sh -c true"], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and "not allowed" in proc.stderr


# --- credentials go only to their own host, over https ------------------------------------


def _offered(url: str, asked_for: str | None = None) -> str | None:
    """The secret Roster hands libgit2 when ``asked_for`` (default: ``url`` itself) asks for a password."""
    from roster.errors import RemoteError
    from roster.git import Credential, credentials_for

    provide = credentials_for(url)
    try:
        cred = provide(asked_for or url, None, frozenset({"userpass"}))
    except RemoteError:
        return None
    assert isinstance(cred, Credential)
    return cred.secret


def test_a_github_token_is_not_offered_to_a_lookalike_host(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("ROSTER_GIT_TOKEN", raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    assert _offered("https://github.com/org/repo.git") == "ghp_secret"
    assert _offered("https://evilgithub.com/org/repo.git") != "ghp_secret"
    assert _offered("https://github.com.evil.example/org/repo.git") != "ghp_secret"


def test_credentials_are_not_sent_over_plain_http(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ROSTER_GIT_TOKEN", "tok-secret")
    assert _offered("http://git.example.com/org/repo.git") is None
    assert _offered("http://user:pw-secret@git.example.com/org/repo.git") is None
    assert _offered("https://git.example.com/org/repo.git") == "tok-secret"


def test_credentials_do_not_follow_a_redirect_to_another_host(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ROSTER_GIT_TOKEN", "tok-secret")
    url = "https://git.example.com/org/repo.git"
    assert _offered(url, "https://attacker.example/org/repo.git/info/refs?service=git-upload-pack") is None
    assert _offered("https://u:pw-secret@git.example.com/r.git", "https://attacker.example/r.git") is None
    assert _offered(url, "https://git.example.com:8443/org/repo.git") is None
    assert _offered(url, "https://git.example.com/org/repo.git/info/refs") == "tok-secret"


def test_a_real_redirect_to_another_host_gets_no_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """libgit2 follows the redirect; the token is not offered to the new host (localhost vs 127.0.0.1)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from helpers.githttp import GitHttp

    bare = tmp_path / "http" / "assistants.git"
    GitRepo(bare, bare=True)
    work = GitRepo(tmp_path / "work")
    work.write_schema()
    work.write_assistant("writer")
    work.commit("v1")
    work.git("push", "-q", str(bare), "main")
    target = type("Target", (GitHttp,), {"project_root": str(bare.parent), "password": "tok-secret", "log": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), target)
    port = server.server_address[1]

    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{port}{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()

    front = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    for s in (server, front):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    monkeypatch.setenv("ROSTER_GIT_TOKEN", "tok-secret")
    monkeypatch.setenv("ROSTER_GIT_USERNAME", "ci")
    from roster import Roster
    from roster.errors import RemoteError

    try:
        with pytest.raises(RemoteError) as info:
            Roster(f"http://127.0.0.1:{front.server_address[1]}/assistants.git", cache_dir=str(tmp_path / "cache"))
        assert "redirect" in str(info.value)
    finally:
        for s in (server, front):
            s.shutdown()
            s.server_close()
    assert not any("Basic" in line for line in target.log), target.log


def test_a_mirror_planted_in_the_cache_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from roster import Roster
    from roster.errors import RemoteError
    from roster.git import cache_root, mirror_name

    real = GitRepo(tmp_path / "real")
    real.write_schema()
    real.write_assistant("writer", prompt="the real one")
    real.commit("v1")
    evil = GitRepo(tmp_path / "evil")
    evil.write_schema()
    evil.write_assistant("writer", prompt="EVIL")
    evil.commit("v1")
    cache = tmp_path / "cache"
    url = real.path.as_uri()
    planted = Path(cache_root(str(cache))) / mirror_name(url)
    subprocess.run(["git", "clone", "-q", "--mirror", str(evil.path), str(planted)], check=True)
    with pytest.raises(RemoteError) as info:
        Roster(url, cache_dir=str(cache)).get("writer")
    assert "not a mirror of" in str(info.value)
