"""One git repository, read through pygit2: opening, refs, commits, trees and blobs.

Every pygit2 read lives here (writes in ``roster.git.writes``, fetches in
``roster.git.fetch``); pygit2 errors become RosterErrors at this border. ``Repo``
(``roster.git.repo``) reads through the pure reader first and opens this on first need.
"""
from __future__ import annotations

import os
import re
import threading
from typing import Any

import pygit2

from roster.errors import GitError, NotARepository, UnknownRef
from roster.git import writes
from roster.git.commits import CommitInfo, decode_text, iso_utc, version_message
from roster.git.objects import MAX_BLOB
from roster.source import FILE, OTHER, SUBMODULE, SYMLINK, FileEntry

# libgit2 does not cache trees over 4 KiB by default; an assistants/ tree of a
# thousand entries is ~50 KB, and re-reading it per lookup dominated (SPEC 8).
pygit2.settings.cache_object_limit(pygit2.enums.ObjectType.TREE, 4 * 1024 * 1024)
pygit2.settings.cache_object_limit(pygit2.enums.ObjectType.COMMIT, 64 * 1024)
pygit2.settings.cache_max_size(512 * 1024 * 1024)

_HEX = re.compile(r"[0-9a-fA-F]{7,40}\Z")
_LINK = pygit2.enums.FileMode.LINK
_GITLINK = pygit2.enums.FileMode.COMMIT


