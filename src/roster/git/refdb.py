"""A repository found and its refs read in pure Python: the plain layouts only.

The counterpart of ``roster.git.objects`` for where a repository is and what its refs
hold: a worktree with a ``.git`` folder, a linked worktree (``git worktree add``), a bare
repository; HEAD, loose refs and ``packed-refs``. Anything else (GIT_DIR and friends in
the environment, a repository format or extension it does not know, reftable,
alternates, grafts, replace refs, a shallow clone, a config with includes, a ref name or
ref file out of the ordinary, another user's repository) is ``NotMine``: pygit2 opens it.
"""
from __future__ import annotations

import os
from typing import NamedTuple

from roster.git.objects import NotMine, ObjectStore, is_hex40

# libgit2 reads these (or git does) in ways the plain layout below does not describe.
_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_NAMESPACE", "GIT_REPLACE_REF_BASE")
_EXTENSIONS = {"noop", "preciousobjects", "worktreeconfig"}  # none changes how objects or refs are read
# Refs this reader names for sure: these characters, no "..", "@{", ".lock", leading dots.
_REF_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+@-/")
_PER_WORKTREE = ("refs/worktree/", "refs/bisect/", "refs/rewritten/")
_MAX_SYMREF_DEPTH = 5  # libgit2's nesting limit for symbolic refs


def plain_ref_name(name: str) -> bool:
    return name.startswith("refs/") and _REF_CHARS.issuperset(name) and ".." not in name and "//" not in name \
        and "/." not in name and "./" not in name and ".lock/" not in name \
        and not name.endswith(("/", ".", ".lock"))


class Location(NamedTuple):
    gitdir: str  # this worktree's git folder (HEAD), real path
    common: str  # the folder holding objects/, refs/, packed-refs, config
    workdir: str | None  # None: bare


def locate(path: str) -> Location:
    """Where the repository holding ``path`` is, found as libgit2 finds it; NotMine when unsure."""
    if any(os.environ.get(name) for name in _ENV):
        raise NotMine("git environment variables set")
    probe = os.path.realpath(path)
    try:
        device = os.stat(probe).st_dev
    except OSError as e:
        raise NotMine(str(e)) from e
    if not os.path.isdir(probe):
        raise NotMine("not a folder")
    while True:
        dotgit = os.path.join(probe, ".git")
        try:
            st = os.lstat(dotgit)
        except FileNotFoundError:
            st = None
        except OSError as e:
            raise NotMine(str(e)) from e
        if st is not None:
            if os.path.isdir(dotgit) and not os.path.islink(dotgit):
                return _checked(Location(dotgit, dotgit, probe))
            if os.path.isfile(dotgit) and not os.path.islink(dotgit):
                return _linked(probe, dotgit)
            raise NotMine(".git is neither a folder nor a file")
        if os.path.isfile(os.path.join(probe, "HEAD")) and os.path.isdir(os.path.join(probe, "objects")):
            return _checked(Location(probe, probe, None))
        parent = os.path.dirname(probe)
        if parent == probe:
            raise NotMine("no repository up to /")
        if os.stat(parent).st_dev != device:
            raise NotMine("crossing a file system boundary")
        probe = parent


def _linked(top: str, dotgit: str) -> Location:
    """A worktree of ``git worktree add``: ``.git`` says ``gitdir: X``, X says where the rest is."""
    text = _read_text(dotgit)
    if not text.startswith("gitdir: ") or text.count("\n") > 1:
        raise NotMine("unusual .git file")
    gitdir = os.path.realpath(os.path.join(top, text[len("gitdir: "):].rstrip("\n")))
    back = _read_text(os.path.join(gitdir, "gitdir")).rstrip("\n")
    if os.path.realpath(back) != os.path.realpath(dotgit):  # libgit2 takes the worktree from this file
        raise NotMine("the worktree's gitdir file names another place")
    common = os.path.realpath(os.path.join(gitdir, _read_text(os.path.join(gitdir, "commondir")).rstrip("\n")))
    if os.path.exists(os.path.join(gitdir, "config.worktree")) or os.path.isdir(os.path.join(gitdir, "refs")):
        raise NotMine("per-worktree config or refs")
    return _checked(Location(gitdir, common, top))


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read(4096)
    except (OSError, UnicodeDecodeError) as e:
        raise NotMine(f"{path}: {e}") from e


