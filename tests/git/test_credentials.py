"""Credentials for a fetch (roster.git.credentials): which source is offered, in which order,
and ``git credential fill`` run against the user's real git config (a helper in ``$HOME``).

Where credentials may go (host, scheme, redirects) is tested in tests/hostile/test_git.py.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from roster.errors import RemoteError
from roster.git import Credential, credentials_for, git_credential_fill

USERPASS = frozenset({"userpass"})
SSH = frozenset({"ssh-key", "ssh-agent"})


@pytest.fixture
def helper(isolated_home: Path, tmp_path: Path) -> Path:
    """A credential helper in the user's global config; it records what git asked it."""
    asked = tmp_path / "asked.txt"
    script = tmp_path / "helper.sh"
    script.write_text(f"#!/bin/sh\ntest \"$1\" = get || exit 0\ncat > {asked}\n"
                      "echo username=helper-user\necho password=helper-secret\n")
    os.chmod(script, 0o755)
    (isolated_home / ".gitconfig").write_text(f"[credential]\n\thelper = {script}\n")
    return asked


@pytest.fixture(autouse=True)
def no_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ROSTER_GIT_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "ROSTER_GIT_USERNAME", "SSH_AUTH_SOCK",
                 "ROSTER_SSH_KEY", "ROSTER_SSH_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)


def test_https_offers_the_url_then_the_environment_then_the_helper_once_each(
        monkeypatch: pytest.MonkeyPatch, helper: Path) -> None:
    monkeypatch.setenv("ROSTER_GIT_TOKEN", "env-token")
    url = "https://me:url-secret@git.example.com/org/repo.git"
    provide = credentials_for(url)
    offered = [provide(url, None, USERPASS) for _ in range(3)]
    assert offered == [Credential("userpass", "me", "url-secret"), Credential("userpass", "me", "env-token"),
                       Credential("userpass", "helper-user", "helper-secret")]
    with pytest.raises(RemoteError, match=r"authentication failed for https://git.example.com/org/repo.git: "
                                          r"set ROSTER_GIT_TOKEN.*\(the credentials offered were refused\)"):
        provide(url, None, USERPASS)


def test_the_helper_is_asked_for_the_host_and_path_without_the_secret(helper: Path) -> None:
    url = "https://me:url-secret@git.example.com:8443/org/repo.git"
    provide = credentials_for(url)
    provide(url, None, USERPASS)  # the password in the URL first
    assert provide(url, None, USERPASS) == Credential("userpass", "helper-user", "helper-secret")
    request = helper.read_text()
    assert "protocol=https\n" in request and "host=git.example.com:8443\n" in request
    assert "username=me\n" in request
    assert "url-secret" not in request


def test_a_token_goes_with_the_url_user_else_a_configured_or_default_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROSTER_GIT_TOKEN", "tok")
    url = "https://git.example.com/r.git"
    assert credentials_for(url)(url, None, USERPASS) == Credential("userpass", "x-access-token", "tok")
    assert credentials_for(url)(url, "asked-name", USERPASS) == Credential("userpass", "asked-name", "tok")
    monkeypatch.setenv("ROSTER_GIT_USERNAME", "ci")
    assert credentials_for(url)(url, None, USERPASS) == Credential("userpass", "ci", "tok")
    named = "https://bot@git.example.com/r.git"
    assert credentials_for(named)(named, None, USERPASS) == Credential("userpass", "bot", "tok")


def test_nothing_to_offer_says_what_to_set(tmp_path: Path) -> None:
    url = "https://git.example.com/r.git"
    with pytest.raises(RemoteError) as info:
        credentials_for(url)(url, None, USERPASS)
    assert "set ROSTER_GIT_TOKEN, or configure a git credential helper" in str(info.value)
    assert "refused" not in str(info.value)


def test_ssh_offers_the_agent_then_the_key_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key = tmp_path / "deploy_key"
    key.write_text("PRIVATE")
    (tmp_path / "deploy_key.pub").write_text("PUBLIC")
    monkeypatch.setenv("SSH_AUTH_SOCK", str(tmp_path / "agent.sock"))
    monkeypatch.setenv("ROSTER_SSH_KEY", str(key))
    monkeypatch.setenv("ROSTER_SSH_PASSPHRASE", "phrase")
    url = "git@github.com:acme/assistants.git"
    provide = credentials_for(url)
    assert provide(url, None, SSH) == Credential("ssh-agent", "git")
    assert provide(url, "deployer", SSH) == Credential("ssh-key", "deployer", "phrase", f"{key}.pub", str(key))
    with pytest.raises(RemoteError, match="load a key into ssh-agent, or set ROSTER_SSH_KEY.*refused"):
        provide(url, None, SSH)


def test_ssh_without_agent_uses_a_default_key_and_no_public_file(isolated_home: Path) -> None:
    ssh = isolated_home / ".ssh"
    ssh.mkdir()
    (ssh / "id_rsa").write_text("PRIVATE")
    url = "ssh://deploy@host.example/org/repo.git"
    assert credentials_for(url)(url, None, SSH) == Credential("ssh-key", "deploy", "", None, str(ssh / "id_rsa"))


def test_a_username_request_is_answered_once(tmp_path: Path) -> None:
    url = "ssh://host.example/org/repo.git"
    provide = credentials_for(url)
    assert provide(url, None, frozenset({"username"})) == Credential("username", "git")
    with pytest.raises(RemoteError):
        provide(url, None, frozenset({"username"}))


def test_git_credential_fill_reads_the_users_helpers(helper: Path) -> None:
    assert git_credential_fill("https://git.example.com/org/repo.git", "me") == ("helper-user", "helper-secret")
    assert "username=me\n" in helper.read_text()
    assert git_credential_fill("not a url", None) is None  # no host: nothing to ask


def test_git_credential_fill_without_an_answer_or_without_git(isolated_home: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "silent.sh"
    script.write_text("#!/bin/sh\necho username=only-a-name\n")
    os.chmod(script, 0o755)
    (isolated_home / ".gitconfig").write_text(f"[credential]\n\thelper = {script}\n")
    assert git_credential_fill("https://git.example.com/r.git", None) is None  # no password: declined
    # A password without a name: git would ask for the name, and is told never to prompt.
    (isolated_home / ".gitconfig").write_text("[credential]\n\thelper = \"!f() { echo password=p; }; f\"\n")
    assert git_credential_fill("https://git.example.com/r.git", None) is None
    assert git_credential_fill("https://git.example.com/r.git", "named") == ("named", "p")
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert git_credential_fill("https://git.example.com/r.git", None) is None
