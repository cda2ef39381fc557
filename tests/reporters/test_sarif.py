"""``check --format sarif``: SARIF 2.1.0, valid against the OASIS schema, one rule id per kind of problem."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from helpers.cli import run_cli
from helpers.content import GOOD_SUPPORT, GOOD_WRITER
from helpers.gitcmd import make_repo
from roster.reporters.sarif import RULES, rule_of

SARIF_SCHEMA = json.loads((Path(__file__).parents[1] / "schemas_external" / "sarif-schema-2.1.0.json").read_text())


def test_sarif_output_is_valid_sarif_2_1_0_with_rules_files_lines_and_columns(tmp_path):
    repo = make_repo(tmp_path, {
        "assistants/good.yaml": GOOD_WRITER,
        "assistants/hot.yaml": GOOD_WRITER + "    temperature: hot\n    temprature: 1\n",
        "assistants/s.yaml": GOOD_SUPPORT + "metadata:\n  key: sk-ant-api03-Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aE-AbCdEf\n",
        "assistants/bad.yaml": "graph_id: writer\nname: [1\n",
    })
    code, out, err = run_cli("check", "--format", "sarif", cwd=repo)
    assert (code, err) == (1, "")
    log = json.loads(out)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    found = {(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"],
              r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in run["results"]}
    assert found == {
        ("roster/schema", "error", "assistants/hot.yaml", 10, 18),
        ("roster/undeclared-key", "warning", "assistants/hot.yaml", 11, 5),
        ("roster/secret", "error", "assistants/s.yaml", 10, 8),
        ("roster/yaml", "error", "assistants/bad.yaml", 3, 1),
    }
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert "sk-ant" not in out


def test_an_empty_result_is_valid_too(tmp_path):
    repo = make_repo(tmp_path, {"assistants/good.yaml": GOOD_WRITER})
    code, out, _ = run_cli("check", "--format", "sarif", cwd=repo)
    assert code == 0
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(out))
    assert json.loads(out)["runs"][0]["results"] == []


def test_every_rule_id_is_reachable_from_its_messages():
    samples = {
        "secret": "looks like a secret (GitHub token); keep credentials out of git",
        "no-assistants": "no assistant files found in /x/assistants/",
        "missing-schema": "graph 'p' has no schema file (schemas/p.json), so ...",
        "unknown-graph": "unknown graph 'writr' (did you mean 'writer'?)",
        "invalid-schema-file": "graph schema schemas/x.json is invalid, so this assistant cannot be checked",
        "both-sections": "sets both config.configurable and context; ...",
        "required-field": "required field 'model' of the graph's context_schema is missing",
        "undeclared-key": "'modle' is not declared in the graph's config_schema (did you mean 'model'?)",
        "unknown-field": "unknown field 'nmae' (did you mean 'name'?)",
        "file": "symlinks are not allowed inside assistants/ (they could point anywhere)",
        "yaml": "duplicate key 'name' (first at line 2)",
    }
    assert set(samples) == {rule_id for rule_id, _, _ in RULES}
    for rule_id, message in samples.items():
        assert rule_of(message) == rule_id, message
    assert rule_of("'hot' is not of type 'number'") == "schema"
