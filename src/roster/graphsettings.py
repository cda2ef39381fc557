"""Per-graph settings that people write beside a schema: ``schemas/<graph_id>.roster.yaml``.

``roster schemas export`` writes ``schemas/<graph_id>.json`` and nothing else, so what a
project declares here survives every export. Today it holds one key::
    run_supplied:      # fields every run passes (invoke_kwargs(context={...})):
      - user_id        # never reported as missing, so --strict stays usable
"""
from __future__ import annotations

from typing import NamedTuple

from roster.hints import did_you_mean
from roster.problems import Problem
from roster.yamlload import YamlError, load_bytes

SUFFIX = ".roster.yaml"
FIELDS = ("run_supplied",)


class GraphSettings(NamedTuple):
    run_supplied: frozenset[str]
    problems: tuple[Problem, ...]


def parse_settings(raw: bytes, path: str) -> GraphSettings:
    """The settings of one file; every problem located, never raises for bad content."""

    try:
        doc = load_bytes(raw)
    except YamlError as e:
        return GraphSettings(frozenset(), (Problem("error", path, e.line, e.column, e.pointer, e.message),))
    problems: list[Problem] = []
    for key in doc.data:
        if key not in FIELDS:
            hint = did_you_mean(str(key), FIELDS)  # bounded: a key may be a megabyte long
            line, col = doc.locate((key,))
            problems.append(Problem("error", path, line, col, str(key),
                                    f"unknown field {str(key)!r}{hint}; allowed: {', '.join(FIELDS)}"))
    names: set[str] = set()
    value = doc.data.get("run_supplied")
    if value is not None:
        items = value if isinstance(value, list) else None
        if items is None:
            line, col = doc.locate_value(("run_supplied",))
            problems.append(Problem("error", path, line, col, "run_supplied",
                                    "run_supplied must be a list of field names (user_id, or a dotted path)"))
        for i, item in enumerate(items or []):
            if isinstance(item, str) and item.strip():
                names.add(item.strip())
            else:
                line, col = doc.locate_value(("run_supplied", i))
                problems.append(Problem("error", path, line, col, f"run_supplied[{i}]",
                                        "each entry must be a field name (a non-empty string)"))
    return GraphSettings(frozenset(names), tuple(problems))
