"""Finding the project: the git repository and where ``assistants/`` sits in it."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from roster.errors import NotARepository
from roster.git.discover import worktree_top
from roster.source import Layout

if TYPE_CHECKING:
    from roster.git import Mirror, Repo


class Project:
    """The repository (opened on first use: a working-tree check needs no git reads), the
    folder on disk and the layout."""

    def __init__(self, repo: Repo | str | None, top: str | None, layout: Layout, remote: Mirror | None = None) -> None:
        self._repo: Any = repo  # a Repo, a path to open lazily, or None (plain folder)
        self.top = top  # the folder on disk that layout paths are relative to (None: bare)
        self.layout = layout
        self.remote = remote  # the mirror, when the project was opened from a git URL

    @property
    def repo(self) -> Repo | None:
        if isinstance(self._repo, str):
            from roster.git import Repo  # lazy: the git reader, not needed for a working tree

            self._repo = Repo(self._repo)
        return self._repo

    @property
    def folder(self) -> str | None:
        """The project folder on disk (the one holding assistants/)."""
        if self.top is None:
            return None
        return f"{self.top}/{self.layout.prefix}".rstrip("/")


def open_project(path: str = ".", *, root: str | None = None, cache_dir: str | None = None) -> Project:
    """Discover the repository from ``path`` (like git) and the project folder in it.

    ``path`` may be a git URL (``https://``, ``ssh://``, ``git://``, ``file://``,
    ``git@host:org/repo.git``): the project is then a bare mirror in the cache
    folder (``roster.git.mirror``), cloned on first use, else fetched (when the
    remote is unreachable, the mirror serves as it is: see ``Mirror.staleness``).

    The project folder is the nearest folder, from ``path`` up to the top of the
    worktree, that holds ``assistants/`` or ``schemas/``; ``root`` overrides it
    with a path relative to the top (for bare repositories and monorepos).
    """
    if isinstance(path, str) and ":" in path:  # every URL has one; a plain path need not parse URLs
        from roster.git.urls import is_remote_url  # lazy: urllib.parse, ~2 ms a worktree check does not need

        if is_remote_url(path):
            from roster.git import Mirror, Repo  # lazy: the git reader, not needed for a working tree

            mirror = Mirror(path, cache_dir=cache_dir).open()
            return Project(Repo(mirror.path), None, Layout(_prefix(root)), mirror)
    start = os.path.abspath(path)
    workdir = worktree_top(start)
    if workdir is not None and os.path.isdir(start):
        return _project_in(workdir, workdir, start, root)
    from roster.git import Repo  # lazy: the git reader, not needed for a working tree

    try:
        repo: Repo | None = Repo(start)
    except NotARepository:
        if os.path.isdir(os.path.join(start, "assistants")):
            return Project(None, start, Layout(_prefix(root)))
        raise
    assert repo is not None
    if repo.workdir is None:
        return Project(repo, None, Layout(_prefix(root)))
    return _project_in(repo, repo.workdir, start, root)


def _project_in(repo: Any, workdir: str, start: str, root: str | None) -> Project:
    if root is not None:
        return Project(repo, workdir.rstrip("/"), Layout(_prefix(root)))
    top = os.path.realpath(workdir)
    here = os.path.realpath(start if os.path.isdir(start) else os.path.dirname(start))
    probe = here
    while True:
        if os.path.isdir(os.path.join(probe, "assistants")) or os.path.isdir(os.path.join(probe, "schemas")):
            break
        if probe == top or not probe.startswith(top):
            probe = top
            break
        probe = os.path.dirname(probe)
    rel = os.path.relpath(probe, top)
    return Project(repo, workdir.rstrip("/"), Layout(_prefix(None if rel == "." else rel)))


def _prefix(root: str | None) -> str:
    if not root or root in (".", "/"):
        return ""
    clean = root.strip("/").replace(os.sep, "/")
    if clean.startswith("../") or clean == ".." or "/../" in clean:
        raise NotARepository(f"root folder {root!r} leaves the repository")
    return clean + "/"
