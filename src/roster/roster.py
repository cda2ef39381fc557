"""The ``Roster`` facade: the library API of SPEC section 5."""
from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.check import CheckReport, check_source
from roster.diff import FieldChange, diff_values
from roster.errors import NotARepository, UsageError
from roster.model import Assistant, Version
from roster.project import Project, open_project
from roster.refs import is_version_number, parse_spec, resolve_commit
from roster.source import FolderSource, Source

if TYPE_CHECKING:
    from roster.git import Repo
    from roster.indexed import IndexRoster
    from roster.remote import Mirror, Staleness


class Diff(NamedTuple):
    old: Assistant
    new: Assistant
    changes: list[FieldChange]

    def as_json(self) -> dict[str, Any]:
        return {"from": self.old.as_json(), "to": self.new.as_json(),
                "changes": [c.as_json() for c in self.changes]}


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
        self._resolver: Any = None
        self._lock = threading.Lock()
        self._hot: dict[tuple[str, str | None], Assistant] = {}
        self._hot_generation = -1
        self._hot_checked = 0.0

    @classmethod
    def from_index(cls, url_or_path: str, *, refresh_interval: float | None = None,
                   timeout: float = 30.0) -> "IndexRoster":
        """A read-only Roster over a published ``index.json`` (a URL, a file, or a folder holding one).

        ``get``/``list``/``history``/``diff`` answer as this class does for the
        published commit; ``refresh()`` downloads it again (conditionally, with
        ETag / Last-Modified); ``refresh_interval`` does that in the background.
        """
        from roster.indexed import IndexRoster

        return IndexRoster(url_or_path, refresh_interval=refresh_interval, timeout=timeout)

    @property
    def project(self) -> Project:
        return self._project

    def _repo(self) -> Repo:
        if self._project.repo is None:
            raise NotARepository(f"{self._project.top}: not a git repository (refs and history need one)")
        return self._project.repo

    @property
    def resolver(self) -> Any:
        if self._resolver is None:
            from roster.resolve import Resolver

            with self._lock:
                if self._resolver is None:
                    self._resolver = Resolver(self._repo(), self._project.layout,
                                              refresh_interval=self._refresh_interval)
        return self._resolver

    def refresh(self) -> None:
        """Look for moved refs now rather than at the next interval; for a URL, fetch first.

        A failed fetch raises RemoteError; the mirror keeps serving its last good
        state and ``staleness()`` reports the failure.
        """
        try:
            if self._remote is not None:
                self._remote.fetch()
        finally:
            self.resolver.maybe_refresh(force=True)
            self._hot_checked = 0.0

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
        self._hot_checked = 0.0

    def _maybe_fetch(self) -> None:
        if self._fetch_interval is not None and self._remote is not None:
            self._remote.fetch_in_background(self._fetch_interval)

    # --- resolve --------------------------------------------------------------

    def get(self, spec: str, ref: str | None = None) -> Assistant:
        """The validated assistant ``ID[@REF]`` (SPEC section 4); raises a RosterError subclass."""
        if not isinstance(spec, str) or not (ref is None or isinstance(ref, str)):
            wrong = spec if not isinstance(spec, str) else ref
            raise UsageError(f"an assistant spec is a string ID[@REF], not {type(wrong).__name__}")
        key = (spec, ref)
        now = time.monotonic()
        if now - self._hot_checked < self._refresh_interval:
            hit = self._hot.get(key)
            if hit is not None:
                return hit
        resolver = self.resolver
        self._maybe_fetch()
        resolver.maybe_refresh()
        self._hot_checked = now
        if resolver.generation != self._hot_generation:
            self._hot = {}
            self._hot_generation = resolver.generation
        hit = self._hot.get(key)
        if hit is not None:
            return hit
        parsed = parse_spec(spec, ref)
        if parsed.ref is not None and is_version_number(parsed.ref):
            entry = resolver.version_entry(parsed.assistant_id, int(parsed.ref))
            assistant = resolver.get(entry.assistant_id, entry.commit)
        else:
            assistant = resolver.get(parsed.assistant_id, resolver.commit_for(parsed.assistant_id, parsed.ref))
        self._hot[key] = assistant
        return assistant

    def list(self, ref: str | None = None, graph_id: str | None = None,
             metadata: dict[str, Any] | None = None) -> list[Assistant]:
        """Every assistant at ``ref`` (HEAD by default), optionally filtered."""
        from roster.catalog import scan_assistants

        resolver = self.resolver
        self._maybe_fetch()
        resolver.maybe_refresh()
        from roster.git import TreeSource

        commit = resolve_commit(self._repo(), ref) if ref else resolver.head()
        entries, _ = scan_assistants(TreeSource(self._repo(), commit), self._project.layout)
        out = []
        for item in entries:
            assistant = resolver.get(item.assistant_id, commit)
            if assistant.matches(graph_id, metadata):
                out.append(assistant)
        return out

    def history(self, assistant_id: str, ref: str | None = None) -> list[Version]:
        """Versions of an assistant along the first-parent chain of ``ref``, newest first."""
        from roster.ids import check_id
        from roster.resolve import _cut

        check_id(assistant_id)
        resolver = self.resolver
        self._maybe_fetch()
        resolver.maybe_refresh()
        tip = resolve_commit(self._repo(), ref) if ref else resolver.head()
        chain, lineage = resolver.lineage(assistant_id, tip)
        if chain.cut:
            raise _cut(chain)
        versions = [resolver.version(e, i + 1, lineage) for i, e in enumerate(lineage.entries)]
        versions.reverse()
        return versions

    def diff(self, spec_a: str, spec_b: str) -> Diff:
        """Field-level changes from ``spec_a`` to ``spec_b``."""
        old, new = self.get(spec_a), self.get(spec_b)
        changes = diff_values(_diffable(old), _diffable(new))
        return Diff(old, new, changes)

    def promote(self, assistant_id: str, target: str, *, to: str) -> "Promotion":
        """Point the environment tag ``ID@to`` at ``target`` (version number or ref)."""
        return promote(self, assistant_id, target, to)

    # --- check ----------------------------------------------------------------

    def _source(self, ref: str | None) -> Source:
        project = self._project
        if ref is None and project.top is not None:
            return FolderSource(project.top)
        repo = self._repo()
        from roster.git import TreeSource

        return TreeSource(repo, resolve_commit(repo, "HEAD" if ref is None else ref))

    def check(self, ref: str | None = None, base: str | None = None, *, strict: bool = False) -> CheckReport:
        """Validate every assistant at ``ref`` (the working tree when None)."""
        if base is not None:
            from roster.changes import changes_against

            return changes_against(self, base=base, ref=ref, strict=strict)
        return check_source(self._source(ref), self._project.layout, strict=strict)


