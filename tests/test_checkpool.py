"""``check`` on every core: the same report as one process, in the same order, or one process."""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from helpers.gitcmd import commit_all
from helpers.paths import EXAMPLES
from roster import checkpool
from roster.check import check_source
from roster.git import Repo, TreeSource
from roster.problems import Problem
from roster.source import FolderSource, Layout

EXAMPLE_FILES = sorted((EXAMPLES / "positive").iterdir()) + sorted((EXAMPLES / "negative").iterdir())
needs_fork = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="check forks on Linux only")


@pytest.fixture
def many(example_project: Path) -> Path:
    """Every good and bad example, several times over, in folders: more files than PARALLEL_MIN."""
    copies = -(-checkpool.PARALLEL_MIN // len(EXAMPLE_FILES)) + 1
    for n in range(copies):
        folder = example_project / "assistants" / f"team-{n}"
        folder.mkdir()
        for example in EXAMPLE_FILES:
            (folder / example.name).write_bytes(example.read_bytes())
    return example_project


def _pid_of(i: int) -> list[Problem]:
    return [Problem("error", f"f{i}", 1, 1, "", str(os.getpid()))]


@needs_fork
def test_a_parallel_check_reports_exactly_what_one_process_reports(many: Path):
    source = FolderSource(str(many))
    one = check_source(source, Layout(), parallel=False)
    shared = check_source(source, Layout(), parallel=True)
    assert shared.checked == one.checked >= checkpool.PARALLEL_MIN
    assert one.errors and one.warnings  # bad files among the good ones, each with its lines and columns
    assert shared.problems == one.problems


@needs_fork
def test_a_parallel_check_of_a_commit_reads_in_the_parent_and_reports_the_same(many: Path):
    commit = commit_all(many, "all examples")
    source = TreeSource(Repo(str(many)), commit)
    assert check_source(source, Layout(), parallel=True).problems == \
        check_source(source, Layout(), parallel=False).problems


@needs_fork
def test_the_work_is_shared_among_processes_and_joined_in_item_order():
    items = list(range(checkpool.PARALLEL_MIN * 2))
    found = checkpool.check_all(items, _pid_of, processes=3)
    assert [p.path for p in found] == [f"f{i}" for i in items]
    pids = {p.message for p in found}
    assert str(os.getpid()) in pids and len(pids) == 3


def test_without_fork_everything_is_checked_in_this_process(monkeypatch: pytest.MonkeyPatch):
    def refuse() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse, raising=False)
    items = list(range(checkpool.PARALLEL_MIN * 2))
    found = checkpool.check_all(items, _pid_of, processes=2)
    assert [p.path for p in found] == [f"f{i}" for i in items]
    assert {p.message for p in found} == {str(os.getpid())}


@needs_fork
def test_a_share_whose_child_fails_is_checked_again_in_the_parent():
    parent = os.getpid()

    def fails_in_a_child(i: int) -> list[Problem]:
        if os.getpid() != parent:
            raise RuntimeError("a child that dies half-way")
        return _pid_of(i)

    items = list(range(checkpool.PARALLEL_MIN * 2))
    found = checkpool.check_all(items, fails_in_a_child, processes=2)
    assert [p.path for p in found] == [f"f{i}" for i in items]
    assert {p.message for p in found} == {str(parent)}


@needs_fork
def test_a_process_with_threads_does_not_fork():
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    waiting.start()
    try:
        found = checkpool.check_all(list(range(checkpool.PARALLEL_MIN * 2)), _pid_of, processes=2)
    finally:
        stop.set()
        waiting.join()
    assert {p.message for p in found} == {str(os.getpid())}


def test_few_files_are_checked_in_this_process():
    found = checkpool.check_all(list(range(10)), _pid_of, processes=4)
    assert {p.message for p in found} == {str(os.getpid())}
