"""A progress bar on stderr, drawn only when stderr is a terminal.

A CI log or a redirected stderr gets nothing: carriage returns would only
fill the log with noise.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Stages with a count each: ``stage(label, total)`` then ``update(done)``."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None, width: int = 28) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.width = width
        self.label = ""
        self.total = 0
        self._last = float("-inf")  # never drawn (0.0 is boot time on the monotonic clock)
        self._drawn = False

    def stage(self, label: str, total: int) -> None:
        self.label = label
        self.total = max(total, 0)
        self._last = float("-inf")  # never drawn (0.0 is boot time on the monotonic clock)
        self.update(0, force=True)

    def update(self, done: int, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        # Redraw at most ~15 times a second: drawing is slower than the work it reports.
        if not force and done < self.total and now - self._last < 0.066:
            return
        self._last = now
        if self.total:
            frac = min(done / self.total, 1.0)
            filled = int(frac * self.width)
            bar = "#" * filled + "." * (self.width - filled)
            text = f"\r{self.label:<18} [{bar}] {done}/{self.total}"
        else:
            text = f"\r{self.label}"
        self.stream.write(text + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False


class NoProgress(Progress):
    def __init__(self) -> None:
        super().__init__(enabled=False)
