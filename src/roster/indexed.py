"""``Roster.from_index``: a read-only Roster over a published ``index.json``.

A service that only reads assistants does not need git at all: ``roster
publish`` writes every version of every assistant into ``index.json``
(docs/index-format.md), which any static host or CDN serves. This module reads
it back (an ``http(s)://`` URL, a ``file://`` URL, a file, or a folder holding
``index.json``) and answers ``get``/``list``/``history``/``diff`` with the same
``Assistant``/``Version`` objects as the git-backed ``Roster`` for the published
commit, and the same error classes.

What it cannot do, by construction:
- resolve commits that are not on the published first-parent chain (an
  unmerged branch, a tag on a side branch): ``UnknownRef`` says so;
- validate: the index records what each commit wrote, so an assistant that was
  invalid at a commit is returned as written (the publisher's ``check`` is the gate);
- revision expressions beyond ``REF~N`` and ``REF^`` (walked on the chain).

Refreshing downloads the file again with ``If-None-Match``/``If-Modified-Since``
when the server sent an ``ETag``/``Last-Modified`` (a 304 costs one round trip
and no parsing); a local file is re-read only when its size or mtime changed.
Each download is parsed into an immutable snapshot and swapped in whole, so
threads always read one consistent index.
"""
from __future__ import annotations

import builtins
import json
import threading
import time
from collections.abc import Sequence
from typing import Any

from roster.content import diffable
from roster.diff import Diff, diff_values
from roster.errors import RemoteError, UnknownRef, UsageError
from roster.freshness import Freshness, Staleness
from roster.ids import check_id
from roster.indexchain import parse
from roster.indexload import IndexLoader
from roster.indexview import Snapshot
from roster.lookup import resolve_target
from roster.model import Assistant, Version
from roster.refs import check_ref_text
from roster.timeline import alive_at, find_lineage, versions_at


