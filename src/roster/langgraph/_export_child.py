"""Child process of ``roster schemas export``: import graphs, print their schemas.

Run as a *script* (``python _export_child.py REQUEST_JSON``), not as a module, so that it
works in any interpreter that has langgraph installed, even one without Roster.
It depends only on the standard library and langgraph (plus langchain-core and
pydantic, which langgraph itself depends on).

The request is a JSON object ``{"project_dir": str, "graphs": {graph_id: spec},
"env": {...}, "paths": [...]}``. The answer, on stdout between two marker lines, is
``{"schemas": {graph_id: GraphSchema}, "errors": {graph_id: {"type", "message",
"last_line", "traceback"}}, "versions": {...}}``. One failing graph never stops the
others.

The schema computation mirrors what a LangGraph server returns from
``GET /assistants/{id}/schemas`` (langgraph-api's ``_graph_schemas``), so a file
exported here equals, key for key, what ``--from-server`` fetches.
"""
from __future__ import annotations

import asyncio
import importlib
import importlib.util
import inspect
import io
import json
import os
import sys
import traceback
import warnings
from collections.abc import Callable
from importlib import metadata
from typing import Any

BEGIN = "----- roster-export-begin -----"
END = "----- roster-export-end -----"

# Keys a LangGraph server hides from a graph's configurable schema.
EXCLUDED_CONFIG_SCHEMA = (
    "__pregel_checkpointer",
    "__pregel_store",
    "checkpoint_id",
    "checkpoint_ns",
    "thread_id",
)


_MODULES: dict[str, Any] = {}


def _load_module_from_path(path: str, project_dir: str) -> Any:
    full = path if os.path.isabs(path) else os.path.normpath(os.path.join(project_dir, path))
    if full in _MODULES:  # several graphs in one file: import it once
        return _MODULES[full]
    if not os.path.isfile(full):
        raise FileNotFoundError(f"graph file not found: {path}")
    modname = path.replace("/", "__").replace(".py", "").replace(" ", "_").lstrip(".")
    spec = importlib.util.spec_from_file_location(modname, full)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import a Python module from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    spec.loader.exec_module(module)
    _MODULES[full] = module
    return module


def _resolve(obj: Any, graph_id: str) -> Any:
    """Turn what langgraph.json points at into a compiled graph (Pregel)."""
    # lazy: loads langgraph.graph; loads langgraph.pregel
    from langgraph.graph import StateGraph
    from langgraph.pregel import Pregel

    if isinstance(obj, Pregel):
        return obj
    if isinstance(obj, StateGraph):
        return obj.compile()
    if callable(obj):  # a graph factory
        try:
            params = [
                p
                for p in inspect.signature(obj).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                and p.default is p.empty
            ]
        except (TypeError, ValueError):
            params = []
        if not params:
            value = obj()
        elif len(params) == 1 and params[0].kind != params[0].KEYWORD_ONLY:
            value = obj({"configurable": {}, "tags": [], "metadata": {}})
        else:
            names = ", ".join(p.name for p in params)
            raise TypeError(
                f"graph factory for {graph_id!r} needs arguments ({names}) that an export "
                "cannot supply; export its schema from a running server instead"
            )
        return _resolve(_unwrap(value), graph_id)
    raise TypeError(f"{type(obj).__name__} is not a graph, a StateGraph or a graph factory")


def _unwrap(value: Any) -> Any:
    if inspect.iscoroutine(value):
        return asyncio.run(value)
    if hasattr(value, "__aenter__") and hasattr(value, "__aexit__"):
        async def enter() -> Any:
            return await value.__aenter__()

        return asyncio.run(enter())
    if hasattr(value, "__enter__") and hasattr(value, "__exit__"):
        return value.__enter__()
    return value


def _load_graph(graph_id: str, spec: Any, project_dir: str) -> Any:
    if isinstance(spec, dict):
        spec = spec.get("path")
    if not isinstance(spec, str) or ":" not in spec:
        raise ValueError(
            f"invalid graph spec {spec!r}: expected './path/file.py:variable' or 'package.module:variable'"
        )
    where, variable = spec.rsplit(":", 1)
    if where.endswith((".js", ".ts", ".mts", ".cts", ".mjs", ".cjs", ".tsx", ".jsx")):
        raise ValueError("JavaScript graphs cannot be exported in-process; export them from a running server")
    if "/" in where or where.endswith(".py"):
        module = _load_module_from_path(where, project_dir)
    else:
        module = importlib.import_module(where)
    try:
        obj = getattr(module, variable)
    except AttributeError:
        raise AttributeError(f"{where} has no attribute {variable!r}") from None
    graph = _resolve(obj, graph_id)
    if getattr(graph, "name", None) == "LangGraph":  # the server names unnamed graphs by id
        graph = graph.copy(update={"name": graph_id})
    return graph


