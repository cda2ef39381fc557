"""``roster pull``: bring assistants edited on a LangGraph server (Studio, the SDK) home to git.

For every drifted assistant (see :mod:`roster.langgraph.drift`) the server's content is
written into the assistant's file in the working tree with the smallest edit
(:mod:`roster.yamledit`), ready for a branch and a pull request. When the file also changed
since the base (in a commit or in the working tree), nothing is written for it: a conflict,
reported with both diffs.
"""
from __future__ import annotations

import copy
import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roster.catalog import Graphs, load_assistant
from roster.content import from_mapping
from roster.diff import FieldChange
from roster.errors import RosterError
from roster.langgraph.content import (
    ROSTER_KEYS,
    desired_content,
    labelled_changes,
    managed_keys,
    same,
    server_content,
)
from roster.langgraph.deploy import RosterLookup
from roster.langgraph.drift import find_base
from roster.langgraph.sync import plan_sync
from roster.source import FolderSource
from roster.yamlload import YamlError, load_text

if TYPE_CHECKING:
    from roster.roster import Roster

WRITE, CONFLICT, REFUSED, CURRENT = "write", "conflict", "refused", "current"
Path = tuple[str, ...]


@dataclass
class PullItem:
    status: str  # write | conflict | refused | current (the working tree already holds it)
    assistant_id: str
    path: str  # the file, relative to the repository top
    server_id: str
    base: str = ""
    server_changes: list[FieldChange] = field(default_factory=list)  # base -> server
    git_changes: list[FieldChange] = field(default_factory=list)  # base -> file (conflicts)
    diff: list[str] = field(default_factory=list)  # unified diff of the file
    message: str = ""

    def as_json(self) -> dict:
        return {"status": self.status, "assistant_id": self.assistant_id, "path": self.path,
                "server_id": self.server_id, "base": self.base,
                "server_changes": [c.as_json() for c in self.server_changes],
                "git_changes": [c.as_json() for c in self.git_changes], "diff": "\n".join(self.diff),
                "message": self.message}


