"""``roster.check``: every assistant of a source validated, problems collected as data.

The example files of tests/examples/ drive most of it: each negative file says,
in its header, the exact problems (severity, line, column, pointer, message) the
check must find in it, and no other.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from helpers.content import GOOD_SUPPORT, GOOD_WRITER
from helpers.files import make_project
from helpers.paths import EXAMPLES, SCHEMAS
from roster.check import check_source, validate_files
from roster.source import FolderSource, Layout

POSITIVE = sorted((EXAMPLES / "positive").iterdir())
NEGATIVE = sorted((EXAMPLES / "negative").iterdir())


class Expected(NamedTuple):
    severity: str
    line: int
    column: int
    pointer: str
    message: str


_EXPECT = re.compile(r"# expect: (error|warning) (\d+):(\d+) (\S+) \| (.+)\Z")


def _header(path: Path) -> tuple[list[Expected], list[str]]:
    raw = path.read_bytes()
    text = raw.decode("utf-16") if raw.startswith(b"\xff\xfe") else raw.decode("utf-8", "replace")
    expected, options = [], []
    for line in text.splitlines():
        if line.startswith("# options:"):
            options = line.split(":", 1)[1].split()
        elif line.startswith("# expect:"):
            m = _EXPECT.match(line)
            assert m, f"{path.name}: malformed expectation {line!r}"
            expected.append(Expected(m[1], int(m[2]), int(m[3]), "" if m[4] == "-" else m[4], m[5]))
    return expected, options


def _check_one(project: Path, example: Path, strict: bool = False):
    """Check one example file as the only assistant of the example project."""
    shutil.copyfile(example, project / "assistants" / example.name)
    return check_source(FolderSource(str(project)), Layout(), strict=strict)


def test_every_rule_has_examples():
    assert len(POSITIVE) >= 8
    assert len(NEGATIVE) >= 30
    for example in NEGATIVE:
        expected, _ = _header(example)
        assert expected, f"{example.name} has no '# expect:' line"


@pytest.mark.parametrize("example", POSITIVE, ids=lambda p: p.name)
def test_positive_example_has_no_problem(example_project, example):
    report = _check_one(example_project, example, strict=True)
    assert report.checked == 1
    assert report.problems == [], "\n".join(p.format() for p in report.problems)
    assert report.ok


@pytest.mark.parametrize("example", NEGATIVE, ids=lambda p: p.name)
def test_negative_example_reports_exactly_its_problems(example_project, example):
    expected, options = _header(example)
    report = _check_one(example_project, example, strict="--strict" in options)
    assert report.checked == 1
    found = sorted(report.problems, key=lambda p: (p.line, p.column))
    listing = "\n".join(p.format() for p in found)
    assert len(found) == len(expected), f"expected {len(expected)} problem(s), got:\n{listing}"
    for want, got in zip(sorted(expected, key=lambda e: (e.line, e.column)), found, strict=True):
        assert got.path == f"assistants/{example.name}"
        assert got.assistant_id == example.stem
        assert (got.severity, got.line, got.column, got.pointer) == (want.severity, want.line, want.column,
                                                                      want.pointer), listing
        assert want.message in got.message, listing
    assert report.ok == all(e.severity == "warning" for e in expected)


def test_required_missing_is_a_warning_without_strict(example_project):
    report = _check_one(example_project, EXAMPLES / "negative" / "required_missing_strict.yaml", strict=False)
    assert [(p.severity, p.pointer) for p in report.problems] == [("warning", "context")]
    assert report.ok


def test_required_missing_is_an_error_with_strict(example_project):
    report = _check_one(example_project, EXAMPLES / "negative" / "required_missing.yaml", strict=True)
    assert [(p.severity, p.line, p.column) for p in report.problems] == [("error", 5, 3)]
    assert "--strict" not in report.problems[0].message
    assert not report.ok


def test_all_negative_examples_in_one_project_are_all_reported(example_project):
    """One bad file never stops the others: every file's problems are in one report."""
    root = example_project
    (root / "assistants" / "zz-good.yaml").write_text(GOOD_WRITER)
    for example in NEGATIVE:
        shutil.copyfile(example, root / "assistants" / example.name)
    report = check_source(FolderSource(str(root)), Layout())
    assert report.checked == len(NEGATIVE) + 1
    files_with_problems = {p.path for p in report.problems}
    assert files_with_problems == {f"assistants/{e.name}" for e in NEGATIVE}
    expected_total = sum(len(_header(e)[0]) for e in NEGATIVE)
    assert len(report.problems) == expected_total


