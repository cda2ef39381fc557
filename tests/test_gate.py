"""The gate rules of SPEC section 2 ("what the gate refuses") and the required fields of section 5:
what `check` passes must deploy and run."""
from __future__ import annotations

import json
import shutil

from helpers.cli import run_cli
from helpers.content import GOOD_SUPPORT, GOOD_WRITER
from helpers.files import make_project
from helpers.gitcmd import commit_all, make_repo
from helpers.paths import SCHEMAS
from roster.check import check_source
from roster.source import FolderSource, Layout

LANGGRAPH_JSON = json.dumps({"dependencies": ["."], "graphs": {"writer": "./w.py:graph", "planner": "./p.py:graph"}})


def check(root, **kwargs):
    return check_source(FolderSource(str(root)), Layout(), **kwargs)


# --- a graph with no schema file ------------------------------------------------------------------

def test_a_deleted_schema_file_is_an_error_that_says_to_export(tmp_path):
    root = make_project(tmp_path, {"langgraph.json": LANGGRAPH_JSON, "assistants/w.yaml": GOOD_WRITER}, schemas=True)
    (root / "schemas" / "writer.json").unlink()
    for strict in (False, True):
        report = check(root, strict=strict)
        [problem] = report.problems
        assert not report.ok
        assert (problem.severity, problem.path, problem.line, problem.column, problem.pointer) == (
            "error", "assistants/w.yaml", 1, 11, "graph_id")
        assert problem.message == ("graph 'writer' has no schema file (schemas/writer.json), so this assistant "
                                   "cannot be validated; run `roster schemas export` and commit schemas/writer.json")


def test_a_repo_without_schemas_folder_fails(tmp_path):
    repo = make_repo(tmp_path, {"langgraph.json": LANGGRAPH_JSON, "assistants/p.yaml": "graph_id: planner\n"},
                     schemas=False)
    code, out, err = run_cli("check", "--strict", cwd=repo)
    assert (code, err) == (1, "")
    assert "roster schemas export" in out.splitlines()[0]


# --- nothing to check ----------------------------------------------------------------------------

def test_zero_assistants_fails_and_names_the_folder(tmp_path):
    repo = make_repo(tmp_path, {"README.md": "nothing here\n"})
    code, out, err = run_cli("check", cwd=repo)
    assert (code, err) == (1, "")
    first = out.splitlines()[0]
    assert first.startswith("assistants:1:1: error: no assistant files found in ")
    assert str(repo / "assistants") in first
    assert run_cli("check", "--allow-empty", cwd=repo)[0] == 0


def test_zero_assistants_at_a_ref_and_below_a_wrong_root(tmp_path):
    repo = make_repo(tmp_path, {"assistants/w.yaml": GOOD_WRITER})
    code, out, _ = run_cli("--root", "schemas", "check", "--ref", "HEAD", cwd=repo)
    assert code == 1
    assert "no assistant files found in schemas/assistants/" in out
    assert run_cli("check", cwd=repo)[0] == 0


def test_zero_assistants_fails_against_a_base_too(tmp_path):
    repo = make_repo(tmp_path, {"assistants/w.yaml": GOOD_WRITER})
    (repo / "assistants" / "w.yaml").unlink()
    commit_all(repo, "remove the only assistant")
    code, out, _ = run_cli("check", "--ref", "HEAD", "--base", "HEAD~1", cwd=repo)
    assert code == 1 and "no assistant files found" in out
    assert run_cli("check", "--ref", "HEAD", "--base", "HEAD~1", "--allow-empty", cwd=repo)[0] == 0


# --- configurable together with context ---------------------------------------------------------------

def test_configurable_and_context_together_is_an_error(tmp_path):
    both = GOOD_WRITER + "context:\n  model: m\n  system_prompt: p\n"
    root = make_project(tmp_path, {"assistants/both.yaml": both}, schemas=True)
    report = check(root)
    [problem] = report.problems
    assert (problem.severity, problem.pointer, problem.line) == ("error", "context", 10)
    assert "sets both config.configurable and context" in problem.message


def test_an_empty_section_beside_the_other_is_not_both(tmp_path):
    root = make_project(tmp_path, {"assistants/w.yaml": GOOD_WRITER + "context: {}\n"}, schemas=True)
    assert check(root, strict=True).problems == []


# --- --strict: every warning ------------------------------------------------------------------------

