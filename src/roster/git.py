"""Every pygit2 call lives here; pygit2 errors become RosterErrors at this border."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any, NamedTuple

import pygit2

from roster.errors import GitError, NotARepository, UnknownRef
from roster.source import FILE, OTHER, SUBMODULE, SYMLINK, FileEntry

# libgit2 does not cache trees over 4 KiB by default; an assistants/ tree of a
# thousand entries is ~50 KB, and re-reading it per lookup dominated (SPEC 8).
pygit2.settings.cache_object_limit(pygit2.enums.ObjectType.TREE, 4 * 1024 * 1024)
pygit2.settings.cache_object_limit(pygit2.enums.ObjectType.COMMIT, 64 * 1024)
pygit2.settings.cache_max_size(512 * 1024 * 1024)

MAX_BLOB = 8 * 1024 * 1024  # no assistant (1 MiB) or schema file is near this; bigger blobs are never read
_HEX = re.compile(r"[0-9a-fA-F]{7,40}\Z")
_LINK = pygit2.enums.FileMode.LINK
_GITLINK = pygit2.enums.FileMode.COMMIT


class CommitInfo(NamedTuple):
    id: str
    parents: tuple[str, ...]
    message: str  # the summary line, or a merged pull request's title (version_message)
    author_name: str
    author_email: str
    time: str  # ISO 8601, UTC


def _text(raw: bytes, encoding: str | None) -> str:
    """Bytes of a commit header or message as text: its declared encoding when Python knows it, else UTF-8."""
    for codec in (encoding, "utf-8"):
        if codec:
            try:
                return raw.decode(codec)
            except (LookupError, UnicodeDecodeError):
                continue
    return raw.decode("utf-8", "replace")


def iso_utc(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# The summaries forges and git write for a merge commit, which say nothing of the change:
# GitHub's "Merge pull request #7 from a/b", git's "Merge branch 'x' [of URL] [into y]"
# (GitLab: "Merge branch 'x' into 'main'"), "Merge remote-tracking branch 'origin/x'".
_GENERIC_MERGE = re.compile(r"Merge (?:pull request #(?P<pr>\d+) from \S+"
                            r"|(?:remote-tracking )?branch '[^']*'(?: of \S+)?(?: into \S+)?)\Z")


def version_message(message: str) -> str:
    """A version's message (SPEC section 3): the commit's summary, but for a merge commit
    whose summary is the forge's generic text, the first non-empty line of the body (the
    pull request's title), then `` (#7)`` when the summary names a pull request."""
    lines = message.strip().splitlines()
    summary = lines[0].strip() if lines else ""
    generic = _GENERIC_MERGE.match(summary)
    if generic is None:
        return summary
    title = next((line.strip() for line in lines[1:] if line.strip()), None)
    if title is None:
        return summary
    return f"{title} (#{generic['pr']})" if generic["pr"] else title


