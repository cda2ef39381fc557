"""Writes to a repository: a ref moved by compare-and-swap (promote's tag moves) and one
file committed (promote's environment file). ``Repo.move_ref`` and ``Repo.commit_file``
call these under the repository's lock; nothing here is called from outside roster.git.
"""
from __future__ import annotations

import os
from typing import Any

import pygit2

from roster.errors import GitError, RosterError


def valid_ref_name(name: str) -> bool:
    """Whether git accepts ``name`` (``refs/tags/x@prod``) as a reference name."""
    if "\x00" in name:  # libgit2 reads a C string: it would judge only the part before the NUL
        return False
    try:
        return bool(pygit2.reference_is_valid_name(name))
    except (ValueError, TypeError):
        return False


def move_ref(repo: pygit2.Repository, name: str, new: str, expected: str | None, message: str) -> None:
    """Point ``name`` at commit ``new`` atomically, only if it still holds ``expected``.

    ``expected`` is what the ref held as read before (``Repo.ref_value``; None: it did
    not exist). The ref is locked first, then compared, then written, so a concurrent
    move between our read and our write is refused, not lost.
    """
    try:
        with repo.transaction() as tx:
            tx.lock_ref(name)
            raw = repo.references.get(name)
            current = str(raw.target) if raw is not None else None
            if current != expected:
                raise RosterError(f"{name} was moved by someone else (now at {current or 'nothing'}, "
                                  f"expected {expected or 'nothing'}); nothing changed, try again")
            tx.set_target(name, pygit2.Oid(hex=new), message=message)
    except pygit2.GitError as e:
        raise RosterError(f"cannot move {name}: {e} (is another process moving it?)") from e


def commit_file(repo: pygit2.Repository, workdir: str, path: str, message: str) -> str:
    """Commit the working-tree content of one file on top of HEAD, like ``git commit -- PATH``.

    Only that file changes in the commit; whatever else is staged stays staged.
    No hook runs (SPEC 9: a repository's config never becomes code execution).
    The author is the repository's git identity (user.name, user.email).
    """
    try:
        signature = repo.default_signature
    except (KeyError, pygit2.GitError) as e:
        raise GitError("no git identity to commit with: set user.name and user.email "
                       "(git config user.name 'Your Name')") from e
    try:
        with open(os.path.join(workdir, *path.split("/")), "rb") as f:
            blob = repo.create_blob(f.read())
        head = repo.head.peel(pygit2.Commit)
        tree = _with_blob(repo, head.tree, path.split("/"), blob)
        made = repo.create_commit("HEAD", signature, signature, message, tree, [head.id])
        index = repo.index
        index.read()
        index.add(path)
        index.write()
    except (OSError, pygit2.GitError) as e:
        raise GitError(f"cannot commit {path}: {e}") from e
    return str(made)


def _with_blob(repo: pygit2.Repository, tree: Any, parts: list[str], blob: Any) -> Any:
    """A tree like ``tree`` with the file at ``parts`` set to ``blob`` (folders made as needed)."""
    builder = repo.TreeBuilder(tree) if tree is not None else repo.TreeBuilder()
    if len(parts) == 1:
        builder.insert(parts[0], blob, pygit2.enums.FileMode.BLOB)
        return builder.write()
    sub = None
    if tree is not None:
        try:
            entry = tree[parts[0]]
            sub = repo[entry.id] if entry.type_str == "tree" else None
        except KeyError:
            sub = None
    builder.insert(parts[0], _with_blob(repo, sub, parts[1:], blob), pygit2.enums.FileMode.TREE)
    return builder.write()