def _configurable_jsonschema(graph: Any) -> dict[str, Any]:
    # lazy: loads pydantic
    from pydantic import TypeAdapter

    config_schema = graph.config_schema()
    model_fields = getattr(config_schema, "model_fields", None) or getattr(
        config_schema, "__fields__", None
    )
    if model_fields is not None and "configurable" in model_fields:
        annotation: Any = model_fields["configurable"].annotation
        schema = TypeAdapter(annotation).json_schema()
        if schema:
            for key in EXCLUDED_CONFIG_SCHEMA:
                schema.get("properties", {}).pop(key, None)
        config_type = getattr(graph, "config_type", None)
        if config_type is not None and hasattr(config_type, "__name__"):
            schema["title"] = config_type.__name__
        return schema
    return {}


def _state_jsonschema(graph: Any) -> dict[str, Any]:
    # lazy: langchain_core comes with langgraph, which only the user's project has
    from langchain_core.runnables.utils import create_model

    fields: dict[str, Any] = {}
    for key in graph.stream_channels_list:
        channel = graph.channels[key]
        try:
            create_model(key, __root__=(channel.UpdateType, None)).model_json_schema()
            fields[key] = (channel.UpdateType, None)
        except Exception:
            fields[key] = (Any, None)
    return create_model(graph.get_name("State"), **fields).model_json_schema()


def _attempt(fn: Callable[[], Any], problems: list[str], what: str) -> Any:
    try:
        return fn()
    except Exception as exc:  # the server logs a warning and returns null: so do we
        problems.append(f"{what}: {type(exc).__name__}: {exc}")
        return None


def graph_schema(graph_id: str, graph: Any) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    schema = {
        "graph_id": graph_id,
        "input_schema": _attempt(graph.get_input_jsonschema, problems, "input_schema"),
        "output_schema": _attempt(graph.get_output_jsonschema, problems, "output_schema"),
        "state_schema": _attempt(lambda: _state_jsonschema(graph), problems, "state_schema"),
        "config_schema": _attempt(lambda: _configurable_jsonschema(graph), problems, "config_schema"),
    }
    if hasattr(graph, "get_context_jsonschema"):  # langgraph >= 0.6
        schema["context_schema"] = _attempt(
            graph.get_context_jsonschema, problems, "context_schema"
        )
    else:
        schema["context_schema"] = None
    return schema, problems


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": sys.version.split()[0]}
    for dist in ("langgraph", "langchain-core", "pydantic"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def main(argv: list[str]) -> int:
    request = json.loads(argv[1]) if len(argv) > 1 else json.load(sys.stdin)
    project_dir = os.path.abspath(request["project_dir"])
    for key, value in (request.get("env") or {}).items():
        os.environ.setdefault(key, str(value))
    for path in reversed([project_dir, *request.get("paths", [])]):
        sys.path.insert(0, path)
    os.chdir(project_dir)
    warnings.simplefilter("ignore")

    result: dict = {"schemas": {}, "errors": {}, "warnings": {}}
    real_stdout = sys.stdout
    sys.stdout = io.StringIO()  # graph code that prints must not corrupt the answer
    try:
        try:
            importlib.import_module("langgraph")  # the graphs need it: say so before importing them
        except ImportError as exc:
            result["fatal"] = (
                f"langgraph is not installed for {sys.executable} ({exc}); "
                "install it (pip install 'langgraph-roster[langgraph]') or use a Python that has it"
            )
        else:
            result["versions"] = _versions()
            for graph_id, spec in request["graphs"].items():
                try:
                    graph = _load_graph(graph_id, spec, project_dir)
                    schema, problems = graph_schema(graph_id, graph)
                    result["schemas"][graph_id] = schema
                    if problems:
                        result["warnings"][graph_id] = problems
                except BaseException as exc:  # report, continue
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
                    last = next(
                        (line for line in reversed("".join(tb).strip().splitlines()) if line.strip()),
                        repr(exc),
                    )
                    result["errors"][graph_id] = {
                        "type": type(exc).__name__,
                        "message": str(exc),
                        "last_line": last.strip(),
                        "traceback": "".join(tb),
                    }
    finally:
        sys.stdout = real_stdout
    sys.stdout.write(f"{BEGIN}\n{json.dumps(result, default=str)}\n{END}\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