class Repo:
    """One git repository (worktree or bare). Thread-safe: pygit2 objects are not
    shared across threads without the lock."""

    def __init__(self, path: str) -> None:
        found = _discover(path)
        try:
            self._repo = pygit2.Repository(found)
        except pygit2.GitError as e:
            raise NotARepository(f"{path}: cannot open repository: {e}") from e
        self.lock = threading.RLock()
        self.path = self._repo.path
        self.workdir = self._repo.workdir.rstrip("/") if self._repo.workdir else None
        self.is_bare = self._repo.is_bare

    @property
    def raw(self) -> pygit2.Repository:
        return self._repo

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

    def tags_by_commit(self) -> dict[str, list[str]]:
        """commit id -> names of tags (lightweight or annotated) that point at it."""
        out: dict[str, list[str]] = {}
        for name in self.tag_names():
            target = self.ref_target(f"refs/tags/{name}")
            if target:
                out.setdefault(target, []).append(name)
        for names in out.values():
            names.sort()
        return out

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
            parts.extend((ref.name, str(ref.target)) for ref in refs)
        return tuple(parts)

    def move_ref(self, name: str, new: str, expected: str | None, message: str) -> None:
        """Point ``name`` at commit ``new`` atomically, only if it still holds ``expected``.

        ``expected`` is the ref's raw target as read before (None: it did not
        exist). The ref is locked first, then compared, then written, so a
        concurrent move between our read and our write is refused, not lost.
        """
        from roster.errors import RosterError

        with self.lock:
            try:
                with self._repo.transaction() as tx:
                    tx.lock_ref(name)
                    raw = self._repo.references.get(name)
                    current = str(raw.target) if raw is not None else None
                    if current != expected:
                        raise RosterError(f"{name} was moved by someone else (now at {current or 'nothing'}, "
                                          f"expected {expected or 'nothing'}); nothing changed, try again")
                    tx.set_target(name, pygit2.Oid(hex=new), message=message)
            except pygit2.GitError as e:
                raise RosterError(f"cannot move {name}: {e} (is another process moving it?)") from e

    def commit_file(self, path: str, message: str) -> str:
        """Commit the working-tree content of one file on top of HEAD, like ``git commit -- PATH``.

        Only that file changes in the commit; whatever else is staged stays staged.
        No hook runs (SPEC 9: a repository's config never becomes code execution).
        The author is the repository's git identity (user.name, user.email).
        """
        if self.workdir is None:
            raise GitError("a bare repository has no working tree to commit from")
        with self.lock:
            repo = self._repo
            try:
                signature = repo.default_signature
            except (KeyError, pygit2.GitError) as e:
                raise GitError("no git identity to commit with: set user.name and user.email "
                               "(git config user.name 'Your Name')") from e
            try:
                with open(os.path.join(self.workdir, *path.split("/")), "rb") as f:
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

    # --- objects --------------------------------------------------------------

    def commit_info(self, commit_id: str) -> CommitInfo:
        with self.lock:
            c = self._commit(commit_id)
            author = c.author
            # Decoded here, leniently: pygit2 raises on an unknown ``encoding`` header
            # (git -c i18n.commitEncoding=bogus), which would break history for good.
            encoding = c.message_encoding
            return CommitInfo(str(c.id), tuple(str(p) for p in c.parent_ids),
                              version_message(_text(c.raw_message, encoding)),
                              _text(author.raw_name, encoding), _text(author.raw_email, encoding),
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

        Statuses: A, M, D, R (a type change counts as M, a copy as A).
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


# --- remotes (mirrors) -----------------------------------------------------------
#
# A mirror is a bare repository whose ``origin`` fetches ``+refs/*:refs/*`` (what
# ``git clone --mirror`` sets up). Fetching opens a pygit2.Repository of its own,
# so threads resolving through a ``Repo`` of the same folder are never blocked by
# a fetch: libgit2 writes the pack first and moves refs only once it has it all,
# so a reader sees either the old refs or the new ones, each pointing at objects
# that are present.

MIRROR_REFSPEC = "+refs/*:refs/*"
# With libgit2's default tag handling (auto-follow) a tag that exists here is never
# moved, even under a forcing refspec; the refspec already fetches every tag, so
# auto-follow is turned off and a promoted ``id@prod`` tag moves as it should.
_NO_TAGS = "--no-tags"


class Credential(NamedTuple):
    """What to answer libgit2's credential request with (built by ``roster.remote``)."""

    kind: str  # "userpass", "ssh-agent", "ssh-key" or "username"
    username: str
    secret: str = ""  # a password or token ("userpass"), a key passphrase ("ssh-key")
    public_key: str | None = None  # paths of the key files ("ssh-key")
    private_key: str | None = None


# (url, username from the url or None, allowed kinds) -> a Credential, or None to decline
CredentialProvider = Callable[[str, "str | None", frozenset[str]], "Credential | None"]


class FetchResult(NamedTuple):
    received_objects: int
    updated_refs: int  # refs created, moved or pruned by the fetch
    head: str | None  # the branch HEAD points at afterwards (refs/heads/...)


_KINDS = {
    "userpass": pygit2.enums.CredentialType.USERPASS_PLAINTEXT,
    "ssh-key": pygit2.enums.CredentialType.SSH_KEY,
    "username": pygit2.enums.CredentialType.USERNAME,
}


class _Callbacks(pygit2.RemoteCallbacks):
    def __init__(self, provider: CredentialProvider | None) -> None:
        super().__init__()
        self._provider = provider
        self.updated = 0

    def credentials(self, url: str, username_from_url: str | None, allowed_types: Any) -> Any:
        if self._provider is None:
            raise pygit2.Passthrough
        kinds = frozenset(k for k, flag in _KINDS.items() if allowed_types & flag)
        if "ssh-key" in kinds:
            kinds = kinds | {"ssh-agent"}
        cred = self._provider(url, username_from_url, kinds)
        if cred is None:
            raise pygit2.Passthrough
        if cred.kind == "userpass":
            return pygit2.UserPass(cred.username, cred.secret)
        if cred.kind == "ssh-agent":
            return pygit2.KeypairFromAgent(cred.username)
        if cred.kind == "ssh-key":
            return pygit2.Keypair(cred.username, cred.public_key, cred.private_key, cred.secret)
        return pygit2.Username(cred.username)

    def update_tips(self, refname: str, old: Any, new: Any) -> None:
        self.updated += 1


def _network_timeouts() -> None:
    """Bound every network wait (libgit2 waits forever by default); an app's own setting wins."""
    try:
        seconds = float(os.environ.get("ROSTER_GIT_TIMEOUT", "") or 30)
    except ValueError:
        seconds = 30.0
    settings = pygit2.settings
    if not settings.server_connect_timeout:
        settings.server_connect_timeout = int(min(seconds, 15) * 1000)
    if not settings.server_timeout:
        settings.server_timeout = int(seconds * 1000)


def create_mirror(path: str, url: str, provider: CredentialProvider | None = None) -> FetchResult:
    """A new bare mirror of ``url`` at ``path`` (which must not exist), fetched once.

    ``url`` is what is written into the mirror's config: pass it without credentials.
    """
    from roster.errors import RemoteError

    try:
        repo = pygit2.init_repository(path, bare=True)
        repo.remotes.create("origin", url, MIRROR_REFSPEC)
        repo.config["remote.origin.mirror"] = True
        repo.config["remote.origin.tagopt"] = _NO_TAGS
        # A service's mirror is written only by fetches: never let libgit2 gc or reflog it.
        repo.config["core.logAllRefUpdates"] = False
    except (pygit2.GitError, ValueError, OSError) as e:
        raise RemoteError(f"cannot create a mirror at {path}: {e}") from e
    try:
        return _fetch(repo, provider)
    finally:
        repo.free()


def fetch_mirror(path: str, provider: CredentialProvider | None = None) -> FetchResult:
    """Fetch every ref of ``origin`` into the mirror at ``path`` (pruning deleted ones)."""
    from roster.errors import RemoteError

    try:
        repo = pygit2.Repository(path)
    except pygit2.GitError as e:
        raise RemoteError(f"cannot open the mirror at {path}: {e}") from e
    try:
        return _fetch(repo, provider)
    finally:
        repo.free()


def mirror_url(path: str) -> str | None:
    """The ``origin`` URL recorded in a mirror's config."""
    try:
        repo = pygit2.Repository(path)
    except pygit2.GitError:
        return None
    try:
        return repo.remotes["origin"].url
    except (KeyError, pygit2.GitError):
        return None
    finally:
        repo.free()


def _fetch(repo: pygit2.Repository, provider: CredentialProvider | None) -> FetchResult:
    from roster.errors import RemoteError, RosterError

    _network_timeouts()
    callbacks = _Callbacks(provider)
    try:
        if "remote.origin.tagopt" not in repo.config:  # a mirror made before tagopt was set
            repo.config["remote.origin.tagopt"] = _NO_TAGS
        # libgit2 hands the credentials of the URL asked for to wherever a redirect leads,
        # and its credential callback is not told where that is: follow no redirect.
        repo.config["http.followRedirects"] = "false"
        remote = repo.remotes["origin"]
        stats = remote.fetch(callbacks=callbacks, prune=pygit2.enums.FetchPrune.PRUNE,
                             message="roster: fetch")
    except RosterError:
        raise  # a credential provider's own, clearer error
    except (pygit2.GitError, KeyError, ValueError, OSError) as e:
        raise RemoteError(str(e) or type(e).__name__) from e
    head = _follow_remote_head(repo, remote)
    return FetchResult(int(stats.received_objects), callbacks.updated, head)


def _follow_remote_head(repo: pygit2.Repository, remote: pygit2.Remote) -> str | None:
    """Point HEAD where the remote's HEAD points (its default branch), as a mirror clone does.

    The remote's ref list is still known from the fetch, so this costs no round trip.
    """
    target = None
    try:
        for head in remote.list_heads(connect=False):
            if head.name == "HEAD" and head.symref_target:
                target = head.symref_target
                break
    except (pygit2.GitError, ValueError):
        target = None
    branches = [r for r in repo.references if r.startswith("refs/heads/")]
    if target is None or target not in branches:
        # No symref advertised: keep a HEAD that works, else the usual default names.
        current = str(repo.lookup_reference("HEAD").target)
        if current in branches or not branches:
            return current if current in branches else None
        target = next((b for b in ("refs/heads/main", "refs/heads/master") if b in branches), sorted(branches)[0])
    try:
        if repo.lookup_reference("HEAD").target != target:
            repo.set_head(target)
    except pygit2.GitError:
        return None
    return target


# --- many blobs at once (publish) ------------------------------------------------
# Publishing reads every version ever committed (~13,000 blobs on the benchmark
# repository). One ``git cat-file --batch`` process streams them about four times
# faster than pygit2 lookups (each resolves its packed delta chain on its own), so
# it is used when ``git`` is on PATH; pygit2 is the fallback and the only reader
# when git is missing or fails. It is the one git subprocess, and it lives here
# with every other git access.

def read_blobs(repo: Repo, blob_ids: Iterable[str], progress: Callable[[int], None] | None = None) -> dict[str, bytes]:
    """Bytes of each blob id; raises GitError when one cannot be read."""
    wanted = list(dict.fromkeys(blob_ids))
    if not wanted:
        return {}
    found = _cat_file_batch(repo.path, wanted)
    if found is None:
        found = {}
    missing = [b for b in wanted if b not in found]
    for i, blob in enumerate(missing):
        found[blob] = repo.read_blob(blob)
        if progress is not None and i % 256 == 0:
            progress(len(found))
    if progress is not None:
        progress(len(found))
    return found


# The repository's own config is not Roster's to trust (it may come from an artifact,
# a tarball or a restored cache): git runs with no transport allowed, so a promisor
# remote (``ext::sh -c ...``) cannot be lazily fetched from, and with command-valued
# settings blanked. ``GIT_NO_LAZY_FETCH`` (git >= 2.44) says the same to newer gits.
_SAFE_GIT_ENV = {"GIT_ALLOW_PROTOCOL": "roster-none", "GIT_NO_LAZY_FETCH": "1", "GIT_TERMINAL_PROMPT": "0",
                 "GIT_NO_REPLACE_OBJECTS": "1"}
_SAFE_GIT_CONFIG = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.sshCommand=false",
                    "-c", "protocol.allow=never", "-c", "protocol.ext.allow=never", "-c", "protocol.file.allow=never",
                    "-c", "credential.helper=", "-c", "core.askPass=false")


