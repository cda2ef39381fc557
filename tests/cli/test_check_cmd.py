"""``roster check``: hostile input through the real command line, formats, ``--ref``, usage errors.

Each hostile case is a real git repository in a temporary folder holding one good
assistant beside the bad input. ``roster check`` runs as a subprocess (``timeout`` is
a guard against hangs, not a timing assertion) and must exit 1 with exactly one
``file:line:column`` line for the bad file, no traceback, and still count the good file.
"""
from __future__ import annotations

import json
import os
import re
import select
import socket
from pathlib import Path
from typing import NamedTuple

import pytest

from helpers.cli import problem_lines, run_cli, run_roster_subprocess
from helpers.content import GOOD_SUPPORT, GOOD_WRITER
from helpers.files import make_project
from helpers.gitcmd import commit_all, git, init_repo, make_repo

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): (?P<rest>.*)$")
SUMMARY = re.compile(r"^(ok|FAILED): checked (\d+) assistants? \(([^)]*)\): (\d+) errors?, (\d+) warnings?$")


def summary(stdout: str) -> tuple[str, int, int, int]:
    last = stdout.strip().splitlines()[-1]
    m = SUMMARY.match(last)
    assert m, f"no summary line in:\n{stdout}"
    return m[1], int(m[2]), int(m[4]), int(m[5])


def one_error_line(stdout: str, path: str) -> re.Match[str]:
    lines = problem_lines(stdout, path)
    assert len(lines) == 1, f"expected one line for {path}, got:\n{stdout}"
    m = LINE.match(lines[0])
    assert m and m["severity"] == "error", lines[0]
    return m


def assert_clean(proc_or_output: str) -> None:
    assert "Traceback" not in proc_or_output
    assert "internal error" not in proc_or_output


# --- hostile input --------------------------------------------------------------------------------

