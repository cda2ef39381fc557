"""The README's quick start works exactly as printed, against the demo repository of scripts/demo_repo.py.

Each line of the ``sh`` block under "## Quick start" is run in order, in a new
process, as a user would type it: ``roster ...`` as ``python -m roster ...`` from
this checkout, ``python`` as this interpreter, ``cd`` as a change of folder. The
Makefile's ``demo`` target must run the same roster lines.
"""
from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from helpers.cli import run_roster_subprocess
from helpers.identity import git_env
from helpers.paths import ROOT


def quickstart_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "no sh block in the quick start"
    return [line.split("  #", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_every_quickstart_line_works_as_printed(tmp_path: Path) -> None:
    cwd = tmp_path
    outputs: dict[str, str] = {}
    lines = quickstart_lines()
    assert any(line.startswith("python scripts/demo_repo.py") for line in lines)
    for line in lines:
        args = shlex.split(line)
        if args[:2] == ["pip", "install"]:
            continue  # the test runs from this checkout already
        if args[0] == "cd":
            cwd = cwd / args[1]
            assert cwd.is_dir(), line
            continue
        if args[0] == "python":
            proc = subprocess.run([sys.executable, str(ROOT / args[1]), *args[2:]], cwd=cwd, capture_output=True,
                                  text=True, timeout=120, check=False)
        elif args[0] == "roster":
            proc = run_roster_subprocess(*args[1:], cwd=cwd)
        elif args[0] == "git":
            proc = subprocess.run(["git", "--no-pager", *args[1:]], cwd=cwd, capture_output=True, text=True,
                                  env=git_env(tmp_path / "home"), timeout=60, check=False)
        else:
            raise AssertionError(f"the test does not know how to run: {line}")
        assert proc.returncode == 0, f"{line}\n{proc.stdout}\n{proc.stderr}"
        outputs[line] = proc.stdout
    # What each line is there to show.
    history = outputs["roster history blog-writer"].splitlines()
    assert [h.split()[0] for h in history] == ["v3", "v2", "v1"]
    assert "#7" in history[0] and "v1.1.0" in history[0] and "v1.0.0" in history[1]
    assert outputs["roster show blog-writer@prod"].startswith("blog-writer  (version 2,")
    assert "~ config.configurable.tone" in outputs["roster diff blog-writer@1 blog-writer@3"]
    assert re.search(r"blog-writer\s+v3\s+v2 \(1 behind\)\s+v3", outputs["roster status"])
    changed = [x for x in outputs["git diff"].splitlines() if x[:1] in "+-" and not x.startswith(("+++", "---"))]
    assert changed == ["-  blog-writer: 2            # v3 waits for the launch review",
                       "+  blog-writer: 3            # v3 waits for the launch review"]


def test_demo_repository_has_a_merged_pull_request_tags_and_environments(tmp_path: Path) -> None:
    dest = tmp_path / "repo"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "demo_repo.py"), str(dest)], check=True,
                   capture_output=True, timeout=120)
    log = subprocess.run(["git", "log", "--first-parent", "--format=%P|%s|%b"], cwd=dest, capture_output=True,
                         text=True, env=git_env(tmp_path / "home"), check=True).stdout
    merge = [line for line in log.splitlines() if "Merge pull request #7 from acme/blog-tone" in line]
    assert merge and len(merge[0].split("|")[0].split()) == 2  # a real merge: two parents
    tags = subprocess.run(["git", "tag"], cwd=dest, capture_output=True, text=True, check=True).stdout.split()
    assert tags == ["v1.0.0", "v1.1.0"]
    proc = run_roster_subprocess("status", "--format", "json", cwd=dest)
    assert proc.returncode == 0, proc.stderr
    assert [e["name"] for e in json.loads(proc.stdout)["environments"]] == ["prod", "staging"]


def test_make_demo_runs_the_quickstart_roster_lines() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    ran = [line.split("/roster ", 1)[1].strip() for line in target.splitlines() if "/roster " in line]
    wanted = [line[len("roster "):] for line in quickstart_lines() if line.startswith("roster ")]
    assert ran == wanted
