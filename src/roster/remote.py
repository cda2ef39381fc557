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

Credentials come only from the environment and git's own credential helpers,
never from a file of Roster's, and are never written or shown: the URL recorded
in the mirror and shown in messages has its user-info stripped (``redact``).
In order: a user and password written in the URL itself (kept in memory only);
for http(s), a token in ``$ROSTER_GIT_TOKEN`` (else ``$GITHUB_TOKEN``/``$GH_TOKEN``
for github.com); then ``git credential fill`` (git's configured helpers; git is
told never to prompt). For ssh, the ssh agent (``$SSH_AUTH_SOCK``), then the key
in ``$ROSTER_SSH_KEY`` or ``~/.ssh/id_ed25519``/``id_ecdsa``/``id_rsa``.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from roster.cachetrust import usable
from roster.errors import RemoteError, RosterError, UsageError

_SCHEMES = ("http", "https", "ssh", "git", "file", "git+ssh", "ssh+git")
_SCHEME_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://", re.ASCII)
# scp-like syntax, as git reads it: [user@]host:path, no slash before the colon.
_SCP_URL = re.compile(r"(?:(?P<user>[^@/\s:]+)@)?(?P<host>[^@/\s:]+):(?P<path>(?!//)\S.*)\Z")
LOCK_TIMEOUT = 300.0  # seconds to wait for another process's clone or fetch

if TYPE_CHECKING:
    from roster.git import CredentialProvider


def is_remote_url(text: str) -> bool:
    """True for a git URL (``https://``, ``ssh://``, ``git://``, ``file://``, ``git@host:org/repo``)."""
    if not isinstance(text, str) or not text or text.startswith("-"):
        return False
    m = _SCHEME_URL.match(text)
    if m:
        return m.group("scheme").lower() in _SCHEMES
    m = _SCP_URL.match(text)
    if not m or os.path.exists(text):
        return False
    host = m.group("host")
    # "user@host:path", or "host.example:path"; a bare "name:path" could be a local folder.
    return bool(m.group("user")) or "." in host or host == "localhost"


def redact(url: str) -> str:
    """The URL without user-info (``https://tok@host/x`` -> ``https://host/x``): safe to show and store."""
    m = _SCHEME_URL.match(url)
    if m:
        try:
            parts = urlsplit(url)
        except ValueError:  # "http://[::1": say nothing more of it than its scheme
            return f"{m.group('scheme')}://<malformed URL>"
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    m = _SCP_URL.match(url)
    if m:
        return f"{m.group('host')}:{m.group('path')}"
    return url


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
    m = _SCHEME_URL.match(clean)
    if m:
        parts = urlsplit(clean)
        readable = f"{parts.netloc.rpartition('@')[2]}{parts.path}"
    else:
        readable = clean.replace(":", "/", 1)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", readable).strip("-.")
    if slug.endswith(".git"):
        slug = slug[:-4]
    return f"{slug[-60:].lstrip('-.') or 'repo'}-{digest}.git"


class Staleness(NamedTuple):
    """How fresh a mirror (or a downloaded index) is."""

    source: str  # the URL, without credentials
    last_success: float | None  # epoch seconds of the last successful fetch (by any process)
    seconds: float | None  # seconds since then; None: never fetched
    error: str | None  # the last failure seen since then, None when the last attempt worked
    failed_at: float | None  # epoch seconds of that failure

    @property
    def ok(self) -> bool:
        return self.error is None


# --- credentials ----------------------------------------------------------------