# --- what a source holds ----------------------------------------------------------

def test_ids_come_from_paths_below_assistants(tmp_path):
    root = make_project(tmp_path, {
        "assistants/team/deep/writer.yaml": GOOD_WRITER.replace("graph_id: writer", "graph_id: nope"),
        "assistants/support.yml": GOOD_SUPPORT,
        "assistants/notes.md": "not an assistant",
        "assistants/.gitkeep": "",
    }, schemas=True)
    report = check_source(FolderSource(str(root)), Layout())
    assert report.checked == 2
    [problem] = report.problems
    assert problem.assistant_id == "team/deep/writer"
    assert problem.path == "assistants/team/deep/writer.yaml"


def test_two_files_with_one_id_are_an_error(tmp_path):
    root = make_project(tmp_path, {"assistants/x.yaml": GOOD_WRITER, "assistants/x.yml": GOOD_WRITER},
                        schemas=True)
    report = check_source(FolderSource(str(root)), Layout())
    [problem] = report.errors
    assert problem.path == "assistants/x.yml"
    assert "two files map to the id 'x': assistants/x.yaml and assistants/x.yml" in problem.message


@pytest.mark.parametrize("name, reason", [
    (".hidden.yaml", "may not start with '.'"),
    ("team/.secret/x.yaml", "may not start with '.'"),
    ("with space.yaml", "only letters, digits"),
    ("semi;colon.yaml", "only letters, digits"),
])
def test_files_whose_name_is_not_a_valid_id_are_errors(tmp_path, name, reason):
    root = make_project(tmp_path, {f"assistants/{name}": GOOD_WRITER, "assistants/ok.yaml": GOOD_WRITER},
                        schemas=True)
    report = check_source(FolderSource(str(root)), Layout())
    [problem] = report.errors
    assert problem.path == f"assistants/{name}"
    assert reason in problem.message
    assert report.checked == 1


def test_symlinks_and_nested_repositories_are_refused(tmp_path):
    outside = make_project(tmp_path, {"elsewhere/x.yaml": GOOD_WRITER}, name="outside")
    root = make_project(tmp_path, {"assistants/good.yaml": GOOD_WRITER, "assistants/nested/.git/HEAD": "x"},
                        schemas=True)
    os.symlink(outside / "elsewhere" / "x.yaml", root / "assistants" / "link.yaml")
    os.symlink(outside / "elsewhere", root / "assistants" / "linked-dir")
    report = check_source(FolderSource(str(root)), Layout())
    by_path = {p.path: p.message for p in report.errors}
    assert set(by_path) == {"assistants/link.yaml", "assistants/linked-dir", "assistants/nested"}
    assert "symlinks are not allowed" in by_path["assistants/link.yaml"]
    assert "symlinks are not allowed" in by_path["assistants/linked-dir"]
    assert "submodules are not allowed" in by_path["assistants/nested"]
    assert report.checked == 1  # good.yaml; nothing behind the links was read


def test_a_fifo_is_refused_without_being_read(tmp_path):
    root = make_project(tmp_path, {"assistants/good.yaml": GOOD_WRITER}, schemas=True)
    os.mkfifo(root / "assistants" / "pipe.yaml")  # reading it would block forever
    report = check_source(FolderSource(str(root)), Layout())
    [problem] = report.errors
    assert problem.path == "assistants/pipe.yaml"
    assert "not a regular file" in problem.message


def test_schema_problems_are_reported_once_and_block_only_their_assistants(tmp_path):
    root = make_project(tmp_path, {
        "schemas/broken.json": '{\n  "graph_id": "broken",\n  "config_schema": {"type": "object",}\n}\n',
        "assistants/uses-broken.yaml": "graph_id: broken\n",
        "assistants/also-broken.yaml": "graph_id: broken\n",
        "assistants/fine.yaml": GOOD_WRITER,
    }, schemas=True)
    report = check_source(FolderSource(str(root)), Layout())
    schema_problems = [p for p in report.errors if p.path == "schemas/broken.json"]
    assert [(p.line, p.column) for p in schema_problems] == [(3, 38)]
    assert "not valid JSON" in schema_problems[0].message
    users = sorted(p.path for p in report.errors if p.path.startswith("assistants/"))
    assert users == ["assistants/also-broken.yaml", "assistants/uses-broken.yaml"]
    assert report.checked == 3


