"""A whole site written into a new folder beside the target, then swapped in (``output._swap``).

This is the first publish into a folder, and any publish the previous site cannot
serve (not signed by this repository, another generator, a layout it cannot be
updated in place from). Rendering and writing ~14,000 small files is most of it, so
forked workers each take a share of the assistants.
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from roster.errors import RosterError
from roster.publish.files import IndexFile, KeyFiles, SiteFile, releases_record
from roster.publish.index import PublishedIndex
from roster.publish.manifest import Manifest, stamp
from roster.publish.progress import Progress

Records = dict[str, list[Any]]  # path -> [sha256, size, mtime_ns, ctime_ns, inode]


class Writer:
    """Writes files under ``root``, never outside it, and records what it wrote."""

    # Plain strings and os calls: pathlib's parsing was a third of the per-file cost.
    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self._real_root = os.path.realpath(self.root)
        self.records: Records = {}
        self._dirs: set[str] = set()

    def path(self, rel: str) -> str:
        # Names come from history: refuse anything that would land outside the new site.
        if not rel or rel.startswith("/") or any(part in ("", ".", "..") for part in rel.split("/")):
            raise RosterError(f"cannot publish: refusing the output path {rel!r}")
        path = f"{self.root}/{rel}"
        parent = os.path.dirname(path)
        if parent not in self._dirs:
            os.makedirs(parent, exist_ok=True)
            real = os.path.realpath(parent)
            if real != self._real_root and not real.startswith(self._real_root + os.sep):
                raise RosterError(f"cannot publish: {rel!r} resolves outside the site folder")
            self._dirs.add(parent)
        return path

    def write(self, rel: str, data: bytes) -> None:
        with open(self.path(rel), "wb", buffering=0) as f:
            view = memoryview(data)
            while view:  # unbuffered, so the stamp below is taken after the last write
                view = view[f.write(view) or 0:]
            st = os.fstat(f.fileno())
        # The stamp after the last write: renaming the folder later does not change it.
        self.records[rel] = [hashlib.sha256(data).hexdigest(), *stamp(st)]


_FILES: list[SiteFile] | None = None  # the per-assistant files, inherited by forked workers, never pickled
_ROOT: Path | None = None
_PARALLEL_MIN = 2000  # files; below this, forking costs more than it saves
_CHUNK = 500


def write_all(index: PublishedIndex, root: Path, common: list[SiteFile], per_key: dict[str, KeyFiles],
              indexed: IndexFile, progress: Progress) -> Manifest:
    """Write every file of the site under ``root``; the manifest that describes them (not written)."""
    global _FILES, _ROOT
    files = [f for key_files in per_key.values() for f in key_files.files()]
    progress.stage("writing assistants", len(per_key))
    writer = Writer(root)
    records: Records = {}

    def site_wide() -> None:
        for f in common:
            writer.write(f.path, f.make())

    workers = min(os.cpu_count() or 1, 8)
    done = False
    if len(files) >= _PARALLEL_MIN and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        _FILES, _ROOT = files, root
        started = False
        gc.freeze()  # the children inherit this heap: their collections must not walk (and copy) it
        try:
            chunks = [(i, min(i + _CHUNK, len(files))) for i in range(0, len(files), _CHUNK)]
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.imap_unordered(_work_chunk, chunks)
                started = True
                site_wide()  # the site-wide pages and index.json, while the workers run
                for part in results:
                    records.update(part)
                    progress.update(len(records) * len(per_key) // max(len(files), 1))
            done = True
        except (OSError, multiprocessing.ProcessError):
            if started:
                raise
            # cannot fork here (limits, sandbox): do it in this process
        finally:
            _FILES = _ROOT = None
            gc.unfreeze()
    if not done:
        site_wide()
        records = _work(root, files, lambda n: progress.update(n * len(per_key) // max(len(files), 1)))
    records.update(writer.records)
    return describe(index, records, {f.path: f.signature for f in [*common, *files] if f.signature is not None},
                    indexed)


def describe(index: PublishedIndex, records: Records, sigs: dict[str, str], indexed: IndexFile) -> Manifest:
    """The manifest of a site made of these files (``records``: what each file is now; ``sigs``: what
    each file with a signature was made from)."""
    keys = {key: [index.signatures[key], start, end, *index.summaries[key]]
            for key, (start, end) in indexed.keys.items()}
    # Sorted: the same site has the same manifest, however it was made.
    return Manifest(generator=index.data["generator"], files=dict(sorted(records.items())),
                    sigs=dict(sorted(sigs.items())), keys=keys,
                    members={name: list(span) for name, span in indexed.members.items()
                             if name in ("commits", "redacted", "tags")},
                    releases=releases_record(index, indexed.notes["releases"]) if "releases" in indexed.notes else {})


def _work_chunk(bounds: tuple[int, int]) -> Records:
    assert _FILES is not None and _ROOT is not None
    return _work(_ROOT, _FILES[bounds[0]:bounds[1]], None)


def _work(root: Path, files: list[SiteFile], update: Callable[[int], None] | None) -> Records:
    writer = Writer(root)
    for i, f in enumerate(files):
        writer.write(f.path, f.make())
        if update is not None and i % 256 == 0:
            update(i)
    return writer.records