class LibRepo:
    """One git repository (worktree or bare) through libgit2. Thread-safe: pygit2 objects are
    not shared across threads without the lock."""

    def __init__(self, path: str, lock: threading.RLock | None = None) -> None:
        found = _discover(path)
        try:
            self._repo = pygit2.Repository(found)
        except pygit2.GitError as e:
            raise NotARepository(f"{path}: cannot open repository: {e}") from e
        self.lock = lock or threading.RLock()
        self.path = self._repo.path
        self.workdir = self._repo.workdir.rstrip("/") if self._repo.workdir else None
        self.is_bare = self._repo.is_bare

    def is_shallow(self) -> bool:
        return bool(self._repo.is_shallow)

    def shallow_roots(self) -> set[str]:
        try:
            with open(os.path.join(self._repo.path, "shallow")) as f:
                return {line.strip() for line in f if line.strip()}
        except OSError:
            return set()

    def has_commits(self) -> bool:
        with self.lock:
            return not (self._repo.is_empty or self._repo.head_is_unborn)

    # --- refs -----------------------------------------------------------------

    def revparse_commit(self, rev: str) -> str | None:
        """Commit id for a git revision expression, or None when it names nothing."""
        if not rev or rev.startswith("-") or "\x00" in rev:
            return None
        with self.lock:
            try:
                obj = self._repo.revparse_single(rev)
                return str(obj.peel(pygit2.Commit).id)
            except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
                return None

    def ref_target(self, name: str) -> str | None:
        """Commit id that a full ref name (``refs/tags/x``) points at, peeled."""
        with self.lock:
            try:
                ref = self._repo.references.get(name)
            except (ValueError, pygit2.GitError, pygit2.InvalidSpecError):
                return None
            if ref is None:
                return None
            try:
                return str(ref.peel(pygit2.Commit).id)
            except (ValueError, pygit2.GitError):
                return None

    def head(self) -> str:
        with self.lock:
            if self._repo.is_empty or self._repo.head_is_unborn:
                raise UnknownRef("the repository has no commits yet")
            try:
                return str(self._repo.head.peel(pygit2.Commit).id)
            except pygit2.GitError as e:
                raise GitError(f"cannot read HEAD: {e}") from e

    def commit_from_hex(self, text: str) -> list[str]:
        """Commits whose id starts with ``text`` (7+ hex digits)."""
        if not _HEX.match(text):
            return []
        with self.lock:
            try:
                obj = self._repo.revparse_single(text)
            except (KeyError, pygit2.GitError, ValueError) as e:
                if "ambiguous" in str(e):
                    return [text, text]  # two or more: the caller reports ambiguity
                return []
            if isinstance(obj, pygit2.Commit):
                return [str(obj.id)]
            try:
                return [str(obj.peel(pygit2.Commit).id)]
            except (ValueError, pygit2.GitError):
                return []

    def tag_names(self) -> list[str]:
        with self.lock:
            return [r[len("refs/tags/"):] for r in self._repo.references if r.startswith("refs/tags/")]

    def tags(self) -> dict[str, str]:
        """tag name -> the commit it points at (lightweight or annotated, peeled); tags that
        name no commit are left out."""
        return self.peeled_under("refs/tags/")

    def branches(self) -> dict[str, str]:
        """branch name (``main``, ``feature/x``) -> its commit, local branches only."""
        return self.peeled_under("refs/heads/")

    def peeled_under(self, prefix: str) -> dict[str, str]:
        with self.lock:
            names = sorted(r for r in self._repo.references if r.startswith(prefix))
        out = {}
        for ref in names:
            target = self.ref_target(ref)
            if target:
                out[ref[len(prefix):]] = target
        return out

    def merge_base(self, one: str, other: str) -> str | None:
        """The best common ancestor of two commits; None when they share no history.

        A GitError carries libgit2's reason alone, for the caller to say which refs it was given.
        """
        with self.lock:
            try:
                found = self._repo.merge_base(one, other)
            except (pygit2.GitError, ValueError) as e:
                raise GitError(str(e) or type(e).__name__) from e
        return str(found) if found is not None else None

    def refs_fingerprint(self) -> tuple[Any, ...]:
        """Where every ref points: HEAD's target and each reference's target id.

        Compared by value, never by file stamps: an inode can be reused and an
        mtime can repeat within one clock tick, so a stat() summary can miss a move.
        """
        with self.lock:
            try:
                refs = self._repo.listall_reference_objects()
                head = self._repo.references.get("HEAD")
            except (ValueError, pygit2.GitError) as e:
                raise GitError(f"cannot list the references of {self.path} (corrupt repository?)") from e
            parts: list[tuple[str, str]] = [("HEAD", str(head.target) if head is not None else "")]
            # Sorted by name, as the pure reader lists them: the two give equal tuples.
            parts.extend(sorted((ref.name, str(ref.target)) for ref in refs))
        return tuple(parts)

    def ref_value(self, name: str) -> str | None:
        """What the ref ``name`` itself holds, unpeeled (an annotated tag's tag object, a
        symbolic ref's target name): the ``expected`` of ``move_ref``. None when absent."""
        with self.lock:
            try:
                ref = self._repo.references.get(name)
            except (ValueError, pygit2.GitError, pygit2.InvalidSpecError):
                return None
            return str(ref.target) if ref is not None else None

    def move_ref(self, name: str, new: str, expected: str | None, message: str) -> None:
        """Point ``name`` at commit ``new`` atomically, only if it still holds ``expected``
        (as read by ``ref_value``); a concurrent move is refused, not lost (RosterError)."""
        with self.lock:
            writes.move_ref(self._repo, name, new, expected, message)

    def commit_file(self, path: str, message: str) -> str:
        """Commit the working-tree content of one file on top of HEAD (``git commit -- PATH``,
        no hook run); the new commit's id."""
        if self.workdir is None:
            raise GitError("a bare repository has no working tree to commit from")
        with self.lock:
            return writes.commit_file(self._repo, self.workdir, path, message)

    # --- objects --------------------------------------------------------------

    def commit_info(self, commit_id: str) -> CommitInfo:
        with self.lock:
            c = self._commit(commit_id)
            author = c.author
            # Decoded here, leniently: pygit2 raises on an unknown ``encoding`` header
            # (git -c i18n.commitEncoding=bogus), which would break history for good.
            encoding = c.message_encoding
            return CommitInfo(str(c.id), tuple(str(p) for p in c.parent_ids),
                              version_message(decode_text(c.raw_message, encoding)),
                              decode_text(author.raw_name, encoding), decode_text(author.raw_email, encoding),
                              iso_utc(c.commit_time))

    def _commit(self, commit_id: str) -> pygit2.Commit:
        try:
            obj = self._repo[commit_id]
        except (KeyError, ValueError, pygit2.GitError) as e:
            raise GitError(f"cannot read commit {commit_id}: {e}") from e
        if not isinstance(obj, pygit2.Commit):
            raise GitError(f"{commit_id} is not a commit")
        return obj

    def first_parent(self, commit_id: str) -> str | None:
        with self.lock:
            parents = self._commit(commit_id).parent_ids
            return str(parents[0]) if parents else None

    def tree_id(self, commit_id: str) -> str:
        with self.lock:
            return str(self._commit(commit_id).tree_id)

    def subtree_id(self, tree_id: str, folder: str) -> str | None:
        """Id of the tree at ``folder`` inside a tree, None when absent."""
        with self.lock:
            tree = self._object(tree_id)
            for part in folder.split("/") if folder else []:
                try:
                    entry = tree[part]
                except KeyError:
                    return None  # no such folder: absent, not an error
                except pygit2.GitError as e:
                    raise GitError(f"cannot read tree {tree_id}: {e} (corrupt repository?)") from e
                if entry.type_str != "tree":
                    return None
                tree = self._object(str(entry.id))
            return str(tree.id)

    def _object(self, object_id: str) -> Any:
        """The object ``object_id``; a missing or unreadable one is a GitError, never "absent"."""
        try:
            return self._repo[object_id]
        except (KeyError, ValueError, pygit2.GitError) as e:
            raise GitError(f"cannot read object {object_id}: {e} (corrupt repository?)") from e

    def list_tree(self, tree_id: str, prefix: str) -> list[FileEntry]:
        """Every entry below a tree, recursively, as FileEntries named ``prefix/...``."""
        out: list[FileEntry] = []
        with self.lock:
            stack = [(self._object(tree_id), prefix)]
            while stack:
                tree, base = stack.pop()
                for entry in tree:
                    path = f"{base}/{entry.name}"
                    mode = entry.filemode
                    if entry.type_str == "tree":
                        stack.append((self._object(str(entry.id)), path))
                    elif mode == _LINK:
                        out.append(FileEntry(path, SYMLINK, str(entry.id)))
                    elif mode == _GITLINK or entry.type_str == "commit":
                        out.append(FileEntry(path, SUBMODULE, str(entry.id)))
                    elif entry.type_str == "blob":
                        out.append(FileEntry(path, FILE, str(entry.id)))
                    else:
                        out.append(FileEntry(path, OTHER, str(entry.id)))
        out.sort()
        return out

    def entry_at(self, tree_id: str, path: str) -> FileEntry | None:
        with self.lock:
            try:
                entry = self._object(tree_id)[path]
            except (KeyError, ValueError):
                return None  # no such path
            except pygit2.GitError as e:
                raise GitError(f"cannot read {path} in tree {tree_id}: {e} (corrupt repository?)") from e
            mode = entry.filemode
            blob_kind = FILE if entry.type_str == "blob" else OTHER
            kind = SYMLINK if mode == _LINK else SUBMODULE if mode == _GITLINK else blob_kind
            return FileEntry(path, kind, str(entry.id))

    def has_object(self, object_id: str) -> bool:
        with self.lock:
            try:
                return object_id in self._repo
            except ValueError:
                return False
            except pygit2.GitError as e:  # present but unreadable: corrupt, not missing
                raise GitError(f"cannot read object {object_id}: {e} (corrupt repository?)") from e

    def diff_trees(self, old_tree: str | None, new_tree: str | None) -> list[tuple[str, str | None, str | None,
                                                                                   str | None, str | None]]:
        """(status, old path, new path, old blob, new blob) between two trees, renames found.

        Statuses: A, M, D, R (a copy counts as A). libgit2 reports a file that becomes a
        symlink (a type change) as D then A of the same path; a mode-only change is M.
        """
        with self.lock:
            if old_tree is None and new_tree is None:
                return []
            if old_tree is None or new_tree is None:
                side = new_tree or old_tree or ""
                entries = self.list_tree(side, "")
                status = "A" if new_tree is not None else "D"
                return [(status, None if status == "A" else e.path[1:], e.path[1:] if status == "A" else None,
                         None if status == "A" else e.key, e.key if status == "A" else None)
                        for e in entries if e.kind == FILE]
            try:
                diff = self._object(old_tree).diff_to_tree(self._object(new_tree))
            except pygit2.GitError as e:
                raise GitError(f"cannot compare trees {old_tree} and {new_tree}: {e} (corrupt repository?)") from e
            statuses = [d.status_char() for d in diff.deltas]
            if "A" in statuses and "D" in statuses:
                diff.find_similar()
            out: list[tuple[str, str | None, str | None, str | None, str | None]] = []
            for delta in diff.deltas:
                status = {"T": "M", "C": "A"}.get(delta.status_char(), delta.status_char())
                old, new = delta.old_file, delta.new_file
                if status == "A":
                    out.append(("A", None, new.path, None, str(new.id)))
                elif status == "D":
                    out.append(("D", old.path, None, str(old.id), None))
                elif status in ("M", "R"):
                    out.append((status, old.path, new.path, str(old.id), str(new.id)))
            return out

    def read_blob(self, blob_id: str) -> bytes:
        with self.lock:
            try:
                # The size first: a 1 GiB blob compresses to ~1 MB in a pull request, and
                # reading it would allocate gigabytes only to say it is too large.
                _, size = self._repo.odb.read_header(blob_id)
                if size > MAX_BLOB:
                    # Worded like yamlload's own limit, which is what an assistant file hits.
                    raise GitError(f"file is larger than 1 MiB; the limit is {1 << 20:,} bytes for an assistant "
                                   f"file, {MAX_BLOB:,} for a schema (this one is {size:,} bytes; not read)")
                blob = self._repo[blob_id]
                if not isinstance(blob, pygit2.Blob):
                    raise GitError(f"object {blob_id} is a {blob.type_str}, not a file")
                return bytes(blob.data)
            except (KeyError, pygit2.GitError, ValueError) as e:
                raise GitError(f"cannot read object {blob_id}: {e} (corrupt repository?)") from e


def _discover(path: str) -> str:
    if not os.path.exists(path):
        raise NotARepository(f"{path}: no such directory")
    try:
        found = pygit2.discover_repository(path)
    except pygit2.GitError as e:
        raise NotARepository(f"{path}: not a git repository ({e})") from e
    if not found:
        raise NotARepository(f"{path}: not a git repository (or any parent up to /)")
    return found
