"""The project's own assistants/ and schemas/ pass its own check, with no warning."""
from __future__ import annotations

import json

from helpers.cli import run_cli, run_roster_subprocess
from helpers.paths import ROOT
from roster.check import check_source
from roster.source import FolderSource, Layout


def test_own_assistants_pass_the_library_check():
    report = check_source(FolderSource(str(ROOT)), Layout(), strict=True)
    assert report.problems == [], "\n".join(p.format() for p in report.problems)
    assert report.checked >= 4


def test_own_assistants_pass_roster_check():
    code, out, err = run_cli("--repo", str(ROOT), "check", "--strict", "--format", "json")
    data = json.loads(out)
    assert (code, err) == (0, "")
    assert data["ok"] is True and data["errors"] == [] and data["warnings"] == []
    assert data["checked"] == len([p for p in (ROOT / "assistants").rglob("*") if p.suffix in (".yaml", ".yml")])


def test_own_assistants_cover_both_graphs_and_two_writers():
    """Issue 2: at least four assistants, two graphs, two assistants on one graph with different prompts and models."""
    from roster.yamlload import load_bytes

    files = sorted(p for p in (ROOT / "assistants").rglob("*") if p.suffix in (".yaml", ".yml"))
    docs = [load_bytes(p.read_bytes()).data for p in files]
    assert len(docs) >= 4
    by_graph: dict[str, list[dict]] = {}
    for doc in docs:
        by_graph.setdefault(doc["graph_id"], []).append(doc)
    assert len(by_graph) >= 2
    writers = by_graph["writer"]
    assert len(writers) >= 2
    models = {w["config"]["configurable"]["model"] for w in writers}
    prompts = {w["config"]["configurable"]["system_prompt"] for w in writers}
    assert len(models) >= 2 and len(prompts) >= 2
    schemas = {p.stem: json.loads(p.read_text()) for p in (ROOT / "schemas").glob("*.json")}
    assert any(s.get("config_schema") for s in schemas.values())
    assert any(s.get("context_schema") for s in schemas.values())


def test_own_repo_checks_as_a_subprocess_from_a_subfolder():
    proc = run_roster_subprocess("check", cwd=ROOT / "assistants", timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith("ok: checked ")
    assert proc.stdout.strip().endswith("0 errors, 0 warnings")
