"""The reads of ``Repo`` in pure Python, for the repositories ``refdb.locate`` calls plain.

Each method answers as pygit2 would (``roster.git.libgit``), or raises ``NotMine`` and
``Repo`` asks pygit2: every error message, every odd object and every missing one is
pygit2's to report. ``roster show`` and ``roster history`` then never import pygit2
(~40 ms, more than the rest of either command: SPEC section 8).
"""
from __future__ import annotations

import re
from typing import Any, NamedTuple

from roster.git.commits import CommitInfo, decode_text, iso_utc, version_message
from roster.git.objects import MAX_BLOB, NotMine, ObjectStore, is_hex40
from roster.git.refdb import Location, RefDB, peel
from roster.source import FILE, OTHER, SUBMODULE, SYMLINK, FileEntry

_ENTRY = rb"(40000|100644|100755|120000|160000) ([^\0/]+)\0(.{20})"  # the modes libgit2 does not rewrite
_ENTRIES = re.compile(_ENTRY, re.S)
_WHOLE_TREE = re.compile(rb"(?:%s)*" % _ENTRY, re.S)
_TREE, _LINK, _GITLINK = b"40000", b"120000", b"160000"  # the modes as a tree spells them


class Commit(NamedTuple):
    tree: str
    parents: tuple[str, ...]
    author_name: bytes
    author_email: bytes
    time: int  # the committer's, as pygit2's ``commit_time``
    encoding: str | None
    message: bytes  # everything after the headers, as pygit2's ``raw_message``


