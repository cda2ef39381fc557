"""The ``ID[@REF]`` grammar (SPEC section 4) and how a ref becomes a commit."""
from __future__ import annotations

from roster.errors import UnknownRef, UsageError
from roster.git import Repo


def resolve_commit(repo: Repo, ref: str) -> str:
    """A repo-wide ref (branch, tag, commit, revision expression) to a commit id."""
    if not ref or ref.startswith("-"):
        raise UsageError(f"invalid ref {ref!r}: a ref may not be empty or start with '-'")
    if not repo.has_commits():
        raise UnknownRef("the repository has no commits yet")
    tried = []
    for name in (f"refs/heads/{ref}", f"refs/remotes/origin/{ref}", f"refs/tags/{ref}"):
        tried.append(name)
        target = repo.ref_target(name)
        if target:
            return target
    hex_matches = repo.commit_from_hex(ref)
    if len(hex_matches) > 1:
        raise UnknownRef(f"ref {ref!r} is ambiguous: more than one commit starts with it")
    if hex_matches:
        return hex_matches[0]
    found = repo.revparse_commit(ref)
    if found:
        return found
    raise UnknownRef(f"unknown ref {ref!r} (tried branches, origin/{ref}, tags, commit ids and revision expressions)")
