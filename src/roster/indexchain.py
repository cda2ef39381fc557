"""A published ``index.json`` read back into the one history model (``history.Chain``).

``roster publish`` writes, per assistant, every version (its chain position, kind,
file path and content) and the positions where its lineage was deleted. Replayed
in chain order as the changes git would have shown (added, modified, renamed,
deleted), they rebuild the same ``Chain`` the git backend builds from its delta
index, so both backends answer every history question with the same code
(``roster.timeline``). The version's content stands in for the blob: the entry's
``blob`` is a key into ``Published.contents``.

An index is untrusted input: its shape is checked as it is read, and anything
malformed is a ``RemoteError`` naming the file, never a traceback.
"""
from __future__ import annotations

import os
from typing import Any, NamedTuple

from roster.errors import RemoteError
from roster.history import Chain, Change

FORMAT = 1
# Within one commit, changes apply in the order git's rules need: an id is freed
# (deleted, renamed away) before another file takes it.
_ORDER = {"D": 0, "R": 1, "M": 2, "A": 3}


class Published(NamedTuple):
    """One parsed ``index.json``: the chain, and what the chain's entries point at."""

    chain: Chain
    contents: dict[str, dict[str, Any]]  # entry.blob -> the version's content
    folder: str  # the assistants folder the versions' paths are under
    head: str
    generated_at: str | None
    branches: dict[str, str]
    tags: dict[str, str]
    commits: dict[str, dict[str, Any]]  # commit -> {date, author, message}
    environments: dict[str, dict[str, Any]]


def parse(data: Any, source: str) -> Published:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise RemoteError(f"{source}: not a Roster index.json of format {FORMAT} (format: {found!r})")
    try:
        return _parse(data)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        raise RemoteError(f"{source}: malformed index.json ({type(e).__name__}: {e})") from e


def _parse(data: dict[str, Any]) -> Published:
    commits_on_chain = [_text(c) for c in data["chain"]]
    pos = {c: i for i, c in enumerate(commits_on_chain)}
    entries = data["assistants"]
    if not isinstance(entries, dict):
        raise TypeError("assistants is not a mapping")
    lineages = [_lineage(entry, pos) for entry in entries.values()
                if isinstance(entry, dict) and entry.get("status") != "renamed"]
    lineages += [_lineage(older, pos) for entry in entries.values() if isinstance(entry, dict)
                 for older in entry.get("earlier") or ()]
    folder = _folder(lineages)
    contents: dict[str, dict[str, Any]] = {}
    deltas: dict[int, list[Change]] = {}
    for versions, deletions in lineages:
        _replay(versions, deletions, folder, contents, deltas)
    by_commit = {commits_on_chain[p]: tuple(sorted(changes, key=_change_order)) for p, changes in deltas.items()}
    chain = Chain(commits_on_chain, bool(data.get("cut")), by_commit)
    environments = data.get("environments") or {}  # absent when the repository has no environment files
    return Published(
        chain=chain, contents=contents, folder=folder, head=_text(data["head"]),
        generated_at=data.get("generated_at"),
        branches={_text(k): _text(v) for k, v in (data.get("branches") or {}).items()},
        tags={_text(k): _text(v) for k, v in (data.get("tags") or {}).items()},
        commits={k: v for k, v in (data.get("commits") or {}).items() if isinstance(v, dict)},
        environments={k: v for k, v in environments.items() if isinstance(v, dict)})


def _lineage(entry: dict[str, Any], pos: dict[str, int]) -> tuple[list[dict[str, Any]], list[int]]:
    """A lineage's versions (by position) and the positions where it was deleted."""
    versions = []
    for v in entry["versions"]:
        if not isinstance(v, dict) or not isinstance(v.get("content"), dict):
            raise TypeError("a version is not a mapping with a content mapping")
        at = v["pos"]
        if not isinstance(at, int) or pos.get(v["commit"]) != at:
            raise ValueError(f"version {v.get('version')!r} of {entry.get('assistant_id')!r}: "
                             f"its pos does not match its commit on the chain")
        _text(v["assistant_id"])
        versions.append(v)
    versions.sort(key=lambda v: v["pos"])
    deletions = {int(p) for p in entry.get("deletions") or ()}
    ended = entry.get("ended_at")
    if entry.get("status") == "deleted" and ended in pos:  # an index written before "deletions" existed
        deletions.add(pos[ended])
    if any(not 0 <= p < len(pos) for p in deletions):
        raise ValueError(f"a deletion of {entry.get('assistant_id')!r} is not on the chain")
    return versions, sorted(deletions)


def _replay(versions: list[dict[str, Any]], deletions: list[int], folder: str,
            contents: dict[str, dict[str, Any]], deltas: dict[int, list[Change]]) -> None:
    """The changes git showed for one lineage, each at its chain position."""
    events = sorted([(v["pos"], 1, v) for v in versions] + [(p, 0, None) for p in deletions],
                    key=lambda e: (e[0], e[1]))
    path: str | None = None
    blob: str | None = None
    for at, _, v in events:
        if v is None:
            if path is not None:
                deltas.setdefault(at, []).append(Change("D", path, None, blob, None))
            path = blob = None
            continue
        new_path = _relpath(v, folder)
        new_blob = f"{v['commit']}\n{v['assistant_id']}"
        contents[new_blob] = v["content"]
        if path is None or v.get("kind") in ("added", "re-added"):
            change = Change("A", None, new_path, None, new_blob)
        elif new_path != path:
            change = Change("R", path, new_path, blob, new_blob)
        else:
            change = Change("M", path, new_path, blob, new_blob)
        deltas.setdefault(at, []).append(change)
        path, blob = new_path, new_blob


def _change_order(ch: Change) -> tuple[int, str]:
    return _ORDER[ch.status], ch.old_path or ch.new_path or ""


def _relpath(v: dict[str, Any], folder: str) -> str:
    """The version's file below the assistants folder (``team/x.yaml``)."""
    path = v.get("path")
    prefix = f"{folder}/" if folder else ""
    if isinstance(path, str) and path.startswith(prefix) and path[len(prefix):]:
        return path[len(prefix):]
    return f"{_text(v['assistant_id'])}.yaml"  # an index written before versions had paths


def _folder(lineages: list[tuple[list[dict[str, Any]], list[int]]]) -> str:
    """The assistants folder, from a version's file path when the index records one."""
    for versions, _ in lineages:
        for v in versions:
            path, assistant_id = v.get("path"), v.get("assistant_id")
            if isinstance(path, str) and isinstance(assistant_id, str):
                stem = os.path.splitext(path)[0]
                if stem.endswith("/" + assistant_id):
                    return stem[: -len(assistant_id) - 1]
    return "assistants"


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, found {type(value).__name__}")
    return value
