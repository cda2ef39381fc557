"""One git repository: opening, refs, commits, trees and blobs.

The reads a command makes one at a time (a ref, a commit, a tree entry, a blob) go
through the pure-Python reader (``roster.git.pure``: hash-verified objects, plain
layouts only); pygit2 (``roster.git.libgit``) is opened on the first read that reader
leaves to it, and for the bulk reads (diffs, writes) where libgit2 is faster. So
``roster show`` and ``roster history`` never import pygit2 (~40 ms: SPEC section 8).
The answers and error messages are pygit2's in every case the reader does not claim.
"""
from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from roster.git.commits import CommitInfo
from roster.git.objects import MAX_BLOB, NotMine
from roster.git.refdb import locate
from roster.source import FileEntry

if TYPE_CHECKING:
    from roster.git.libgit import LibRepo
    from roster.git.pure import PureRepo

__all__ = ["MAX_BLOB", "Repo", "TreeSource"]

_F = TypeVar("_F", bound=Callable[..., Any])
# zlib streams the pure reader inflates (~20 us each with their delta) before pygit2 is opened:
# ~40 ms, about its import. ``roster show`` on the benchmark repository inflates ~150. When
# pygit2 is imported already (a service, another repository), only opening it remains: ~4 ms.
PURE_BUDGET = 2000
PURE_BUDGET_LOADED = 200


def _pure_first(method: _F) -> _F:
    """Answer from the pure reader when it claims the call, else run ``method`` (pygit2's).

    Once pygit2 is open (a bulk read such as a history walk's diffs, or a read the pure
    reader left), it answers everything: libgit2 reads thousands of objects faster, and
    its import is paid already. It is opened, too, once the pure reader has done about as
    much work as importing pygit2 costs (``PURE_BUDGET``): a command reads a few objects,
    a service or a listing thousands, and then libgit2 (~10x faster per object) wins.
    """
    name = method.__name__

    @functools.wraps(method)
    def wrapper(self: Repo, *args: Any) -> Any:
        pure = self._pure
        if pure is not None:
            with self.lock:
                try:
                    return getattr(pure, name)(*args)
                except NotMine:
                    pass
                finally:
                    if pure.store.inflated > (PURE_BUDGET_LOADED if "pygit2" in sys.modules else PURE_BUDGET):
                        _ = self._lib  # opens it: the next reads are libgit2's
        return method(self, *args)

    return wrapper  # type: ignore[return-value]


