"""Benchmark `roster check` and the CLI's cold start (SPEC section 8).

* `roster --repo REPO check` (whole process, every assistant of the working
  tree) beside check-jsonschema validating the same files, one run per graph.
  check-jsonschema validates whole files, so each graph gets a wrapper schema
  that places the graph's config_schema at config.configurable and its
  context_schema at context, with their `$defs` hoisted to the wrapper's top
  level (local `$ref`s only resolve from the document root). Both tools then do
  the same work: parse every YAML file, validate config and context.
* `roster --help` beside a bare `python -c pass` and `python -c "import click"`.

Run alone with `.venv/bin/python bench/bench_check.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import CmdFailed, ensure_repo, print_row, python, run_once, time_cmd, time_cmds, tool

GRAPH_LINE = re.compile(r"^graph_id:\s*([A-Za-z0-9_.-]+)\s*$", re.M)


def _rewrite_refs(node: Any, prefix: str, base: str) -> Any:
    """Copy of node with local $refs pointing into the wrapper: $defs renamed, others re-based."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and v.startswith("#"):
                if v.startswith("#/$defs/"):
                    v = "#/$defs/" + prefix + v[len("#/$defs/"):]
                else:
                    v = "#" + base + v[1:]
            out[k] = _rewrite_refs(v, prefix, base)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, prefix, base) for v in node]
    return node


def _hoist(schema: dict[str, Any], prefix: str, base: str, defs: dict[str, Any]) -> dict[str, Any]:
    """schema to be embedded at JSON pointer `base`; its $defs move into `defs` under `prefix`."""
    schema = dict(schema)
    for name, sub in schema.pop("$defs", {}).items():
        defs[prefix + name] = _rewrite_refs(sub, prefix, base)
    return _rewrite_refs(schema, prefix, base)


def wrapper_schema(graph: dict[str, Any], with_context: bool = True) -> dict[str, Any]:
    """A whole-file schema for an assistant of this graph, for check-jsonschema."""
    defs: dict[str, Any] = {}
    props: dict[str, Any] = {}
    if graph.get("config_schema"):
        cfg = _hoist(graph["config_schema"], "config__", "/properties/config/properties/configurable", defs)
        props["config"] = {"type": "object", "properties": {"configurable": cfg}}
    if with_context and graph.get("context_schema"):
        props["context"] = _hoist(graph["context_schema"], "context__", "/properties/context", defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": props,
        "$defs": defs,
    }


def anchor_commands(repo: Path, tmp: Path, with_context: bool = True) -> list[list[str]]:
    """One check-jsonschema command per graph, over that graph's files."""
    by_graph: dict[str, list[str]] = {}
    for f in sorted((repo / "assistants").rglob("*.y*ml")):
        m = GRAPH_LINE.search(f.read_text())
        by_graph.setdefault(m.group(1) if m else "?", []).append(str(f))
    cmds = []
    for gid, files in sorted(by_graph.items()):
        graph = json.loads((repo / "schemas" / f"{gid}.json").read_text())
        schema = tmp / f"{gid}.wrapper.json"
        schema.write_text(json.dumps(wrapper_schema(graph, with_context)))
        cmds.append([tool("check-jsonschema"), "--schemafile", str(schema), *files])
    return cmds


def _check_summary(repo: Path) -> str:
    """One untimed `check --format json` run: proves the CLI really checked (an exit 1 could
    also be a crash), and says how many were checked and whether all were valid."""
    argv = [tool("roster"), "--repo", str(repo), "check", "--format", "json"]
    cp = run_once(argv, ok_codes=(0, 1))
    try:
        report = json.loads(cp.stdout)
        checked, errors, warnings = report["checked"], report["errors"], report["warnings"]
    except (ValueError, KeyError, TypeError):
        raise CmdFailed(f"exit {cp.returncode}, no JSON report: {(cp.stderr or cp.stdout).strip()[:120]}") from None
    note = f"checked {checked}, {len(errors)} errors, {len(warnings)} warnings"
    if not report.get("ok"):
        first = errors[0] if errors else {}
        note += f"; NOT all valid, first: {first.get('assistant_id')}: {first.get('message')}"
    return note


def main(repo: Path | None = None, runs: int = 5) -> None:
    repo = repo or ensure_repo()
    n_files = sum(1 for _ in (repo / "assistants").rglob("*.y*ml"))

    # Cold start: many cheap runs, the median is stable.
    start_runs = max(runs * 2, 10)
    bare = time_cmd([python(), "-c", "pass"], start_runs)
    click_s = time_cmd([python(), "-c", "import click"], start_runs)
    try:
        help_s: float | None = time_cmd([tool("roster"), "--help"], start_runs)
        note = ""
    except CmdFailed as e:
        help_s, note = None, f"roster --help failed: {e}"
    print_row("roster --help", help_s, "python -c pass", bare, note)
    print_row("roster --help", help_s, 'python -c "import click"', click_s)

    # check: exit 1 (invalid assistants found) still times a complete check; 2/3 are failures.
    with tempfile.TemporaryDirectory(prefix="roster-bench-") as tmp:
        cmds = anchor_commands(repo, Path(tmp))
        try:
            anchor: float | None = time_cmds(cmds, runs)
        except CmdFailed as e:  # the anchor failing means the generated files are not valid
            anchor = None
            print(f"check-jsonschema failed: {e}", file=sys.stderr)
    try:
        note = _check_summary(repo)
        check_s: float | None = time_cmd([tool("roster"), "--repo", str(repo), "check"], runs, ok_codes=(0, 1))
    except CmdFailed as e:
        check_s, note = None, f"roster check failed: {e}"
    print_row(f"roster check ({n_files} files)", check_s, f"check-jsonschema x{len(cmds)} graphs", anchor, note)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="Benchmark roster check and roster --help.")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per figure (median reported)")
    ap.add_argument("--repo", type=Path, help="an existing repository instead of the generated one")
    a = ap.parse_args()
    main(a.repo, a.runs)
