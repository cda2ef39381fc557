"""Freshness (roster.freshness): background refreshes at most one at a time and once per
interval, and the staleness a copy reports. Threads are ordered with events, never sleeps."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from roster.freshness import Freshness, Staleness, describe, format_age


def _gated() -> tuple[threading.Event, threading.Event, list[int], Callable[[], None]]:
    """A refresh that says it started, then waits until released."""
    started, release = threading.Event(), threading.Event()
    runs: list[int] = []

    def target() -> None:
        runs.append(1)
        started.set()
        release.wait(30)

    return started, release, runs, target


def test_the_first_call_starts_a_refresh_and_a_running_one_is_not_doubled() -> None:
    f = Freshness()
    started, release, runs, target = _gated()
    assert f.start_if_due(0, target, "refresh") is True
    assert started.wait(30)
    assert f.start_if_due(0, target, "refresh") is False
    release.set()
    f.wait(30)
    assert runs == [1]
    assert f.start_if_due(0, target, "refresh") is True
    f.wait(30)
    assert runs == [1, 1]


def test_not_due_within_the_interval_of_the_last_attempt() -> None:
    f = Freshness()
    ran: list[str] = []
    f.attempt()  # a refresh made in the foreground counts too
    assert f.start_if_due(3600, lambda: ran.append("x"), "refresh") is False
    fresh = Freshness()
    assert fresh.start_if_due(3600, lambda: ran.append("y"), "refresh") is True  # never attempted: due
    fresh.wait(30)
    assert fresh.start_if_due(3600, lambda: ran.append("z"), "refresh") is False
    assert ran == ["y"]


def test_the_background_thread_is_a_named_daemon() -> None:
    f = Freshness()
    seen: list[threading.Thread] = []
    f.start_if_due(0, lambda: seen.append(threading.current_thread()), "roster-fetch https://host/x")
    f.wait(30)
    assert seen[0].daemon and seen[0].name == "roster-fetch https://host/x"


def test_wait_without_a_refresh_returns() -> None:
    Freshness().wait(0)


def test_staleness_never_then_failed_then_succeeded() -> None:
    f = Freshness()
    never = f.staleness("https://host/x")
    assert never == Staleness("https://host/x", None, None, None, None) and never.ok
    f.failed("cannot fetch: timed out", at=1000.0)
    failed = f.staleness("https://host/x")
    assert (failed.error, failed.failed_at, failed.last_success) == ("cannot fetch: timed out", 1000.0, None)
    assert not failed.ok
    before = time.time()
    f.succeeded()
    ok = f.staleness("https://host/x")
    assert ok.ok and ok.failed_at is None and ok.last_success is not None and ok.last_success >= before
    assert ok.seconds is not None and ok.seconds >= 0
    assert f.last_success == ok.last_success


def test_a_success_elsewhere_after_our_failure_clears_it() -> None:
    f = Freshness()
    f.failed("offline", at=2000.0)
    # Another process sharing the mirror fetched after our failure: its stamp wins.
    assert f.staleness("s", last_success=2500.0).ok
    # A success before our failure does not hide it.
    stale = f.staleness("s", last_success=1500.0)
    assert stale.error == "offline" and stale.last_success == 1500.0
    assert stale.seconds is not None and stale.seconds > 0


def test_describe_for_people() -> None:
    assert describe(Staleness("https://host/x", None, None, None, None)) == "https://host/x: never fetched"
    ok = describe(Staleness("https://host/x", 0.0, 90.0, None, None))
    assert ok == "https://host/x: last fetched 1970-01-01T00:00:00Z (90 s ago)"
    failed = describe(Staleness("https://host/x", 0.0, 7200.0, "timed out", 10.0))
    assert failed == "https://host/x: timed out; serving what was fetched 1970-01-01T00:00:00Z (2 h ago)"
    assert [format_age(s) for s in (5, 600, 36000, 864000)] == ["5 s", "10 min", "10 h", "10 days"]
