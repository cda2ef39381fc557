"""The global options, handed to every command through ``ctx.obj``."""
from __future__ import annotations

from typing import Any

import click

from roster.cli.exits import one_line
from roster.cli.options import emit


class Settings:
    """Global options, handed to every command through ``ctx.obj``.

    ``repo`` is a path, a git URL (read through a mirror in ``cache_dir``), or a
    published ``index.json`` (a URL or path ending in ``.json``: read-only).
    """

    def __init__(self, repo: str | None, root: str | None, debug: bool, cache_dir: str | None = None) -> None:
        self.repo = repo
        self.root = root
        self.debug = debug
        self.cache_dir = cache_dir

    def is_index(self) -> bool:
        return self.repo is not None and self.repo.split("?", 1)[0].endswith(".json")

    def project(self) -> Any:
        from roster.project import open_project  # lazy: not loaded by every `roster --help` (SPEC section 8)

        project = open_project(self.repo or ".", root=self.root, cache_dir=self.cache_dir)
        if project.remote is not None:
            warn_if_stale(project.remote.staleness())
        return project

    def roster(self) -> Any:
        from roster.roster import Roster  # lazy: not loaded by every `roster --help` (SPEC section 8)

        if self.repo is not None and self.is_index():
            return Roster.from_index(self.repo)
        roster = Roster(self.repo or ".", root=self.root, cache_dir=self.cache_dir)
        staleness = roster.staleness()
        if staleness is not None:
            warn_if_stale(staleness)
        return roster


def settings_of(ctx: click.Context) -> Settings:
    """The global options; the defaults when a command runs outside the ``roster`` group."""
    return ctx.obj if isinstance(ctx.obj, Settings) else Settings(None, None, False)


def warn_if_stale(staleness: Any) -> None:
    """Offline: say that the answer comes from the mirror, and how old it is (stderr only)."""
    if staleness.error:
        from roster.freshness import describe  # lazy: not loaded by every `roster --help` (SPEC section 8)

        emit(f"roster: warning: {one_line(describe(staleness))}", err=True)
