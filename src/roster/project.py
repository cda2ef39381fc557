"""Finding the project: the git repository and where ``assistants/`` sits in it."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

from roster.errors import NotARepository
from roster.git import Repo
from roster.source import Layout

if TYPE_CHECKING:
    from roster.remote import Mirror


class Project(NamedTuple):
    repo: Repo | None  # None for a plain folder that is not in git
    top: str | None  # the folder on disk that layout paths are relative to (None: bare)
    layout: Layout
    remote: Mirror | None = None  # the mirror, when the project was opened from a git URL

    @property
    def folder(self) -> str | None:
        """The project folder on disk (the one holding assistants/)."""
        if self.top is None:
            return None
        return f"{self.top}/{self.layout.prefix}".rstrip("/")


def open_project(path: str = ".", *, root: str | None = None, cache_dir: str | None = None,
                 fetch: bool = True) -> Project:
    """Discover the repository from ``path`` (like git) and the project folder in it.

    ``path`` may be a git URL (``https://``, ``ssh://``, ``git://``, ``file://``,
    ``git@host:org/repo.git``): the project is then a bare mirror in the cache
    folder (``roster.remote``), cloned on first use, else fetched when ``fetch``.

    The project folder is the nearest folder, from ``path`` up to the top of the
    worktree, that holds ``assistants/`` or ``schemas/``; ``root`` overrides it
    with a path relative to the top (for bare repositories and monorepos).
    """
    from roster.remote import Mirror, is_remote_url

    if is_remote_url(path):
        mirror = Mirror(path, cache_dir=cache_dir).open(fetch=fetch)
        return Project(Repo(mirror.path), None, Layout(_prefix(root)), mirror)
    start = os.path.abspath(path)
    try:
        repo: Repo | None = Repo(start)
    except NotARepository:
        if os.path.isdir(os.path.join(start, "assistants")):
            return Project(None, start, Layout(_prefix(root)))
        raise
    assert repo is not None
    if root is not None:
        return Project(repo, repo.workdir, Layout(_prefix(root)))
    if repo.workdir is None:
        return Project(repo, None, Layout())
    top = os.path.realpath(repo.workdir)
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
    return Project(repo, repo.workdir, Layout(_prefix(None if rel == "." else rel)))


def _prefix(root: str | None) -> str:
    if not root or root in (".", "/"):
        return ""
    clean = root.strip("/").replace(os.sep, "/")
    if clean.startswith("../") or clean == ".." or "/../" in clean:
        raise NotARepository(f"--root {root!r} leaves the repository")
    return clean + "/"
