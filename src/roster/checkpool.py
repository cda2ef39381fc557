"""The per-file work of ``check`` (read, YAML, rules, secret scan), on every core.

Checking 1,000 files is ~0.3 s of CPU in one process; the files are independent, so the
process forks after its imports and schema loads are done, each child checks a contiguous
share and sends back its problems (pickled, through a pipe), and the parent checks the
first share itself. The report is the same as one process gives, in the same order: the
shares are joined in file order, and a share whose child failed in any way (it could not
be forked, died, or sent something unreadable) is checked again in the parent.

Forking is only done where it is safe and worth it: Linux, a process with a single thread
(a child of a threaded process may inherit a lock held forever), and enough files to
outweigh the ~2 ms a child costs. A child never touches a git repository's handles: the
caller reads a commit's files in the parent first (``check.check_source``).
"""
from __future__ import annotations

import gc
import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from roster.problems import Problem

T = TypeVar("T")
PARALLEL_MIN = 200  # fewer files: one process is as fast
_MAX_WORKERS = 8


def workers() -> int:
    """How many processes may share the work (the cores this process may run on)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_WORKERS))


def can_fork() -> bool:
    # Linux only: on macOS a forked child of a process that loaded system frameworks may crash
    # (why multiprocessing spawns there); elsewhere there is no fork.
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def check_all(items: Sequence[T], one: Callable[[T], list[Problem]], *, parallel: bool = True,
              processes: int | None = None) -> list[Problem]:
    """The problems of every item, in item order; ``one`` checks one item.

    ``parallel`` False (or too few items, or no safe fork): all in this process.
    """
    count = processes if processes is not None else workers()
    if not parallel or count < 2 or len(items) < max(PARALLEL_MIN, 2 * count) or not can_fork():
        return [p for item in items for p in one(item)]
    first = one(items[0])  # in the parent: the lazy imports and compiled checks happen once, before the fork
    rest = items[1:]
    size = -(-len(rest) // count)
    shares = [rest[i:i + size] for i in range(0, len(rest), size)]
    children = [_start(share, one) for share in shares[1:]]
    try:
        out = first + [p for item in shares[0] for p in one(item)]
        for i, share in enumerate(shares[1:]):
            found = _collect(children[i])
            children[i] = None
            out.extend(found if found is not None else [p for item in share for p in one(item)])
    finally:  # the parent failed (an interrupt): no child is left unwaited for
        for child in children:
            if child is not None:
                _collect(child)
    return out


def _start(share: Sequence[T], one: Callable[[T], list[Problem]]) -> tuple[int, int] | None:
    """(pid, read end of its pipe) of a child checking ``share``; None when it cannot be forked."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:  # a process limit, a sandbox: the parent checks this share
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: never returns into the caller's stack
        code = 1
        try:
            # The child's collections then never walk (and so copy) the pages of the parent's objects.
            gc.freeze()
            os.close(read_end)
            data = pickle.dumps([p for item in share for p in one(item)], protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def _collect(child: tuple[int, int] | None) -> list[Problem] | None:
    """The problems a child sent, or None when it failed (its share is then checked again)."""
    if child is None:
        return None
    pid, read_end = child
    try:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        found = pickle.loads(data)  # our own child's bytes, through a pipe only the two of us hold
    except (pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None
    if not isinstance(found, list) or not all(isinstance(p, Problem) for p in found):
        return None
    return found