def _checked(loc: Location) -> Location:
    """``loc`` when its layout, owner and config are the plain case; NotMine otherwise."""
    common, gitdir = loc.common, loc.gitdir
    uid = os.geteuid()
    for folder in (gitdir, common, loc.workdir):
        if folder is not None and os.stat(folder).st_uid != uid:
            raise NotMine("owned by another user (libgit2 checks safe.directory)")
    if loc.workdir is None or gitdir == common:
        if os.path.exists(os.path.join(gitdir, "commondir")):
            raise NotMine("a commondir file where none was expected")
    for odd in ("shallow", "info/grafts", "objects/info/alternates", "objects/info/http-alternates", "reftable"):
        if os.path.exists(os.path.join(common, odd)):
            raise NotMine(f"{odd}: not read by this reader")
    if not (os.path.isfile(os.path.join(gitdir, "HEAD")) and os.path.isdir(os.path.join(common, "refs"))):
        raise NotMine("no HEAD or refs/")
    config = _config(os.path.join(common, "config"))
    if config.get("core.repositoryformatversion", "0") not in ("0", "1"):
        raise NotMine("repository format version")
    if any(k.startswith("extensions.") and k[len("extensions."):] not in _EXTENSIONS for k in config):
        raise NotMine("repository extensions")
    if "core.worktree" in config:
        raise NotMine("core.worktree")
    bare = config.get("core.bare", "false").lower()
    if bare not in ("true", "false"):
        raise NotMine("core.bare")
    if (bare == "true") != (loc.workdir is None):
        raise NotMine("core.bare does not match the layout")
    return Location(os.path.realpath(gitdir), os.path.realpath(common), loc.workdir)


def _config(path: str) -> dict[str, str]:
    """The keys of a git config file this reader needs, lowercase; NotMine on anything it cannot parse for sure."""
    out: dict[str, str] = {}
    section = ""
    for line in _read_text_all(path).splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            head, close, rest = line[1:].partition("]")
            name = head.split('"', 1)[0].strip().lower()
            if not close or (rest.strip() and rest.strip()[0] not in "#;") or not name \
                    or not name.replace(".", "").replace("-", "").isalnum() or "\\" in head:
                raise NotMine("config: unusual section header")
            if name.startswith("include"):
                raise NotMine("config includes")
            _, quote, sub = head.partition('"')
            section = f"{name} {sub}" if quote else name  # a subsection's keys are never core.* or extensions.*
            continue
        if line.endswith("\\"):
            raise NotMine("config: a continued line")
        key, eq, value = line.partition("=")
        for mark in "#;":
            value = value.split(mark, 1)[0]
        value = value.strip() if eq else "true"
        if '"' in line or "\\" in line:
            value = "?"  # quoted or escaped: never one of the values this reader accepts
        out[f"{section}.{key.strip().lower()}"] = value
    return out