def billion_laughs() -> str:
    lines = ["graph_id: writer", "metadata:", "  l0: &l0 [" + ", ".join(['"lol"'] * 9) + "]"]
    for i in range(1, 10):
        lines.append(f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


class Case(NamedTuple):
    files: dict[str, str | bytes]
    bad: str  # the file that must get exactly one error line
    fragment: str  # in that line's message
    where: tuple[int, int] | None = None  # its line and column, when they are fixed


BAD = "assistants/bad.yaml"
HOSTILE: dict[str, Case] = {
    "malformed-yaml": Case({BAD: "graph_id: writer\nname: [Blog writer\ndescription: x\n"}, BAD,
                           "invalid YAML: a [ ] list is not closed", (3, 12)),
    "duplicate-keys": Case({BAD: "graph_id: writer\nname: a\ngraph_id: support\n"}, BAD,
                           "duplicate key 'graph_id' (first defined at line 1)", (3, 1)),
    "billion-laughs": Case({BAD: billion_laughs()}, BAD, "document expands to more than 100,000 nodes (alias bomb?)"),
    "deep-flow-nesting": Case({BAD: "graph_id: writer\nmetadata: " + "[" * 10_000 + "]" * 10_000 + "\n"}, BAD,
                              "nesting deeper than 64 levels", (2, 74)),
    "deep-flow-mappings": Case({BAD: "graph_id: writer\nmetadata: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n"},
                               BAD, "nesting deeper than 64 levels"),
    "deep-block-mappings": Case({BAD: "graph_id: writer\nmetadata:\n" + "".join(
        " " * (i + 1) + f"k{i}:\n" for i in range(1_000))}, BAD, "nesting deeper than 64 levels", (66, 65)),
    "deep-block-sequences": Case({BAD: "graph_id: writer\nmetadata:\n  k:\n    " + "- " * 10_000 + "x\n"}, BAD,
                                 "nesting deeper than 64 levels"),
    "invalid-utf8": Case({BAD: b"graph_id: writer\nname: Caf\xe9\n"}, BAD, "invalid UTF-8 (byte 0xe9)", (2, 10)),
    "utf16": Case({BAD: "graph_id: writer\n".encode("utf-16")}, BAD, "file is UTF-16; only UTF-8 is accepted"),
    "nul-byte": Case({BAD: b"graph_id: writer\nname: a\x00b\n"}, BAD, "NUL byte found", (2, 8)),
    "binary": Case({BAD: bytes(range(256)) * 64}, BAD, "NUL byte found", (1, 1)),
    "top-level-list": Case({BAD: "- graph_id: writer\n"}, BAD, "the top level must be a mapping, not a list", (1, 1)),
    "empty-file": Case({BAD: ""}, BAD, "the top level must be a mapping, not an empty document", (1, 1)),
    "yes-for-boolean": Case({BAD: GOOD_WRITER + "    include_hashtags: yes\n"}, BAD,
                            "'yes' is not of type 'boolean' (YAML 1.2: only true and false are booleans)", (10, 23)),
    "date-for-number": Case({BAD: GOOD_WRITER + "    temperature: 2024-01-01\n"}, BAD,
                            "'2024-01-01' is not of type 'number'", (10, 18)),
    "unknown-graph": Case({BAD: "graph_id: wrtier\n"}, BAD,
                          "unknown graph 'wrtier' (did you mean 'writer'?) (known graphs: support, writer)", (1, 11)),
    "unknown-tag": Case({BAD: "graph_id: writer\nmetadata: !include other.yaml\n"}, BAD, "tag !include is not allowed",
                        (2, 11)),
}


def hostile_repo(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    return make_repo(tmp_path, {"assistants/good.yaml": GOOD_WRITER, **files}, commit=None)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_gets_one_line_and_the_rest_is_checked(tmp_path, name):
    case = HOSTILE[name]
    repo = hostile_repo(tmp_path, case.files)
    commit_all(repo, f"add {name}")

    proc = run_roster_subprocess("check", cwd=repo, timeout=60)
    assert_clean(proc.stdout + proc.stderr)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr == ""
    m = one_error_line(proc.stdout, case.bad)
    assert case.fragment in m["rest"]
    if case.where:
        assert (int(m["line"]), int(m["column"])) == case.where
    assert problem_lines(proc.stdout, "assistants/good.yaml") == []
    assert summary(proc.stdout) == ("FAILED", 2, 1, 0)

    # The same, read from git objects instead of the working tree.
    code, out, err = run_cli("check", "--ref", "HEAD", cwd=repo)
    assert code == 1 and err == ""
    assert one_error_line(out, case.bad)["rest"] == m["rest"]
    assert summary(out) == ("FAILED", 2, 1, 0)

    # And the pre-commit hook on the two files.
    proc = run_roster_subprocess("validate", case.bad, "assistants/good.yaml", cwd=repo, timeout=60)
    assert_clean(proc.stdout + proc.stderr)
    assert proc.returncode == 1
    assert one_error_line(proc.stdout, case.bad)["rest"] == m["rest"]
    assert summary(proc.stdout) == ("FAILED", 2, 1, 0)


def test_a_50_megabyte_file(tmp_path):
    repo = hostile_repo(tmp_path, {})
    with open(repo / "assistants" / "huge.yaml", "w") as f:
        f.write("graph_id: writer\ndescription: ")
        chunk = "x" * (1024 * 1024)
        for _ in range(50):
            f.write(chunk)
        f.write("\n")
    assert (repo / "assistants" / "huge.yaml").stat().st_size > 50 * 1024 * 1024
    commit_all(repo, "huge")
    for args in (("check",), ("check", "--ref", "HEAD"), ("validate", "assistants/huge.yaml", "assistants/good.yaml")):
        proc = run_roster_subprocess(*args, cwd=repo, timeout=60)
        assert_clean(proc.stdout + proc.stderr)
        assert proc.returncode == 1, args
        m = one_error_line(proc.stdout, "assistants/huge.yaml")
        assert (m["line"], m["column"]) == ("1", "1")
        assert "larger than 1 MiB; the limit is 1,048,576 bytes" in m["rest"]
        assert summary(proc.stdout) == ("FAILED", 2, 1, 0)


def test_python_object_tags_execute_nothing(tmp_path):
    marker = tmp_path / "pwned"
    payloads = {
        "assistants/apply.yaml": f'graph_id: writer\nname: !!python/object/apply:os.system ["touch {marker}"]\n',
        "assistants/new.yaml": f'graph_id: !!python/object/new:subprocess.check_call [["touch", "{marker}"]]\n',
        "assistants/name.yaml": "graph_id: writer\nmetadata: !!python/name:os.system\n",
    }
    repo = hostile_repo(tmp_path, payloads)
    commit_all(repo, "payloads")
    for args in (("check",), ("check", "--ref", "HEAD"), ("validate", *payloads, "assistants/good.yaml")):
        proc = run_roster_subprocess(*args, cwd=repo, timeout=60)
        assert_clean(proc.stdout + proc.stderr)
        assert proc.returncode == 1
        for path in payloads:
            assert "is not allowed" in one_error_line(proc.stdout, path)["rest"]
        assert summary(proc.stdout) == ("FAILED", 4, 3, 0)
    assert not marker.exists()


def test_yaml11_words_and_dates_where_strings_are_expected_stay_strings(tmp_path):
    words = ("graph_id: writer\nname: no\ndescription: 2024-01-01\nconfig:\n  tags: [yes, off]\n"
             "  configurable: {model: m, system_prompt: p}\n")
    repo = hostile_repo(tmp_path, {"assistants/words.yaml": words})
    code, out, err = run_cli("check", cwd=repo)
    assert (code, err) == (0, "")
    assert summary(out) == ("ok", 2, 0, 0)
    from roster.yamlload import load_bytes

    data = load_bytes((repo / "assistants" / "words.yaml").read_bytes()).data
    assert data["name"] == "no" and data["description"] == "2024-01-01" and data["config"]["tags"] == ["yes", "off"]


# --- bad schema files -------------------------------------------------------------------------------

def run_schema_case(tmp_path: Path, schema_text: str) -> tuple[str, re.Match[str]]:
    repo = hostile_repo(tmp_path, {"schemas/x.json": schema_text, "assistants/uses-x.yaml": "graph_id: x\n"})
    proc = run_roster_subprocess("check", cwd=repo, timeout=60)
    assert_clean(proc.stdout + proc.stderr)
    assert proc.returncode == 1
    user = one_error_line(proc.stdout, "assistants/uses-x.yaml")
    assert user["rest"] == "graph_id: graph schema schemas/x.json is invalid, so this assistant cannot be checked"
    assert problem_lines(proc.stdout, "assistants/good.yaml") == []
    assert summary(proc.stdout) == ("FAILED", 2, 2, 0)
    proc = run_roster_subprocess("validate", "assistants/uses-x.yaml", cwd=repo, timeout=60)
    assert_clean(proc.stdout + proc.stderr)
    assert proc.returncode == 1
    assert len(problem_lines(proc.stdout, "schemas/x.json")) == 1
    return proc.stdout, one_error_line(proc.stdout, "schemas/x.json")


def test_a_schema_file_that_is_not_json(tmp_path):
    _, m = run_schema_case(tmp_path, '{\n  "graph_id": "x",\n  "config_schema": {"type": "object"\n}\n')
    assert (m["line"], m["column"]) == ("5", "1")  # the end of the file: the object is never closed
    assert m["rest"] == "not valid JSON: Expecting ',' delimiter"


def test_a_schema_that_is_not_a_json_schema(tmp_path):
    schema = '{\n  "config_schema": {\n    "type": "object",\n    "required": "model"\n  }\n}\n'
    _, m = run_schema_case(tmp_path, schema)
    assert (m["line"], m["column"]) == ("4", "5")
    assert m["rest"].startswith("config_schema.required: config_schema is not a valid JSON Schema (Draft 2020-12): ")


def test_a_schema_with_a_remote_ref_is_refused_and_never_fetched(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    try:
        url = f"http://127.0.0.1:{server.getsockname()[1]}/defs.json"
        schema = json.dumps({"graph_id": "x", "config_schema": {
            "type": "object", "properties": {"tone": {"$ref": url}}}}, indent=2)
        _, m = run_schema_case(tmp_path, schema)
        assert f"$ref '{url}' points outside this file; remote references are refused, never fetched" in m["rest"]
        assert m["rest"].startswith("config_schema.properties.tone.$ref: ")
        assert (m["line"], m["column"]) == ("7", "9")
        readable, _, _ = select.select([server], [], [], 0.2)
        assert readable == [], "roster connected to the $ref URL"
    finally:
        server.close()


def test_a_schema_with_a_ref_cycle_is_an_error_not_a_crash(tmp_path):
    repo = hostile_repo(tmp_path, {
        "schemas/loop.json": '{"config_schema": {"$defs": {"A": {"$ref": "#/$defs/A"}}, "$ref": "#/$defs/A"}}',
        "assistants/loop.yaml": "graph_id: loop\nconfig:\n  configurable: {x: 1}\n"})
    proc = run_roster_subprocess("check", cwd=repo, timeout=60)
    assert_clean(proc.stdout + proc.stderr)
    assert proc.returncode == 1
    assert "its $ref chain loops" in one_error_line(proc.stdout, "assistants/loop.yaml")["rest"]
    assert summary(proc.stdout) == ("FAILED", 2, 1, 0)


# --- symlinks and submodules --------------------------------------------------------------------------

def test_symlinks_inside_assistants_are_refused(tmp_path):
    outside = make_project(tmp_path, {"secret/x.yaml": GOOD_WRITER, "passwd": "root:x:0:0\n"}, name="outside")
    repo = hostile_repo(tmp_path, {})
    os.symlink(outside / "passwd", repo / "assistants" / "link.yaml")
    os.symlink(outside / "secret", repo / "assistants" / "team")
    commit_all(repo, "links")  # git stores the links themselves
    assert git(repo, "ls-files", "-s", "assistants/link.yaml").startswith("120000")
    for args in (("check",), ("check", "--ref", "HEAD")):
        proc = run_roster_subprocess(*args, cwd=repo, timeout=60)
        assert_clean(proc.stdout + proc.stderr)
        assert proc.returncode == 1, args
        for path in ("assistants/link.yaml", "assistants/team"):
            m = one_error_line(proc.stdout, path)
            assert m["rest"] == "symlinks are not allowed inside assistants/ (they could point anywhere)"
        assert "root:x" not in proc.stdout
        assert problem_lines(proc.stdout, "assistants/team/x.yaml") == []
        assert summary(proc.stdout) == ("FAILED", 1, 2, 0)
    proc = run_roster_subprocess("validate", "assistants/link.yaml", cwd=repo, timeout=60)
    assert proc.returncode == 1
    assert "symlinks are not allowed" in one_error_line(proc.stdout, "assistants/link.yaml")["rest"]


def test_a_gitlink_inside_assistants_is_refused(tmp_path):
    repo = hostile_repo(tmp_path, {})
    head = commit_all(repo, "first")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{head},assistants/sub")
    git(repo, "commit", "-q", "-m", "add a submodule-like gitlink")
    assert git(repo, "ls-tree", "HEAD", "assistants/sub").startswith("160000 commit")
    code, out, err = run_cli("check", "--ref", "HEAD", cwd=repo)
    assert (code, err) == (1, "")
    assert one_error_line(out, "assistants/sub")["rest"] == "submodules are not allowed inside assistants/"
    assert summary(out) == ("FAILED", 1, 1, 0)
    proc = run_roster_subprocess("check", "--ref", "HEAD", cwd=repo, timeout=60)
    assert (proc.returncode, proc.stdout) == (1, out)


def test_a_nested_repository_in_the_worktree_is_refused(tmp_path):
    repo = hostile_repo(tmp_path, {})
    init_repo(repo / "assistants" / "vendored")
    (repo / "assistants" / "vendored" / "x.yaml").write_text(GOOD_WRITER)
    code, out, _ = run_cli("check", cwd=repo)
    assert code == 1
    assert one_error_line(out, "assistants/vendored")["rest"] == "submodules are not allowed inside assistants/"
    assert summary(out) == ("FAILED", 1, 1, 0)


def test_a_corrupt_object_is_reported_for_its_file_and_the_others_are_checked(tmp_path):
    repo = hostile_repo(tmp_path, {"assistants/other.yaml": GOOD_SUPPORT})
    commit_all(repo, "two")
    blob = git(repo, "rev-parse", "HEAD:assistants/other.yaml")
    obj = repo / ".git" / "objects" / blob[:2] / blob[2:]
    os.chmod(obj, 0o644)
    obj.write_bytes(b"garbage")
    proc = run_roster_subprocess("check", "--ref", "HEAD", cwd=repo, timeout=60)
    assert_clean(proc.stdout + proc.stderr)
    assert proc.returncode == 1
    m = one_error_line(proc.stdout, "assistants/other.yaml")
    assert m["rest"].startswith(f"cannot read object {blob}") and "corrupt repository?" in m["rest"]
    assert summary(proc.stdout) == ("FAILED", 2, 1, 0)


# --- --ref reads git objects ----------------------------------------------------------------------------

def test_ref_head_reads_the_commit_not_the_worktree(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    (repo / "assistants" / "a.yaml").write_text("graph_id: nowhere\n")  # uncommitted
    (repo / "assistants" / "new.yaml").write_text("graph_id: [\n")  # untracked
    code, out, _ = run_cli("check", "--ref", "HEAD", cwd=repo)
    assert code == 0
    assert summary(out) == ("ok", 1, 0, 0)
    code, out, _ = run_cli("check", cwd=repo)
    assert code == 1
    assert "unknown graph 'nowhere'" in one_error_line(out, "assistants/a.yaml")["rest"]
    assert summary(out)[:2] == ("FAILED", 2)


def test_ref_names_a_branch_tag_or_older_commit(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    first = git(repo, "rev-parse", "HEAD")
    git(repo, "tag", "v1")
    (repo / "assistants" / "a.yaml").write_text("graph_id: writer\nname: [\n")
    commit_all(repo, "break it")
    for ref in ("v1", first, first[:7], "HEAD~1", "main~1"):
        code, out, _ = run_cli("check", "--ref", ref, cwd=repo)
        assert code == 0, ref
        assert f"({first})" in out.splitlines()[-1]
    code, out, _ = run_cli("check", "--ref", "main", cwd=repo)
    assert code == 1


def test_check_in_a_bare_repository_reads_head(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER, "assistants/b.yaml": "graph_id: x\n"})
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    code, out, err = run_cli("--repo", str(bare), "check")
    assert code == 1, err
    assert "unknown graph 'x'" in one_error_line(out, "assistants/b.yaml")["rest"]
    assert summary(out) == ("FAILED", 2, 1, 0)


def test_check_from_a_subfolder_discovers_the_repository(tmp_path):
    repo = make_repo(tmp_path, {"assistants/team/a.yaml": "graph_id: x\n"})
    code, out, _ = run_cli("check", cwd=repo / "assistants" / "team")
    assert code == 1
    one_error_line(out, "assistants/team/a.yaml")


def test_monorepo_root_option(tmp_path):
    repo = make_repo(tmp_path, {"agents/assistants/a.yaml": GOOD_WRITER, "agents/assistants/b.yaml": "graph_id: y\n"},
                     schemas=False)
    make_project(tmp_path, {}, schemas=True, name="repo/agents")
    code, out, _ = run_cli("--root", "agents", "check", cwd=repo)
    assert code == 1
    assert "unknown graph 'y'" in one_error_line(out, "agents/assistants/b.yaml")["rest"]
    assert summary(out) == ("FAILED", 2, 1, 0)


# --- formats ----------------------------------------------------------------------------------------------

@pytest.fixture
def mixed_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path, {
        "assistants/good.yaml": GOOD_WRITER,
        "assistants/team/hot.yaml": GOOD_WRITER + "    temperature: hot\n    temprature: 1\n",
        "assistants/support.yaml": GOOD_SUPPORT.replace("  product: Acme Cloud\n", ""),
    })


def test_text_format(mixed_repo):
    code, out, err = run_cli("check", cwd=mixed_repo)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "assistants/support.yaml:4:1: warning: context: required field 'product' of the graph's context_schema is "
        "missing (a run may supply it: list it under run_supplied in schemas/support.roster.yaml; strict mode makes "
        "this an error)",
        "assistants/team/hot.yaml:10:18: error: config.configurable.temperature: 'hot' is not of type 'number'",
        "assistants/team/hot.yaml:11:5: warning: config.configurable.temprature: 'temprature' is not declared in the "
        "graph's config_schema (did you mean 'temperature'?); if the graph's context schema is a dataclass, every "
        "run fails on it (TypeError)",
        "FAILED: checked 3 assistants (working tree): 1 error, 2 warnings",
    ]


def test_strict_turns_every_warning_into_an_error(mixed_repo):
    code, out, _ = run_cli("check", "--strict", "--format", "json", cwd=mixed_repo)
    data = json.loads(out)
    assert code == 1
    assert sorted((p["assistant_id"], p["pointer"]) for p in data["errors"]) == [
        ("support", "context"), ("team/hot", "config.configurable.temperature"),
        ("team/hot", "config.configurable.temprature")]
    assert data["warnings"] == []


def test_json_format_has_the_shape_of_spec_section_6(mixed_repo):
    code, out, err = run_cli("check", "--format", "json", cwd=mixed_repo)
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert list(data) == ["ok", "checked", "errors", "warnings"]
    assert data["ok"] is False and data["checked"] == 3
    assert data["errors"] == [{
        "assistant_id": "team/hot", "path": "assistants/team/hot.yaml", "line": 10, "column": 18,
        "pointer": "config.configurable.temperature", "message": "'hot' is not of type 'number'"}]
    assert len(data["warnings"]) == 2
    for problem in data["warnings"]:
        assert list(problem) == ["assistant_id", "path", "line", "column", "pointer", "message"]
        assert isinstance(problem["line"], int) and isinstance(problem["column"], int)
    assert {p["assistant_id"] for p in data["warnings"]} == {"support", "team/hot"}


def test_json_format_when_everything_is_fine(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    code, out, _ = run_cli("check", "--format", "json", cwd=repo)
    assert code == 0
    assert json.loads(out) == {"ok": True, "checked": 1, "errors": [], "warnings": []}


def test_json_schema_problems_have_a_null_assistant_id(tmp_path):
    repo = make_repo(tmp_path, {"schemas/x.json": "{", "assistants/a.yaml": GOOD_WRITER})
    code, out, _ = run_cli("check", "--format", "json", cwd=repo)
    assert code == 1
    [problem] = json.loads(out)["errors"]
    assert problem["assistant_id"] is None and problem["path"] == "schemas/x.json"


def test_github_format(mixed_repo):
    code, out, _ = run_cli("check", "--format", "github", cwd=mixed_repo)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == ("::warning file=assistants/support.yaml,line=4,col=1,title=roster%3A support::context: "
                        "required field 'product' of the graph's context_schema is missing (a run may supply it: "
                        "list it under run_supplied in schemas/support.roster.yaml; strict mode makes this an error)")
    assert lines[1] == ("::error file=assistants/team/hot.yaml,line=10,col=18,title=roster%3A team/hot::"
                        "config.configurable.temperature: 'hot' is not of type 'number'")
    assert lines[2].startswith("::warning file=assistants/team/hot.yaml,line=11,col=5,")
    assert lines[-1] == "FAILED: checked 3 assistants (working tree): 1 error, 2 warnings"


def test_markdown_format(mixed_repo):
    code, out, _ = run_cli("check", "--format", "markdown", cwd=mixed_repo)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "## ❌ Roster check"
    assert "**1 error**, 2 warnings" in out
    header = lines.index("| | file | line | where | problem |")
    assert lines[header + 1] == "|---|---|---|---|---|"
    rows = lines[header + 2:header + 5]
    assert rows[0] == ("| ❌ | `assistants/team/hot.yaml` | 10:18 | `config.configurable.temperature` | "
                       "'hot' is not of type 'number' |")
    assert all(row.startswith("| ⚠️ |") for row in rows[1:])


def test_markdown_escapes_table_cells(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": "graph_id: writer\nna|me: x\n"})
    code, out, _ = run_cli("check", "--format", "markdown", cwd=repo)
    assert code == 1
    [row] = [line for line in out.splitlines() if line.startswith("| ❌")]
    assert "`na\\|me`" in row
    assert row.count(" | ") == 4  # five cells: the escaped pipe does not add one


def test_markdown_when_everything_is_fine(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    code, out, _ = run_cli("check", "--format", "markdown", cwd=repo)
    assert code == 0
    assert out.startswith("## ✅ Roster check")
    assert "| file |" not in out


def test_every_problem_of_every_file_in_one_run(tmp_path):
    files = {f"assistants/bad{i}.yaml": f"graph_id: writer\nnmae{i}: x\nconfig:\n  tags: 5\n" for i in range(5)}
    repo = make_repo(tmp_path, files)
    code, out, _ = run_cli("check", "--format", "json", cwd=repo)
    data = json.loads(out)
    assert code == 1 and data["checked"] == 5 and len(data["errors"]) == 10


# --- usage errors: exit 2, one line ------------------------------------------------------------------------

def usage_error(code: int, out: str, err: str) -> str:
    assert code == 2, out + err
    assert out == ""
    assert_clean(err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("roster: error: ")
    return lines[0]


def test_unknown_ref(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    line = usage_error(*run_cli("check", "--ref", "does-not-exist", cwd=repo))
    assert "unknown ref 'does-not-exist'" in line
    proc = run_roster_subprocess("check", "--ref", "does-not-exist", cwd=repo)
    assert usage_error(proc.returncode, proc.stdout, proc.stderr) == line


@pytest.mark.parametrize("ref", ["--upload-pack=touch x", "-h", "--output=/tmp/x", "HEAD\nx", ""])
def test_refs_that_look_like_options_are_refused(tmp_path, ref):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    line = usage_error(*run_cli("check", f"--ref={ref}", cwd=repo))
    assert "invalid ref" in line
    assert not (repo / "x").exists()


def test_base_that_looks_like_an_option_is_refused(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    assert "invalid ref" in usage_error(*run_cli("check", "--base=--upload-pack=x", cwd=repo))


def test_nonexistent_repo(tmp_path):
    line = usage_error(*run_cli("--repo", str(tmp_path / "nonexistent"), "check"))
    assert "no such directory" in line
    proc = run_roster_subprocess("--repo", "/nonexistent/roster-test", "check", cwd=tmp_path)
    usage_error(proc.returncode, proc.stdout, proc.stderr)


def test_not_a_repository(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    line = usage_error(*run_cli("check", cwd=plain))
    assert "not a git repository" in line
    proc = run_roster_subprocess("check", cwd=plain)
    usage_error(proc.returncode, proc.stdout, proc.stderr)


def test_a_repository_without_commits_and_ref(tmp_path):
    repo = init_repo(tmp_path / "empty")
    line = usage_error(*run_cli("check", "--ref", "HEAD", cwd=repo))
    assert "no commits yet" in line


def test_an_unknown_format_is_a_usage_error(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    code, out, err = run_cli("check", "--format", "xml", cwd=repo)
    assert code == 2 and out == ""
    assert "Invalid value for '--format'" in err
    assert_clean(err)


def test_a_folder_outside_git_with_assistants_is_checked_as_a_plain_project(tmp_path):
    plain = make_project(tmp_path, {"assistants/a.yaml": "graph_id: x\n"}, schemas=True, name="plain")
    code, out, _ = run_cli("check", cwd=plain)
    assert code == 1
    one_error_line(out, "assistants/a.yaml")
    usage_error(*run_cli("check", "--ref", "HEAD", cwd=plain))


def test_subprocess_and_runner_agree(mixed_repo):
    proc = run_roster_subprocess("check", "--format", "json", cwd=mixed_repo)
    code, out, _ = run_cli("check", "--format", "json", cwd=mixed_repo)
    assert proc.returncode == code == 1
    assert json.loads(proc.stdout) == json.loads(out)
