"""Refreshing in the background: at most one task at a time, at most once per interval.

Shared by git mirrors (fetch) and published indexes (download): a service's
request never waits on the network; it starts a refresh and is answered from
what is already there.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


def start_if_due(owner: Any, interval: float, target: Callable[[], None], name: str) -> None:
    """Start ``target`` in a daemon thread when ``owner``'s last attempt is ``interval`` old.

    ``owner`` keeps ``_state_lock``, ``_last_attempt`` (monotonic seconds, None when
    never attempted) and ``_background`` (the running thread or None). Cheap when not
    due: one clock read.
    """
    if not _due(owner._last_attempt, interval):
        return
    with owner._state_lock:
        if not _due(owner._last_attempt, interval):
            return
        if owner._background is not None and owner._background.is_alive():
            return
        owner._last_attempt = time.monotonic()
        thread = threading.Thread(target=target, name=name, daemon=True)
        owner._background = thread
    thread.start()


def _due(last_attempt: float | None, interval: float) -> bool:
    # None, not 0.0, means "never": monotonic time starts near boot, so a 0.0 sentinel
    # would look recent on a machine up for less than the interval.
    return last_attempt is None or time.monotonic() - last_attempt >= interval