def _read_text_all(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as e:
        raise NotMine(f"{path}: {e}") from e


Packed = dict[str, tuple[str, str | None]]  # name -> (id, peeled id) of packed-refs


class RefDB:
    """HEAD, loose refs and packed-refs of one located repository (read afresh on every call:
    refs move, and nothing here is cached across calls)."""

    def __init__(self, loc: Location, store: ObjectStore) -> None:
        self.loc = loc
        self.store = store

    def _file(self, name: str) -> str:
        if name == "HEAD":
            return os.path.join(self.loc.gitdir, "HEAD")
        if not plain_ref_name(name):
            raise NotMine(f"ref name {name!r}")
        if self.loc.gitdir != self.loc.common and name.startswith(_PER_WORKTREE):
            raise NotMine("a per-worktree ref")
        return os.path.join(self.loc.common, name)

    def loose(self, name: str) -> bytes | None:
        """The content of a loose ref, None when there is none (a folder of that name included)."""
        try:
            with open(self._file(name), "rb") as f:
                return f.read(4096)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        except OSError as e:
            raise NotMine(str(e)) from e

    def packed(self) -> Packed:
        """name -> (id, peeled id or None) from ``packed-refs``."""
        try:
            with open(os.path.join(self.loc.common, "packed-refs"), "rb") as f:
                text = f.read()
        except FileNotFoundError:
            return {}
        except OSError as e:
            raise NotMine(str(e)) from e
        out: dict[str, tuple[str, str | None]] = {}
        last = None
        for i, line in enumerate(text.split(b"\n")):
            if not line or (i == 0 and line.startswith(b"# pack-refs with:")):
                continue
            if line.startswith(b"^") and last is not None and is_hex40(line[1:]) and out[last][1] is None:
                out[last] = (out[last][0], line[1:].decode())
                continue
            oid, _, name_bytes = line.partition(b" ")
            name = name_bytes.decode("utf-8", "replace")
            if not is_hex40(oid) or not plain_ref_name(name) or name in out:
                raise NotMine("packed-refs: a line this reader does not know")
            out[name] = (oid.decode(), None)
            last = name
        return out

    def raw(self, name: str, packed: Packed | None = None, loose: set[str] | None = None) -> tuple[str, str] | None:
        """("id", hex) or ("ref", target name) that ``name`` holds, unpeeled; None when absent.
        ``loose``: the loose refs as ``names`` listed them (no file is opened for the others)."""
        content = None if loose is not None and name != "HEAD" and name not in loose else self.loose(name)
        if content is not None:
            if content.startswith(b"ref: "):
                target = content[5:].rstrip(b"\n").decode("utf-8", "replace")
                if b"\n" in content.rstrip(b"\n") or not (target == "HEAD" or plain_ref_name(target)):
                    raise NotMine("unusual symbolic ref")
                return ("ref", target)
            if not is_hex40(content.rstrip(b"\n")) or content.count(b"\n") > 1:
                raise NotMine(f"unusual ref file {name}")
            return ("id", content[:40].decode())
        if name == "HEAD":
            raise NotMine("no HEAD file")
        hit = (self.packed() if packed is None else packed).get(name)
        return ("id", hit[0]) if hit else None

    def resolve(self, name: str, packed: Packed | None = None, loose: set[str] | None = None) -> str | None:
        """The object id a ref points at, symbolic refs followed; None when it names nothing."""
        for _ in range(_MAX_SYMREF_DEPTH + 1):
            found = self.raw(name, packed, loose)
            if found is None:
                return None
            kind, value = found
            if kind == "id":
                return value
            name = value
        raise NotMine("symbolic refs nested too deep")

    def peeled(self, name: str, packed: Packed | None = None, loose: set[str] | None = None) -> str | None:
        """The commit a ref points at, tags peeled; None when it names none (absent, or a tree)."""
        packed = self.packed() if packed is None else packed
        oid = self.resolve(name, packed, loose)
        if oid is None:
            return None
        found = peel(self.store, oid)
        is_loose = name in loose if loose is not None else self.loose(name) is not None
        hint = packed[name][1] if name in packed and not is_loose else None
        if hint is not None and hint != found:
            raise NotMine("packed-refs peels this ref elsewhere")  # libgit2 believes the file: let it answer
        return found

    def names(self, packed: Packed) -> tuple[list[str], set[str]]:
        """Every ref name under refs/ (loose and packed), sorted; and the loose ones."""
        loose: set[str] = set()
        stack = [(os.path.join(self.loc.common, "refs"), "refs")]
        while stack:
            folder, rel = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError as e:
                raise NotMine(str(e)) from e
            for entry in entries:
                name = f"{rel}/{entry.name}"
                if entry.is_symlink() or not plain_ref_name(name):
                    raise NotMine(f"unusual entry under refs/: {name}")
                if entry.is_dir():
                    stack.append((entry.path, name))
                else:
                    loose.add(name)
        return sorted(loose.union(packed)), loose


def peel(store: ObjectStore, oid: str) -> str | None:
    """The commit an object id leads to through tags; None when it leads to a tree or a blob."""
    kind, data = store.read(oid)
    for _ in range(64):
        if kind == b"commit":
            return oid
        if kind != b"tag":
            return None
        lines = data.split(b"\n", 2)
        if len(lines) < 3 or not lines[0].startswith(b"object ") or not lines[1].startswith(b"type ") \
                or not is_hex40(lines[0][7:]):
            raise NotMine("unusual tag object")
        oid = lines[0][7:].decode()
        kind, data = store.read(oid)
        if kind != lines[1][5:]:
            raise NotMine("a tag whose type line is wrong")  # libgit2 refuses it: let it say how
    raise NotMine("tags nested too deep")
