"""examples/react-agent end to end: export, check --strict, and a local run that equals a
server run of the same assistant, for both ways of writing it and with per-run values."""
from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from conftest import _stop, find_cli, missing, start_server
from helpers.cli import run_cli
from helpers.gitcmd import commit_all, init_repo
from roster import Roster
from roster.langgraph.sync import server_id_for

pytestmark = pytest.mark.langgraph

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "react-agent"
RUN = {"user_id": "u-42"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("react-agent") / "project"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".langgraph_api", "__pycache__"))
    init_repo(folder)
    commit_all(folder, "The react-agent example")
    return folder


def load_graph(folder: Path) -> Any:
    spec = importlib.util.spec_from_file_location("example_react_agent_graph", folder / "agent" / "graph.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through sys.modules
    spec.loader.exec_module(module)
    return module.graph


def test_committed_schema_matches_the_graph(project: Path, langgraph_installed: None) -> None:
    code, out, err = run_cli("--repo", str(project), "schemas", "export", "--check",
                             "--config", str(project / "langgraph.json"), "--out", str(project / "schemas"))
    assert code == 0, out + err


def test_check_strict_passes_with_a_run_supplied_field(project: Path) -> None:
    code, out, err = run_cli("--repo", str(project), "check", "--strict")
    assert code == 0, out + err
    assert "checked 2" in out


def test_local_run_gets_the_assistants_values_and_the_runs(project: Path, langgraph_installed: None) -> None:
    graph = load_graph(project)
    r = Roster(str(project))
    researcher = graph.invoke({"question": "q"}, **r.get("researcher").invoke_kwargs(context=RUN))["answer"]
    assert researcher["context"]["model"] == "openai/gpt-4.1-mini"
    assert researcher["context"]["max_search_results"] == 3
    assert researcher["context"]["user_id"] == "u-42"
    assert researcher["configurable"] == researcher["context"]
    support = graph.invoke({"question": "q"}, **r.get("support").invoke_kwargs(context=RUN))["answer"]
    assert support["context"]["model"] == "anthropic/claude-haiku-4-5"  # written under config.configurable
    assert support["context"]["max_search_results"] == 10  # the dataclass default
    assert support["context"]["user_id"] == "u-42"


def _post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_local_run_equals_server_run(project: Path, tmp_path: Path, langgraph_installed: None) -> None:
    cli = find_cli()
    if cli is None:
        missing("langgraph-cli[inmem] (the `langgraph` executable)")
    server = start_server(cli, project, tmp_path / "server.log")
    try:
        code, out, err = run_cli("--repo", str(project), "sync", "--url", server.url)
        assert code == 0, out + err
        graph = load_graph(project)
        r = Roster(str(project))
        for assistant_id in ("researcher", "support"):
            assistant = r.get(assistant_id)
            local = graph.invoke({"question": "q"}, **assistant.invoke_kwargs(context=RUN))
            remote = _post(server.url + "/runs/wait", {"assistant_id": server_id_for(assistant),
                                                       "input": {"question": "q"}, "context": RUN})
            assert remote["answer"] == local["answer"], assistant_id
    finally:
        _stop(server.process)
