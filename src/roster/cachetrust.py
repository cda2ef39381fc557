"""Whether what Roster keeps in a git dir (``<git dir>/roster/``) may be believed.

That folder holds caches (the delta index, kept chains and listings, validation
verdicts) and the key that signs a published site's manifest. A repository can come
from an artifact, a tarball or a restored cache, with a ``roster/`` folder that someone
else wrote: a planted verdict would let invalid content skip validation. So the folder
carries a stamp, an HMAC of the git dir's real path under a key kept in the user's own
cache folder (never in a repository). A folder whose stamp does not verify was not
written here by this user: it is set aside and removed, and Roster starts it anew.
Where that cannot be done (a read-only repository), nothing in it is read.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shutil
import threading

STAMP = "stamp"
_KEY_FILE = "cache.key"
_lock = threading.Lock()
_known: dict[str, bool] = {}


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> str:
    """The user's cache folder: ``--cache-dir``, else ``$ROSTER_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/roster``, else ``~/.cache/roster``."""
    if cache_dir:
        return os.path.abspath(os.fspath(cache_dir))
    env = os.environ.get("ROSTER_CACHE_DIR")
    if env:
        return os.path.abspath(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = xdg if xdg and os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "roster")


def usable(git_dir: str) -> bool:
    """True when ``<git_dir>/roster`` may be read and written: stamped by this user for
    this git dir (a missing or foreign folder is made so here, once per process)."""
    real = os.path.realpath(git_dir)
    with _lock:
        known = _known.get(real)
        if known is None:
            known = _known[real] = _vouch(real)
        return known


def forget() -> None:
    """Check every git dir again (a test that plants a folder after a first look)."""
    with _lock:
        _known.clear()


def _user_key() -> bytes | None:
    path = os.path.join(cache_root(), _KEY_FILE)
    for _attempt in range(2):
        try:
            with open(path, "rb") as f:
                key = f.read(64)
            if len(key) == 32:
                return key
        except OSError:
            pass
        try:
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            tmp = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
            try:
                os.link(tmp, path)  # the first writer wins; a second reads the first's key
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        except OSError:
            return None
    return None


def _stamp(key: bytes, git_dir: str) -> str:
    return hmac.new(key, b"roster-cache\0" + os.fsencode(git_dir), hashlib.sha256).hexdigest()


def _vouch(git_dir: str) -> bool:
    key = _user_key()
    if key is None:
        return False
    folder = os.path.join(git_dir, "roster")
    want = _stamp(key, git_dir)
    try:
        with open(os.path.join(folder, STAMP), encoding="ascii", errors="replace") as f:
            have: str | None = f.read(128).strip()
    except OSError:
        have = None
    if have is not None and not os.path.islink(folder) and hmac.compare_digest(have, want):
        return True
    if os.path.lexists(folder):  # written elsewhere or by someone else: set aside, removed
        aside = f"{folder}.untrusted-{secrets.token_hex(4)}"
        try:
            os.rename(folder, aside)
        except OSError:
            return False
        if os.path.islink(aside):
            os.unlink(aside)
        else:
            shutil.rmtree(aside, ignore_errors=True)
    try:
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, f"{STAMP}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        with open(tmp, "w", encoding="ascii") as f:
            f.write(want + "\n")
        os.replace(tmp, os.path.join(folder, STAMP))
    except OSError:
        return False
    return True
