"""SARIF 2.1.0 for GitHub code scanning (``github/codeql-action/upload-sarif``).

Each problem is a result with a rule id, the file, and its line and column. Problems
do not carry a rule id of their own, so the id is read from the message's wording,
which each rule keeps stable (``tests/test_sarif.py`` covers every rule).
"""
from __future__ import annotations

import re
from importlib import metadata

from roster.check import CheckReport
from roster.hygiene import redacted
from roster.reporters.jsonout import dumps

# (rule id, what it checks, how its messages read): the first match wins.
RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("secret", "A value looks like a credential (keep keys out of git).", re.compile(r"looks like a secret")),
    ("no-assistants", "The check found no assistant file at all.", re.compile(r"^no assistant files found")),
    ("missing-schema", "The graph has no schema file (run `roster schemas export`).",
     re.compile(r"has no schema file")),
    ("unknown-graph", "graph_id names no known graph.", re.compile(r"^unknown graph ")),
    ("invalid-schema-file", "A graph schema file cannot be used.", re.compile(
        r"graph schema .* is invalid|schema file|not a valid JSON Schema|points outside this file|"
        r"must be a JSON Schema object|nested too deeply|graph_id .* differs from the file name|langgraph.json")),
    ("both-sections", "config.configurable and context are both set.", re.compile(r"sets both config\.configurable")),
    ("required-field", "A field the graph's schema requires is missing.", re.compile(r"^required field ")),
    ("undeclared-key", "A key the graph's schema does not declare (likely a typo).",
     re.compile(r"is not declared in the graph's")),
    ("unknown-field", "A field Roster or the graph's schema does not allow.", re.compile(
        r"^unknown (?:field|config field) |is not allowed by the graph's")),
    ("file", "The file cannot be an assistant file (name, symlink, submodule, size, encoding).", re.compile(
        r"symlink|submodule|not a regular file|two files map to|cannot read|larger than|not UTF-8|"
        r"assistant id|invalid id|may not")),
    ("yaml", "The YAML does not load under Roster's rules.", re.compile(
        r"YAML|duplicate key|tag|alias|anchor|top level|document|NUL|nest")),
)
FALLBACK = ("schema", "A value does not match the graph's schema or the assistant file's fields.")


def rule_of(message: str) -> str:
    for rule_id, _, pattern in RULES:
        if pattern.search(message):
            return rule_id
    return FALLBACK[0]


def render_check(report: CheckReport) -> str:
    rules = [(rule_id, text) for rule_id, text, _ in RULES] + [FALLBACK]
    index = {rule_id: i for i, (rule_id, _) in enumerate(rules)}
    results = []
    for p in sorted(report.problems, key=lambda p: (p.path, p.line, p.column)):
        rule_id = rule_of(p.message)
        where = f"{p.pointer}: " if p.pointer else ""
        results.append({
            "ruleId": f"roster/{rule_id}",
            "ruleIndex": index[rule_id],
            "level": "error" if p.severity == "error" else "warning",
            "message": {"text": redacted(where + p.message)},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": p.path, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": max(p.line, 1), "startColumn": max(p.column, 1)},
            }}],
            **({"properties": {"assistant_id": p.assistant_id}} if p.assistant_id else {}),
        })
    version = "0"
    for dist in ("langgraph-roster", "roster"):  # the distribution's name, before and after its rename
        try:
            version = metadata.version(dist)
            break
        except metadata.PackageNotFoundError:
            continue
    driver = {
        "name": "roster",
        "version": version,
        "rules": [{"id": f"roster/{rule_id}", "name": rule_id, "shortDescription": {"text": text},
                   "defaultConfiguration": {"level": "error" if rule_id not in ("required-field", "undeclared-key")
                                            else "warning"}}
                  for rule_id, text in rules],
    }
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results,
                  "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the repository root"}}}}],
    }
    return dumps(log)
