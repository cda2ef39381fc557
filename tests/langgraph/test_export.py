"""roster schemas export: in a subprocess, from a server, written stably, --check."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from roster.errors import RosterError
from roster.langgraph import export as ex

FIXTURE = Path(__file__).resolve().parents[1] / "langgraph_fixture"
KEYS = {"graph_id", "config_schema", "context_schema", "input_schema", "output_schema", "state_schema"}


def canon(value) -> str:
    return json.dumps(value, sort_keys=True, indent=2)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(FIXTURE, dest, ignore=shutil.ignore_patterns(".langgraph_api", "__pycache__"))
    return dest


# -- pure parts: no langgraph needed ------------------------------------------------------


def test_write_is_stable_and_check_compares_values(tmp_path: Path):
    schemas = {"b": {"graph_id": "b", "input_schema": {"type": "object", "title": "É"}},
               "a": {"graph_id": "a", "config_schema": {}}}
    out = tmp_path / "schemas"
    assert ex.stale_schemas(str(out), schemas) == ["a", "b"]
    written = ex.write_schemas(str(out), schemas)
    assert [os.path.basename(p) for p in written] == ["a.json", "b.json"]
    text = (out / "b.json").read_text(encoding="utf-8")
    assert text == json.dumps(schemas["b"], indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert text.endswith("}\n") and "É" in text
    assert ex.stale_schemas(str(out), schemas) == []
    assert ex.write_schemas(str(out), schemas) == []  # nothing rewritten
    (out / "a.json").write_text(json.dumps(schemas["a"]))  # reformatted by hand: same value
    assert ex.stale_schemas(str(out), schemas) == []
    (out / "b.json").write_text("{not json")
    assert ex.stale_schemas(str(out), schemas) == ["b"]
    (out / "other.json").write_text("{}")  # not ours: ignored
    assert ex.stale_schemas(str(out), schemas) == ["b"]


def test_graph_id_cannot_escape_the_folder(tmp_path: Path):
    with pytest.raises(RosterError):
        ex.write_schemas(str(tmp_path), {"../x": {}})


def test_bad_langgraph_json(tmp_path: Path):
    (tmp_path / "langgraph.json").write_text('{"graphs": {"g": "no-colon"}}')
    with pytest.raises(RosterError, match="graph 'g'"):
        ex.export_schemas(str(tmp_path))
    (tmp_path / "langgraph.json").write_text("[1]")
    with pytest.raises(RosterError, match="top level"):
        ex.export_schemas(str(tmp_path))
    with pytest.raises(RosterError, match="no such file"):
        ex.export_schemas(str(tmp_path / "nowhere"))


def _python_without_langgraph() -> str | None:
    for candidate in (shutil.which("python3"), "/usr/bin/python3", getattr(sys, "_base_executable", None)):
        if candidate and os.path.exists(candidate):
            probe = subprocess.run([candidate, "-c", "import langgraph"], capture_output=True)
            if probe.returncode != 0:
                return candidate
    return None


def test_interpreter_without_langgraph_is_a_clear_error(project: Path):
    python = _python_without_langgraph()
    if python is None:
        pytest.skip("no interpreter without langgraph on this machine")
    with pytest.raises(RosterError, match="langgraph is not installed"):
        ex.export_schemas(str(project), python=python)


def test_missing_interpreter(project: Path):
    with pytest.raises(RosterError, match="interpreter not found"):
        ex.export_schemas(str(project), python=str(project / "no-python"))


# -- in a subprocess, with langgraph ------------------------------------------------------


@pytest.mark.langgraph
def test_export_in_process(project: Path, langgraph_installed):
    schemas = ex.export_schemas(str(project))
    assert sorted(schemas) == ["echo", "writer"]
    writer = schemas["writer"]
    assert set(writer) == KEYS and writer["graph_id"] == "writer"
    assert writer["context_schema"]["title"] == "Context"
    assert writer["context_schema"]["properties"]["temperature"]["maximum"] == 2
    assert writer["config_schema"] == writer["context_schema"]  # a context_schema graph: the same for both
    assert writer["output_schema"]["required"] == ["reply", "seen"]
    assert writer["state_schema"]["title"] == "writer_state"
    assert schemas["echo"]["context_schema"] is None and schemas["echo"]["config_schema"] == {}
    assert not (project / "__pycache__").exists()
    assert ex.export_schemas(str(project), graphs=["echo"]).keys() == {"echo"}


@pytest.mark.langgraph
def test_export_matches_server(project: Path, langgraph_server, langgraph_installed):
    local = ex.export_schemas(str(project))
    remote = ex.schemas_from_server(langgraph_server.url)
    assert sorted(remote) == ["echo", "writer"]
    for graph_id in local:
        assert canon(local[graph_id]) == canon(remote[graph_id]), graph_id
        assert ex.render_schema(local[graph_id]) == ex.render_schema(remote[graph_id])


@pytest.mark.langgraph
def test_failing_graph_names_graph_and_last_line(tmp_path: Path, langgraph_installed):
    (tmp_path / "good.py").write_text(textwrap.dedent("""
        from typing_extensions import TypedDict
        from langgraph.graph import StateGraph, START, END
        class S(TypedDict):
            x: int
        b = StateGraph(S)
        b.add_node("n", lambda s: s)
        b.add_edge(START, "n"); b.add_edge("n", END)
        graph = b.compile()
        print("graphs may print: it must not break the export")
    """))
    (tmp_path / "bad.py").write_text("import definitely_not_a_module_xyz\n")
    (tmp_path / "langgraph.json").write_text(json.dumps({"graphs": {
        "good": "./good.py:graph", "bad": "./bad.py:graph", "nothere": "./good.py:missing",
        "uncompiled": "./good.py:b"}}))
    with pytest.raises(ex.ExportFailed) as info:
        ex.export_schemas(str(tmp_path))
    message = str(info.value)
    assert "graph 'bad' (./bad.py:graph)" in message
    assert "ModuleNotFoundError: No module named 'definitely_not_a_module_xyz'" in message
    assert "graph 'nothere'" in message and "missing" in message
    assert "good" not in info.value.failures and "uncompiled" not in info.value.failures
    assert set(ex.export_schemas(str(tmp_path), graphs=["good", "uncompiled"])) == {"good", "uncompiled"}


@pytest.mark.langgraph
def test_cli_prints_one_export_error_per_graph(tmp_path: Path, langgraph_installed):
    from helpers.cli import run_cli

    (tmp_path / "bad1.py").write_text("import definitely_not_a_module_one\n")
    (tmp_path / "bad2.py").write_text("raise RuntimeError('second graph is broken')\n")
    (tmp_path / "langgraph.json").write_text(json.dumps({"graphs": {
        "one": "./bad1.py:graph", "two": "./bad2.py:graph"}}))
    code, _, err = run_cli("schemas", "export", "--config", str(tmp_path / "langgraph.json"),
                           "--out", str(tmp_path / "schemas"))
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 2, lines
    assert all(line.startswith("roster: error: cannot export the schema of graph") for line in lines)
    assert "'one'" in lines[0] and "definitely_not_a_module_one" in lines[0]
    assert "'two'" in lines[1] and "second graph is broken" in lines[1]


@pytest.mark.langgraph
def test_child_crash_is_reported(tmp_path: Path, langgraph_installed):
    (tmp_path / "boom.py").write_text("import os\nos._exit(7)\n")
    (tmp_path / "langgraph.json").write_text(json.dumps({"graphs": {"boom": "./boom.py:graph"}}))
    with pytest.raises(ex.ExportFailed, match="failed before it could answer: exit status 7"):
        ex.export_schemas(str(tmp_path))


@pytest.mark.langgraph
def test_cli_export_and_check(project: Path, tmp_path: Path, langgraph_installed):
    from roster.cli.schemas_cmd import command

    out = tmp_path / "schemas"
    runner = CliRunner()
    config = str(project / "langgraph.json")
    result = runner.invoke(command, ["export", "--check", "--config", config, "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "missing" in result.output
    result = runner.invoke(command, ["export", "--config", config, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["echo.json", "writer.json"]
    result = runner.invoke(command, ["export", "--check", "--config", config, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    data = json.loads((out / "writer.json").read_text())
    data["context_schema"]["properties"].pop("temperature")
    (out / "writer.json").write_text(json.dumps(data))
    result = runner.invoke(command, ["export", "--check", "--format", "json", "--config", config, "--out", str(out)])
    assert result.exit_code == 1
    assert json.loads(result.output)["stale"][0]["graph_id"] == "writer"


@pytest.mark.langgraph
def test_cli_export_from_server(langgraph_server, tmp_path: Path, langgraph_installed):
    from roster.cli.schemas_cmd import command

    out = tmp_path / "schemas"
    result = CliRunner().invoke(command, ["export", "--from-server", langgraph_server.url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    result = CliRunner().invoke(command, ["export", "--check", "--from-server", langgraph_server.url,
                                          "--out", str(out)])
    assert result.exit_code == 0, result.output