def _diffable(a: Assistant) -> dict[str, Any]:
    out = {"assistant_id": a.assistant_id}
    out.update(a.content())
    return out


__all__ = ["Roster", "Diff"]


class Promotion(NamedTuple):
    """A moved environment tag: ``tag`` pointed at ``before`` and now points at ``after``."""

    tag: str
    before: str | None
    after: str
    before_version: int | None
    after_version: int | None

    def as_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "before": {"commit": self.before, "version": self.before_version},
                "after": {"commit": self.after, "version": self.after_version}}


def promote(roster: Roster, assistant_id: str, target: str, label: str) -> Promotion:
    """Move the per-assistant tag ``ID@LABEL`` to ``target`` (a version number or a ref).

    The assistant must exist and be valid there. The move is atomic and refuses
    to overwrite a concurrent move (compare-and-swap on the tag).
    """
    from roster.errors import UsageError
    from roster.ids import check_id
    from roster.refs import check_ref_text, is_version_number

    check_id(assistant_id)
    check_ref_text(label)
    if is_version_number(label) or "@" in label or "/" in label or ".." in label:
        raise UsageError(f"invalid label {label!r}: use a name such as prod or staging (not a number, no '@' or '/')")
    if roster.remote is not None:
        raise UsageError(f"{roster.remote.display_url} is read through a mirror, which the next fetch overwrites: "
                         f"promote in a clone of it and push the tag (git push --force origin 'refs/tags/"
                         f"{assistant_id}@{label}')")
    repo = roster._repo()
    resolver = roster.resolver
    resolver.maybe_refresh(force=True)
    tag = f"{assistant_id}@{label}"
    ref_name = f"refs/tags/{tag}"
    if not _valid_ref_name(ref_name):
        raise UsageError(f"{tag!r} is not a valid git tag name")
    before = repo.ref_target(ref_name)
    raw_before = repo.raw.references.get(ref_name)
    expected = str(raw_before.target) if raw_before is not None else None
    assistant = roster.get(f"{assistant_id}@{target}")
    if is_version_number(target):
        after = assistant.commit or ""
    else:
        after = resolver.commit_for(assistant_id, target)
    before_version = None
    if before is not None:
        try:
            before_version = resolver.get(assistant_id, before, validate=False).version
        except Exception:  # noqa: BLE001 - the old target may no longer hold the assistant
            before_version = None
    repo.move_ref(ref_name, after, expected, f"roster promote {assistant_id} {target} --to {label}")
    roster.refresh()
    return Promotion(tag, before, after, before_version, assistant.version)


def _valid_ref_name(name: str) -> bool:
    import pygit2

    try:
        return bool(pygit2.reference_is_valid_name(name))
    except Exception:  # noqa: BLE001
        return False
