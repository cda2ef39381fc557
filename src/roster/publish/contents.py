"""The content of each published version: read from git once per blob, parsed and scanned
for secrets once, on every core for a large history (``read_contents``).

What a version holds is ``model.file_content`` of its file (valid or not), named by the id
the assistant had then, and redacted: a value the secret rules flag is published as
``[redacted]`` in every version and every page (SPEC section 7).
"""
from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
from collections.abc import Callable
from typing import Any

from roster.content import named, plain_content
from roster.git import read_blobs
from roster.history import VersionEntry
from roster.hygiene import scanned
from roster.publish.progress import Progress
from roster.yamlload import YamlError, load_bytes

Content = tuple[dict[str, Any], list[str]]  # a version's content, redacted, and where it was (sorted paths)
ContentKey = tuple[str, str, "str | None"]  # (commit, id, path in the repository): what fixes a version's content


def read_contents(repo: Any, layout: str, entries: list[VersionEntry], old: dict[ContentKey, dict[str, Any]],
              progress: Progress, checked: Callable[[], object]) -> dict[ContentKey, Content]:
    """(commit, id, path) -> content, redacted; from the previous index where it has them (scanned
    again: that tells where it was redacted), else parsed and scanned for secrets once per blob."""
    out: dict[ContentKey, Content] = {}
    todo = []
    for e in entries:
        at = (e.commit, e.assistant_id, f"{layout}/{e.path}" if e.path else None)
        if at in out:
            continue
        if at in old:
            out[at] = _scanned(old[at])
        else:
            todo.append((at, e))
    blobs = list(dict.fromkeys(e.blob for _, e in todo))
    progress.stage("reading versions", len(blobs))
    raws = read_blobs(repo, blobs, progress.update)
    checked()  # the thread is done before workers are forked
    progress.stage("parsing versions", len(blobs))
    parsed = _parse_all(raws, progress)
    for at, e in todo:
        out[at] = _named(parsed[e.blob], e.assistant_id)
    return out


def _scanned(content: dict[str, Any]) -> Content:
    # redacted_places(content, marked=True) and redacted(content), in one walk
    return scanned(content)


def _named(parsed: Content, assistant_id: str) -> Content:
    """A blob's scanned content as the version of ``assistant_id`` holds it.

    The name defaults to the id the assistant had in that version (as Resolver does).
    Then the id is a value of the content too: it alone is judged (the rest was, with
    the blob), which flags and redacts what a scan of the whole named content would.
    """
    base, places = parsed
    content = named(base, assistant_id)
    if not base.get("name"):
        judged, name_places = scanned({"name": content["name"]})
        if name_places:
            content["name"] = judged["name"]
            places = sorted({*places, *name_places})
    return content, places


_PARALLEL_MIN = 1500  # below this, starting worker processes costs more than it saves
_CHUNK = 400


def _parse_all(raws: dict[str, bytes], progress: Progress) -> dict[str, Content]:
    """blob -> content (``name`` None when the file sets none), redacted, on every core for large histories.

    Parsing YAML and scanning it for secrets are the CPU-bound steps of a publish; the
    workers are forked (Linux), inherit the blobs (nothing is sent to them but a range)
    and only parse bytes, they never touch the repository; what they send back is marshal
    data, several times cheaper to read than a pickle of the same dicts.
    """
    global _ITEMS
    items = list(raws.items())
    workers = min(os.cpu_count() or 1, 8)
    out: dict[str, Content] = {}
    if len(items) >= _PARALLEL_MIN and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        _ITEMS = items
        gc.freeze()  # the children inherit this heap: their collections must not walk (and copy) it
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                ranges = [(i, min(i + _CHUNK, len(items))) for i in range(0, len(items), _CHUNK)]
                for part in pool.imap_unordered(_parse_chunk, ranges):
                    out.update(marshal.loads(part) if isinstance(part, bytes) else part)
                    progress.update(len(out))
            return out
        except (OSError, multiprocessing.ProcessError):
            out.clear()  # cannot fork here (limits, sandbox): parse in this process instead
        finally:
            _ITEMS = None
            gc.unfreeze()
    for i, (blob, raw) in enumerate(items):
        out[blob] = _parse(raw)
        if i % 128 == 0:
            progress.update(i)
    progress.update(len(out), force=True)
    return out


_ITEMS: list[tuple[str, bytes]] | None = None  # the blobs to parse, inherited by forked workers


def _parse_chunk(bounds: tuple[int, int]) -> bytes | dict[str, Content]:
    assert _ITEMS is not None
    part = {blob: _parse(raw) for blob, raw in _ITEMS[bounds[0]:bounds[1]]}
    try:
        return marshal.dumps(part)
    except ValueError:  # a value marshal cannot hold: pickled by the pool instead
        return part


def _parse(raw: bytes) -> Content:
    """The content ``roster history`` shows for a version (``model.file_content``), redacted."""
    try:
        data = load_bytes(raw).data
    except YamlError:
        data = {}
    content = plain_content(data)
    if content is None:
        # lazy: pydantic, for the files that may not be valid ones (a re-publish of valid files needs none)
        from roster.model import content_of

        content = content_of(data)
    return _scanned(content)
