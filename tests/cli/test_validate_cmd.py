"""``roster validate FILE...``: the pre-commit hook, on files on disk."""
from __future__ import annotations

import json
import os
import re

import yaml

from helpers.cli import problem_lines, run_cli, run_roster_subprocess
from helpers.content import GOOD_SUPPORT, GOOD_WRITER
from helpers.files import make_project
from helpers.gitcmd import make_repo
from helpers.paths import ROOT


def test_valid_files_exit_0(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER, "assistants/team/b.yml": GOOD_SUPPORT})
    code, out, err = run_cli("validate", "assistants/a.yaml", "assistants/team/b.yml", cwd=repo)
    assert (code, err) == (0, "")
    assert out == "ok: checked 2 assistants (files): 0 errors, 0 warnings\n"


def test_every_problem_of_every_file_is_reported(tmp_path):
    repo = make_repo(tmp_path, {
        "assistants/a.yaml": GOOD_WRITER + "    temperature: hot\n",
        "assistants/b.yaml": "graph_id: writer\nname: [\n",
        "assistants/c.yaml": GOOD_WRITER,
    })
    code, out, _ = run_cli("validate", "assistants/a.yaml", "assistants/b.yaml", "assistants/c.yaml", cwd=repo)
    assert code == 1
    assert problem_lines(out, "assistants/a.yaml") == [
        "assistants/a.yaml:10:18: error: config.configurable.temperature: 'hot' is not of type 'number'"]
    [b] = problem_lines(out, "assistants/b.yaml")
    assert b.startswith("assistants/b.yaml:3:1: error: name[0]: invalid YAML: ")
    assert problem_lines(out, "assistants/c.yaml") == []
    assert out.splitlines()[-1] == "FAILED: checked 3 assistants (files): 2 errors, 0 warnings"


def test_only_the_given_files_are_checked(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER, "assistants/broken.yaml": "graph_id: [\n"})
    code, out, _ = run_cli("validate", "assistants/a.yaml", cwd=repo)
    assert code == 0
    assert "broken" not in out


def test_paths_are_reported_as_given_and_ids_found_from_the_assistants_folder(tmp_path):
    repo = make_repo(tmp_path, {"assistants/team/a.yaml": "graph_id: nope\n"})
    code, out, _ = run_cli("validate", "--format", "json", str(repo / "assistants" / "team" / "a.yaml"),
                           cwd=tmp_path)
    assert code == 1
    [problem] = json.loads(out)["errors"]
    assert problem["path"] == str(repo / "assistants" / "team" / "a.yaml")
    assert problem["assistant_id"] == "team/a"
    assert "unknown graph 'nope' (known graphs: support, writer)" in problem["message"]


def test_files_of_two_projects_use_their_own_schemas(tmp_path):
    one = make_project(tmp_path, {"assistants/a.yaml": GOOD_WRITER}, schemas=True, name="one")
    two = make_project(tmp_path, {"assistants/a.yaml": "graph_id: other\n",
                                  "schemas/other.json": '{"config_schema": null}'}, name="two")
    code, out, _ = run_cli("validate", str(one / "assistants/a.yaml"), str(two / "assistants/a.yaml"),
                           cwd=tmp_path)
    assert code == 0, out


def test_json_github_and_markdown_formats(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": "graph_id: writer\nnmae: x\nconfig:\n"
                                                     "  configurable: {model: m, system_prompt: p}\n"})
    code, out, _ = run_cli("validate", "--format", "json", "assistants/a.yaml", cwd=repo)
    assert code == 1
    assert json.loads(out) == {"ok": False, "checked": 1, "warnings": [], "errors": [{
        "assistant_id": "a", "path": "assistants/a.yaml", "line": 2, "column": 1, "pointer": "nmae",
        "message": "unknown field 'nmae' (did you mean 'name'?); allowed: graph_id, name, description, config, "
                   "context, metadata, server_id"}]}
    code, out, _ = run_cli("validate", "--format", "github", "assistants/a.yaml", cwd=repo)
    assert out.startswith("::error file=assistants/a.yaml,line=2,col=1,title=roster%3A a::nmae: unknown field")
    code, out, _ = run_cli("validate", "--format", "markdown", "assistants/a.yaml", cwd=repo)
    assert "| ❌ | `assistants/a.yaml` | 2:1 | `nmae` |" in out


