"""Versions along the first-parent chain (SPEC section 3), and the incremental index.

A *delta* is what one commit changed below ``assistants/`` against its first
parent; it depends on that commit only, so deltas are computed once, kept in
``<git dir>/roster/`` and reused by every later run (an incremental index). A
*chain* is the first-parent line from one tip back to the root; walking the
deltas along it gives each assistant's *lineage*: its versions, across renames,
deletions and re-adds.
"""
from __future__ import annotations

import bisect
import marshal
import os
import threading
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.cachetrust import usable
from roster.ids import id_from_relpath, is_assistant_file

if TYPE_CHECKING:  # a type only: the published-index reader builds chains without loading pygit2
    from roster.git import Repo

INDEX_FORMAT = 2


_FIRST = itemgetter(0)  # a VersionEntry's pos, an event's pos


class Change(NamedTuple):
    status: str  # A (added), M (modified), D (deleted), R (renamed)
    old_path: str | None  # relative to assistants/
    new_path: str | None
    old_blob: str | None
    new_blob: str | None


class VersionEntry(NamedTuple):
    pos: int  # position on the chain (0 = root commit)
    commit: str
    assistant_id: str
    blob: str
    kind: str  # added, changed, renamed, re-added
    path: str = ""  # the file below assistants/, with its .yaml/.yml suffix


class Lineage:
    """One assistant's life on a chain: its versions, whatever its id was at each."""

    __slots__ = ("entries", "ended")

    def __init__(self) -> None:
        self.entries: list[VersionEntry] = []
        self.ended: tuple[int, str, str | None] | None = None  # (pos, commit, renamed-to id or None)

    def count_at(self, pos: int) -> int:
        # Entries are in chain order: a binary search, without a list of every position first.
        return bisect.bisect_right(self.entries, pos, key=_FIRST)


class Gone(NamedTuple):
    """How an id stopped existing: deleted, or renamed to another id."""

    pos: int
    commit: str
    renamed_to: str | None
    last: VersionEntry


def gone_hint(gone: Any) -> str:
    """'; it was renamed to ...' or '; it was deleted in ...' for the last of ``gone`` (Gone-like)."""
    if not gone:
        return ""
    last = gone[-1]
    if last.renamed_to:
        return f"; it was renamed to {last.renamed_to!r} in commit {last.commit[:12]}"
    return f"; it was deleted in commit {last.commit[:12]}"


class Chain:
    """The first-parent chain of one tip, with every assistant's lineage along it."""

    def __init__(self, commits: list[str], cut: bool, deltas: dict[str, tuple[Change, ...]]) -> None:
        self.commits = commits  # oldest first
        self.pos = {c: i for i, c in enumerate(commits)}
        self.cut = cut  # a shallow clone: the oldest commit's parents are missing
        self.timeline: dict[str, list[tuple[int, Lineage | None]]] = {}
        self.gone: dict[str, list[Gone]] = {}
        self.lineages: list[Lineage] = []
        live: dict[str, Lineage] = {}
        dead: dict[str, Lineage] = {}
        for pos, commit in enumerate(commits):
            for ch in deltas.get(commit, ()):
                self._apply(pos, commit, ch, live, dead)

    def _apply(self, pos: int, commit: str, ch: Change, live: dict[str, Lineage], dead: dict[str, Lineage]) -> None:
        if ch.status in ("D", "R") and ch.old_path is not None:
            old_id = id_from_relpath(ch.old_path)
            lineage = live.pop(old_id, None)
            if lineage is not None and lineage.entries:
                new_id = id_from_relpath(ch.new_path) if ch.status == "R" and ch.new_path else None
                lineage.ended = (pos, commit, new_id)
                self.gone.setdefault(old_id, []).append(Gone(pos, commit, new_id, lineage.entries[-1]))
                self.timeline.setdefault(old_id, []).append((pos, None))
                if ch.status == "D":
                    dead[old_id] = lineage
            if ch.status == "D":
                return
            assert ch.new_path is not None and ch.new_blob is not None
            new_id = id_from_relpath(ch.new_path)
            if lineage is None:
                lineage = dead.pop(new_id, None) or self._new()
            lineage.ended = None
            self._version(lineage, pos, commit, new_id, ch.new_blob, "renamed", live, ch.new_path)
            return
        assert ch.new_path is not None and ch.new_blob is not None
        if ch.status == "M" and ch.old_blob == ch.new_blob:
            return  # only the file mode changed: the content, and so the version, is the same
        new_id = id_from_relpath(ch.new_path)
        if ch.status == "A":
            lineage = live.get(new_id)
            kind = "added"
            if lineage is None:
                revived = dead.pop(new_id, None)
                lineage = revived or self._new()
                kind = "re-added" if revived else "added"
                lineage.ended = None
        else:
            lineage = live.get(new_id) or dead.pop(new_id, None) or self._new()
            kind = "changed" if lineage.entries else "added"
        self._version(lineage, pos, commit, new_id, ch.new_blob, kind, live, ch.new_path)

    def _new(self) -> Lineage:
        lineage = Lineage()
        self.lineages.append(lineage)
        return lineage

    def _version(self, lineage: Lineage, pos: int, commit: str, assistant_id: str, blob: str, kind: str,
                 live: dict[str, Lineage], path: str) -> None:
        lineage.entries.append(VersionEntry(pos, commit, assistant_id, blob, kind, path))
        live[assistant_id] = lineage
        events = self.timeline.setdefault(assistant_id, [])
        if not events or events[-1][1] is not lineage:
            events.append((pos, lineage))

    def lineage_at(self, assistant_id: str, pos: int) -> Lineage | None:
        """The lineage that holds ``assistant_id`` at chain position ``pos``."""
        return lineage_in(self.timeline.get(assistant_id), pos)

    def last_lineage(self, assistant_id: str, pos: int | None = None) -> Lineage | None:
        """The most recent lineage that had this id up to ``pos`` (for deleted or renamed ones)."""
        return last_of(self.timeline.get(assistant_id), pos)

    def ids_at_end(self) -> list[str]:
        return sorted(i for i, ev in self.timeline.items() if ev and ev[-1][1] is not None)