@dataclass
class PullResult:
    items: list[PullItem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return all(i.status in (WRITE, CURRENT) for i in self.items)

    def as_json(self) -> dict:
        return {"ok": self.ok, "dry_run": self.dry_run, "items": [i.as_json() for i in self.items]}


class _FileView:
    """A working-tree file's fields, shaped like an Assistant for the content model."""

    def __init__(self, assistant_id: str, data: Mapping) -> None:
        self.data = data
        fields = from_mapping({})  # defaults
        fields.update({k: data[k] for k in fields if k in data and data[k] is not None})
        self.assistant_id = assistant_id
        self.graph_id = fields["graph_id"]
        self.name = fields["name"] or assistant_id
        self.description = fields["description"]
        self.config = fields["config"] if isinstance(fields["config"], dict) else {}
        self.context = fields["context"] if isinstance(fields["context"], dict) else {}
        self.metadata = fields["metadata"] if isinstance(fields["metadata"], dict) else {}


def pull(roster: Roster, client: Any, *, dry_run: bool = False) -> PullResult:
    """Write each drifted assistant's server content into its file (unless ``dry_run``)."""
    top = roster.project.top
    if top is None:
        raise RosterError("roster pull writes files: it needs a working tree, not a bare repository or URL")
    assistants = {a.assistant_id: a for a in roster.list(ref="HEAD")}
    server = client.search_assistants()
    lookup = RosterLookup(roster, client, "HEAD")
    plan = plan_sync(assistants.values(), server, lookup=lookup)
    by_id = {str(s.get("assistant_id")).lower(): s for s in server}
    result = PullResult(dry_run=dry_run)
    for item in plan.drifted:
        a = assistants[str(item.assistant_id)]
        result.items.append(_pull_one(roster, top, a, by_id[item.server_id], lookup, dry_run))
    return result


def _pull_one(roster: Roster, top: str, a: Any, server: Mapping, lookup: RosterLookup, dry_run: bool) -> PullItem:
    item = PullItem(WRITE, a.assistant_id, a.path, str(server.get("assistant_id")))
    full = os.path.join(top, *a.path.split("/"))
    if os.path.islink(full) or not _inside(full, top):
        return _refuse(item, "the file in the working tree is a symlink, or lies behind one: not written", REFUSED)
    try:
        with open(full, encoding="utf-8-sig") as f:
            text = f.read()
        data = load_text(text).data
    except (OSError, UnicodeDecodeError, YamlError) as e:
        return _refuse(item, f"cannot read the file in the working tree: {e}", CONFLICT)
    if not isinstance(data, dict):
        return _refuse(item, "the file in the working tree is not a mapping", CONFLICT)
    mine = _FileView(a.assistant_id, data)
    base = find_base(a, server, lookup)
    item.base = base.where
    ours = desired_content(mine)
    keys = managed_keys(ours, base.content or {})
    theirs = server_content(server, keys)
    source = _source(data, theirs)
    if same(theirs, ours):
        item.status, item.message = CURRENT, "the working tree already holds the server's content"
        return item
    if base.content is None:
        item.server_changes = labelled_changes(ours, theirs, source)
        return _refuse(item, "no version in common between git and the server: cannot tell the edits apart; "
                             "edit the file by hand, or overwrite the drift on the server", CONFLICT)
    item.server_changes = labelled_changes(base.content, theirs, source)
    if not same(ours, base.content):
        item.git_changes = labelled_changes(base.content, ours, source)
        return _refuse(item, f"the file also changed in git since the base ({base.where}): nothing written; "
                             "merge the server's changes by hand", CONFLICT)
    sets, deletes, expect = _edits(data, ours, theirs, source, a.assistant_id)
    from roster.yamledit import EditError, edit_text  # lazy: imports ruamel.yaml, only when a file is edited

    try:
        new_text = edit_text(text, sets, deletes, expect=expect, where=a.path)
    except EditError as e:
        return _refuse(item, str(e), REFUSED)
    problems = _check(roster, top, a, new_text)
    if problems:
        return _refuse(item, "the server's content does not pass check: " + "; ".join(problems), REFUSED)
    item.diff = list(difflib.unified_diff(text.splitlines(), new_text.splitlines(), f"a/{a.path}", f"b/{a.path}",
                                          lineterm=""))
    if not dry_run:
        try:
            with open(full, "w", encoding="utf-8", newline="") as f:
                f.write(new_text)
        except OSError as e:
            return _refuse(item, f"cannot write: {e.strerror or e}", REFUSED)
    return item


def _inside(path: str, top: str) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(top)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _refuse(item: PullItem, message: str, status: str) -> PullItem:
    item.status, item.message = status, message
    return item


def _source(data: Mapping, theirs: Mapping) -> str:
    """Where the file keeps the effective mapping (a file that sets neither gets ``context``)."""
    config = data.get("config")
    configurable = config.get("configurable") if isinstance(config, dict) else None
    return "config.configurable" if configurable else "context"


def _edits(data: dict, ours: Mapping, theirs: Mapping, source: str,
           assistant_id: str) -> tuple[list[tuple[Path, Any]], list[Path], dict]:
    """The leaf edits that turn the file (``ours``) into ``theirs``, and the data it must then hold."""
    sets: list[tuple[Path, Any]] = []
    deletes: list[Path] = []
    where = ("config", "configurable") if source == "config.configurable" else ("context",)
    for name in ("graph_id", "name", "description", "config", "context", "metadata"):
        old, new = ours.get(name), theirs.get(name)
        if name == "metadata":
            old = {k: v for k, v in (old or {}).items() if k not in ROSTER_KEYS}
            new = {k: v for k, v in (new or {}).items() if k not in ROSTER_KEYS}
        prefix: Path = where if name == "context" else (name,)
        for path, op, value in _leaves(old, new, prefix):
            # a default the file leaves out (no description, the id as name) stays left out
            default = {("description",): "", ("name",): assistant_id}
            if op == "removed":
                deletes.append(path)
            elif not (path in default and value == default[path] and path[0] not in data):
                sets.append((path, value))
    expect = copy.deepcopy(data)
    for path in list(deletes):
        node = _walk(expect, path[:-1])
        if isinstance(node, dict):
            node.pop(path[-1], None)
        # a section left empty by the server's removals goes too (`config:` with nothing under it)
        for depth in range(len(path) - 1, 0, -1):
            parent = _walk(expect, path[:depth - 1])
            if not (isinstance(parent, dict) and parent.get(path[depth - 1]) == {}):
                break
            del parent[path[depth - 1]]
            deletes.append(path[:depth])
    for path, value in sets:
        node = expect
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return sets, deletes, expect


def _leaves(old: Any, new: Any, path: Path) -> list[tuple[Path, str, Any]]:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        out: list[tuple[Path, str, Any]] = []
        for key in list(old) + [k for k in new if k not in old]:
            if key not in new:
                out.append(((*path, key), "removed", None))
            elif key not in old:
                out.append(((*path, key), "set", new[key]))
            else:
                out.extend(_leaves(old[key], new[key], (*path, key)))
        return out
    if old == new and type(old) is type(new):
        return []
    return [(path, "set", new)]


def _walk(data: Any, path: Path) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _check(roster: Roster, top: str, a: Any, text: str) -> list[str]:
    """Errors ``check`` would report for this text (against the working tree's schemas)."""
    graphs = Graphs(FolderSource(top), roster.project.layout)
    _, problems = load_assistant(text.encode("utf-8"), path=a.path, assistant_id=a.assistant_id, graphs=graphs)
    return [p.format() for p in problems if p.severity == "error"]