def _credentials_for(url: str) -> CredentialProvider:
    """A credential provider for one fetch: each source is offered once, then it gives up."""
    from roster.git import Credential

    parts = urlsplit(url) if _SCHEME_URL.match(url) else None
    scheme = (parts.scheme.lower() if parts else "ssh")
    url_user = unquote(parts.username) if parts and parts.username else None
    url_password = unquote(parts.password) if parts and parts.password is not None else None
    if parts is None:
        m = _SCP_URL.match(url)
        url_user = m.group("user") if m else None
    tried: set[str] = set()
    offered: list[str] = []  # kinds of the credentials handed to libgit2 so far
    origin = _origin(parts) if parts else None

    def userpass(username: str | None) -> Credential | None:
        if url_password is not None and "url" not in tried:
            tried.add("url")
            return Credential("userpass", url_user or username or "", url_password)
        if "env" not in tried:
            tried.add("env")
            token = os.environ.get("ROSTER_GIT_TOKEN")
            host = (parts.hostname or "").lower() if parts else ""
            if not token and host == "github.com":  # exactly: not evilgithub.com, not github.com.evil
                token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
            if token:
                user = url_user or username or os.environ.get("ROSTER_GIT_USERNAME") or "x-access-token"
                return Credential("userpass", user, token)
        if "helper" not in tried and parts is not None:
            tried.add("helper")
            found = git_credential_fill(redact(url), url_user or username)
            if found is not None:
                return Credential("userpass", found[0], found[1])
        return None

    def ssh(username: str | None) -> Credential | None:
        user = username or url_user or "git"
        if os.environ.get("SSH_AUTH_SOCK") and "agent" not in tried:
            tried.add("agent")
            return Credential("ssh-agent", user)
        if "key" not in tried:
            tried.add("key")
            key = os.environ.get("ROSTER_SSH_KEY")
            candidates = [key] if key else [os.path.expanduser(f"~/.ssh/{n}")
                                             for n in ("id_ed25519", "id_ecdsa", "id_rsa")]
            for private in candidates:
                if private and os.path.isfile(private):
                    public = private + ".pub"
                    return Credential("ssh-key", user, os.environ.get("ROSTER_SSH_PASSPHRASE", ""),
                                      public if os.path.isfile(public) else None, private)
        return None

    def provide(asked_for: str, username: str | None, kinds: frozenset[str]) -> Credential:
        cred = None
        if "userpass" in kinds and scheme in ("http", "https"):
            _check_destination(url, origin, asked_for)
            cred = userpass(username)
        elif "ssh-key" in kinds:
            cred = ssh(username)
        elif "username" in kinds and "username" not in tried:
            tried.add("username")
            cred = Credential("username", username or url_user or "git")
        if cred is not None:
            offered.append(cred.kind)
            return cred
        raise RemoteError(f"authentication failed for {redact(url)}: "
                          + ("set ROSTER_GIT_TOKEN, or configure a git credential helper"
                             if scheme in ("http", "https") else "load a key into ssh-agent, or set ROSTER_SSH_KEY")
                          + (" (the credentials offered were refused)" if offered else ""))

    return provide


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _check_destination(url: str, origin: tuple[str, str, int | None] | None, asked_for: str) -> None:
    """Credentials go to the exact host (and port) of the URL given, over https only.

    libgit2 asks with the URL it is talking to, which after a redirect is another
    one; plain http is allowed only to this machine (a local test server), where
    nothing crosses a network.
    """
    if origin is None:
        return
    asked = urlsplit(asked_for) if _SCHEME_URL.match(asked_for or "") else None
    where = _origin(asked) if asked else origin
    if where != origin:
        raise RemoteError(f"refusing to send credentials for {redact(url)} to {where[0]}://{where[1]} "
                          "(the server redirected elsewhere)")
    if origin[0] != "https" and origin[1] not in _LOOPBACK:
        raise RemoteError(f"refusing to send credentials to {redact(url)} over plain {origin[0]}://; use https://")


_LOOPBACK = ("localhost", "127.0.0.1", "::1")


def git_credential_fill(url: str, username: str | None) -> tuple[str, str] | None:
    """(username, password) from git's configured credential helpers; never prompts."""
    git = shutil.which("git")
    parts = urlsplit(url)
    if git is None or not parts.hostname:
        return None
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    request = f"protocol={parts.scheme}\nhost={host}\npath={parts.path.lstrip('/')}\n"
    if username:
        request += f"username={username}\n"
    # Only the user's own (global and system) helpers: never the config of whatever
    # repository the current folder is in, which may be a checkout of someone else's.
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR")}
    env.update(GIT_TERMINAL_PROMPT="0", GCM_INTERACTIVE="never", GIT_ASKPASS="", SSH_ASKPASS="")
    try:
        with tempfile.TemporaryDirectory(prefix="roster-credential-") as neutral:
            env["GIT_CEILING_DIRECTORIES"] = os.path.dirname(neutral)
            proc = subprocess.run([git, "credential", "fill"], input=request + "\n", capture_output=True,
                                  text=True, env=env, timeout=30, check=False, cwd=neutral)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    answer = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    if "password" not in answer:
        return None
    return answer.get("username", username or ""), answer["password"]


