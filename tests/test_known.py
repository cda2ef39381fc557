"""Content whose verdict is known: the same answers as the full way, without jsonschema or
pydantic in the process (SPEC section 8)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.cli import invoke
from helpers.gitcmd import GitRepo
from roster import Roster

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pydantic", "pydantic_core", "jsonschema", "referencing", "roster.model", "roster.rules",
         "roster.schemas", "roster.check")

# Runs the CLI, then prints the modules it imported (stdout: the command's, then one JSON line).
PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from roster.cli.main import cli
try:
    cli.main(args=sys.argv[2:], prog_name="roster")
except SystemExit as e:
    code = e.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _probe(*args: str) -> tuple[int, str, set[str]]:
    cp = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "src"), *args], capture_output=True, text=True,
                        timeout=120, env={**os.environ, "PYTHONPATH": ""})
    assert "Traceback" not in cp.stderr, cp.stderr
    *out, last = cp.stdout.rstrip("\n").split("\n")
    report = json.loads(last)
    return report["code"], "\n".join(out), set(report["modules"])


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    g = GitRepo(tmp_path_factory.mktemp("known") / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one", name="Writer A")
    g.write_assistant("b", prompt="b", extra="server_id: 6F1C0C8E-0D8A-4C5E-9D3A-1B2C3D4E5F60\n"
                                            "context:\n  max_words: 5\nmetadata:\n  owner: ada\n")
    g.commit("one")
    g.tag("v1")
    g.write_assistant("a", prompt="two\nlines", temperature=0.5)
    g.git("mv", "assistants/b.yaml", "assistants/c.yaml")
    g.commit("two")
    g.tag("a@prod", "v1")
    return g


def test_show_and_history_import_neither_jsonschema_nor_pydantic_once_the_verdict_is_known(repo: GitRepo) -> None:
    code, first, modules = _probe("--repo", str(repo.path), "show", "a@v1")
    assert code == 0 and _heavy(modules)  # the first time: validated the full way
    for args in (("show", "a@v1"), ("show", "a@prod"), ("show", "a@1"), ("show", "b@v1", "--format", "json")):
        code, out, modules = _probe("--repo", str(repo.path), *args)
        if args[1] == "b@v1":  # its verdict is recorded by the first call here
            code, out, modules = _probe("--repo", str(repo.path), *args)
        assert code == 0
        assert _heavy(modules) == set(), args
    code, out, modules = _probe("--repo", str(repo.path), "history", "c")
    assert code == 0 and "v1" in out and "(as b)" in out
    assert _heavy(modules) == set()


@pytest.mark.parametrize("layout", ["loose", "packed"])
def test_show_and_history_on_warm_caches_do_not_import_pygit2(tmp_path: Path, layout: str) -> None:
    """The pure reader (roster.git.pure) answers their every git read: no pygit2 (~40 ms) either."""
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one", name="Writer A")
    g.commit("one")
    g.tag("v1", annotated=True)
    g.write_assistant("a", prompt="two", temperature=0.5)
    g.commit("two")
    if layout == "packed":
        g.git("gc", "-q")
    for args in (("show", "a@v1"), ("show", "a@1"), ("show", "a", "--format", "json"), ("history", "a")):
        code, first, _ = _probe("--repo", str(g.path), *args)  # warms the caches
        code, out, modules = _probe("--repo", str(g.path), *args)
        assert code == 0 and out == first, args
        assert "pygit2" not in modules and _heavy(modules) == set(), args
    assert "v1" in out and "two" in out
    g.git("update-ref", "refs/tags/v1", "HEAD")  # a moved tag is read afresh, still without pygit2
    code, out, modules = _probe("--repo", str(g.path), "show", "a@v1", "--format", "json")
    assert code == 0 and json.loads(out)["config"]["configurable"]["temperature"] == 0.5
    assert "pygit2" not in modules


@pytest.mark.parametrize("spec", ["a", "a@v1", "a@prod", "a@2", "b@v1", "c", "c@1", "c@2"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_known_content_renders_exactly_as_the_full_way(repo: GitRepo, spec: str, fmt: str) -> None:
    from roster.known import show
    from roster.reporters.assistants import render_assistant

    Roster(str(repo.path)).get(spec)  # the verdict is recorded
    fresh = Roster(str(repo.path))
    view = show(fresh, spec)
    assert view is not None
    assert render_assistant(view, fmt) == render_assistant(Roster(str(repo.path)).get(spec), fmt)


@pytest.mark.parametrize("assistant_id", ["a", "c"])
def test_history_text_is_the_same_as_the_full_way(repo: GitRepo, assistant_id: str) -> None:
    from roster.known import history
    from roster.reporters.assistants import render_history

    r = Roster(str(repo.path))
    assert render_history(history(r, assistant_id, None), "text") == render_history(r.history(assistant_id), "text")
    code, out, _ = invoke("subprocess", "--repo", str(repo.path), "history", assistant_id)
    assert code == 0 and out.rstrip("\n") == render_history(r.history(assistant_id), "text")


def test_unknown_content_goes_the_full_way(tmp_path: Path) -> None:
    from roster.known import show

    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one", extra="  nope: 1\n")
    g.commit("invalid")
    assert show(Roster(str(g.path)), "a") is None
    code, _, err = invoke("subprocess", "--repo", str(g.path), "show", "a")
    assert code == 1 and "nope" in err


def test_config_order_follows_the_model() -> None:
    from roster.content import CONFIG_FIELDS
    from roster.model import CONFIG_FIELDS as MODEL_CONFIG_FIELDS
    from roster.model import ConfigFile

    assert CONFIG_FIELDS == MODEL_CONFIG_FIELDS == tuple(ConfigFile.model_fields)


@pytest.mark.parametrize("data", [
    {"graph_id": "g"},
    {"graph_id": "g", "name": "", "description": "d", "config": None, "context": None, "metadata": None},
    {"graph_id": "g", "config": {"configurable": {"x": None, "y": {"z": None}}, "tags": None,
                                 "max_concurrency": 2, "run_name": "r", "recursion_limit": 3,
                                 "metadata": {"k": None}}},
    {"graph_id": "g", "context": {"a": [1, None]}, "metadata": {}, "server_id": "6F1C0C8E0D8A4C5E9D3A1B2C3D4E5F60"},
])
def test_plain_fields_equal_the_models_fields(data: dict) -> None:
    from roster.known import plain_fields
    from roster.model import AssistantFile

    m = AssistantFile.model_validate(data)
    expected = dict(assistant_id="x", graph_id=m.graph_id, name=m.name or "x", description=m.description,
                    config=m.config.model_dump(exclude_none=True) if m.config else {}, context=m.context or {},
                    metadata=m.metadata or {}, server_id=m.server_id)
    got = plain_fields(data, "x")
    assert got == expected
    assert list(got["config"]) == list(expected["config"])


@pytest.mark.parametrize("args", [(), ("--ref", "v1"), ("--graph", "writer"), ("--metadata", "owner=ada")])
def test_list_of_known_content_is_the_full_ways_without_the_heavy_imports(repo: GitRepo, args: tuple) -> None:
    from roster.reporters.assistants import render_list

    ref = args[1] if args[:1] == ("--ref",) else None
    graph = args[1] if args[:1] == ("--graph",) else None
    meta = dict([args[1].split("=")]) if args[:1] == ("--metadata",) else None
    expected = Roster(str(repo.path)).list(ref=ref, graph_id=graph, metadata=meta)  # records the verdicts
    for fmt in ("text", "json"):
        code, out, modules = _probe("--repo", str(repo.path), "list", *args, "--format", fmt)
        assert code == 0 and _heavy(modules) == set()
        assert out == render_list(expected, fmt)


def test_show_of_known_content_follows_an_environment_file(tmp_path: Path) -> None:
    from roster.known import show

    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one")
    first = g.commit("one")
    g.write_assistant("a", prompt="two")
    g.commit("two")
    g.write("environments/prod.yaml", "assistants:\n  a: 1\n")
    g.commit("prod runs a v1")
    g.tag("a@prod", "HEAD")  # a tag of the same name: the environment file wins
    expected = Roster(str(g.path)).get("a@prod")
    assert expected.commit == first
    view = show(Roster(str(g.path)), "a@prod")
    assert view is not None and view.as_json() == expected.as_json()
    code, out, _ = _probe("--repo", str(g.path), "show", "a", "--env", "prod", "--format", "json")
    assert code == 0 and json.loads(out) == json.loads(json.dumps(expected.as_json()))