def safe_git_env() -> dict[str, str]:
    """The environment for a git subprocess on a repository Roster did not write."""
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_CONFIG_PARAMETERS",
                                                             "GIT_CONFIG_COUNT", "GIT_ALLOW_PROTOCOL")}
    env.update(_SAFE_GIT_ENV)
    return env


def blobs_at(repo: Repo, specs: list[tuple[str, str]]) -> list[str | None]:
    """The blob id at ``path`` in each ``commit`` (None where there is none).

    One ``git cat-file --batch-check`` resolves ``commit:path`` for all of them in a
    separate process (~0.5 s for 13,000 on the benchmark repository); through pygit2
    every distinct tree would be read and cached in this process (~600 MB there).
    """
    git = shutil.which("git")
    if git and specs and not any("\n" in p or "\n" in c for c, p in specs):
        request = "".join(f"{c}:{p}\n" for c, p in specs).encode("utf-8", "surrogateescape")
        try:
            proc = subprocess.run([git, *_SAFE_GIT_CONFIG, f"--git-dir={repo.path}", "cat-file",
                                   "--batch-check=%(objectname) %(objecttype)"], input=request, cwd=repo.path,
                                  env=safe_git_env(), capture_output=True, check=False, timeout=600)
        except (OSError, subprocess.SubprocessError):
            proc = None
        lines = proc.stdout.decode("utf-8", "replace").splitlines() if proc and proc.returncode == 0 else []
        if len(lines) == len(specs):
            return [line.split(" ")[0] if line.endswith(" blob") else None for line in lines]
    out: list[str | None] = []
    for commit, path in specs:
        found = repo.entry_at(repo.tree_id(commit), path)
        out.append(found.key if found is not None and found.kind == FILE else None)
    return out