def lineage_in(events: list[tuple[int, Lineage | None]] | None, pos: int) -> Lineage | None:
    """The lineage an id's events give it at ``pos`` (None: not there)."""
    if not events:
        return None
    i = bisect.bisect_right(events, pos, key=_FIRST) - 1
    return events[i][1] if i >= 0 else None


def last_of(events: list[tuple[int, Lineage | None]] | None, pos: int | None) -> Lineage | None:
    for at, lineage in reversed(events or ()):
        if lineage is not None and (pos is None or at <= pos):
            return lineage
    return None


class DeltaIndex:
    """Per-commit deltas below ``assistants/``, kept on disk between runs."""

    def __init__(self, repo: Repo, folder: str) -> None:
        self.repo = repo
        self.folder = folder
        self._lock = threading.RLock()
        self._parents: dict[str, str | None] = {}
        self._deltas: dict[str, tuple[Change, ...]] = {}
        self._dirty = False
        self._shallow: set[str] = set()
        self._last_subtree: tuple[str | None, str | None] = (None, None)
        self._file = os.path.join(repo.path, "roster", f"deltas-{_slug(folder)}.marshal")
        self._kept = usable(repo.path)  # a folder not written here by this user is never read
        if self._kept:
            self._load()

    def _load(self) -> None:
        # marshal, not JSON: loading the index is on the path of every `roster show`,
        # and marshal reads tuples of strings ~8x faster. It holds only plain data.
        try:
            with open(self._file, "rb") as f:
                data = marshal.load(f)
        except (OSError, EOFError, ValueError, TypeError):
            return
        if not isinstance(data, tuple) or len(data) != 3 or data[0] != INDEX_FORMAT or data[1] != self.folder:
            return
        try:
            for commit, parent, changes in data[2]:
                self._parents[commit] = parent
                self._deltas[commit] = tuple(Change(*c) for c in changes) if changes else ()
        except (TypeError, ValueError):
            self._parents.clear()
            self._deltas.clear()

    def save(self) -> None:
        """Write the index atomically; a read-only repository just keeps it in memory."""
        with self._lock:
            if not self._dirty or not self._kept:
                return
            rows = tuple((c, p, tuple(tuple(ch) for ch in self._deltas[c])) for c, p in self._parents.items())
            try:
                os.makedirs(os.path.dirname(self._file), exist_ok=True)
                tmp = f"{self._file}.{os.getpid()}.{threading.get_ident()}.tmp"
                with open(tmp, "wb") as f:
                    marshal.dump((INDEX_FORMAT, self.folder, rows), f)
                os.replace(tmp, self._file)
                self._dirty = False
            except OSError:
                pass

    def chain(self, tip: str) -> Chain:
        """The chain from ``tip`` to the root, computing the deltas not known yet."""
        with self._lock:
            commits: list[str] = []
            cut = False
            self._shallow = self.repo.shallow_roots()
            current: str | None = tip
            while current is not None:
                commits.append(current)
                if current in self._parents:
                    current = self._parents[current]
                    continue
                parent, missing = self._first_parent(current)
                if missing:
                    cut = True
                    break
                self._deltas[current] = self._delta(current, parent)
                self._parents[current] = parent
                self._dirty = True
                current = parent
            commits.reverse()
            deltas = self._deltas
            if cut:
                # The oldest visible commit's delta is unknown (its parents are missing):
                # its files count as added so reads work; versions are not numbered.
                deltas = dict(deltas)
                deltas[commits[0]] = self._delta(commits[0], None)
            self.save()
            return Chain(commits, cut, deltas)

    def _first_parent(self, commit: str) -> tuple[str | None, bool]:
        if commit in self._shallow:
            return None, True
        parent = self.repo.first_parent(commit)
        if parent is None:
            return None, False
        if not self.repo.has_object(parent):
            return None, True
        return parent, False

    def _subtree(self, commit: str) -> str | None:
        # The walk goes from child to parent: each commit's folder tree is needed twice
        # in a row (as the commit, then as the next one's parent), so remember the last.
        if self._last_subtree[0] == commit:
            return self._last_subtree[1]
        found = self.repo.subtree_id(self.repo.tree_id(commit), self.folder)
        self._last_subtree = (commit, found)
        return found

    def _delta(self, commit: str, parent: str | None) -> tuple[Change, ...]:
        new_tree = self._subtree(commit)
        old_tree = self._subtree(parent) if parent else None
        if new_tree == old_tree:
            return ()
        changes = self.repo.diff_trees(old_tree, new_tree)
        return tuple(Change(*c) for c in changes if is_assistant_file(c[2] or c[1] or ""))


def _slug(folder: str) -> str:
    return folder.replace("/", "__") or "root"
