"""Graph schemas: loading ``schemas/<graph_id>.json``, refusing remote ``$ref``,
and compiling one validator per schema (cached by content, shared by threads)."""
from __future__ import annotations

import hashlib
import json
import threading
from functools import lru_cache
from typing import Any, NamedTuple

from roster.fastcheck import compile_check
from roster.metaschema import surely_valid
from roster.model import GraphSchema
from roster.problems import Problem, pointer_of
from roster.regex import PatternError, compile_pattern, patterns_in, search
from roster.schema_words import violation
from roster.unevaluated import unevaluated_properties
from roster.yamlload import YamlError, load_text

SCHEMA_KINDS = ("config_schema", "context_schema", "input_schema", "output_schema", "state_schema")
# Only these two describe what an assistant file sets; the others are checked for well-formedness.
VALIDATED_KINDS = {"config_schema": ("config", "configurable"), "context_schema": ("context",)}
MAX_SCHEMA_BYTES = 8 * 1024 * 1024

_validators: dict[str, Any] = {}
_validators_lock = threading.Lock()


class LoadedSchema(NamedTuple):
    """A graph's schema file, with its compiled validators, or the problems that stop it."""

    graph_id: str
    path: str
    schema: GraphSchema | None
    validators: dict[str, Any]
    problems: tuple[Problem, ...]
    # Known only from langgraph.json (or its schemas/<graph_id>.json is gone): nothing to validate against.
    missing: bool = False
    # Fields every run supplies (declared in schemas/<graph_id>.roster.yaml): never reported missing.
    run_supplied: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return self.schema is not None


