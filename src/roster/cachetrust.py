"""Whether what Roster keeps in a git dir (``<git dir>/roster/``) may be believed.

That folder holds caches that skip work (the delta index, kept chains and listings,
validation verdicts) and the key that signs a published site's manifest. A repository
can come from an artifact, a tarball or a restored CI cache with a ``roster/`` folder
that someone else wrote, and a planted verdict would let invalid content skip
validation. So the folder carries a stamp: an HMAC of the git dir's real path under a
key of this user's (the user key), which lives outside every repository and outside the
mirror cache, in ``$XDG_STATE_HOME/roster/cache.key`` (``~/.local/state/roster/``).

A folder whose stamp does not verify (restored, copied to another path, written by
another user or under another machine's key, or damaged) is set aside and removed, and
a new one is made with this user's stamp. A folder is only ever made complete with its
stamp (a stamped temporary folder renamed into place), so processes of the same user
racing to make one never take each other's for foreign. Where no user key can be kept
or the folder cannot be replaced (a read-only repository), nothing in it is read.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import stat
import threading
import time

STAMP = "stamp"
KEY_FILE = "cache.key"
_KEY_BYTES = 32
_NEW_GRACE = 60.0  # seconds after which a new folder never put in place is a leftover
_lock = threading.Lock()
_known: dict[tuple[str, str], bool] = {}  # (key file, real git dir) -> usable, once per process
_asked: dict[tuple[str, str | None, str | None], bool] = {}  # (git dir as given, the key's env) -> usable


def key_path() -> str:
    """Where the user key is kept: ``$XDG_STATE_HOME/roster/cache.key``, else
    ``~/.local/state/roster/cache.key``. Not in the mirror cache (``--cache-dir``), which
    CI jobs restore from caches: the key must not travel with what it vouches for."""
    state = os.environ.get("XDG_STATE_HOME")
    if not state or not os.path.isabs(state):
        state = os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(state, "roster", KEY_FILE)


def usable(git_dir: str) -> bool:
    """True when ``<git_dir>/roster`` may be read and written: it carries this user's
    stamp for this git dir (a missing or foreign folder is made so here, once per process)."""
    # Called on every cache read (a service resolves many ids): the answer for this very
    # argument and environment is one dict lookup; realpath and the files are read once.
    asked = (git_dir, os.environ.get("XDG_STATE_HOME"), os.environ.get("HOME"))
    known = _asked.get(asked)
    if known is not None:
        return known
    memo = (key_path(), os.path.realpath(git_dir))
    with _lock:
        known = _known.get(memo)
        if known is None:
            known = _known[memo] = _vouch(memo[0], memo[1])
        _asked[asked] = known
        return known


def read_kept(git_dir: str, path: str) -> bytes | None:
    """The bytes of a file Roster kept under ``<git_dir>/roster`` (``path``), or None when the
    folder is not this user's (never believed) or the file cannot be read."""
    if not usable(git_dir):
        return None
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def forget() -> None:
    """Look at every git dir and key again (for tests that plant a folder after a first look)."""
    with _lock:
        _known.clear()
        _asked.clear()


def _stamp_for(key: bytes, git_dir: str) -> str:
    """The stamp of ``git_dir`` (its real path) under ``key``."""
    return hmac.new(key, b"roster-cache\0" + os.fsencode(git_dir), hashlib.sha256).hexdigest()


def _user_key(path: str) -> bytes | None:
    """The user key, made on first use; None when none can be kept (no writable home)."""
    for _attempt in range(2):
        key, present = _read_key(path)
        if key is not None:
            return key
        try:
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, os.urandom(_KEY_BYTES))
            finally:
                os.close(fd)
            try:
                if present:  # unsound (see _read_key): replaced
                    os.replace(tmp, path)
                else:
                    os.link(tmp, path)  # the first writer wins; the others read its key
            except FileExistsError:
                pass
            finally:
                if os.path.lexists(tmp):
                    os.unlink(tmp)
        except OSError:
            return None
    return None


def _read_key(path: str) -> tuple[bytes | None, bool]:
    """(the key or None, whether anything is at ``path``).

    A key someone else could read or write is no secret: only a regular file of this
    user's, private to them and of the right length is a key; anything else is replaced.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None, False
    except OSError:
        return None, True
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
            return None, True
        key = os.read(fd, _KEY_BYTES + 1)
    finally:
        os.close(fd)
    return (key if len(key) == _KEY_BYTES else None), True


def _state(folder: str, want: str) -> str:
    """``good`` (stamped for us), ``missing``, or ``foreign`` (anything else there)."""
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "foreign"
    if not stat.S_ISDIR(st.st_mode):  # a symlink or a file where the folder belongs
        return "foreign"
    try:
        with open(os.path.join(folder, STAMP), "rb") as f:
            have = f.read(len(want) + 2).strip()
    except OSError:
        return "foreign"
    return "good" if hmac.compare_digest(have, want.encode()) else "foreign"


def _vouch(key_file: str, git_dir: str) -> bool:
    key = _user_key(key_file)
    if key is None or not os.path.isdir(git_dir):
        return False
    folder = os.path.join(git_dir, "roster")
    want = _stamp_for(key, git_dir)
    for _attempt in range(3):
        state = _state(folder, want)
        if state == "good":
            return True
        _clear_leftovers(folder)
        if state == "foreign" and not _set_aside(folder):
            return False  # cannot be replaced: never read
        if _make(folder, want):
            return True
        # Another process made the folder first: look at what it made.
    return False


def _remove_tree(path: str) -> None:
    import shutil  # lazy: shutil loads bz2 and lzma (~1.5 ms); a folder is removed only when one is replaced

    shutil.rmtree(path, ignore_errors=True)


def _set_aside(folder: str) -> bool:
    """Move a foreign folder out of the way (one rename, so readers never see it half
    removed), then remove it."""
    aside = f"{folder}.untrusted-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        os.rename(folder, aside)
    except FileNotFoundError:
        return True  # another process set it aside already
    except OSError:
        return False
    if os.path.isdir(aside) and not os.path.islink(aside):
        _remove_tree(aside)
    else:
        try:
            os.unlink(aside)
        except OSError:
            pass
    return True


def _clear_leftovers(folder: str) -> None:
    """Remove what a process killed half-way left beside the folder: folders set aside
    (garbage at once) and new folders never renamed into place (a minute old: a live
    process renames its own within microseconds)."""
    parent, name = os.path.split(folder)
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for other in names:
        path = os.path.join(parent, other)
        if other.startswith(f"{name}.new-"):
            try:
                if time.time() - os.lstat(path).st_mtime < _NEW_GRACE:
                    continue
            except OSError:
                continue
        elif not other.startswith(f"{name}.untrusted-"):
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            _remove_tree(path)


def _make(folder: str, want: str) -> bool:
    """Put a new folder holding only the stamp in place; False when another is there."""
    tmp = f"{folder}.new-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        os.mkdir(tmp)
        with open(os.path.join(tmp, STAMP), "w", encoding="ascii") as f:
            f.write(want + "\n")
        os.rename(tmp, folder)  # fails when a non-empty folder is there (another process won)
        return True
    except OSError:
        _remove_tree(tmp)
        return False
