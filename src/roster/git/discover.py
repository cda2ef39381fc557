"""The worktree holding a folder, found the way git does, without pygit2 (cheap).

A working-tree check needs only the folder on disk; opening the repository
(``Repo``, which loads pygit2) waits until history is asked for.
"""
from __future__ import annotations

import os


def worktree_top(start: str) -> str | None:
    """The worktree holding ``start``, found the way git does (a ``.git`` entry); None when none is.

    Only the plain case: GIT_DIR / GIT_WORK_TREE in the environment leave it to libgit2.
    """
    if os.environ.get("GIT_DIR") or os.environ.get("GIT_WORK_TREE"):
        return None
    probe = os.path.realpath(start)
    while True:
        marker = os.path.join(probe, ".git")
        if os.path.isdir(os.path.join(marker, "objects")) or os.path.isfile(marker):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return None
        probe = parent
