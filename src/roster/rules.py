"""Validation rules: turn one loaded assistant document into Problems."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from roster.hints import HintBudget, did_you_mean
from roster.hygiene import scrub, secret_values, shorten, shorten_quotes, yaml_value
from roster.model import ASSISTANT_FIELDS, CONFIG_FIELDS, AssistantFile
from roster.problems import Problem, Severity, pointer_of
from roster.regex import search
from roster.schema_words import violation
from roster.schemas import VALIDATED_KINDS, LoadedSchema, fast_check, resolve_local
from roster.secrets import find_secrets
from roster.yamlload import Document

GraphLookup = Callable[[str], "LoadedSchema | None"]
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF"}


class _Collector:
    def __init__(self, doc: Document, path: str, assistant_id: str) -> None:
        self.doc = doc
        self.path = path
        self.assistant_id = assistant_id
        self.problems: list[Problem] = []
        self.required_seen: set[tuple[Any, ...]] = set()  # mappings whose missing fields are reported
        self.hints = HintBudget()  # 100k unknown keys against 10k properties must not cost 10^9 comparisons

    def add(self, severity: Severity, where: tuple[Any, ...], message: str, *, value: bool = False,
            at: tuple[Any, ...] | None = None) -> None:
        """``at``: where to point instead of ``where`` (a section the file leaves out has no line)."""
        spot = where if at is None else at
        line, col = self.doc.locate_value(spot) if value else self.doc.locate(spot)
        self.problems.append(Problem(severity, self.path, line, col, shorten(pointer_of(where), 200),
                                     shorten_quotes(message), self.assistant_id))


def check_document(doc: Document, *, path: str, assistant_id: str, graphs: GraphLookup,
                   known_graphs: Callable[[], list[str]], strict: bool = False,
                   gate: bool = False) -> tuple[AssistantFile | None, list[Problem]]:
    """Every problem of one assistant document; the parsed file when it has no error.

    ``gate``: also apply the rules that only `check` enforces (SPEC section 2), such as
    refusing both config.configurable and context; the library still resolves such a file.
    """
    out = _Collector(doc, path, assistant_id)
    data = doc.data
    _unknown_keys(out, data, (), ASSISTANT_FIELDS, "field")
    if isinstance(data.get("config"), dict):
        _unknown_keys(out, data["config"], ("config",), CONFIG_FIELDS, "config field")
    parsed = _parse(out, data)
    if gate:
        _both_sections(out, doc)
    graph_id = data.get("graph_id")
    if isinstance(graph_id, str) and graph_id:
        graph = graphs(graph_id)
        if graph is None:
            hint = did_you_mean(graph_id, known_graphs())
            known = ", ".join(sorted(known_graphs())) or "none"
            out.add("error", ("graph_id",), f"unknown graph {graph_id!r}{hint} (known graphs: {known})", value=True)
        elif graph.missing:
            out.add("error", ("graph_id",), f"graph {graph_id!r} has no schema file ({graph.path}), so this "
                    f"assistant cannot be validated; run `roster schemas export` and commit {graph.path}",
                    value=True)
        elif not graph.ok:
            out.add("error", ("graph_id",),
                    f"graph schema {graph.path} is invalid, so this assistant cannot be checked",
                    value=True)
        else:
            for kind, where in VALIDATED_KINDS.items():
                value = doc.get(where)
                validator = graph.validators.get(kind)
                # A value that is not a mapping was reported by _parse already.
                if validator is not None and isinstance(value, dict):
                    _validate(out, validator, value, where, kind, strict, graph.run_supplied)
            _required(out, doc, graph, strict)
    found = list(find_secrets(data))  # scanned once: the messages and the values to scrub
    for where, what in found:
        out.add("error", where, f"looks like a secret ({what}); keep credentials out of git and read them "
                                f"from the environment at run time", value=True)
    secrets = secret_values(data, [where for where, _ in found])
    if secrets:  # a message may quote the value (an enum miss, a pattern): never repeat a secret
        out.problems = [p._replace(message=scrub(p.message, secrets)) for p in out.problems]
    if any(p.severity == "error" for p in out.problems):
        parsed = None
    return parsed, out.problems


def _unknown_keys(out: _Collector, mapping: dict[str, Any], where: tuple[Any, ...],
                  allowed: tuple[str, ...], noun: str) -> None:
    for key in mapping:
        if key not in allowed:
            hint = out.hints.did_you_mean(key, allowed)
            out.add("error", where + (key,), f"unknown {noun} {key!r}{hint}; allowed: {', '.join(allowed)}")


def _parse(out: _Collector, data: dict[str, Any]) -> AssistantFile | None:
    try:
        return AssistantFile.model_validate(data)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            if err["type"] == "extra_forbidden":
                continue  # reported with a hint by _unknown_keys
            where = tuple(err["loc"])
            if err["type"] == "missing":
                why = ": the graph this assistant runs (schemas/<graph_id>.json)" if where == ("graph_id",) else ""
                out.add("error", where[:-1], f"{pointer_of(where)} is required{why}")
                continue
            out.add("error", where, _pydantic_message(err), value=True)
    return None


def _pydantic_message(err: Mapping[str, Any]) -> str:
    value = err.get("input")
    message = err["msg"]
    kind = {"string_type": "a string", "int_type": "an integer", "list_type": "a list",
            "dict_type": "a mapping", "model_type": "a mapping", "bool_type": "true or false"}.get(err["type"])
    if kind:
        message = f"must be {kind}, not {_describe(value)}"
        if err["type"] == "string_type" and isinstance(value, (int, float, bool)):
            message += " (quote it to make it a string)"
    return message


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {yaml_value(value)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    return f"{type(value).__name__} {yaml_value(value)}"


def _both_sections(out: _Collector, doc: Document) -> None:
    configurable, context = doc.get(("config", "configurable")), doc.get(("context",))
    if isinstance(configurable, dict) and configurable and isinstance(context, dict) and context:
        out.add("error", ("context",), "sets both config.configurable and context; a LangGraph server refuses "
                "such an assistant: keep one (context, for graphs with a context_schema)")


def _effective(doc: Document) -> tuple[dict[str, Any], tuple[Any, ...] | None]:
    """What a run receives as context (a server mirrors config.configurable into it), and from where."""
    for where in (("config", "configurable"), ("context",)):
        value = doc.get(where)
        if isinstance(value, dict) and value:
            return value, where
    for where in (("context",), ("config", "configurable")):
        if isinstance(doc.get(where), dict):
            return {}, where
    return {}, None


def _top_required(schema: Any) -> list[str]:
    names: list[str] = []
    todo, seen = [schema], 0
    while todo and seen < 64:
        seen += 1
        node = resolve_local(schema, todo.pop())
        if isinstance(node, dict):
            names.extend(n for n in node.get("required") or [] if isinstance(n, str) and n not in names)
            todo.extend(node.get("allOf") or [])
    return names


def _required(out: _Collector, doc: Document, graph: LoadedSchema, strict: bool) -> None:
    """Required top-level fields, whether or not the file has a context:/configurable: section."""
    if any(doc.get(w) is not None and not isinstance(doc.get(w), dict) for w in VALIDATED_KINDS.values()):
        return  # a section that is not a mapping: reported as an error already
    value, section = _effective(doc)
    if any(isinstance(doc.get(w), dict) and doc.get(w) and w != section for w in VALIDATED_KINDS.values()):
        return  # both sections set: reported as an error already
    reported: set[str] = set()
    # The file's own section first; with none, context (what today's graphs declare).
    kinds = sorted(VALIDATED_KINDS.items(), key=lambda kv: kv[1] != (section or ("context",)))
    for kind, where in kinds:
        validator = graph.validators.get(kind)
        if validator is None or not isinstance(validator.schema, dict):
            continue
        for name in _top_required(validator.schema):
            if name in value or name in reported or name in graph.run_supplied:
                continue
            reported.add(name)
            pointer = section or where
            out.add("error" if strict else "warning", pointer,
                    f"required field {name!r} of the graph's {kind} is missing"
                    + ("" if strict else f" (a run may supply it: list it under run_supplied in "
                       f"schemas/{graph.graph_id}.roster.yaml; strict mode makes this an error)"),
                    at=None if section else ("graph_id",))


_LOOPS = "the graph's {kind} cannot be applied: its $ref chain loops or nests too deeply"


def _validate(out: _Collector, validator: Any, value: Any, where: tuple[Any, ...], kind: str, strict: bool,
              run_supplied: frozenset[str] = frozenset()) -> None:
    fast = fast_check(validator)
    try:
        certain = fast is not None and fast(value)  # certainly valid: jsonschema is not needed (nor loaded)
    except RecursionError:  # a $ref cycle ({"$ref": "#"}): the fast check recurses as jsonschema would
        out.add("error", where, _LOOPS.format(kind=kind))
        return
    errors = [] if certain else _errors(out, validator, value, where, kind)
    if errors is None:
        return
    for error in errors:
        for leaf in _leaves(error):
            _report_schema_error(out, leaf, where, kind, strict, run_supplied, validator.schema)
    if isinstance(value, dict):
        _undeclared(out, value, validator.schema, validator.schema, where, kind)


def _errors(out: _Collector, validator: Any, value: Any, where: tuple[Any, ...], kind: str) -> list[Any] | None:
    """jsonschema's errors for ``value``; None when the schema cannot be applied (reported)."""
    from referencing.exceptions import Unresolvable  # lazy: jsonschema (slow to import), only where a schema applies

    try:
        return list(validator.iter_errors(value))
    except RecursionError:  # a $ref cycle in the schema ({"$ref": "#"}): jsonschema recurses forever
        out.add("error", where, _LOOPS.format(kind=kind))
        return None
    except Unresolvable as e:  # a local $ref to nothing ("#/$defs/Missing")
        ref = getattr(e, "ref", None)
        if isinstance(ref, str) and ref.startswith("/"):  # a JSON pointer inside the schema, as $ref writes it
            ref = "#" + ref
        out.add("error", where, f"the graph's {kind} cannot be applied: unresolvable $ref"
                                + (f" {ref!r}" if isinstance(ref, str) else ""))
        return None


