"""Credentials for fetching a mirror, from the environment and git's own helpers only.

Never from a file of Roster's, and never written or shown. In order: a user and
password written in the URL itself (kept in memory only); for http(s), a token in
``$ROSTER_GIT_TOKEN`` (else ``$GITHUB_TOKEN``/``$GH_TOKEN`` for github.com); then
``git credential fill`` (git's configured helpers, run by ``roster.git.run``; git is
told never to prompt). For ssh, the ssh agent (``$SSH_AUTH_SOCK``), then the key in
``$ROSTER_SSH_KEY`` or ``~/.ssh/id_ed25519``/``id_ecdsa``/``id_rsa``.
Cheap to import (no pygit2).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import SplitResult, unquote, urlsplit

from roster.errors import RemoteError
from roster.git.run import run_outside_repo
from roster.git.urls import SCHEME_URL, SCP_URL, redact


class Credential(NamedTuple):
    """What to answer libgit2's credential request with."""

    kind: str  # "userpass", "ssh-agent", "ssh-key" or "username"
    username: str
    secret: str = ""  # a password or token ("userpass"), a key passphrase ("ssh-key")
    public_key: str | None = None  # paths of the key files ("ssh-key")
    private_key: str | None = None


# (url, username from the url or None, allowed kinds) -> a Credential, or None to decline
CredentialProvider = Callable[[str, "str | None", frozenset[str]], "Credential | None"]


def credentials_for(url: str) -> CredentialProvider:
    """A credential provider for one fetch: each source is offered once, then it gives up."""
    parts = urlsplit(url) if SCHEME_URL.match(url) else None
    scheme = (parts.scheme.lower() if parts else "ssh")
    url_user = unquote(parts.username) if parts and parts.username else None
    url_password = unquote(parts.password) if parts and parts.password is not None else None
    if parts is None:
        m = SCP_URL.match(url)
        url_user = m.group("user") if m else None
    tried: set[str] = set()
    offered: list[str] = []  # kinds of the credentials handed to libgit2 so far
    origin = _origin(parts) if parts else None

    def userpass(username: str | None) -> Credential | None:
        if url_password is not None and "url" not in tried:
            tried.add("url")
            return Credential("userpass", url_user or username or "", url_password)
        if "env" not in tried:
            tried.add("env")
            token = os.environ.get("ROSTER_GIT_TOKEN")
            host = (parts.hostname or "").lower() if parts else ""
            if not token and host == "github.com":  # exactly: not evilgithub.com, not github.com.evil
                token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
            if token:
                user = url_user or username or os.environ.get("ROSTER_GIT_USERNAME") or "x-access-token"
                return Credential("userpass", user, token)
        if "helper" not in tried and parts is not None:
            tried.add("helper")
            found = git_credential_fill(redact(url), url_user or username)
            if found is not None:
                return Credential("userpass", found[0], found[1])
        return None

    def ssh(username: str | None) -> Credential | None:
        user = username or url_user or "git"
        if os.environ.get("SSH_AUTH_SOCK") and "agent" not in tried:
            tried.add("agent")
            return Credential("ssh-agent", user)
        if "key" not in tried:
            tried.add("key")
            key = os.environ.get("ROSTER_SSH_KEY")
            candidates = [key] if key else [os.path.expanduser(f"~/.ssh/{n}")
                                             for n in ("id_ed25519", "id_ecdsa", "id_rsa")]
            for private in candidates:
                if private and os.path.isfile(private):
                    public = private + ".pub"
                    return Credential("ssh-key", user, os.environ.get("ROSTER_SSH_PASSPHRASE", ""),
                                      public if os.path.isfile(public) else None, private)
        return None

    def provide(asked_for: str, username: str | None, kinds: frozenset[str]) -> Credential:
        cred = None
        if "userpass" in kinds and scheme in ("http", "https"):
            _check_destination(url, origin, asked_for)
            cred = userpass(username)
        elif "ssh-key" in kinds:
            cred = ssh(username)
        elif "username" in kinds and "username" not in tried:
            tried.add("username")
            cred = Credential("username", username or url_user or "git")
        if cred is not None:
            offered.append(cred.kind)
            return cred
        raise RemoteError(f"authentication failed for {redact(url)}: "
                          + ("set ROSTER_GIT_TOKEN, or configure a git credential helper"
                             if scheme in ("http", "https") else "load a key into ssh-agent, or set ROSTER_SSH_KEY")
                          + (" (the credentials offered were refused)" if offered else ""))

    return provide


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _check_destination(url: str, origin: tuple[str, str, int | None] | None, asked_for: str) -> None:
    """Credentials go to the exact host (and port) of the URL given, over https only.

    libgit2 asks with the URL it is talking to, which after a redirect is another
    one; plain http is allowed only to this machine (a local test server), where
    nothing crosses a network.
    """
    if origin is None:
        return
    asked = urlsplit(asked_for) if SCHEME_URL.match(asked_for or "") else None
    where = _origin(asked) if asked else origin
    if where != origin:
        raise RemoteError(f"refusing to send credentials for {redact(url)} to {where[0]}://{where[1]} "
                          "(the server redirected elsewhere)")
    if origin[0] != "https" and origin[1] not in _LOOPBACK:
        raise RemoteError(f"refusing to send credentials to {redact(url)} over plain {origin[0]}://; use https://")


_LOOPBACK = ("localhost", "127.0.0.1", "::1")


def git_credential_fill(url: str, username: str | None) -> tuple[str, str] | None:
    """(username, password) from git's configured credential helpers; never prompts."""
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    request = f"protocol={parts.scheme}\nhost={host}\npath={parts.path.lstrip('/')}\n"
    if username:
        request += f"username={username}\n"
    proc = run_outside_repo(["credential", "fill"], request + "\n", timeout=30)
    if proc is None:
        return None
    if proc.returncode != 0:
        return None
    answer = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    if "password" not in answer:
        return None
    return answer.get("username", username or ""), answer["password"]