def load_schema(graph_id: str, path: str, raw: bytes) -> LoadedSchema:
    """Parse and check one schema file; never raises for bad content."""
    problems: list[Problem] = []

    def fail(message: str, line: int = 1, column: int = 1, pointer: str = "") -> LoadedSchema:
        problems.append(Problem("error", path, line, column, pointer, message))
        return LoadedSchema(graph_id, path, None, {}, tuple(problems))

    if len(raw) > MAX_SCHEMA_BYTES:
        return fail(f"schema file is {len(raw):,} bytes; the limit is {MAX_SCHEMA_BYTES:,}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return fail(f"schema file is not UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        return fail(f"not valid JSON: {e.msg}", e.lineno, e.colno)
    except RecursionError:
        return fail("not valid JSON: nested too deeply")
    if not isinstance(data, dict):
        return fail("a graph schema file must be a JSON object (LangGraph's GraphSchema)")
    for kind in SCHEMA_KINDS:
        value = data.get(kind)
        if value is not None and not isinstance(value, dict):  # true/false schemas: not in GraphSchema
            line, col = _locate(text, (kind,))
            return fail(f"{kind} must be a JSON Schema object or null", line, col, kind)
    bad_ref = _first_remote_ref(data)
    if bad_ref is not None:
        where, ref = bad_ref
        line, col = _locate(text, where)
        return fail(f"$ref {ref!r} points outside this file; remote references are refused, never fetched",
                    line, col, pointer_of(where))
    validators: dict[str, Any] = {}
    for kind in SCHEMA_KINDS:
        sub = data.get(kind)
        if sub is None or isinstance(sub, bool):
            continue
        if surely_valid(sub):  # no SchemaError possible: jsonschema is loaded only if an assistant needs it
            validators[kind] = _compiled(sub, checked=True)
            continue
        # lazy: jsonschema (slow to import), only where a schema must be checked by it
        from jsonschema.exceptions import SchemaError as JsonSchemaError

        try:
            validators[kind] = _compiled(sub)
        except JsonSchemaError as e:
            where = (kind, *e.path)
            line, col = _locate(text, where)
            problem = violation(str(e.validator or "false"), e.validator_value, e.instance)
            return fail(f"{kind} is not a valid JSON Schema (Draft 2020-12): {problem}",
                        line, col, pointer_of(where))
        except RecursionError:
            return fail(f"{kind} is nested too deeply")
    for kind in validators:
        if _unfolded_size(data[kind]) > MAX_UNFOLDED:
            line, col = _locate(text, (kind,))
            return fail(f"{kind} unfolds into more than {MAX_UNFOLDED:,} subschemas through $ref (refs that "
                        "branch into refs, many levels deep): validating against it would never end; "
                        "flatten the $defs", line, col, kind)
    # After jsonschema's own check (which reports a malformed regex its way): what RE2 cannot take.
    for kind in validators:
        for where, pattern in patterns_in(data.get(kind)):
            try:
                compile_pattern(pattern)
            except PatternError as e:
                line, col = _locate(text, (kind, *where))
                return fail(str(e), line, col, pointer_of((kind, *where)))
    declared = data.get("graph_id")
    if declared is not None and declared != graph_id:
        line, col = _locate(text, ("graph_id",))
        problems.append(Problem("warning", path, line, col, "graph_id",
                                f"graph_id {declared!r} differs from the file name ({graph_id!r})"))
    schema = GraphSchema.model_validate({k: v for k, v in data.items() if k in SCHEMA_KINDS or k == "graph_id"})
    return LoadedSchema(graph_id, path, schema, validators, tuple(problems))


def _compiled(schema: dict[str, Any], *, checked: bool = False) -> Any:
    """One validator per distinct schema: building one costs far more than using it.

    ``checked``: ``metaschema.surely_valid`` vouched for the schema, so jsonschema's
    ``check_schema`` is not run and the validator is built on its first use.
    """
    key = hashlib.sha1(json.dumps(schema, sort_keys=True).encode()).hexdigest()
    with _validators_lock:
        found = _validators.get(key)
    if found is not None:
        return found
    if checked:
        validator: Any = LazyValidator(schema)
    else:
        # lazy: jsonschema (slow to import), only where a schema is checked by it
        from jsonschema import Draft202012Validator

        Draft202012Validator.check_schema(schema)
        validator = _build(schema)
    with _validators_lock:
        return _validators.setdefault(key, validator)


def _build(schema: dict[str, Any]) -> Any:
    # lazy: jsonschema and referencing (slow to import), only where a schema is compiled
    from referencing import Registry
    from referencing.exceptions import NoSuchResource

    def refuse(uri: str) -> Any:
        raise NoSuchResource(ref=uri)

    return _linear_validator()(schema, registry=Registry(retrieve=refuse))


class LazyValidator:
    """A validator of a schema known valid, built on the first ``iter_errors``: a check
    whose assistants all pass the fast checks never loads jsonschema."""

    __slots__ = ("schema", "_real", "_lock")

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._real: Any = None
        self._lock = threading.Lock()

    def iter_errors(self, instance: Any) -> Any:
        with self._lock:
            if self._real is None:
                self._real = _build(self.schema)
        return self._real.iter_errors(instance)


@lru_cache(maxsize=1)
def _linear_validator() -> Any:
    """Draft 2020-12 with ``pattern``, ``patternProperties``, ``additionalProperties`` and
    ``unevaluatedProperties`` (roster.unevaluated) on RE2: no schema pattern reaches ``re``.

    jsonschema matches them with Python's backtracking ``re``; a schema from a pull
    request could make one assistant's check run forever (see roster.regex).
    """
    # lazy: jsonschema (slow to import), as in _compiled
    from jsonschema import Draft202012Validator, ValidationError
    from jsonschema.validators import extend

    def pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Any:
        if validator.is_type(instance, "string") and not search(patrn, instance):
            yield ValidationError(f"{instance!r} does not match {patrn!r}")

    def pattern_properties(validator: Any, pattern_properties: dict[str, Any], instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "object"):
            return
        for patrn, subschema in pattern_properties.items():
            for k, v in instance.items():
                if search(patrn, k):
                    yield from validator.descend(v, subschema, path=k, schema_path=patrn)

    def additional_properties(validator: Any, ap: Any, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "object"):
            return
        properties = schema.get("properties", {})
        patterns = list(schema.get("patternProperties", {}))
        extras = {k for k in instance if k not in properties and not any(search(p, k) for p in patterns)}
        if validator.is_type(ap, "object"):
            for extra in extras:
                yield from validator.descend(instance[extra], ap, path=extra)
        elif not ap and extras:
            if "patternProperties" in schema:
                verb = "does" if len(extras) == 1 else "do"
                joined = ", ".join(repr(each) for each in sorted(extras))
                yield ValidationError(f"{joined} {verb} not match any of the regexes: "
                                      f"{', '.join(repr(p) for p in sorted(patterns))}")
            else:
                names = sorted(extras, key=str)
                verb = "was" if len(names) == 1 else "were"
                yield ValidationError(f"Additional properties are not allowed "
                                      f"({', '.join(repr(n) for n in names)} {verb} unexpected)")

    return extend(Draft202012Validator, {"pattern": pattern, "patternProperties": pattern_properties,
                                         "additionalProperties": additional_properties,
                                         "unevaluatedProperties": unevaluated_properties})


_fast: dict[int, Any] = {}


def fast_check(validator: Any) -> Any:
    """The compiled yes/no pre-check of a validator's schema (None: always use jsonschema)."""
    key = id(validator)
    if key not in _fast:
        with _validators_lock:
            _fast[key] = compile_check(validator.schema)
    return _fast[key]


def _first_remote_ref(node: Any, path: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], str] | None:
    stack: list[tuple[Any, tuple[Any, ...]]] = [(node, path)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("$ref", "$dynamicRef") and isinstance(value, str) and not value.startswith("#"):
                    return path + (key,), value
                stack.append((value, path + (key,)))
        elif isinstance(node, list):
            stack.extend((v, path + (i,)) for i, v in enumerate(node))
    return None


def _locate(text: str, where: tuple[Any, ...]) -> tuple[int, int]:
    """Line and column of a node in a JSON file: JSON is YAML, so the YAML loader knows."""
    try:
        return load_text(text).locate(where)
    except YamlError:
        return (1, 1)


MAX_UNFOLDED = 200_000  # subschemas a validation can visit; real graph schemas unfold to a few thousand


def _unfolded_size(root: Any) -> int:
    """How many subschemas the schema has with every local ``$ref`` expanded (capped above the limit).

    A 2 KB schema whose ``$defs`` each ``anyOf`` two refs to the next, thirty deep, unfolds
    to 2^30: jsonschema explores every path for a value that fails. A ref already being
    expanded (a recursive schema) counts once: its depth is bounded by the value's.
    """
    memo: dict[str, int] = {}
    active: set[str] = set()

    def size(node: Any) -> int:
        if isinstance(node, list):
            total = 0
            for item in node:
                total += size(item)
                if total > MAX_UNFOLDED:
                    break
            return total
        if not isinstance(node, dict):
            return 0
        total = 1
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            if ref in memo:
                total += memo[ref]
            elif ref not in active:
                active.add(ref)
                found = size(resolve_local(root, {"$ref": ref}))
                active.discard(ref)
                memo[ref] = found
                total += found
        for key, value in node.items():
            if key in ("$defs", "definitions", "const", "enum", "default", "examples", "$ref"):
                continue  # definitions count where they are used; data is not a schema
            total += size(value)
            if total > MAX_UNFOLDED:
                break
        return total

    return size(root)


def resolve_local(root: dict[str, Any], schema: Any) -> Any:
    """Follow a local ``$ref`` (``#/$defs/X``) to the schema it names, a few hops at most."""
    for _ in range(16):
        if not isinstance(schema, dict) or "$ref" not in schema:
            return schema
        ref = schema["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#"):
            return schema
        target: Any = root
        for part in ref[1:].split("/")[1:] if ref != "#" else []:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and part in target:
                target = target[part]
            else:
                return {}
        if len(schema) > 1:  # siblings of $ref apply too (Draft 2020-12)
            merged = dict(target) if isinstance(target, dict) else {}
            merged.update({k: v for k, v in schema.items() if k != "$ref"})
            return merged
        schema = target
    return schema