class IndexRoster:
    """A read-only Roster over a published ``index.json`` (see the module docstring).

    Thread-safe. ``refresh_interval`` (seconds): a call that finds the last
    download older than that starts one in a background thread and answers from
    the current copy meanwhile (default None: only ``refresh()`` downloads again).
    """

    read_only = True  # what needs a repository (publish, check, promote) refuses it as a usage error

    def __init__(self, location: str, *, refresh_interval: float | None = None, timeout: float = 30.0) -> None:
        self._loader = IndexLoader(location, timeout)
        self._refresh_interval = refresh_interval
        self._lock = threading.Lock()  # one download at a time
        self._freshness = Freshness()
        self._freshness.attempt()  # the first download is this one: the next is due an interval from now
        data = self._loader.load()
        assert data is not None
        self._snap = self._parse(data)
        self._freshness.succeeded()

    def __repr__(self) -> str:
        return f"Roster.from_index({self._loader.display!r})"

    @property
    def source(self) -> str:
        """Where the index is read from (a URL without credentials, or a path)."""
        return self._loader.display

    @property
    def head(self) -> str:
        """The published commit."""
        return self._snap.pub.head

    @property
    def generated_at(self) -> str | None:
        return self._snap.pub.generated_at

    def _parse(self, data: bytes) -> Snapshot:
        try:
            parsed = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError) as e:
            raise RemoteError(f"{self._loader.display}: not valid JSON ({e})") from None
        return Snapshot(parse(parsed, self._loader.display))

    # --- freshness ---

    def refresh(self) -> bool:
        """Download the index again now; True when it changed. Raises RemoteError on failure
        (the copy in memory keeps serving; ``staleness()`` reports the failure)."""
        started = time.time()
        self._freshness.attempt()
        with self._lock:
            try:
                data = self._loader.load()
                snap = self._parse(data) if data is not None else None
            except RemoteError as e:
                self._freshness.failed(str(e), started)
                raise
            if snap is not None:
                self._snap = snap
            self._freshness.succeeded()
        return snap is not None

    def staleness(self) -> Staleness:
        """Time since the index was last downloaded (or confirmed unchanged), and the last failure."""
        return self._freshness.staleness(self._loader.display)

    def _maybe_refresh(self) -> None:
        if self._refresh_interval is not None:
            self._freshness.start_if_due(self._refresh_interval, self._background_refresh,
                                         f"roster-index {self._loader.display}")

    def _background_refresh(self) -> None:
        try:
            self.refresh()
        except RemoteError:
            pass  # recorded for staleness(); the copy in memory keeps serving

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background download (tests, shutdown)."""
        self._freshness.wait(timeout)

    # --- the Roster API ---

    def get(self, spec: str, ref: str | None = None) -> Assistant:
        """The assistant ``ID[@REF]`` (SPEC section 4) as published."""
        self._maybe_refresh()
        snap = self._snap
        key = (spec, ref)
        hit = snap.hot.get(key)
        if hit is not None:
            return hit
        assistant_id, commit = resolve_target(snap, spec, ref)  # parses and checks the spec
        assistant = snap.assistant_at(assistant_id, commit, spec if ref is None else f"{spec}@{ref}")
        snap.hot[key] = assistant
        return assistant

    def list(self, ref: str | None = None, graph_id: str | None = None,
             metadata: dict[str, Any] | None = None, *, env: str | None = None) -> list[Assistant]:
        """Every assistant at ``ref`` (the published commit by default), optionally filtered.

        With ``env``: what that environment ran when the index was published, each at its pin.
        """
        self._maybe_refresh()
        snap = self._snap
        if env is not None:
            if ref is not None:
                raise UsageError("a published index knows its environments at the published commit only")
            published = snap.pub.environments.get(env) or {}
            runs = published.get("runs")
            ids = sorted(runs) if isinstance(runs, dict) else sorted(
                t.rpartition("@")[0] for t in snap.pub.tags if t.rpartition("@")[2] == env and "@" in t)
            if not ids and env not in snap.pub.environments:
                raise UnknownRef(f"no environment {env!r}: no {snap.environments_folder}/{env}.yaml at HEAD "
                                 f"and no tag ID@{env}")
            found = [self.get(f"{i}@{env}") for i in ids]
            return [a for a in found if a.matches(graph_id, metadata)]
        commit = snap.ref_commit(check_ref_text(ref)) if ref else snap.pub.head
        snap.check_cut()
        pos = snap.position(commit, ref or "HEAD")
        alive = sorted(alive_at(snap.chain, pos), key=lambda item: snap.path(item[1]))
        out = []
        for assistant_id, _ in alive:
            assistant = snap.assistant_at(assistant_id, commit, ref or "HEAD")
            if assistant.matches(graph_id, metadata):
                out.append(assistant)
        return out

    def history(self, assistant_id: str, ref: str | None = None) -> builtins.list[Version]:
        """Versions along the published chain up to ``ref``, newest first."""

        check_id(assistant_id)
        self._maybe_refresh()
        snap = self._snap
        tip = snap.ref_commit(check_ref_text(ref)) if ref else snap.pub.head
        pos = snap.position(tip, ref or "HEAD")
        snap.check_cut()
        lineage = find_lineage(snap.chain, assistant_id, pos)
        entries = versions_at(snap.chain, lineage, pos)
        versions = [snap.version(e, n, entries[0]) for n, e in enumerate(entries, 1)]
        versions.reverse()
        return versions

    def diff(self, spec_a: str, spec_b: str) -> Any:
        """Field-level changes from ``spec_a`` to ``spec_b`` (a ``roster.roster.Diff``)."""

        old, new = self.get(spec_a), self.get(spec_b)
        return Diff(old, new, diff_values(diffable(old), diffable(new)))

    def check(self, *args: Any, **kwargs: Any) -> Any:
        raise UsageError(f"{self.source} is a published index: it is read-only and already checked; "
                         f"run check on the repository")

    def promote(self, *args: Any, **kwargs: Any) -> Any:
        raise UsageError(f"{self.source} is a published index: it is read-only; promote in the repository, "
                         f"push the tag, and publish again")

    promote_all = promote

    def environments(self, ref: str | None = None) -> Sequence[Any]:
        """The environment files as published (``index.json``'s ``environments``)."""
        # lazy: loads pydantic (via roster.model)
        from roster.envstatus import Environment

        if ref is not None:
            raise UsageError("a published index knows its environments at the published commit only")
        return [Environment(name, env.get("path"), env.get("url"), env.get("default"), dict(env.get("pins") or {}))
                for name, env in sorted(self._snap.pub.environments.items())]
