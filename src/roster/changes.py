"""``check --base``: what a change adds, modifies, renames or deletes, and what it re-checks."""
from __future__ import annotations

import hashlib
from collections import Counter
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.catalog import scan_assistants
from roster.check import CheckReport, check_source, short_ids
from roster.diff import FieldChange, diff_values
from roster.errors import GitError, UsageError
from roster.git import Repo, TreeSource
from roster.graphsettings import SUFFIX
from roster.problems import Problem
from roster.refs import resolve_commit
from roster.source import FILE, Source
from roster.yamlload import YamlError, load_bytes

if TYPE_CHECKING:
    from roster.roster import Roster

RENAME_SIMILARITY = 0.5


class AssistantChange(NamedTuple):
    assistant_id: str
    status: str  # added, modified, renamed, deleted, schema-changed
    path: str
    old_id: str | None
    graph_id: str | None
    fields: list[FieldChange]

    def as_json(self) -> dict[str, Any]:
        return {"assistant_id": self.assistant_id, "status": self.status, "path": self.path,
                "old_id": self.old_id, "graph_id": self.graph_id, "changes": [f.as_json() for f in self.fields]}

    def format(self) -> str:
        what = f"{self.status} (from {self.old_id})" if self.old_id else self.status
        count = f", {len(self.fields)} field(s)" if self.fields else ""
        return f"{self.path}: {what}{count}"


def changes_against(roster: Roster, *, base: str, ref: str | None, strict: bool,
                    allow_empty: bool = False) -> CheckReport:
    """Compare the checked source with the merge base of ``base`` and it; re-check what the change affects.

    Like GitHub's three-dot diff: on a branch that is behind ``base``, what ``base`` gained
    since the branch forked is not this change.
    """
    repo = roster.repository
    layout = roster.project.layout
    head_commit = resolve_commit(repo, "HEAD" if ref is None else ref)
    fork, note = merge_base(repo, resolve_commit(repo, base), head_commit, base)
    base_source = TreeSource(repo, fork)
    head_source = roster.source(ref)
    old, old_scan = _contents(base_source, layout)
    new, new_scan = _contents(head_source, layout)
    old_schemas = _schema_bytes(base_source, layout)
    new_schemas = _schema_bytes(head_source, layout)
    changed_graphs = {g for g in set(old_schemas) | set(new_schemas) if old_schemas.get(g) != new_schemas.get(g)}
    lg_changed = _read(base_source, layout.langgraph_json) != _read(head_source, layout.langgraph_json)

    added = [i for i in new if i not in old]
    deleted = [i for i in old if i not in new]
    renames = _pair_renames(added, deleted, old, new)
    changes: list[AssistantChange] = []
    for assistant_id in sorted(new):
        path, raw = new[assistant_id]
        if assistant_id in renames:
            old_id = renames[assistant_id]
            changes.append(_change(assistant_id, "renamed", path, old_id, old[old_id][1], raw))
        elif assistant_id not in old:
            changes.append(_change(assistant_id, "added", path, None, None, raw))
        elif old[assistant_id][1] != raw:
            changes.append(_change(assistant_id, "modified", path, None, old[assistant_id][1], raw))
        else:
            graph = _graph_of(raw)
            if lg_changed or graph in changed_graphs:
                changes.append(AssistantChange(assistant_id, "schema-changed", path, None, graph, []))
    gone = set(renames.values())
    for assistant_id in sorted(deleted):
        if assistant_id not in gone:
            path, raw = old[assistant_id]
            changes.append(AssistantChange(assistant_id, "deleted", path, None, _graph_of(raw), []))
    recheck = {c.assistant_id for c in changes if c.status != "deleted"}
    # A file whose name is no valid id has no entry, only a problem of the scan: one the change
    # brings must fail the gate as it fails a full check.
    known = {(p.path, p.message) for p in old_scan}
    recheck |= {p.assistant_id for p in new_scan if p.assistant_id is not None and (p.path, p.message) not in known}
    focused = check_source(head_source, layout, strict=strict, only=recheck, allow_empty=allow_empty)
    return focused._replace(source=short_ids(f"{focused.source} against {base}{note}"), changes=changes)


def merge_base(repo: Repo, base_commit: str, head_commit: str, base: str) -> tuple[str, str]:
    """The fork point of the two commits, and a note for the report when it is not the merge base."""
    try:
        found = repo.merge_base(base_commit, head_commit)
    except GitError as e:
        raise GitError(f"cannot find the merge base of {base} and the checked commit: {e}") from e
    if found is not None:
        return found, ""
    if repo.is_shallow():
        # A shallow checkout may hold the two tips but not their fork point: compare with the tip,
        # and say so, rather than fail the pull request.
        return base_commit, " (shallow clone: compared with its tip; fetch more history for the merge base)"
    raise UsageError(f"{base} and the checked commit share no history: there is no merge base to compare with")