class Repo:
    """One git repository (worktree or bare). Thread-safe: reads hold the lock."""

    def __init__(self, path: str) -> None:
        self.lock = threading.RLock()
        self._where = os.path.abspath(path)
        self._lib_repo: LibRepo | None = None
        self._pure: PureRepo | None = None
        try:
            loc = locate(path)
        except NotMine:
            lib = self._lib  # opens it now: the errors of a path that is no repository are libgit2's
            self.path, self.workdir, self.is_bare = lib.path, lib.workdir, lib.is_bare
            return
        from roster.git.pure import PureRepo  # lazy: only for the repositories locate calls plain

        self._pure = PureRepo(loc)
        self.path = loc.gitdir + "/"
        self.workdir = loc.workdir
        self.is_bare = loc.workdir is None

    @property
    def _lib(self) -> LibRepo:
        with self.lock:
            if self._lib_repo is None:
                from roster.git.libgit import LibRepo  # lazy: pygit2 (~40 ms), for what the pure reader leaves

                self._lib_repo = LibRepo(self._where, self.lock)
                self._pure = None  # never asked again: its mapped packs and kept trees are let go
            return self._lib_repo

    @property
    def libgit2_open(self) -> bool:
        """Whether pygit2 has been opened for this repository (diagnostics, tests)."""
        return self._lib_repo is not None

    def is_shallow(self) -> bool:
        return False if self._pure is not None else self._lib.is_shallow()  # locate refuses shallow clones

    def shallow_roots(self) -> set[str]:
        try:
            with open(os.path.join(self.path, "shallow")) as f:
                return {line.strip() for line in f if line.strip()}
        except OSError:
            return set()

    # --- refs -----------------------------------------------------------------

    @_pure_first
    def has_commits(self) -> bool:
        return self._lib.has_commits()

    def revparse_commit(self, rev: str) -> str | None:
        """Commit id for a git revision expression, or None when it names nothing."""
        return self._lib.revparse_commit(rev)

    @_pure_first
    def ref_target(self, name: str) -> str | None:
        """Commit id that a full ref name (``refs/tags/x``) points at, peeled."""
        return self._lib.ref_target(name)

    @_pure_first
    def head(self) -> str:
        return self._lib.head()

    @_pure_first
    def commit_from_hex(self, text: str) -> list[str]:
        """Commits whose id starts with ``text`` (7+ hex digits)."""
        return self._lib.commit_from_hex(text)

    @_pure_first
    def tag_names(self) -> list[str]:
        return self._lib.tag_names()

    def tags(self) -> dict[str, str]:
        """tag name -> the commit it points at (lightweight or annotated, peeled); tags that
        name no commit are left out."""
        return self.peeled_under("refs/tags/")

    def branches(self) -> dict[str, str]:
        """branch name (``main``, ``feature/x``) -> its commit, local branches only."""
        return self.peeled_under("refs/heads/")

    @_pure_first
    def peeled_under(self, prefix: str) -> dict[str, str]:
        return self._lib.peeled_under(prefix)

    def tags_by_commit(self) -> dict[str, list[str]]:
        """commit id -> names of tags (lightweight or annotated) that point at it."""
        out: dict[str, list[str]] = {}
        for name, target in self.tags().items():
            out.setdefault(target, []).append(name)
        for names in out.values():
            names.sort()
        return out

    def merge_base(self, one: str, other: str) -> str | None:
        """The best common ancestor of two commits; None when they share no history."""
        return self._lib.merge_base(one, other)

    @_pure_first
    def refs_fingerprint(self) -> tuple[Any, ...]:
        """Where every ref points: HEAD's target and each reference's target id, compared by
        value (never by file stamps, which can miss a move), within one process."""
        return self._lib.refs_fingerprint()

    @_pure_first
    def ref_value(self, name: str) -> str | None:
        """What the ref ``name`` itself holds, unpeeled: the ``expected`` of ``move_ref``."""
        return self._lib.ref_value(name)

    def move_ref(self, name: str, new: str, expected: str | None, message: str) -> None:
        """Point ``name`` at commit ``new`` atomically, only if it still holds ``expected``."""
        self._lib.move_ref(name, new, expected, message)

    def commit_file(self, path: str, message: str) -> str:
        """Commit the working-tree content of one file on top of HEAD; the new commit's id."""
        return self._lib.commit_file(path, message)

    # --- objects --------------------------------------------------------------

    @_pure_first
    def commit_info(self, commit_id: str) -> CommitInfo:
        return self._lib.commit_info(commit_id)

    @_pure_first
    def first_parent(self, commit_id: str) -> str | None:
        return self._lib.first_parent(commit_id)

    @_pure_first
    def tree_id(self, commit_id: str) -> str:
        return self._lib.tree_id(commit_id)

    @_pure_first
    def subtree_id(self, tree_id: str, folder: str) -> str | None:
        """Id of the tree at ``folder`` inside a tree, None when absent."""
        return self._lib.subtree_id(tree_id, folder)

    @_pure_first
    def list_tree(self, tree_id: str, prefix: str) -> list[FileEntry]:
        """Every entry below a tree, recursively, as FileEntries named ``prefix/...``."""
        return self._lib.list_tree(tree_id, prefix)

    @_pure_first
    def entry_at(self, tree_id: str, path: str) -> FileEntry | None:
        return self._lib.entry_at(tree_id, path)

    @_pure_first
    def has_object(self, object_id: str) -> bool:
        return self._lib.has_object(object_id)

    def diff_trees(self, old_tree: str | None, new_tree: str | None) -> list[tuple[str, str | None, str | None,
                                                                                   str | None, str | None]]:
        """(status, old path, new path, old blob, new blob) between two trees, renames found
        (libgit2's diff: faster than any tree walk here)."""
        return self._lib.diff_trees(old_tree, new_tree)

    @_pure_first
    def read_blob(self, blob_id: str) -> bytes:
        return self._lib.read_blob(blob_id)


class TreeSource:
    """Files of one commit, read straight from git objects (no checkout)."""

    def __init__(self, repo: Repo, commit_id: str) -> None:
        self.repo = repo
        self.commit_id = commit_id
        self.tree_id = repo.tree_id(commit_id)
        self.label = commit_id

    def list_files(self, folder: str) -> list[FileEntry]:
        sub = self.repo.subtree_id(self.tree_id, folder)
        return self.repo.list_tree(sub, folder) if sub else []

    def read(self, entry: FileEntry) -> bytes:
        return self.repo.read_blob(entry.key)

    def find(self, path: str) -> FileEntry | None:
        return self.repo.entry_at(self.tree_id, path)