def _leaves(error: Any) -> list[Any]:
    """anyOf/oneOf errors carry their branches; the best one says more."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match  # lazy: jsonschema (slow to import), as above

        # best_match([error]), not best_match(error.context): only the former prefers
        # the branch whose type matches the value (-5 vs {integer > 0} | null).
        best = best_match([error])
        return [best] if best is not None else [error]
    return [error]


def _report_schema_error(out: _Collector, error: Any, where: tuple[Any, ...], kind: str, strict: bool,
                         run_supplied: frozenset[str] = frozenset(), root: Any = None) -> None:
    at = where + tuple(error.absolute_path)
    if error.validator == "required":
        if not error.absolute_path:
            return  # top-level fields: _required checks them against what a run receives
        # jsonschema gives one error per missing field; the names come from the rule, not its message.
        if at in out.required_seen or not isinstance(error.instance, dict):
            return
        out.required_seen.add(at)
        for name in error.validator_value:
            if name in error.instance or pointer_of(tuple(error.absolute_path) + (name,)) in run_supplied:
                continue
            out.add("error" if strict else "warning", at,
                    f"required field {name!r} of the graph's {kind} is missing"
                    + ("" if strict else " (a run may supply it; strict mode makes this an error)"))
        return
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        props = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        patterns = error.schema.get("patternProperties", {}) if isinstance(error.schema, dict) else {}
        for key in error.instance:
            if key not in props and not any(search(p, key) for p in patterns):
                out.add("error", at + (key,), f"{key!r} is not allowed by the graph's {kind}"
                        f"{out.hints.did_you_mean(key, props)}")
        return
    message = shorten_quotes(violation(error.validator or "false", error.validator_value, error.instance))
    if error.validator in ("anyOf", "oneOf") and isinstance(error.validator_value, list):
        # "is not valid under any of the given schemas" says nothing: name what was expected.
        wanted = _alternatives(error.validator_value, root or {})
        if wanted:
            message = f"{yaml_value(error.instance)} is not valid here: expected {wanted}"
    if error.validator == "type" and isinstance(error.instance, str):
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        if "boolean" in expected and error.instance in _YAML11_BOOLS:
            message += " (YAML 1.2: only true and false are booleans)"
    out.add("error", at, message, value=True)


_NOUNS = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
          "null": "null", "object": "a mapping", "array": "a list"}
_PLURALS = {"string": "strings", "integer": "integers", "number": "numbers", "boolean": "booleans",
            "object": "mappings", "array": "lists"}


def _alternatives(branches: list[Any], root: Any) -> str:
    """``a list of strings, or null`` for the branches of an anyOf/oneOf."""
    names = []
    for branch in branches[:8]:
        name = _expected(resolve_local(root, branch), root)
        if name and name not in names:
            names.append(name)
    return ", or ".join(names)


def _expected(schema: Any, root: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    if "const" in schema:
        return yaml_value(schema["const"])
    if isinstance(schema.get("enum"), list):
        return "one of " + ", ".join(yaml_value(v, 40) for v in schema["enum"][:10])
    kind = schema.get("type")
    if kind == "array":
        items = resolve_local(root, schema.get("items"))
        inner = items.get("type") if isinstance(items, dict) else None
        return f"a list of {_PLURALS[inner]}" if isinstance(inner, str) and inner in _PLURALS else "a list"
    if isinstance(kind, str):
        title = schema.get("title")
        return f"a mapping ({title})" if kind == "object" and isinstance(title, str) else _NOUNS.get(kind, kind)
    if isinstance(kind, list):
        return " or ".join(_NOUNS.get(k, str(k)) for k in kind)
    return ""


def _undeclared(out: _Collector, value: dict[str, Any], schema: Any, root: Any,
                where: tuple[Any, ...], kind: str) -> None:
    """Warn on keys the schema does not name, even where it allows extra keys: likely typos."""
    declared, patterns, closed, subschemas = _declared(schema, root)
    if closed or (not declared and not patterns):
        return  # closed objects error already; free-form mappings declare nothing
    for key, item in value.items():
        if key in declared:
            if isinstance(item, dict):
                for sub in subschemas.get(key, []):
                    _undeclared(out, item, sub, root, where + (key,), kind)
        elif not any(search(p, key) for p in patterns):
            # LangGraph builds a dataclass context with Context(**context): an unknown key is a TypeError
            # on every run. The exported schema of a dataclass looks like a pydantic model's, so this
            # cannot be told apart here and the message says what happens in that case.
            fatal = "" if where not in VALIDATED_KINDS.values() else (
                "; if the graph's context schema is a dataclass, every run fails on it (TypeError)")
            out.add("warning", where + (key,), f"{key!r} is not declared in the graph's {kind}"
                    f"{out.hints.did_you_mean(key, declared) or ' (a typo?)'}{fatal}")


Declared = tuple[set[str], list[str], bool, dict[str, list[Any]]]
# (id(schema), id(root)) -> (schema, root, what they declare): a graph's schemas live as long as
# their LoadedSchema, and every assistant of the graph asks the same; the objects are kept with
# the answer, so an id is never taken for another object's.
_declared_memo: dict[tuple[int, int], tuple[Any, Any, Declared]] = {}


def _declared(schema: Any, root: Any) -> Declared:
    """(declared names, patternProperties, closed, subschemas by name); read only by callers."""
    hit = _declared_memo.get((id(schema), id(root)))
    if hit is not None and hit[0] is schema and hit[1] is root:
        return hit[2]
    found = _declared_walk(schema, root)
    if len(_declared_memo) > 1024:
        _declared_memo.clear()
    _declared_memo[(id(schema), id(root))] = (schema, root, found)
    return found


def _declared_walk(schema: Any, root: Any) -> Declared:
    declared: set[str] = set()
    patterns: list[str] = []
    subschemas: dict[str, list[Any]] = {}
    closed = False
    todo = [schema]
    seen = 0
    while todo and seen < 64:
        seen += 1
        node = resolve_local(root, todo.pop())
        if not isinstance(node, dict):
            continue
        for key, sub in (node.get("properties") or {}).items():
            declared.add(key)
            subschemas.setdefault(key, []).append(sub)
        patterns.extend(node.get("patternProperties") or {})
        if node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False:
            closed = True
        for combo in ("allOf", "anyOf", "oneOf"):
            todo.extend(node.get(combo) or [])
    return declared, patterns, closed, subschemas