def _contents(source: Source, layout: Any) -> tuple[dict[str, tuple[str, bytes]], list[Problem]]:
    """id -> (path, bytes) of every assistant file, and the problems of the scan (names that are no id)."""
    entries, problems = scan_assistants(source, layout)
    out = {}
    for item in entries:
        try:
            out[item.assistant_id] = (item.entry.path, source.read(item.entry))
        except OSError:
            out[item.assistant_id] = (item.entry.path, b"")
    return out, problems


def _schema_bytes(source: Source, layout: Any) -> dict[str, bytes]:
    """graph id -> what its assistants are checked with: the schema file, and its settings file."""

    out: dict[str, bytes] = {}
    for entry in source.list_files(layout.schemas):
        name = entry.path[len(layout.schemas) + 1:]
        if "/" in name or entry.kind != FILE:
            continue
        if name.endswith(SUFFIX):
            graph, raw = name[:-len(SUFFIX)], b"\0settings\0" + source.read(entry)
        elif name.endswith(".json"):
            graph, raw = name[:-5], source.read(entry)
        else:
            continue
        out[graph] = out.get(graph, b"") + raw
    return out


def _read(source: Source, path: str) -> bytes | None:
    entry = source.find(path)
    return source.read(entry) if entry is not None and entry.kind == FILE else None


def _pair_renames(added: list[str], deleted: list[str], old: dict[str, tuple[str, bytes]],
                  new: dict[str, tuple[str, bytes]]) -> dict[str, str]:
    """new id -> old id, for added/deleted pairs similar enough (git's rename rule of thumb).

    Never every added file against every deleted one (hundreds of renames took minutes):
    identical contents pair first through a hash; the rest are scored only against the
    deleted files that share a rare chunk with them, as git's rename detection does.
    """
    pairs: dict[str, str] = {}
    by_hash: dict[bytes, list[str]] = {}
    for old_id in sorted(deleted):
        by_hash.setdefault(hashlib.sha1(old[old_id][1]).digest(), []).append(old_id)
    rest = []
    for new_id in sorted(added):
        same = by_hash.get(hashlib.sha1(new[new_id][1]).digest())
        if same:
            pairs[new_id] = same.pop(0)
        else:
            rest.append(new_id)
    free = {i for ids in by_hash.values() for i in ids}
    if not rest or not free:
        return pairs
    sketches = {old_id: _chunks(old[old_id][1]) for old_id in free}
    postings: dict[int, list[str]] = {}
    for old_id in sorted(free):
        for chunk in sketches[old_id]:
            postings.setdefault(chunk, []).append(old_id)
    common = max(8, len(free) // 10)  # a chunk in many files (graph_id: writer) says nothing
    scored: list[tuple[float, str, str]] = []
    for new_id in rest:
        mine = _chunks(new[new_id][1])
        votes: Counter[str] = Counter()
        for chunk in mine:
            ids = postings.get(chunk, ())
            if len(ids) <= common:
                votes.update(ids)
        if not votes:  # nothing rare in it: let the common chunks vote (counting only, no scoring)
            for chunk in mine:
                votes.update(postings.get(chunk, ()))
        for old_id, _ in votes.most_common(8):
            score = _similarity(mine, sketches[old_id])
            if score >= RENAME_SIMILARITY:
                scored.append((score, new_id, old_id))
    taken: set[str] = set()
    for _, new_id, old_id in sorted(scored, key=lambda t: (-t[0], t[1], t[2])):
        if new_id not in pairs and old_id not in taken:
            pairs[new_id] = old_id
            taken.add(old_id)
    return pairs


def _chunks(raw: bytes) -> Counter[int]:
    """Byte counts per chunk (a line, or 64 bytes of a long one), keyed by the chunk's hash."""
    out: Counter[int] = Counter()
    for line in raw.splitlines(keepends=True):
        for i in range(0, len(line), 64):
            piece = line[i:i + 64]
            out[hash(piece)] += len(piece)
    return out


def _similarity(a: Counter[int], b: Counter[int]) -> float:
    """Bytes in common over the larger file's bytes (git's measure, on chunks)."""
    total = max(sum(a.values()), sum(b.values()))
    if total == 0:
        return 1.0
    return sum(min(n, b[k]) for k, n in a.items() if k in b) / total


def _data(raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        return load_bytes(raw).data
    except YamlError:
        return None


def _graph_of(raw: bytes) -> str | None:
    data = _data(raw)
    value = data.get("graph_id") if data else None
    return value if isinstance(value, str) else None


def _change(assistant_id: str, status: str, path: str, old_id: str | None, old_raw: bytes | None,
            new_raw: bytes) -> AssistantChange:
    new_data = _data(new_raw)
    old_data = _data(old_raw) if old_raw is not None else {}
    fields = diff_values(old_data, new_data) if old_data is not None and new_data is not None else []
    graph = new_data.get("graph_id") if isinstance(new_data, dict) else None
    return AssistantChange(assistant_id, status, path, old_id, graph if isinstance(graph, str) else None, fields)