def _cat_file_batch(git_dir: str, wanted: list[str]) -> dict[str, bytes] | None:
    """All blobs through one ``git cat-file --batch``; None when git is unusable here."""
    git = shutil.which("git")
    if git is None:
        return None
    request = "\n".join(wanted).encode("ascii") + b"\n"
    command = [git, *_SAFE_GIT_CONFIG, f"--git-dir={git_dir}", "cat-file"]
    try:
        # Sizes first (cheap): an oversized blob is left to read_blob, which refuses it unread.
        check = subprocess.run([*command, "--batch-check"], input=request, cwd=git_dir, env=safe_git_env(),
                               capture_output=True, check=False, timeout=600)
        if check.returncode != 0:
            return None
        rows = (line.split(b" ") for line in check.stdout.splitlines())
        big = {fields[0].decode("ascii", "replace") for fields in rows
               if len(fields) == 3 and fields[2].isdigit() and int(fields[2]) > MAX_BLOB}
        if big:
            wanted = [b for b in wanted if b not in big]
            request = "\n".join(wanted).encode("ascii") + b"\n"
        proc = subprocess.run([*command, "--batch"], input=request, cwd=git_dir, env=safe_git_env(),
                              capture_output=True, check=False, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return _parse_batch(proc.stdout, wanted)


def _parse_batch(out: bytes, wanted: list[str]) -> dict[str, bytes] | None:
    """``<id> blob <size>\\n<data>\\n`` records, in request order; None on anything unexpected."""
    found: dict[str, bytes] = {}
    offset = 0
    for blob in wanted:
        end = out.find(b"\n", offset)
        if end < 0:
            return None
        header = out[offset:end].split(b" ")
        if len(header) != 3 or header[1] != b"blob" or header[0].decode("ascii", "replace") != blob:
            # "<id> missing" or a non-blob: leave it to pygit2, which raises a proper error.
            if len(header) == 2 and header[1] == b"missing":
                offset = end + 1
                continue
            return None
        size = int(header[2])
        start = end + 1
        data = out[start:start + size]
        if _object_id(b"blob", data, len(blob)) != blob:
            # The object's bytes do not hash to its id (a tampered object store): leave it to
            # pygit2, which verifies every object it reads and raises a proper error.
            offset = start + size + 1
            continue
        found[blob] = data
        offset = start + size + 1
    return found


def _object_id(kind: bytes, data: bytes, length: int) -> str:
    """The git object id of ``data`` (SHA-1, or SHA-256 in a repository whose ids are 64 digits)."""
    h = hashlib.sha256() if length == 64 else hashlib.sha1()
    h.update(kind + b" " + str(len(data)).encode() + b"\0")
    h.update(data)
    return h.hexdigest()
