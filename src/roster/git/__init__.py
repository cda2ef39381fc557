"""Every git access of Roster, behind one package; nothing outside it touches pygit2.

- ``repo``: a repository opened and read (refs, commits, trees, blobs), ``TreeSource``: through
  ``pure`` (``objects``, ``refdb``: a pure-Python, hash-verifying reader of the plain layouts)
  and, for what that leaves, ``libgit`` (pygit2, opened on first need);
- ``commits``: what a commit says, as text (summary, pull request title, author, time);
- ``writes``: compare-and-swap ref moves and the one-file commit of ``promote``;
- ``batch``: many blobs at once through ``git cat-file --batch`` (publish);
- ``run``: the one place the ``git`` command is run, made safe;
- ``mirror``: bare mirrors of remotes in the cache folder; ``fetch``: their libgit2 clone and fetch;
- ``credentials``: credentials for a fetch; ``urls``: git URLs, shown without credentials;
- ``discover``: the worktree holding a folder, found without pygit2.

The names below are re-exported lazily: ``import roster.git`` (and the modules that
need no pygit2: urls, credentials, mirror, discover, commits, run, repo) stays cheap, and
pygit2 is imported with the first read the pure reader leaves, or the first name that
needs it (``valid_ref_name``, the fetches).
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "Repo", "TreeSource", "MAX_BLOB", "CommitInfo", "iso_utc", "version_message", "read_blobs", "blobs_at",
    "written_on_chain",
    "valid_ref_name", "safe_git_env", "Credential", "CredentialProvider", "credentials_for", "git_credential_fill",
    "FetchResult", "MIRROR_REFSPEC", "create_mirror", "fetch_mirror", "mirror_url",
    "Mirror", "cache_root", "file_lock", "mirror_name", "LOCK_TIMEOUT", "is_remote_url", "redact", "worktree_top",
]

if TYPE_CHECKING:
    from roster.git.batch import blobs_at, read_blobs, written_on_chain
    from roster.git.commits import CommitInfo, iso_utc, version_message
    from roster.git.credentials import Credential, CredentialProvider, credentials_for, git_credential_fill
    from roster.git.discover import worktree_top
    from roster.git.fetch import MIRROR_REFSPEC, FetchResult, create_mirror, fetch_mirror, mirror_url
    from roster.git.mirror import LOCK_TIMEOUT, Mirror, cache_root, file_lock, mirror_name
    from roster.git.repo import MAX_BLOB, Repo, TreeSource
    from roster.git.run import safe_git_env
    from roster.git.urls import is_remote_url, redact
    from roster.git.writes import valid_ref_name

_WHERE = {
    "Repo": "repo", "TreeSource": "repo", "MAX_BLOB": "repo",
    "CommitInfo": "commits", "iso_utc": "commits", "version_message": "commits",
    "read_blobs": "batch", "blobs_at": "batch", "written_on_chain": "batch",
    "valid_ref_name": "writes",
    "safe_git_env": "run",
    "Credential": "credentials", "CredentialProvider": "credentials", "credentials_for": "credentials",
    "git_credential_fill": "credentials",
    "FetchResult": "fetch", "MIRROR_REFSPEC": "fetch", "create_mirror": "fetch", "fetch_mirror": "fetch",
    "mirror_url": "fetch",
    "Mirror": "mirror", "cache_root": "mirror", "file_lock": "mirror", "mirror_name": "mirror",
    "LOCK_TIMEOUT": "mirror",
    "is_remote_url": "urls", "redact": "urls",
    "worktree_top": "discover",
}



def __getattr__(name: str) -> Any:
    # lazy: a working-tree check or an index never needs the git reader, and some names load pygit2 (~40 ms).
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'roster.git' has no attribute {name!r}")
    return getattr(importlib.import_module(f"roster.git.{where}"), name)
