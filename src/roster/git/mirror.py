"""Mirrors of remote repositories: ``Roster("https://host/org/assistants.git")``.

A remote is kept as a bare mirror (``git clone --mirror``: every ref, fetched
with ``+refs/*:refs/*`` and pruned) in a cache folder, one folder per remote:

- cache folder: the ``cache_dir`` argument, else ``$ROSTER_CACHE_DIR``, else
  ``$XDG_CACHE_HOME/roster``, else ``~/.cache/roster``;
- mirror folder: ``<slug>-<hash>.git``, the slug readable (host and path), the
  hash (of the URL without credentials) making it unique.

Concurrency. Threads keep resolving while a fetch runs: the fetch uses a
repository handle of its own, and libgit2 moves refs only after the whole pack
has arrived and been indexed, so a failed or half-done fetch changes no ref.
Processes sharing the cache folder take a file lock (``fcntl.flock``): beside
the mirror while creating it (a clone goes into a temporary folder that is
renamed into place only when complete, so a half-done clone never becomes the
mirror), and inside it around every fetch (so two fetches never interleave; a
process that waited for another's fetch does not fetch again).

Freshness. ``Roster(url)`` fetches once when it opens an existing mirror (a
failure there is not an error: the mirror serves, ``staleness()`` says how old
it is); ``refresh()`` fetches now; with ``refresh_interval`` a call that finds
the last fetch older than that starts one in a background daemon thread and is
answered from the mirror meanwhile, so no request ever waits on the network.

Credentials come only from the environment and git's own credential helpers
(``roster.git.credentials``), and are never written or shown: the URL recorded in
the mirror and shown in messages has its user-info stripped (``redact``).
Cheap to import: pygit2 is loaded (through ``roster.git.fetch``) on the first clone or fetch.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from roster.cachetrust import usable
from roster.errors import RemoteError, RosterError, UsageError
from roster.freshness import Freshness, Staleness, format_age, format_time
from roster.git.credentials import credentials_for
from roster.git.urls import SCHEME_URL, is_remote_url, redact

LOCK_TIMEOUT = 300.0  # seconds to wait for another process's clone or fetch


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> str:
    """The folder that holds the mirrors (see the module docstring for the order)."""
    if cache_dir:
        return os.path.abspath(os.fspath(cache_dir))
    env = os.environ.get("ROSTER_CACHE_DIR")
    if env:
        return os.path.abspath(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = xdg if xdg and os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "roster")


def mirror_name(url: str) -> str:
    """``<slug>-<hash>.git``: readable, and one folder per remote whatever credentials are used."""
    clean = redact(url)
    digest = hashlib.sha256(clean.encode("utf-8")).hexdigest()[:16]
    m = SCHEME_URL.match(clean)
    if m:
        parts = urlsplit(clean)
        readable = f"{parts.netloc.rpartition('@')[2]}{parts.path}"
    else:
        readable = clean.replace(":", "/", 1)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", readable).strip("-.")
    if slug.endswith(".git"):
        slug = slug[:-4]
    return f"{slug[-60:].lstrip('-.') or 'repo'}-{digest}.git"


# --- locks ------------------------------------------------------------------------


@contextlib.contextmanager
def file_lock(path: str, *, timeout: float = LOCK_TIMEOUT, what: str = "the mirror") -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created if needed), waited for at most ``timeout`` seconds."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RemoteError(f"another process has held the lock on {what} ({path}) for over "
                                      f"{timeout:.0f} s") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.2)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# --- the mirror ---------------------------------------------------------------------


class Mirror:
    """A bare mirror of one remote in the cache folder; safe to share between threads.

    ``url`` may carry credentials (``https://user:token@host/...``): they stay in
    memory; what is stored and shown is ``display_url``.
    """

    def __init__(self, url: str, *, cache_dir: str | os.PathLike[str] | None = None) -> None:
        if not is_remote_url(url):
            raise RemoteError(f"{redact(url)!r} is not a git URL (https://, ssh://, git://, file:// or host:path)")
        if SCHEME_URL.match(url):
            try:
                _ = urlsplit(url).port  # raises ValueError on a malformed host or port
            except ValueError as e:
                raise UsageError(f"{redact(url)!r} is not a valid URL ({e})") from None
        self.url = url
        self.display_url = redact(url)
        self.root = cache_root(cache_dir)
        self.path = os.path.join(self.root, mirror_name(url))
        self._fetch_lock = threading.Lock()  # one fetch at a time in this process
        # Attempts, the background fetch and failures are this process's; successes are
        # read from the mirror's stamp, which every process sharing the cache writes.
        self.freshness = Freshness()
        self.on_fetched: list[Callable[[], None]] = []  # called after every successful fetch

    def __repr__(self) -> str:
        return f"Mirror({self.display_url!r}, path={self.path!r})"

    # --- files ---

    @property
    def exists(self) -> bool:
        return os.path.isfile(os.path.join(self.path, "HEAD"))

    def _meta(self, name: str) -> str:
        return os.path.join(self.path, "roster", name)

    def _read_stamp(self) -> dict[str, float]:
        try:
            with open(self._meta("fetched.json"), encoding="utf-8") as f:
                data = json.load(f)
            return {"at": float(data["at"]), "started": float(data.get("started", data["at"]))}
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def last_success(self) -> float | None:
        """Epoch seconds of the last successful fetch or clone, by any process."""
        return self._read_stamp().get("at")

    def _last_fetch_started(self) -> float:
        return self._read_stamp().get("started", float("-inf"))

    def _stamp(self, started: float) -> None:
        usable(self.path)  # the folder is made with this user's stamp, so no reader sets it aside
        os.makedirs(os.path.dirname(self._meta("fetched.json")), exist_ok=True)
        tmp = self._meta(f"fetched.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"at": time.time(), "started": started, "url": self.display_url}, f)
        os.replace(tmp, self._meta("fetched.json"))

    # --- clone and fetch ---

    def open(self, *, fetch: bool = True) -> Mirror:
        """Create the mirror (first use), else fetch it once when ``fetch`` (a failure is
        recorded in ``staleness()``: the mirror keeps serving). Returns self."""
        if not self.exists:
            self.create()
            return self
        self._verify_origin()
        if fetch:
            try:
                self.fetch()
            except RemoteError:
                pass  # offline: serve what the mirror holds; staleness() says since when
        return self

    def create(self) -> bool:
        """Clone the remote into the cache (False when the mirror exists, maybe made by another process)."""
        from roster.git import fetch  # lazy: pygit2, only when a clone is made

        try:
            os.makedirs(self.root, exist_ok=True)
        except OSError as e:
            raise RemoteError(f"cannot create the cache folder {self.root}: {e}") from e
        if self.exists:
            return False
        started = time.time()
        with file_lock(self.path + ".lock", what=f"the mirror of {self.display_url}"):
            if self.exists:
                return False
            base = os.path.basename(self.path)
            for name in os.listdir(self.root):  # clones left by a process that died mid-way
                if name.startswith(base + ".tmp-"):
                    shutil.rmtree(os.path.join(self.root, name), ignore_errors=True)
            tmp = f"{self.path}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
            try:
                fetch.create_mirror(tmp, self.display_url, credentials_for(self.url))
                os.rename(tmp, self.path)
            except BaseException as e:
                shutil.rmtree(tmp, ignore_errors=True)
                self._failed(e, started)
                if isinstance(e, RosterError):
                    raise RemoteError(f"cannot clone {self.display_url}: {self._clean(str(e))} "
                                      f"(no mirror in {self.root} to serve from yet)") from e
                if isinstance(e, OSError):
                    raise RemoteError(f"cannot create the mirror of {self.display_url} in {self.root}: {e}") from e
                raise
            self._succeeded(stamp=started)
        return True

    def fetch(self) -> bool:
        """Fetch now; raises RemoteError on failure (the mirror keeps its last good state).

        Returns False when no fetch was needed because another thread or process
        completed one while this call waited for the lock.
        """
        from roster.git import fetch  # lazy: pygit2, only when a fetch is made

        started = time.time()
        self.freshness.attempt()
        if not self.exists:
            return self.create()
        self._verify_origin()
        with self._fetch_lock:
            try:
                with file_lock(self._ensure_meta("fetch.lock"), what=f"the mirror of {self.display_url}"):
                    if self._last_fetch_started() >= started:
                        self._succeeded()
                        return False  # another process fetched, starting after we were asked: as fresh
                    begun = time.time()
                    fetch.fetch_mirror(self.path, credentials_for(self.url))
                    self._stamp(begun)
            except RosterError as e:
                self._failed(e, started)
                raise RemoteError(f"cannot fetch {self.display_url}: {self._clean(str(e))}; still serving "
                                  f"the mirror{self._age()}") from e
            except OSError as e:
                self._failed(e, started)
                raise RemoteError(f"cannot fetch {self.display_url}: {e}") from e
        self._succeeded()
        return True

    def _verify_origin(self) -> None:
        """Refuse a mirror in the cache that was not made for this URL.

        The cache folder is shared and its names are predictable: a mirror planted
        there would serve another repository's content, and its own origin would
        get the token. Its recorded origin must be the URL asked for.
        """
        from roster.git import fetch  # lazy: pygit2

        recorded = fetch.mirror_url(self.path)
        if recorded != self.display_url:
            shown = redact(recorded) if recorded else "no origin"
            raise RemoteError(f"the cached mirror {self.path} is not a mirror of {self.display_url} (it records "
                              f"{shown}); remove that folder and Roster clones again")

    def _ensure_meta(self, name: str) -> str:
        usable(self.path)  # as in _stamp
        os.makedirs(self._meta(""), exist_ok=True)
        return self._meta(name)

    def fetch_in_background(self, interval: float) -> None:
        """Start a fetch in a daemon thread when the last one started ``interval`` seconds ago or more.

        Cheap when not due (one clock read); at most one background fetch runs
        at a time. Failures are recorded for ``staleness()``, never raised.
        """
        self.freshness.start_if_due(interval, self._background_fetch, f"roster-fetch {self.display_url}")

    def _background_fetch(self) -> None:
        try:
            self.fetch()
        except RemoteError:
            pass  # recorded by fetch(); the mirror keeps serving

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background fetch started by ``fetch_in_background`` (tests, shutdown)."""
        self.freshness.wait(timeout)

    # --- state ---

    def _succeeded(self, stamp: float | None = None) -> None:
        if stamp is not None:
            self._stamp(stamp)
        self.freshness.succeeded()
        for callback in list(self.on_fetched):
            callback()

    def _failed(self, error: BaseException, started: float) -> None:
        self.freshness.failed(self._clean(str(error)) or type(error).__name__, started)

    def _clean(self, text: str) -> str:
        """An error text with the URL as given (maybe with credentials) replaced by the redacted one."""
        if self.url != self.display_url:
            text = text.replace(self.url, self.display_url)
        parts = urlsplit(self.url) if SCHEME_URL.match(self.url) else None
        if parts is not None and parts.password:
            text = text.replace(parts.password, "***")
        return text

    def _age(self) -> str:
        last = self.last_success()
        if last is None:
            return ""
        return f" as of {format_time(last)} ({format_age(time.time() - last)} ago)"

    def staleness(self) -> Staleness:
        """How old the mirror is (its last fetch by any process) and this process's last failure since."""
        return self.freshness.staleness(self.display_url, self.last_success())