def test_strict(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": "graph_id: writer\nconfig:\n  configurable: {model: m}\n"})
    assert run_cli("validate", "assistants/a.yaml", cwd=repo)[0] == 0
    code, out, _ = run_cli("validate", "--strict", "assistants/a.yaml", cwd=repo)
    assert code == 1
    assert "error: config.configurable: required field 'system_prompt'" in out


def test_a_missing_file_is_an_error_for_that_file(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    code, out, _ = run_cli("validate", "assistants/gone.yaml", "assistants/a.yaml", cwd=repo)
    assert code == 1
    assert problem_lines(out, "assistants/gone.yaml") == [
        "assistants/gone.yaml:1:1: error: cannot read: No such file or directory"]
    assert out.splitlines()[-1] == "FAILED: checked 2 assistants (files): 1 error, 0 warnings"


def test_no_files_is_a_usage_error(tmp_path):
    code, out, err = run_cli("validate", cwd=tmp_path)
    assert code == 2 and out == ""
    assert "Missing argument" in err


def test_a_directory_is_a_usage_error(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    code, out, err = run_cli("validate", "assistants", cwd=repo)
    assert code == 2 and out == ""
    assert "is a directory" in err
    assert "Traceback" not in err


def test_a_file_name_that_is_not_a_valid_id(tmp_path):
    repo = make_repo(tmp_path, {"assistants/bad name.yaml": GOOD_WRITER})
    code, out, _ = run_cli("validate", "assistants/bad name.yaml", cwd=repo)
    assert code == 1
    assert "only letters, digits" in problem_lines(out, "assistants/bad name.yaml")[0]


def test_a_fifo_given_as_a_file_does_not_hang(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    os.mkfifo(repo / "assistants" / "pipe.yaml")
    proc = run_roster_subprocess("validate", "assistants/pipe.yaml", "assistants/a.yaml", cwd=repo, timeout=60)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert problem_lines(proc.stdout, "assistants/pipe.yaml") == [
        "assistants/pipe.yaml:1:1: error: not a regular file"]
    assert proc.stdout.splitlines()[-1] == "FAILED: checked 2 assistants (files): 1 error, 0 warnings"


def test_as_a_subprocess(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER, "assistants/b.yaml": "graph_id: writer\nx: 1\n"
                                "config:\n  configurable: {model: m, system_prompt: p}\n"})
    proc = run_roster_subprocess("validate", "assistants/a.yaml", "assistants/b.yaml", cwd=repo)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "assistants/b.yaml:2:1: error: x: unknown field 'x'; allowed: graph_id, name, description, config, context, "
        "metadata, server_id",
        "FAILED: checked 2 assistants (files): 1 error, 0 warnings",
    ]
    assert proc.stderr == ""


def test_the_pre_commit_hook_definition_runs_validate():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    [hook] = [h for h in hooks if h["entry"].split()[:2] == ["roster", "validate"]]
    assert hook["language"] == "python"
    files = re.compile(hook["files"])
    for path in ("assistants/a.yaml", "assistants/team/b.yml", "agents/assistants/c.yaml"):
        assert files.search(path), path
    for path in ("schemas/writer.json", "assistants/notes.md", "other/a.yaml"):
        assert not files.search(path), path


def test_a_file_reached_through_a_symlinked_folder_is_refused(tmp_path):
    repo = make_repo(tmp_path / "p", {"assistants/a.yaml": GOOD_WRITER})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text(GOOD_WRITER)
    os.symlink(outside, repo / "assistants" / "linked")
    code, out, _ = run_cli("validate", "assistants/linked/x.yaml", "assistants/a.yaml", cwd=repo)
    assert code == 1
    assert problem_lines(out, "assistants/linked/x.yaml") == [
        "assistants/linked/x.yaml:1:1: error: symlinks are not allowed as assistant files or folders "
        "inside assistants/"]
    assert problem_lines(out, "assistants/a.yaml") == []
    assert out.splitlines()[-1] == "FAILED: checked 2 assistants (files): 1 error, 0 warnings"