# --- locks ------------------------------------------------------------------------


@contextlib.contextmanager
def file_lock(path: str, *, timeout: float = LOCK_TIMEOUT, what: str = "the mirror") -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created if needed), waited for at most ``timeout`` seconds."""
    import fcntl

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
        if _SCHEME_URL.match(url):
            try:
                _ = urlsplit(url).port  # raises ValueError on a malformed host or port
            except ValueError as e:
                raise UsageError(f"{redact(url)!r} is not a valid URL ({e})") from None
        self.url = url
        self.display_url = redact(url)
        self.root = cache_root(cache_dir)
        self.path = os.path.join(self.root, mirror_name(url))
        self._fetch_lock = threading.Lock()  # one fetch at a time in this process
        self._state_lock = threading.Lock()
        self._background: threading.Thread | None = None
        self._last_attempt: float | None = None  # monotonic time of the last fetch started here
        self._error: str | None = None
        self._failed_at: float | None = None
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
        from roster import git

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
                git.create_mirror(tmp, self.display_url, _credentials_for(self.url))
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
        from roster import git

        started = time.time()
        with self._state_lock:
            self._last_attempt = time.monotonic()
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
                    git.fetch_mirror(self.path, _credentials_for(self.url))
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
        from roster import git

        recorded = git.mirror_url(self.path)
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
        from roster.background import start_if_due

        start_if_due(self, interval, self._background_fetch, f"roster-fetch {self.display_url}")

    def _background_fetch(self) -> None:
        try:
            self.fetch()
        except RemoteError:
            pass  # recorded by fetch(); the mirror keeps serving

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background fetch started by ``fetch_in_background`` (tests, shutdown)."""
        thread = self._background
        if thread is not None:
            thread.join(timeout)

    # --- state ---

    def _succeeded(self, stamp: float | None = None) -> None:
        if stamp is not None:
            self._stamp(stamp)
        with self._state_lock:
            self._error = None
            self._failed_at = None
        for callback in list(self.on_fetched):
            callback()

    def _failed(self, error: BaseException, started: float) -> None:
        with self._state_lock:
            self._error = self._clean(str(error)) or type(error).__name__
            self._failed_at = started

    def _clean(self, text: str) -> str:
        """An error text with the URL as given (maybe with credentials) replaced by the redacted one."""
        if self.url != self.display_url:
            text = text.replace(self.url, self.display_url)
        parts = urlsplit(self.url) if _SCHEME_URL.match(self.url) else None
        if parts is not None and parts.password:
            text = text.replace(parts.password, "***")
        return text

    def _age(self) -> str:
        last = self.last_success()
        if last is None:
            return ""
        return f" as of {_iso(last)} ({_ago(time.time() - last)} ago)"

    def staleness(self) -> Staleness:
        last = self.last_success()
        with self._state_lock:
            error, failed_at = self._error, self._failed_at
        if error is not None and last is not None and failed_at is not None and last > failed_at:
            error = failed_at = None  # another process fetched after our failure
        return Staleness(self.display_url, last, None if last is None else max(0.0, time.time() - last),
                         error, failed_at)


def _iso(seconds: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ago(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"


def describe(staleness: Staleness) -> str:
    """One line for people: ``fetched 3 min ago`` or the failure and the age of what is served."""
    if staleness.last_success is None:
        age = "never fetched"
    else:
        age = f"last fetched {_iso(staleness.last_success)} ({_ago(staleness.seconds or 0.0)} ago)"
    if staleness.error:
        return f"{staleness.source}: {staleness.error}; serving what was {age.replace('last ', '')}"
    return f"{staleness.source}: {age}"
