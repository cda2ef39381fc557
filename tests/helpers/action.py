"""Run a composite action's ``run:`` steps locally, the way a GitHub runner does.

What a runner does that matters here, and nothing more:
- each ``run:`` step is written to a file and run with ``bash --noprofile --norc -eo pipefail``
  in the workspace, with the ``GITHUB_*`` files and variables a runner sets;
- ``${{ inputs.x }}``, ``${{ github.* }}`` and ``${{ runner.temp }}`` are substituted in ``run:``
  and ``env:``; any other expression is an error (the test must know what the action uses);
- a step's ``$GITHUB_OUTPUT`` becomes ``steps.<id>.outputs``, ``$GITHUB_PATH`` lines are put in
  front of PATH for later steps, ``$GITHUB_ENV`` lines are set for later steps;
- ``uses:`` steps are not run (the test machine already has what they set up, e.g. Python);
  they are reported so a test can check which ones there are.
The action's ``outputs`` are computed from ``steps.*.outputs`` at the end.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from helpers.paths import ROOT as PROJECT

_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


_NOT_IN_A_CHECKOUT = shutil.ignore_patterns(
    ".git", ".venv*", ".tools", ".stamps", "node_modules", "__pycache__", "*.egg-info", "build", "dist", "_site",
    ".work", "artifacts", ".pytest_cache", ".langgraph_api")


def copy_action(target: Path) -> Path:
    """This project as `uses: owner/roster@v0.2.0` sees it: a clean checkout in ``target``."""
    shutil.copytree(PROJECT, target, ignore=_NOT_IN_A_CHECKOUT)
    return target


class StepResult(NamedTuple):
    name: str
    returncode: int
    stdout: str
    stderr: str


class ActionRun(NamedTuple):
    steps: list[StepResult]
    skipped_uses: list[str]
    outputs: dict[str, str]
    summary: str

    @property
    def failed(self) -> StepResult | None:
        return next((s for s in self.steps if s.returncode != 0), None)

    @property
    def stdout(self) -> str:
        return "".join(s.stdout for s in self.steps)


def run_action(action_dir: Path, *, workspace: Path, runner_temp: Path, event_name: str, event: dict[str, Any],
               ref: str, inputs: dict[str, str] | None = None, env: dict[str, str] | None = None,
               repository: str = "owner/repo", api_url: str = "https://api.github.com") -> ActionRun:
    import json

    meta = yaml.safe_load((action_dir / "action.yml").read_text(encoding="utf-8"))
    assert meta["runs"]["using"] == "composite"
    values = {name: str(spec.get("default", "")) for name, spec in (meta.get("inputs") or {}).items()}
    for name, value in (inputs or {}).items():
        assert name in values, f"action.yml has no input {name!r}"
        values[name] = value
    files = runner_temp / "_runner_files"
    files.mkdir(parents=True, exist_ok=True)
    event_path = files / "event.json"
    event_path.write_text(json.dumps(event), encoding="utf-8")
    summary = files / "step_summary.md"
    summary.write_text("", encoding="utf-8")
    github = {"action_path": str(action_dir), "workspace": str(workspace), "event_name": event_name, "ref": ref,
              "event_path": str(event_path), "repository": repository, "api_url": api_url}
    base_env = {k: v for k, v in (env or os.environ).items() if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_"))}
    base_env.update(GITHUB_ACTIONS="true", CI="true", GITHUB_EVENT_NAME=event_name, GITHUB_EVENT_PATH=str(event_path),
                    GITHUB_REF=ref, GITHUB_WORKSPACE=str(workspace), GITHUB_ACTION_PATH=str(action_dir),
                    GITHUB_STEP_SUMMARY=str(summary), RUNNER_TEMP=str(runner_temp), GITHUB_REPOSITORY=repository,
                    GITHUB_API_URL=api_url)
    extra_path: list[str] = []
    step_outputs: dict[str, dict[str, str]] = {}
    results: list[StepResult] = []
    skipped: list[str] = []
    for i, step in enumerate(meta["runs"]["steps"]):
        assert "if" not in step, "the local runner does not evaluate step conditions"
        if "uses" in step:
            skipped.append(step["uses"])
            continue
        context = {"inputs": values, "github": github, "runner": {"temp": str(runner_temp)}, "steps": step_outputs}
        script = files / f"step{i}.sh"
        script.write_text(_substitute(step["run"], context), encoding="utf-8")
        output_file, path_file, env_file = files / f"output{i}", files / f"path{i}", files / f"env{i}"
        for f in (output_file, path_file, env_file):
            f.write_text("", encoding="utf-8")
        step_env = dict(base_env)
        step_env.update({k: _substitute(str(v), context) for k, v in (step.get("env") or {}).items()})
        step_env.update(GITHUB_OUTPUT=str(output_file), GITHUB_PATH=str(path_file), GITHUB_ENV=str(env_file))
        step_env["PATH"] = os.pathsep.join(list(reversed(extra_path)) + [base_env.get("PATH", "")])
        assert step.get("shell") == "bash", "composite run steps must name their shell"
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace,
                              env=step_env, capture_output=True, text=True, timeout=900)
        results.append(StepResult(step.get("name", f"step {i}"), proc.returncode, proc.stdout, proc.stderr))
        if "id" in step:
            step_outputs[step["id"]] = {"outputs": _key_values(output_file.read_text(encoding="utf-8"))}
        extra_path += [line for line in path_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        base_env.update(_key_values(env_file.read_text(encoding="utf-8")))
        if proc.returncode != 0:
            break  # a failed step stops the action, as on a runner
    context = {"inputs": values, "github": github, "steps": step_outputs}
    outputs = {name: _substitute(str(spec.get("value", "")), context) for name,
               spec in (meta.get("outputs") or {}).items()}
    return ActionRun(results, skipped, outputs, summary.read_text(encoding="utf-8"))


def _substitute(text: str, context: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        expr = match.group(1)
        if not re.fullmatch(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*", expr):
            raise AssertionError(f"expression not supported by the local runner: {expr}")
        node: Any = context
        for part in expr.split("."):
            if not isinstance(node, dict) or part not in node:
                if isinstance(node, dict) and expr.startswith("steps."):
                    return ""  # an output that was never set is empty, as on a runner
                raise AssertionError(f"unknown expression: {expr}")
            node = node[part]
        return str(node)

    return _EXPR.sub(value, text)


def _key_values(text: str) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIM`` blocks (the runner's file-command format)."""
    out: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            block = []
            i += 1
            while i < len(lines) and lines[i] != delim:
                block.append(lines[i])
                i += 1
            out[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out