def test_langgraph_json_graphs_are_known_graph_ids(tmp_path):
    root = make_project(tmp_path, {
        "langgraph.json": '{"dependencies": ["."], "graphs": {"planner": "./graphs/planner.py:graph"}}',
        "assistants/plan.yaml": "graph_id: planner\nconfig:\n  configurable: {anything: 1}\n",
        "assistants/typo.yaml": "graph_id: planer\n",
    }, schemas=True)
    report = check_source(FolderSource(str(root)), Layout())
    missing, typo = sorted(report.problems, key=lambda p: p.path)
    assert typo.path == "assistants/typo.yaml"
    assert "unknown graph 'planer' (did you mean 'planner'?) (known graphs: planner, support, writer)" \
        in typo.message
    # Known from langgraph.json only: there is nothing to validate with, so the gate refuses it.
    assert (missing.path, missing.severity, missing.pointer) == ("assistants/plan.yaml", "error", "graph_id")
    assert "schemas/planner.json" in missing.message and "roster schemas export" in missing.message


@pytest.mark.parametrize("content, message", [
    ('{"graphs": ', "langgraph.json is not valid JSON"),
    ('{"graphs": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
])
def test_a_broken_langgraph_json_is_an_error_not_a_crash(tmp_path, content, message):
    root = make_project(tmp_path, {"langgraph.json": content, "assistants/a.yaml": GOOD_WRITER}, schemas=True)
    report = check_source(FolderSource(str(root)), Layout())
    [problem] = report.problems
    assert problem.path == "langgraph.json"
    assert message in problem.message
    assert report.checked == 1


def test_monorepo_layout_reads_below_its_prefix(tmp_path):
    root = make_project(tmp_path, {"agents/assistants/w.yaml": "graph_id: writer\nname: [1\n"})
    shutil.copytree(SCHEMAS, root / "agents" / "schemas")
    report = check_source(FolderSource(str(root)), Layout("agents/"))
    [problem] = report.problems
    assert (problem.path, problem.assistant_id, problem.line) == ("agents/assistants/w.yaml", "w", 3)


def test_check_report_json_shape(tmp_path):
    root = make_project(tmp_path, {"assistants/a.yaml": "graph_id: writer\nconfig:\n  configurable:\n    model: m\n"},
                        schemas=True)
    report = check_source(FolderSource(str(root)), Layout())
    assert report.as_json() == {
        "ok": True,
        "checked": 1,
        "errors": [],
        "warnings": [{
            "assistant_id": "a", "path": "assistants/a.yaml", "line": 3, "column": 3,
            "pointer": "config.configurable",
            "message": "required field 'system_prompt' of the graph's config_schema is missing (a run may "
                       "supply it: list it under run_supplied in schemas/writer.roster.yaml; strict mode makes "
                       "this an error)",
        }],
    }


# --- validate_files (pre-commit) -----------------------------------------------------

def test_validate_files_finds_the_project_of_each_file(tmp_path):
    one = make_project(tmp_path, {"assistants/team/a.yaml": GOOD_WRITER}, schemas=True, name="one")
    two = make_project(tmp_path, {"assistants/b.yaml": "graph_id: writer\n",
                                  "schemas/writer.json": '{"config_schema": {"type": "object"}}'}, name="two")
    report = validate_files([str(one / "assistants/team/a.yaml"), str(two / "assistants/b.yaml")],
                            fallback_root=str(tmp_path))
    assert report.checked == 2
    assert report.problems == []


def test_validate_files_uses_the_fallback_root_for_loose_files(tmp_path):
    root = make_project(tmp_path, {"loose.yaml": "graph_id: support\ncontext: {model: m, product: p, x: 1}\n"},
                        schemas=True)
    report = validate_files([str(root / "loose.yaml")], fallback_root=str(root))
    [problem] = report.problems
    assert (problem.assistant_id, problem.severity, problem.pointer) == ("loose", "warning", "context.x")


def test_validate_files_refuses_a_symlink(tmp_path):
    root = make_project(tmp_path, {"assistants/real.yaml": GOOD_WRITER}, schemas=True)
    os.symlink(root / "assistants" / "real.yaml", root / "assistants" / "link.yaml")
    report = validate_files([str(root / "assistants" / "link.yaml")], fallback_root=str(root))
    [problem] = report.errors
    assert "symlinks are not allowed" in problem.message