def test_strict_makes_undeclared_keys_and_schema_warnings_errors(tmp_path):
    typo = GOOD_WRITER + "    temprature: 0.2\n"
    root = make_project(tmp_path, {"assistants/t.yaml": typo}, schemas=True)
    schema = json.loads((SCHEMAS / "writer.json").read_text())
    schema["graph_id"] = "other-name"  # a warning of the schema file itself
    (root / "schemas" / "writer.json").write_text(json.dumps(schema))
    loose = check(root)
    assert loose.ok and {p.severity for p in loose.problems} == {"warning"} and len(loose.problems) == 2
    strict = check(root, strict=True)
    assert not strict.ok
    assert [p.severity for p in strict.problems] == ["error", "error"]


def test_an_undeclared_key_says_it_is_fatal_for_a_dataclass_context_and_hints_once(tmp_path):
    support = GOOD_SUPPORT + "  modle: x\n"
    root = make_project(tmp_path, {"assistants/s.yaml": support.replace("  knowledge_base:\n    index: docs\n", "")},
                        schemas=True)
    [problem] = check(root).problems
    assert problem.pointer == "context.modle"
    assert problem.message == ("'modle' is not declared in the graph's context_schema (did you mean 'model'?); "
                               "if the graph's context schema is a dataclass, every run fails on it (TypeError)")
    assert "a typo?" not in problem.message


# --- required fields and run_supplied ----------------------------------------------------------------

def test_required_fields_are_checked_without_a_context_section(tmp_path):
    root = make_project(tmp_path, {"assistants/s.yaml": "graph_id: support\nname: S\n"}, schemas=True)
    report = check(root, strict=True)
    assert sorted((p.severity, p.pointer, p.line) for p in report.problems) == [
        ("error", "context", 1), ("error", "context", 1)]
    assert {p.message.split("'")[1] for p in report.problems} == {"model", "product"}


def test_required_fields_of_the_mirrored_section_are_not_missing(tmp_path):
    """A server mirrors config.configurable into context: a field given there is not missing from context."""
    root = make_project(tmp_path, {"assistants/s.yaml": "graph_id: support\nconfig:\n  configurable:\n"
                                   "    model: m\n    product: p\n"}, schemas=True)
    assert check(root, strict=True).problems == []


def test_run_supplied_fields_are_never_missing_and_strict_stays_usable(tmp_path):
    root = make_project(tmp_path, {
        "assistants/s.yaml": "graph_id: support\ncontext:\n  model: m\n  knowledge_base: {top_k: 2}\n",
        "schemas/support.roster.yaml": "# fields every run passes\nrun_supplied:\n  - product\n"
                                       "  - knowledge_base.index\n",
    }, schemas=True)
    assert check(root, strict=True).problems == []
    (root / "schemas" / "support.roster.yaml").unlink()
    assert len(check(root, strict=True).problems) == 2


def test_a_settings_file_survives_export_and_its_mistakes_are_located(tmp_path):
    root = make_project(tmp_path, {
        "assistants/s.yaml": GOOD_SUPPORT,
        "schemas/support.roster.yaml": "run_suplied: [product]\n",
        "schemas/nothing.roster.yaml": "run_supplied: oops\n",
    }, schemas=True)
    report = check(root)
    found = sorted((p.path, p.line, p.column, p.severity, p.pointer) for p in report.problems)
    assert found == [("schemas/nothing.roster.yaml", 1, 1, "warning", ""),
                     ("schemas/support.roster.yaml", 1, 1, "error", "run_suplied")]
    assert "did you mean 'run_supplied'" in next(p.message for p in report.problems if p.pointer == "run_suplied")


def test_run_supplied_must_be_a_list_of_names(tmp_path):
    root = make_project(tmp_path, {"assistants/s.yaml": GOOD_SUPPORT,
                                   "schemas/support.roster.yaml": "run_supplied: [product, 3]\n"}, schemas=True)
    [problem] = check(root).problems
    assert (problem.path, problem.line, problem.column, problem.pointer) == (
        "schemas/support.roster.yaml", 1, 25, "run_supplied[1]")


def test_the_example_project_schemas_still_pass(tmp_path):
    root = make_project(tmp_path, {}, name="copy")
    shutil.copytree(SCHEMAS.parent / "assistants", root / "assistants")
    shutil.copytree(SCHEMAS, root / "schemas")
    assert check(root, strict=True).problems == []