class PureRepo:
    def __init__(self, loc: Location) -> None:
        self.store = ObjectStore(f"{loc.common}/objects")
        self.refs = RefDB(loc, self.store)
        self._trees: dict[str, dict[bytes, tuple[bytes, bytes]]] = {}

    # --- refs -----------------------------------------------------------------

    def has_commits(self) -> bool:
        oid = self.refs.resolve("HEAD")
        return oid is not None and self.store.has(oid)

    def head(self) -> str:
        oid = self.refs.resolve("HEAD")
        found = peel(self.store, oid) if oid is not None else None
        if found is None:
            raise NotMine("HEAD names no commit")  # pygit2 words the error
        return found

    def ref_target(self, name: str) -> str | None:
        return self.refs.peeled(name)

    def ref_value(self, name: str) -> str | None:
        found = self.refs.raw(name)
        return found[1] if found is not None else None

    def tag_names(self) -> list[str]:
        names, _ = self.refs.names(self.refs.packed())
        return [n[len("refs/tags/"):] for n in names if n.startswith("refs/tags/")]

    def peeled_under(self, prefix: str) -> dict[str, str]:
        packed = self.refs.packed()
        out = {}
        names, loose = self.refs.names(packed)
        for name in names:
            if name.startswith(prefix):
                target = self.refs.peeled(name, packed, loose)
                if target:
                    out[name[len(prefix):]] = target
        return out

    def refs_fingerprint(self) -> tuple[Any, ...]:
        packed = self.refs.packed()
        head = self.refs.raw("HEAD")
        parts: list[tuple[str, str]] = [("HEAD", head[1] if head is not None else "")]
        names, loose = self.refs.names(packed)
        for name in names:
            found = self.refs.raw(name, packed, loose)
            if found is None:
                raise NotMine(f"{name} went away while listed")
            parts.append((name, found[1]))
        return tuple(parts)

    def commit_from_hex(self, text: str) -> list[str]:
        if not is_hex40(text):
            raise NotMine("a short or uppercase id: libgit2 finds its prefix")
        found = peel(self.store, text)
        return [found] if found else []

    # --- objects --------------------------------------------------------------

    def commit(self, commit_id: str) -> Commit:
        kind, data = self.store.read(commit_id, MAX_BLOB)
        if kind != b"commit":
            raise NotMine("not a commit")
        head, blank, message = data.partition(b"\n\n")
        if not blank:
            raise NotMine("a commit without a message separator")
        lines = head.split(b"\n")
        if not lines[0].startswith(b"tree ") or not is_hex40(lines[0][5:]):
            raise NotMine("unusual commit header")
        at = 1
        parents = []
        while at < len(lines) and lines[at].startswith(b"parent "):
            parent = lines[at][7:]
            if not is_hex40(parent):
                raise NotMine("unusual parent line")
            parents.append(parent.decode())
            at += 1
        if at + 1 >= len(lines) or not lines[at].startswith(b"author ") or not lines[at + 1].startswith(b"committer "):
            raise NotMine("unusual commit header")
        author, committer = _signature(lines[at][7:]), _signature(lines[at + 1][10:])
        encodings = [line[9:] for line in lines[at + 2:] if line.startswith(b"encoding ")]
        if len(encodings) > 1 or not all(e.isascii() for e in encodings) or \
                any(line.startswith((b"author ", b"committer ")) for line in lines[at + 2:]):
            raise NotMine("repeated commit headers, or an encoding name that is not ASCII")
        return Commit(lines[0][5:].decode(), tuple(parents), author[0], author[1], committer[2],
                      encodings[0].decode() if encodings else None, message)

    def commit_info(self, commit_id: str) -> CommitInfo:
        c = self.commit(commit_id)
        return CommitInfo(commit_id, c.parents, version_message(decode_text(c.message, c.encoding)),
                          decode_text(c.author_name, c.encoding), decode_text(c.author_email, c.encoding),
                          iso_utc(c.time))

    def first_parent(self, commit_id: str) -> str | None:
        parents = self.commit(commit_id).parents
        return parents[0] if parents else None

    def tree_id(self, commit_id: str) -> str:
        return self.commit(commit_id).tree

    def tree(self, tree_id: str) -> dict[bytes, tuple[bytes, bytes]]:
        """name -> (mode, raw id) of a tree's entries (kept: a tree id names its content for good)."""
        hit = self._trees.get(tree_id)
        if hit is not None:
            return hit
        kind, data = self.store.read(tree_id, MAX_BLOB)
        if kind != b"tree":
            raise NotMine("not a tree")
        # A full match means git's entry-by-entry parse reads exactly these entries.
        found = _ENTRIES.findall(data) if _WHOLE_TREE.fullmatch(data) else None
        out = {name: (mode, raw) for mode, name, raw in found or ()}
        if found is None or len(out) != len(found):  # (a repeated name: libgit2's lookup may find either)
            raise NotMine("a tree entry this reader does not know")
        if len(self._trees) >= 64:
            self._trees.clear()
        self._trees[tree_id] = out
        return out

    def subtree_id(self, tree_id: str, folder: str) -> str | None:
        for part in _parts(folder) if folder else []:
            entry = self.tree(tree_id).get(part)
            if entry is None or entry[0] != _TREE:
                return None
            tree_id = entry[1].hex()
        self.tree(tree_id)  # pygit2 reads it (a missing tree is an error, not "absent")
        return tree_id

    def entry_at(self, tree_id: str, path: str) -> FileEntry | None:
        *folders, last = _parts(path)
        for part in folders:
            entry = self.tree(tree_id).get(part)
            if entry is None:
                return None
            if entry[0] != _TREE:
                raise NotMine("a path through a file")
            tree_id = entry[1].hex()
        found = self.tree(tree_id).get(last)
        if found is None:
            return None
        mode, raw = found
        kind = SYMLINK if mode == _LINK else SUBMODULE if mode == _GITLINK else OTHER if mode == _TREE else FILE
        return FileEntry(path, kind, raw.hex())

    def list_tree(self, tree_id: str, prefix: str) -> list[FileEntry]:
        out: list[FileEntry] = []
        stack = [(tree_id, prefix)]
        while stack:
            tid, base = stack.pop()
            for name, (mode, raw) in self.tree(tid).items():
                oid = raw.hex()
                try:
                    path = f"{base}/{name.decode('utf-8')}"
                except UnicodeDecodeError as e:
                    raise NotMine("a file name that is not UTF-8") from e
                if mode == _TREE:
                    stack.append((oid, path))
                else:
                    out.append(FileEntry(path, SYMLINK if mode == _LINK else SUBMODULE if mode == _GITLINK else FILE,
                                         oid))
        out.sort()
        return out

    def has_object(self, object_id: str) -> bool:
        return self.store.has(object_id)

    def read_blob(self, blob_id: str) -> bytes:
        kind, data = self.store.read(blob_id, MAX_BLOB)
        if kind != b"blob":
            raise NotMine("not a blob")  # pygit2 says what it is
        return data


def _signature(line: bytes) -> tuple[bytes, bytes, int]:
    """(name, email, time) of ``Name <email> 1700000000 +0100``, trimmed as libgit2 trims them;
    NotMine for any other shape (libgit2 is lenient there in ways not copied here)."""
    name, lt, rest = line.partition(b"<")
    email, gt, when = rest.partition(b"> ")
    seconds, space, zone = when.partition(b" ")
    if not (lt and gt and space) or b">" in name or b"<" in email or b">" in email \
            or not (seconds.isdigit() and len(seconds) <= 15) \
            or not (len(zone) == 5 and zone[:1] in (b"+", b"-") and zone[1:].isdigit()):
        raise NotMine("a signature this reader does not parse as libgit2 does")
    return name.strip(), email.strip(), int(seconds)


def _parts(path: str) -> list[bytes]:
    try:
        parts = path.encode("utf-8").split(b"/")
    except UnicodeEncodeError as e:
        raise NotMine("a path that is not UTF-8") from e
    if not all(parts):
        raise NotMine("an empty path component")
    return parts
