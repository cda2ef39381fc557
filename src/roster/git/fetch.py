"""Cloning and fetching a bare mirror through libgit2 (the ``Mirror`` drives these).

A mirror is a bare repository whose ``origin`` fetches ``+refs/*:refs/*`` (what
``git clone --mirror`` sets up). Fetching opens a pygit2.Repository of its own,
so threads resolving through a ``Repo`` of the same folder are never blocked by
a fetch: libgit2 writes the pack first and moves refs only once it has it all,
so a reader sees either the old refs or the new ones, each pointing at objects
that are present.
"""
from __future__ import annotations

import os
from typing import Any, NamedTuple

import pygit2

from roster.errors import RemoteError, RosterError
from roster.git.credentials import CredentialProvider

MIRROR_REFSPEC = "+refs/*:refs/*"
# With libgit2's default tag handling (auto-follow) a tag that exists here is never
# moved, even under a forcing refspec; the refspec already fetches every tag, so
# auto-follow is turned off and a promoted ``id@prod`` tag moves as it should.
_NO_TAGS = "--no-tags"


class FetchResult(NamedTuple):
    received_objects: int
    updated_refs: int  # refs created, moved or pruned by the fetch
    head: str | None  # the branch HEAD points at afterwards (refs/heads/...)


_KINDS = {
    "userpass": pygit2.enums.CredentialType.USERPASS_PLAINTEXT,
    "ssh-key": pygit2.enums.CredentialType.SSH_KEY,
    "username": pygit2.enums.CredentialType.USERNAME,
}


class _Callbacks(pygit2.RemoteCallbacks):
    def __init__(self, provider: CredentialProvider | None) -> None:
        super().__init__()
        self._provider = provider
        self.updated = 0

    def credentials(self, url: str, username_from_url: str | None, allowed_types: Any) -> Any:
        if self._provider is None:
            raise pygit2.Passthrough
        kinds = frozenset(k for k, flag in _KINDS.items() if allowed_types & flag)
        if "ssh-key" in kinds:
            kinds = kinds | {"ssh-agent"}
        cred = self._provider(url, username_from_url, kinds)
        if cred is None:
            raise pygit2.Passthrough
        if cred.kind == "userpass":
            return pygit2.UserPass(cred.username, cred.secret)
        if cred.kind == "ssh-agent":
            return pygit2.KeypairFromAgent(cred.username)
        if cred.kind == "ssh-key":
            return pygit2.Keypair(cred.username, cred.public_key, cred.private_key, cred.secret)
        return pygit2.Username(cred.username)

    def update_tips(self, refname: str, old: Any, new: Any) -> None:
        self.updated += 1


def _network_timeouts() -> None:
    """Bound every network wait (libgit2 waits forever by default); an app's own setting wins."""
    try:
        seconds = float(os.environ.get("ROSTER_GIT_TIMEOUT", "") or 30)
    except ValueError:
        seconds = 30.0
    settings = pygit2.settings
    if not settings.server_connect_timeout:
        settings.server_connect_timeout = int(min(seconds, 15) * 1000)
    if not settings.server_timeout:
        settings.server_timeout = int(seconds * 1000)


def create_mirror(path: str, url: str, provider: CredentialProvider | None = None) -> FetchResult:
    """A new bare mirror of ``url`` at ``path`` (which must not exist), fetched once.

    ``url`` is what is written into the mirror's config: pass it without credentials.
    """
    try:
        repo = pygit2.init_repository(path, bare=True)
        repo.remotes.create("origin", url, MIRROR_REFSPEC)
        repo.config["remote.origin.mirror"] = True
        repo.config["remote.origin.tagopt"] = _NO_TAGS
        # A service's mirror is written only by fetches: never let libgit2 gc or reflog it.
        repo.config["core.logAllRefUpdates"] = False
    except (pygit2.GitError, ValueError, OSError) as e:
        raise RemoteError(f"cannot create a mirror at {path}: {e}") from e
    try:
        return _fetch(repo, provider)
    finally:
        repo.free()


def fetch_mirror(path: str, provider: CredentialProvider | None = None) -> FetchResult:
    """Fetch every ref of ``origin`` into the mirror at ``path`` (pruning deleted ones)."""
    try:
        repo = pygit2.Repository(path)
    except pygit2.GitError as e:
        raise RemoteError(f"cannot open the mirror at {path}: {e}") from e
    try:
        return _fetch(repo, provider)
    finally:
        repo.free()


def mirror_url(path: str) -> str | None:
    """The ``origin`` URL recorded in a mirror's config."""
    try:
        repo = pygit2.Repository(path)
    except pygit2.GitError:
        return None
    try:
        return repo.remotes["origin"].url
    except (KeyError, pygit2.GitError):
        return None
    finally:
        repo.free()


def _fetch(repo: pygit2.Repository, provider: CredentialProvider | None) -> FetchResult:
    _network_timeouts()
    callbacks = _Callbacks(provider)
    try:
        if "remote.origin.tagopt" not in repo.config:  # a mirror made before tagopt was set
            repo.config["remote.origin.tagopt"] = _NO_TAGS
        # libgit2 hands the credentials of the URL asked for to wherever a redirect leads,
        # and its credential callback is not told where that is: follow no redirect.
        repo.config["http.followRedirects"] = "false"
        remote = repo.remotes["origin"]
        stats = remote.fetch(callbacks=callbacks, prune=pygit2.enums.FetchPrune.PRUNE,
                             message="roster: fetch")
    except RosterError:
        raise  # a credential provider's own, clearer error
    except (pygit2.GitError, KeyError, ValueError, OSError) as e:
        raise RemoteError(str(e) or type(e).__name__) from e
    head = _follow_remote_head(repo, remote)
    return FetchResult(int(stats.received_objects), callbacks.updated, head)


def _follow_remote_head(repo: pygit2.Repository, remote: pygit2.Remote) -> str | None:
    """Point HEAD where the remote's HEAD points (its default branch), as a mirror clone does.

    The remote's ref list is still known from the fetch, so this costs no round trip.
    """
    target = None
    try:
        for head in remote.list_heads(connect=False):
            if head.name == "HEAD" and head.symref_target:
                target = head.symref_target
                break
    except (pygit2.GitError, ValueError):
        target = None
    branches = [r for r in repo.references if r.startswith("refs/heads/")]
    if target is None or target not in branches:
        # No symref advertised: keep a HEAD that works, else the usual default names.
        current = str(repo.lookup_reference("HEAD").target)
        if current in branches or not branches:
            return current if current in branches else None
        target = next((b for b in ("refs/heads/main", "refs/heads/master") if b in branches), sorted(branches)[0])
    try:
        if repo.lookup_reference("HEAD").target != target:
            repo.set_head(target)
    except pygit2.GitError:
        return None
    return target

