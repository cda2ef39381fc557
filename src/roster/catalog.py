"""What one source (the working tree or a commit) holds: its graphs and its assistants."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.graphsettings import SUFFIX as SETTINGS_SUFFIX
from roster.graphsettings import parse_settings
from roster.ids import id_from_relpath, id_problem, is_assistant_file
from roster.problems import Problem
from roster.source import FILE, SUBMODULE, SYMLINK, FileEntry, Layout, Source
from roster.yamlload import YamlError, load_bytes

if TYPE_CHECKING:  # listing assistants (scan_assistants) needs neither pydantic nor jsonschema
    from roster.model import AssistantFile
    from roster.schemas import LoadedSchema

# Parsed schema files by (path, blob id): the same blob at a thousand commits is parsed once.
_schema_cache: dict[tuple[str, Any], LoadedSchema] = {}
_schema_lock = threading.Lock()


class AssistantEntry(NamedTuple):
    assistant_id: str
    entry: FileEntry


class Graphs:
    """The graph ids known at a source, and their schemas (loaded on first use)."""

    def __init__(self, source: Source, layout: Layout) -> None:
        self.source = source
        self.layout = layout
        self.problems: list[Problem] = []
        self._entries: dict[str, FileEntry] = {}
        self._settings: dict[str, FileEntry] = {}
        for entry in source.list_files(layout.schemas):
            rel = entry.path[len(layout.schemas) + 1:]
            if "/" in rel:
                continue
            if rel.endswith(SETTINGS_SUFFIX):
                self._settings[rel[:-len(SETTINGS_SUFFIX)]] = entry
            elif rel.endswith(".json"):
                self._entries[rel[:-5]] = entry
        self._langgraph = self._langgraph_graphs()
        self._loaded: dict[str, LoadedSchema] = {}

    def _langgraph_graphs(self) -> set[str]:
        entry = self.source.find(self.layout.langgraph_json)
        if entry is None or entry.kind != FILE:
            return set()
        import json  # lazy: json (~1 ms) is not needed by show and history in text

        try:
            data = json.loads(self.source.read(entry).decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            line, col = (getattr(e, "lineno", 1), getattr(e, "colno", 1))
            self.problems.append(Problem("error", entry.path, line, col, "", f"langgraph.json is not valid JSON: {e}"))
            return set()
        except RecursionError:
            self.problems.append(Problem("error", entry.path, 1, 1, "",
                                         "langgraph.json is not valid JSON: nested too deeply"))
            return set()
        graphs = data.get("graphs") if isinstance(data, dict) else None
        return set(graphs) if isinstance(graphs, dict) else set()

    def known(self) -> list[str]:
        return sorted(set(self._entries) | self._langgraph)

    def lookup(self, graph_id: str) -> LoadedSchema | None:
        if graph_id in self._loaded:
            return self._loaded[graph_id]
        from roster.schemas import LoadedSchema  # lazy: imports pydantic (roster.model)

        entry = self._entries.get(graph_id)
        if entry is None:
            if graph_id not in self._langgraph:
                return None
            # Named by langgraph.json but no schema file: nothing to validate with, so the gate refuses it.
            loaded = LoadedSchema(graph_id, self.layout.schema_path(graph_id), None, {}, (), missing=True)
        elif entry.kind != FILE:
            loaded = LoadedSchema(graph_id, entry.path, None, {}, (
                Problem("error", entry.path, 1, 1, "", f"schema file is a {entry.kind}; only regular files are read"),))
        else:
            loaded = _load_schema_cached(self.source, entry, graph_id)
        settings = self._settings.get(graph_id)
        if settings is not None:
            loaded = self._with_settings(loaded, settings)
        self._loaded[graph_id] = loaded
        return loaded

    def _with_settings(self, loaded: LoadedSchema, entry: FileEntry) -> LoadedSchema:
        if entry.kind != FILE:
            problem = Problem("error", entry.path, 1, 1, "",
                              f"settings file is a {entry.kind}; only regular files are read")
            return loaded._replace(problems=loaded.problems + (problem,))
        settings = parse_settings(self.source.read(entry), entry.path)
        return loaded._replace(run_supplied=settings.run_supplied, problems=loaded.problems + settings.problems)

    def loaded(self) -> list[LoadedSchema]:
        """The schemas looked up so far (the ones some assistant uses)."""
        return list(self._loaded.values())

    def load_all(self) -> list[LoadedSchema]:
        return [s for g in sorted(set(self._entries) | set(self._settings))
                if (s := self.lookup(g)) is not None] + self._orphan_settings()

    def _orphan_settings(self) -> list[LoadedSchema]:
        """A settings file for a graph nobody names is most likely a misspelt file name."""
        from roster.schemas import LoadedSchema  # lazy: imports pydantic (roster.model)

        out = []
        for graph_id, entry in sorted(self._settings.items()):
            if graph_id not in self._entries and graph_id not in self._langgraph:
                out.append(LoadedSchema(graph_id, entry.path, None, {}, (Problem(
                    "warning", entry.path, 1, 1, "", f"settings for graph {graph_id!r}, which has no "
                    f"{self.layout.schema_path(graph_id)} and is not in langgraph.json"),)))
        return out


def _load_schema_cached(source: Source, entry: FileEntry, graph_id: str) -> LoadedSchema:
    key = (entry.path, entry.key) if isinstance(entry.key, str) and "/" not in entry.key else None
    if key is not None:
        with _schema_lock:
            hit = _schema_cache.get(key)
        if hit is not None:
            return hit
    from roster.schemas import load_schema  # lazy: imports pydantic (roster.model); known content needs no schema

    loaded = load_schema(graph_id, entry.path, source.read(entry))
    if key is not None:
        with _schema_lock:
            _schema_cache[key] = loaded
    return loaded


def scan_assistants(source: Source, layout: Layout) -> tuple[list[AssistantEntry], list[Problem]]:
    """The assistant files at a source, with their ids; problems for entries that cannot be one."""
    found: list[AssistantEntry] = []
    problems: list[Problem] = []
    by_id: dict[str, str] = {}
    top = source.find(layout.assistants)
    if top is not None and top.kind in (SYMLINK, SUBMODULE):  # else a linked folder would pass as empty
        what = "a symlink" if top.kind == SYMLINK else "a submodule"
        problems.append(Problem("error", top.path, 1, 1, "", f"{layout.assistants}/ is {what}; it must be a folder"))
        return found, problems
    for entry in source.list_files(layout.assistants):
        rel = layout.assistant_relpath(entry.path)
        if entry.kind == SYMLINK:
            problems.append(Problem("error", entry.path, 1, 1, "",
                                    "symlinks are not allowed inside assistants/ (they could point anywhere)"))
            continue
        if entry.kind == SUBMODULE:
            problems.append(Problem("error", entry.path, 1, 1, "", "submodules are not allowed inside assistants/"))
            continue
        if not is_assistant_file(rel):
            continue
        assistant_id = id_from_relpath(rel)
        bad = id_problem(assistant_id)
        if bad:
            problems.append(Problem("error", entry.path, 1, 1, "", bad, assistant_id))
            continue
        if entry.kind != FILE:
            problems.append(Problem("error", entry.path, 1, 1, "", f"not a regular file ({entry.kind})", assistant_id))
            continue
        if assistant_id in by_id:
            problems.append(Problem("error", entry.path, 1, 1, "",
                                    f"two files map to the id {assistant_id!r}: {by_id[assistant_id]} and {entry.path}",
                                    assistant_id))
            continue
        by_id[assistant_id] = entry.path
        found.append(AssistantEntry(assistant_id, entry))
    return found, problems


def load_assistant(raw: bytes, *, path: str, assistant_id: str, graphs: Graphs,
                   strict: bool = False, gate: bool = False) -> tuple[AssistantFile | None, list[Problem]]:
    """Parse and validate one assistant file's bytes."""
    try:
        doc = load_bytes(raw)
    except YamlError as e:
        return None, [Problem("error", path, e.line, e.column, e.pointer, e.message, assistant_id)]
    from roster.rules import check_document  # lazy: imports pydantic and, on use, jsonschema

    return check_document(doc, path=path, assistant_id=assistant_id, graphs=graphs.lookup,
                          known_graphs=graphs.known, strict=strict, gate=gate)
