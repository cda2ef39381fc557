"""The ``Roster`` facade: the library API of SPEC section 5."""
from __future__ import annotations

import builtins
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from roster.catalog import scan_assistants
from roster.content import diffable
from roster.diff import Diff, diff_values
from roster.errors import NotARepository, UsageError
from roster.gitlookup import GitTargets
from roster.ids import check_id
from roster.lookup import resolve_target
from roster.project import Project, open_project
from roster.promote import promote_all, promote_one
from roster.refs import resolve_commit
from roster.source import FolderSource, Source
from roster.timeline import versions_at

if TYPE_CHECKING:  # pydantic and jsonschema are imported only by the paths that need them
    from roster.check import CheckReport
    from roster.envstatus import Environment
    from roster.freshness import Staleness
    from roster.git import Mirror, Repo
    from roster.gitlookup import GitTargets
    from roster.indexed import IndexRoster
    from roster.model import Assistant, Version
    from roster.resolve import Resolver


class Roster:
    """Assistants of one repository: resolve, list, history, diff and check.

    ``path`` is a worktree or a bare repository (or any folder inside one), or a
    git URL (``https://``, ``ssh://``, ``git://``, ``file://``, ``git@host:org/repo.git``):
    a remote is read through a bare mirror in ``cache_dir`` (default
    ``$ROSTER_CACHE_DIR``, else ``~/.cache/roster``), cloned on first use and
    fetched when the Roster is created. ``root`` is the folder holding
    ``assistants/`` and ``schemas/`` when it is not discovered (bare
    repositories, monorepos).

    ``refresh_interval`` (seconds): for a local repository, how often to look
    for moved refs (default 1 s): a new commit or a moved ``id@prod`` tag is seen
    within that time, without a restart. For a URL, how often to fetch: a call
    that finds the last fetch older than that starts one in a background thread
    and answers from the mirror meanwhile (default None: fetch only on creation
    and ``refresh()``). One Roster may be shared between threads.
    """

    def __init__(self, path: str = ".", *, root: str | None = None, refresh_interval: float | None = None,
                 cache_dir: str | None = None) -> None:
        self._project: Project = open_project(path, root=root, cache_dir=cache_dir)
        self._remote = self._project.remote
        self._fetch_interval: float | None = None
        if self._remote is None:
            self._refresh_interval = 1.0 if refresh_interval is None else refresh_interval
        else:
            self._fetch_interval = refresh_interval
            self._refresh_interval = 1.0 if refresh_interval is None else min(1.0, refresh_interval)
            self._remote.on_fetched.append(self._fetched)
        self._resolver: Resolver | None = None
        self._lock = threading.Lock()
        self._hot: dict[tuple[str, str | None], Assistant] = {}
        self._hot_generation = -1
        # Monotonic time the hot cache was last known fresh; None forces a look at the
        # refs. (A 0.0 sentinel meant "fresh" on a machine up for less than the interval.)
        self._hot_checked: float | None = None
        self._targets: GitTargets | None = None

    @classmethod
    def from_index(cls, url_or_path: str, *, refresh_interval: float | None = None,
                   timeout: float = 30.0) -> IndexRoster:
        """A read-only Roster over a published ``index.json`` (a URL, a file, or a folder holding one).

        ``get``/``list``/``history``/``diff`` answer as this class does for the
        published commit; ``refresh()`` downloads it again (conditionally, with
        ETag / Last-Modified); ``refresh_interval`` does that in the background.
        """
        # lazy: loads pydantic (via roster.model)
        from roster.indexed import IndexRoster

        return IndexRoster(url_or_path, refresh_interval=refresh_interval, timeout=timeout)

    @property
    def project(self) -> Project:
        return self._project

    read_only = False  # see IndexRoster: a published index refuses what needs a repository

    @property
    def repository(self) -> Repo:
        """The git repository (``NotARepository`` for a folder outside one)."""
        if self._project.repo is None:
            raise NotARepository(f"{self._project.top}: not a git repository (refs and history need one)")
        return self._project.repo

    @property
    def resolver(self) -> Resolver:
        """Assistants by commit, with their caches (shared by every command of this Roster)."""
        if self._resolver is None:
            # lazy: the git reader and the caches, which a working-tree check never loads
            from roster.resolve import Resolver

            with self._lock:
                if self._resolver is None:
                    self._resolver = Resolver(self.repository, self._project.layout,
                                              refresh_interval=self._refresh_interval)
        return self._resolver

    def refresh(self) -> bool:
        """Look for moved refs now rather than at the next interval; for a URL, fetch first.

        The next ``get`` sees the refs as they are now, whatever ``refresh_interval``
        is and however long the machine has been up (call it from a push webhook).

        True when a ref moved since the last look. A failed fetch raises RemoteError;
        the mirror keeps serving its last good state and ``staleness()`` reports the failure.
        """
        resolver = self.resolver
        before = resolver.generation  # a fetch's own callback may already have seen the move
        try:
            if self._remote is not None:
                self._remote.fetch()
        finally:
            resolver.maybe_refresh(force=True)
            self._hot_checked = None
        return resolver.generation != before

    def staleness(self) -> Staleness | None:
        """For a URL: time since the last successful fetch, and the last failure; None for a local repository."""
        return self._remote.staleness() if self._remote is not None else None

    @property
    def remote(self) -> Mirror | None:
        """The mirror of the remote repository, when opened from a URL."""
        return self._remote

    def _fetched(self) -> None:
        # Called by the mirror after a fetch (maybe in its background thread).
        if self._resolver is not None:
            self._resolver.maybe_refresh(force=True)
        self._hot_checked = None

    def ready(self) -> Resolver:
        """The resolver, once a due background fetch is started and moved refs are looked for:
        where every read starts."""
        resolver = self.resolver
        if self._fetch_interval is not None and self._remote is not None:
            self._remote.fetch_in_background(self._fetch_interval)
        resolver.maybe_refresh()
        return resolver

    # --- resolve --------------------------------------------------------------

    def get(self, spec: str, ref: str | None = None) -> Assistant:
        """The validated assistant ``ID[@REF]`` (SPEC section 4); raises a RosterError subclass."""
        if not isinstance(spec, str) or not (ref is None or isinstance(ref, str)):
            wrong = spec if not isinstance(spec, str) else ref
            raise UsageError(f"an assistant spec is a string ID[@REF], not {type(wrong).__name__}")
        key = (spec, ref)
        now = time.monotonic()
        checked = self._hot_checked
        if checked is not None and now - checked < self._refresh_interval:
            hit = self._hot.get(key)
            if hit is not None:
                return hit
        resolver = self.ready()
        self._hot_checked = now
        if resolver.generation != self._hot_generation:
            self._hot = {}
            self._hot_generation = resolver.generation
        hit = self._hot.get(key)
        if hit is not None:
            return hit
        assistant = resolver.get(*self.target(spec, ref))
        self._hot[key] = assistant
        return assistant

    def target(self, spec: str, ref: str | None = None) -> tuple[str, str]:
        """(id, commit) that ``spec`` names: a version number, an environment's pin, an own tag, or a ref."""

        targets = self._targets
        if targets is None:
            targets = self._targets = GitTargets(self.resolver)
        return resolve_target(targets, spec, ref)

    def environments(self, ref: str | None = None) -> list[Environment]:
        """Every environment at ``ref`` (HEAD by default): its file, else per-assistant tags ``ID@env``."""
        # lazy: loads pydantic (via roster.model)
        from roster.envstatus import environments

        return environments(self, ref)

    def list(self, ref: str | None = None, graph_id: str | None = None,
             metadata: dict[str, Any] | None = None, *, env: str | None = None) -> list[Assistant]:
        """Every assistant at ``ref`` (HEAD by default), optionally filtered.

        With ``env``: every assistant that environment runs, each at its pin
        (the environment file read at ``ref``; else the tags ``ID@env``).
        """

        resolver = self.ready()
        if env is not None:
            # lazy: loads pydantic (via roster.model)
            from roster.envstatus import environment_assistants

            return [a for a in environment_assistants(self, env, ref) if a.matches(graph_id, metadata)]
        # lazy: the git reader (pygit2 only for the reads it leaves), not needed to check a working tree
        from roster.git import TreeSource

        commit = resolve_commit(self.repository, ref) if ref else resolver.head()
        entries, _ = scan_assistants(TreeSource(self.repository, commit), self._project.layout)
        out = []
        for item in entries:
            assistant = resolver.get(item.assistant_id, commit)
            if assistant.matches(graph_id, metadata):
                out.append(assistant)
        resolver.verdicts.flush()
        return out

    def history(self, assistant_id: str, ref: str | None = None) -> builtins.list[Version]:
        """Versions of an assistant along the first-parent chain of ``ref``, newest first."""

        check_id(assistant_id)
        resolver = self.ready()
        tip = resolve_commit(self.repository, ref) if ref else resolver.head()
        chain, lineage = resolver.lineage(assistant_id, tip)
        entries = versions_at(chain, lineage)
        versions = [resolver.version(e, i + 1, lineage) for i, e in enumerate(entries)]
        versions.reverse()
        return versions

    def diff(self, spec_a: str, spec_b: str) -> Diff:
        """Field-level changes from ``spec_a`` to ``spec_b``."""

        old, new = self.get(spec_a), self.get(spec_b)
        changes = diff_values(diffable(old), diffable(new))
        return Diff(old, new, changes)

    def promote(self, assistant_id: str, target: str, *, to: str, commit: bool = False) -> Any:
        """Promote ``assistant_id`` at ``target`` (version number or ref) to the environment ``to``.

        Where ``environments/<to>.yaml`` exists in the working tree, its pin is edited
        with the smallest change (an ``EnvPromotion``; ``commit=True`` commits the file);
        else the tag ``ID@to`` moves (a ``Promotion``). See ``roster.promote``.
        """

        return promote_one(self, assistant_id, target, to, commit=commit)

    def promote_all(self, source: str, to: str, *, commit: bool = False) -> Sequence[Any]:
        """Copy every pin of environment ``source`` (its file, else its tags) to ``to``."""

        return promote_all(self, source, to, commit=commit)

    # --- check ----------------------------------------------------------------

    def source(self, ref: str | None) -> Source:
        """The files to check: the working tree when ``ref`` is None (and there is one), else the commit."""
        project = self._project
        if ref is None and project.top is not None:
            return FolderSource(project.top)
        repo = self.repository
        # lazy: the git reader (pygit2 only for the reads it leaves), not needed to check a working tree
        from roster.git import TreeSource

        return TreeSource(repo, resolve_commit(repo, "HEAD" if ref is None else ref))

    def check(self, ref: str | None = None, base: str | None = None, *, strict: bool = False,
              allow_empty: bool = False) -> CheckReport:
        """Validate every assistant at ``ref`` (the working tree when None).

        With ``base``, also report what changed since the merge base of ``base`` and ``ref``.
        Finding no assistant file at all is an error unless ``allow_empty``.
        """
        # lazy: the checker (and through it the validators) stays out of show, list and history
        from roster.check import check_source, strictly
        from roster.envcheck import check_environments

        if base is not None:
            from roster.changes import changes_against  # lazy: pygit2 (~30 ms), which a working-tree check needs not

            report = changes_against(self, base=base, ref=ref, strict=strict, allow_empty=allow_empty)
        else:
            report = check_source(self.source(ref), self._project.layout, strict=strict,
                                  allow_empty=allow_empty)

        # Environment files are checked whole on every run (a pin is cheap to check, and a pin
        # can break without its file changing: a deleted tag, an assistant made invalid).
        found = strictly(check_environments(self, self.source(ref), ref), strict)
        return report._replace(problems=[*report.problems, *found]) if found else report


__all__ = ["Roster", "Diff"]
