"""``roster schemas export``: graph schemas from langgraph.json graphs or from a server.

Graphs are imported in a child process (``_export_child.py``, run as a script by the
chosen interpreter), never in Roster's own process: a graph that fails to import, prints,
or changes global state cannot break Roster, and the error names the graph and the
child's last error line.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from roster.errors import RemoteError, SchemaError, UsageError
from roster.langgraph._export_child import BEGIN, END
from roster.langgraph.client import LangGraphClient

SCHEMA_KEYS = ("graph_id", "config_schema", "context_schema", "input_schema", "output_schema", "state_schema")
CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_export_child.py")
DEFAULT_TIMEOUT = 300.0


class ExportFailed(SchemaError):
    """One or more graphs could not be imported or their schemas not computed."""

    def __init__(self, message: str, failures: Mapping[str, dict] | None = None) -> None:
        super().__init__(message)
        self.failures = dict(failures or {})
        # One line per graph that failed, so two graphs' errors never run together.
        self.lines = tuple(line for line in message.splitlines() if line.strip())


def read_langgraph_json(path: str) -> dict:
    try:
        with open(path, "rb") as f:
            raw = f.read(1 << 20)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file (the langgraph.json that lists the graphs)") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        raise SchemaError(f"{path}: not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise SchemaError(f"{path}: the top level must be an object")
    graphs = data.get("graphs")
    if not isinstance(graphs, dict) or not graphs:
        raise SchemaError(f'{path}: "graphs" must be a non-empty object of graph_id -> "./file.py:variable"')
    for graph_id, spec in graphs.items():
        target = spec.get("path") if isinstance(spec, dict) else spec
        if not isinstance(target, str) or ":" not in target:
            raise SchemaError(f"{path}: graph {graph_id!r}: expected \"./path/file.py:variable\" or "
                              f"\"package.module:variable\", got {spec!r}")
    return data


def _dotenv(path: str) -> dict[str, str]:
    """A minimal .env reader (KEY=VALUE lines, # comments, optional quotes, ``export``)."""
    out: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return out
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if key:
            out[key] = value
    return out


def _child_request(project_dir: str, data: dict, graphs: Iterable[str] | None) -> dict:
    wanted = dict(data["graphs"])
    if graphs is not None:
        names = list(graphs)
        unknown = [g for g in names if g not in wanted]
        if unknown:
            raise UsageError(f"unknown graph id(s) {', '.join(map(repr, unknown))}; langgraph.json lists "
                             f"{', '.join(sorted(wanted))}")
        wanted = {g: wanted[g] for g in names}
    env = data.get("env")
    if isinstance(env, str):
        env = _dotenv(os.path.join(project_dir, env))
    elif not isinstance(env, dict):
        env = {}
    paths = []
    for dep in data.get("dependencies") or []:
        if isinstance(dep, str) and (dep.startswith(".") or dep.startswith("/")):
            full = os.path.normpath(os.path.join(project_dir, dep))
            if os.path.isdir(full):
                paths.append(full)
                src = os.path.join(full, "src")
                if os.path.isdir(src):
                    paths.append(src)
    return {"project_dir": project_dir, "graphs": wanted, "env": env, "paths": paths}


def export_schemas(project_dir: str, *, langgraph_json: str = "langgraph.json", python: str | None = None,
                   graphs: Iterable[str] | None = None, timeout: float = DEFAULT_TIMEOUT) -> dict[str, dict]:
    """Import each graph of ``langgraph.json`` in a subprocess; return ``{graph_id: GraphSchema}``.

    ``langgraph_json`` is relative to ``project_dir`` (or absolute); graph paths in it are
    relative to its folder, as for ``langgraph dev``. ``python`` is the interpreter that
    has the graphs' dependencies (default: the one running Roster). Raises
    :class:`ExportFailed` naming every graph that failed, with the child's last error line.
    """
    config_path = os.path.abspath(os.path.join(project_dir, langgraph_json))
    data = read_langgraph_json(config_path)
    base = os.path.dirname(config_path)
    request = _child_request(base, data, graphs)
    interpreter = python or sys.executable
    env = dict(os.environ)
    env.setdefault("LANGSMITH_TRACING", "false")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    try:
        proc = subprocess.run([interpreter, CHILD], input=json.dumps(request), capture_output=True, text=True,
                              encoding="utf-8", errors="replace", cwd=base, env=env, timeout=timeout)
    except FileNotFoundError:
        raise UsageError(f"Python interpreter not found: {interpreter}") from None
    except subprocess.TimeoutExpired:
        raise ExportFailed(f"importing the graphs of {config_path} took longer than {timeout:g} s "
                           f"(graphs: {', '.join(request['graphs'])})") from None
    result = _parse_child(proc.stdout)
    if result is None:
        last = _last_line(proc.stderr) or _last_line(proc.stdout) or f"exit status {proc.returncode}"
        raise ExportFailed(f"the schema export process ({interpreter}) failed before it could answer: {last}")
    if result.get("fatal"):
        raise ExportFailed(str(result["fatal"]))
    errors = result.get("errors") or {}
    if errors:
        lines = [f"cannot export the schema of graph {gid!r} ({_spec(request['graphs'][gid])}): {err['last_line']}"
                 for gid, err in errors.items()]
        raise ExportFailed("\n".join(lines), errors)
    schemas = result.get("schemas") or {}
    return {gid: normalize_schema(gid, schemas[gid]) for gid in request["graphs"] if gid in schemas}


def _spec(spec: Any) -> str:
    return spec.get("path", "?") if isinstance(spec, dict) else str(spec)


def _parse_child(stdout: str) -> dict | None:
    start = stdout.rfind(BEGIN)
    if start < 0:
        return None
    end = stdout.find(END, start)
    if end < 0:
        return None
    try:
        parsed = json.loads(stdout[start + len(BEGIN):end])
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _last_line(text: str) -> str:
    for line in reversed((text or "").strip().splitlines()):
        if line.strip():
            return line.strip()
    return ""


def normalize_schema(graph_id: str, schema: Mapping[str, Any]) -> dict:
    """Keep GraphSchema's keys (every one present, null when missing)."""
    out = {key: schema.get(key) for key in SCHEMA_KEYS}
    out["graph_id"] = schema.get("graph_id") or graph_id
    return out


def schemas_from_server(url: str, *, client: Any = None, graphs: Iterable[str] | None = None) -> dict[str, dict]:
    """``{graph_id: GraphSchema}`` for every graph a running server has assistants for.

    For each graph it asks the server's own per-graph ("system") assistant when there is
    one, else the oldest assistant of that graph.
    """

    client = client or LangGraphClient(url)
    by_graph: dict[str, dict] = {}
    for item in client.search_assistants():
        gid = item.get("graph_id")
        if not isinstance(gid, str):
            continue
        best = by_graph.get(gid)
        if best is None or _rank(item) < _rank(best):
            by_graph[gid] = item
    wanted = sorted(by_graph) if graphs is None else list(graphs)
    missing = [g for g in wanted if g not in by_graph]
    if missing:
        raise RemoteError(f"the server at {client.url} has no assistant for graph(s) {', '.join(missing)}"
                          + (f"; it has {', '.join(sorted(by_graph))}" if by_graph else ""))
    out = {}
    for gid in wanted:
        schema = client.get_schemas(by_graph[gid]["assistant_id"])
        if not isinstance(schema, dict):
            raise RemoteError(f"the server's schemas of graph {gid!r} are not a JSON object")
        out[gid] = normalize_schema(gid, schema)
    return out


def _rank(item: dict) -> tuple:
    system = (item.get("metadata") or {}).get("created_by") == "system"
    return (0 if system else 1, str(item.get("created_at") or ""), str(item.get("assistant_id")))


def render_schema(schema: Mapping[str, Any]) -> str:
    """Stable JSON text: indent 2, sorted keys, UTF-8 as is, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _check_graph_id(graph_id: str) -> None:
    if not graph_id or "/" in graph_id or "\\" in graph_id or graph_id.startswith(".") or "\0" in graph_id:
        raise UsageError(f"graph id {graph_id!r} cannot be a schema file name")


def write_schemas(directory: str, schemas: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Write ``<directory>/<graph_id>.json`` for each schema; return the paths written.

    A file whose content is already right is left untouched (its mtime too).
    """
    os.makedirs(directory, exist_ok=True)
    written = []
    for graph_id in sorted(schemas):
        _check_graph_id(graph_id)
        path = os.path.join(directory, f"{graph_id}.json")
        text = render_schema(schemas[graph_id])
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    continue
        except (OSError, UnicodeDecodeError):
            pass
        tmp = f"{path}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
        written.append(path)
    return written


def stale_schemas(directory: str, schemas: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Graph ids whose ``<directory>/<graph_id>.json`` is missing or says something else.

    Compared as JSON values, so a file reformatted by hand is not stale; files of graphs
    not in ``schemas`` are ignored.
    """
    stale = []
    for graph_id in sorted(schemas):
        _check_graph_id(graph_id)
        path = os.path.join(directory, f"{graph_id}.json")
        try:
            with open(path, encoding="utf-8-sig") as f:
                current = json.load(f)
        except (OSError, ValueError):
            stale.append(graph_id)
            continue
        if current != json.loads(json.dumps(schemas[graph_id])):
            stale.append(graph_id)
    return stale
