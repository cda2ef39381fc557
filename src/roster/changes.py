"""``check --base``: what a change adds, modifies, renames or deletes, and what it re-checks."""
from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.catalog import scan_assistants
from roster.check import CheckReport, check_source
from roster.diff import FieldChange, diff_values
from roster.git import TreeSource
from roster.refs import resolve_commit
from roster.source import FILE, Source

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


def changes_against(roster: Roster, *, base: str, ref: str | None, strict: bool) -> CheckReport:
    """Compare the checked source with ``base``; re-check exactly what the change affects."""
    repo = roster._repo()
    layout = roster.project.layout
    base_source = TreeSource(repo, resolve_commit(repo, base))
    head_source = roster._source(ref)
    old = _contents(base_source, layout)
    new = _contents(head_source, layout)
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
    focused = check_source(head_source, layout, strict=strict, only=recheck)
    return focused._replace(source=f"{focused.source} against {base}", changes=changes)


def _contents(source: Source, layout: Any) -> dict[str, tuple[str, bytes]]:
    entries, _ = scan_assistants(source, layout)
    out = {}
    for item in entries:
        try:
            out[item.assistant_id] = (item.entry.path, source.read(item.entry))
        except OSError:
            out[item.assistant_id] = (item.entry.path, b"")
    return out


def _schema_bytes(source: Source, layout: Any) -> dict[str, bytes]:
    out = {}
    for entry in source.list_files(layout.schemas):
        name = entry.path[len(layout.schemas) + 1:]
        if name.endswith(".json") and "/" not in name and entry.kind == FILE:
            out[name[:-5]] = source.read(entry)
    return out


def _read(source: Source, path: str) -> bytes | None:
    entry = source.find(path)
    return source.read(entry) if entry is not None and entry.kind == FILE else None


def _pair_renames(added: list[str], deleted: list[str], old: dict[str, tuple[str, bytes]],
                  new: dict[str, tuple[str, bytes]]) -> dict[str, str]:
    """new id -> old id, for added/deleted pairs similar enough (git's rename rule of thumb)."""
    pairs: dict[str, str] = {}
    free = list(deleted)
    for new_id in added:
        best, score = None, RENAME_SIMILARITY
        for old_id in free:
            a, b = old[old_id][1], new[new_id][1]
            matcher = difflib.SequenceMatcher(None, a, b)
            # quick_ratio bounds ratio from above: the exact ratio only for likely pairs.
            ratio = 1.0 if a == b else matcher.ratio() if matcher.quick_ratio() >= score else 0.0
            if ratio >= score:
                best, score = old_id, ratio
        if best is not None:
            pairs[new_id] = best
            free.remove(best)
    return pairs


def _data(raw: bytes | None) -> dict[str, Any] | None:
    from roster.yamlload import YamlError, load_bytes

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
