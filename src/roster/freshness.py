"""How fresh a copy of a remote source is, and refreshing it in the background.

One ``Freshness`` per source (a git mirror, a downloaded index) holds its refresh
state: when a refresh was last attempted, the background refresh running (at most
one, at most once per interval), the last success and the last failure. A
service's request never waits on the network: it starts a refresh when one is due
and is answered from what is already there; ``staleness()`` says how old that is.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import NamedTuple


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


class Freshness:
    """The refresh state of one source; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # None, not 0.0, means "never": monotonic time starts near boot, so a 0.0 sentinel
        # would look recent on a machine up for less than the interval.
        self._last_attempt: float | None = None  # monotonic seconds
        self._background: threading.Thread | None = None
        self._last_success: float | None = None  # epoch seconds
        self._error: str | None = None
        self._failed_at: float | None = None  # epoch seconds

    def attempt(self) -> None:
        """Record that a refresh starts now (what ``start_if_due`` measures the interval from)."""
        with self._lock:
            self._last_attempt = time.monotonic()

    def succeeded(self, at: float | None = None) -> None:
        """Record a successful refresh (at ``at``, epoch seconds; default now); clears the last failure."""
        with self._lock:
            self._last_success = time.time() if at is None else at
            self._error = self._failed_at = None

    def failed(self, message: str, at: float | None = None) -> None:
        """Record a failed refresh: ``message`` (without credentials), started at ``at`` (default now)."""
        with self._lock:
            self._error = message
            self._failed_at = time.time() if at is None else at

    @property
    def last_success(self) -> float | None:
        with self._lock:
            return self._last_success

    def staleness(self, source: str, last_success: float | None = None) -> Staleness:
        """How old the copy of ``source`` is, and the last failure since its last success.

        ``last_success``: where the source records its successes elsewhere (a mirror's
        stamp, written by every process sharing it), that time; else the one recorded here.
        A failure older than the last success (another process refreshed since) is dropped.
        """
        with self._lock:
            last = self._last_success if last_success is None else last_success
            error, failed_at = self._error, self._failed_at
        if error is not None and last is not None and failed_at is not None and last > failed_at:
            error = failed_at = None
        return Staleness(source, last, None if last is None else max(0.0, time.time() - last), error, failed_at)

    def start_if_due(self, interval: float, target: Callable[[], None], name: str) -> bool:
        """Start ``target`` in a daemon thread when the last attempt is ``interval`` seconds old
        (or there was none) and no background refresh is running; True when started.

        Cheap when not due: one clock read. ``target`` records its own outcome
        (``succeeded``/``failed``); the attempt is recorded here, before it starts.
        """
        if not self._due(interval):
            return False
        with self._lock:
            if not self._due(interval):
                return False
            if self._background is not None and self._background.is_alive():
                return False
            self._last_attempt = time.monotonic()
            thread = threading.Thread(target=target, name=name, daemon=True)
            self._background = thread
        thread.start()
        return True

    def _due(self, interval: float) -> bool:
        last = self._last_attempt
        return last is None or time.monotonic() - last >= interval

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the background refresh started last, if any (tests, shutdown)."""
        with self._lock:
            thread = self._background
        if thread is not None:
            thread.join(timeout)


def format_time(seconds: float) -> str:
    """Epoch seconds as ISO 8601 UTC, to the second."""
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_age(seconds: float) -> str:
    """A duration for people: ``45 s``, ``12 min``, ``5 h``, ``3 days``."""
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
        age = f"last fetched {format_time(staleness.last_success)} ({format_age(staleness.seconds or 0.0)} ago)"
    if staleness.error:
        return f"{staleness.source}: {staleness.error}; serving what was {age.replace('last ', '')}"
    return f"{staleness.source}: {age}"
