"""Commits written straight into the object database with pygit2 (fast: no process, no worktree)."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from helpers.files import FileContent
from helpers.identity import (
    AUTHOR_EMAIL,
    AUTHOR_LAG,
    AUTHOR_NAME,
    COMMITTER_EMAIL,
    COMMITTER_NAME,
    OFFSET_MINUTES,
    clock_for,
)


def commit_files(repo_path: Path | str, files: Mapping[str, FileContent], message: str,
                 *, branch: str = "main", executable: frozenset[str] = frozenset()) -> str:
    """Commit ``files`` on top of ``branch`` straight into the object database.

    The worktree and the index are not touched. ``None`` removes a path; paths in
    ``executable`` get mode 100755. The date is the repository's next clock tick.
    Returns the new commit id.
    """
    import pygit2

    repo = pygit2.Repository(str(repo_path))
    ref_name = f"refs/heads/{branch}"
    ref = repo.references.get(ref_name)
    parents = [ref.target] if ref is not None else []
    index = pygit2.Index()
    if parents:
        index.read_tree(repo[parents[0]].peel(pygit2.Commit).tree)
    for rel, content in files.items():
        if content is None:
            index.remove(rel)
            continue
        data = content.encode("utf-8") if isinstance(content, str) else content
        mode = pygit2.enums.FileMode.BLOB_EXECUTABLE if rel in executable else pygit2.enums.FileMode.BLOB
        index.add(pygit2.IndexEntry(rel, repo.create_blob(data), mode))
    tree = index.write_tree(repo)
    seconds = clock_for(repo_path).tick()
    author = pygit2.Signature(AUTHOR_NAME, AUTHOR_EMAIL, seconds - AUTHOR_LAG, OFFSET_MINUTES)
    committer = pygit2.Signature(COMMITTER_NAME, COMMITTER_EMAIL, seconds, OFFSET_MINUTES)
    oid = repo.create_commit(ref_name, author, committer, message, tree, parents)
    return str(oid)
