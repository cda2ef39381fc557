"""A fast yes/no pre-check for the common JSON Schema keywords.

jsonschema's validators are exact but slow (~0.15 ms per assistant, most of
``check``'s time). Most assistants are valid, so a compiled closure answers
"certainly valid" for them; anything else (invalid, or a keyword this module
does not know) goes to jsonschema, which finds and explains the errors. The
pre-check may only say True when jsonschema would find no error.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from roster.regex import PatternError, compile_pattern

Check = Callable[[Any], bool]

# Keywords that never affect validity (annotations), as jsonschema applies them.
_ANNOTATIONS = {"title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
                "$comment", "$defs", "definitions", "$schema", "$id", "format", "contentMediaType",
                "contentEncoding", "discriminator"}
_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}


class Unsupported(Exception):
    pass


def compile_check(schema: Any) -> Check | None:
    """A closure for ``schema`` (a whole document, for local $ref), or None if unsupported."""
    try:
        return _Compiler(schema).compile(schema, 0)
    except (Unsupported, PatternError, TypeError, ValueError, KeyError, RecursionError):
        return None


class _Compiler:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any, depth: int) -> Check:
        if depth > 32:
            raise Unsupported("too deep")
        if schema is True or schema == {}:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise Unsupported("not a schema")
        checks: list[Check] = []
        for key, arg in schema.items():
            if key in _ANNOTATIONS:
                continue
            builder = getattr(self, "_k_" + key.lstrip("$"), None)
            if builder is None:
                raise Unsupported(key)
            checks.append(builder(arg, schema, depth))
        if not checks:
            return lambda v: True
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:  # the common case ({type, properties}, {anyOf, default}): no generator a call
            first, second = checks
            return lambda v: first(v) and second(v)

        def every(v: Any) -> bool:
            for c in checks:
                if not c(v):
                    return False
            return True

        return every

    def _k_ref(self, ref: Any, _schema: Any, depth: int) -> Check:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise Unsupported("remote ref")
        if ref in self.refs:
            return self.refs[ref]
        target: Any = self.root
        for part in ref[1:].split("/")[1:] if ref != "#" else []:
            target = target[part.replace("~1", "/").replace("~0", "~")]
        slot: list[Check] = []
        self.refs[ref] = lambda v: slot[0](v)  # late-bound for the uses inside: refs may be recursive
        compiled = self.compile(target, depth + 1)
        slot.append(compiled)
        self.refs[ref] = compiled  # the uses after: called directly
        return compiled

    def _k_type(self, arg: Any, _s: Any, _d: int) -> Check:
        names = arg if isinstance(arg, list) else [arg]
        tests = [_TYPES[n] for n in names]
        if len(tests) == 1:
            return tests[0]
        return lambda v: any(t(v) for t in tests)

    def _k_properties(self, arg: dict[str, Any], _s: Any, depth: int) -> Check:
        props = {k: self.compile(s, depth + 1) for k, s in arg.items()}

        def check(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for k, x in v.items():
                c = props.get(k)
                if c is not None and not c(x):
                    return False
            return True

        return check

    def _k_required(self, arg: list[str], _s: Any, _d: int) -> Check:
        keys = list(arg)
        return lambda v: not isinstance(v, dict) or all(k in v for k in keys)

    def _k_additionalProperties(self, arg: Any, schema: dict[str, Any], depth: int) -> Check:
        known = set(schema.get("properties", {}))
        patterns = [compile_pattern(p) for p in schema.get("patternProperties", {})]
        extra = self.compile(arg, depth + 1)
        return lambda v: not isinstance(v, dict) or all(
            extra(x) for k, x in v.items() if k not in known and not any(p.search(k) for p in patterns))

    def _k_patternProperties(self, arg: dict[str, Any], _s: Any, depth: int) -> Check:
        pairs = [(compile_pattern(p), self.compile(s, depth + 1)) for p, s in arg.items()]
        return lambda v: not isinstance(v, dict) or all(
            c(x) for k, x in v.items() for p, c in pairs if p.search(k))

    def _k_items(self, arg: Any, _s: Any, depth: int) -> Check:
        if isinstance(arg, list):
            raise Unsupported("tuple items")
        item = self.compile(arg, depth + 1)
        return lambda v: not isinstance(v, list) or all(item(x) for x in v)

    def _k_enum(self, arg: list[Any], _s: Any, _d: int) -> Check:
        options = list(arg)
        return lambda v: any(_equal(v, o) for o in options)

    def _k_const(self, arg: Any, _s: Any, _d: int) -> Check:
        return lambda v: _equal(v, arg)

    # A bound applies to numbers only (not booleans); one closure each, no call to a helper.
    @staticmethod
    def _bound(arg: Any) -> Any:
        if not isinstance(arg, (int, float)) or isinstance(arg, bool):
            raise Unsupported("bound")
        return arg

    def _k_minimum(self, arg: Any, _s: Any, _d: int) -> Check:
        a = self._bound(arg)
        return lambda v: not isinstance(v, (int, float)) or isinstance(v, bool) or v >= a

    def _k_maximum(self, arg: Any, _s: Any, _d: int) -> Check:
        a = self._bound(arg)
        return lambda v: not isinstance(v, (int, float)) or isinstance(v, bool) or v <= a

    def _k_exclusiveMinimum(self, arg: Any, _s: Any, _d: int) -> Check:
        a = self._bound(arg)
        return lambda v: not isinstance(v, (int, float)) or isinstance(v, bool) or v > a

    def _k_exclusiveMaximum(self, arg: Any, _s: Any, _d: int) -> Check:
        a = self._bound(arg)
        return lambda v: not isinstance(v, (int, float)) or isinstance(v, bool) or v < a

    def _k_minLength(self, arg: int, _s: Any, _d: int) -> Check:
        return lambda v: not isinstance(v, str) or len(v) >= arg

    def _k_maxLength(self, arg: int, _s: Any, _d: int) -> Check:
        return lambda v: not isinstance(v, str) or len(v) <= arg

    def _k_pattern(self, arg: str, _s: Any, _d: int) -> Check:
        compiled = compile_pattern(arg)  # RE2: linear time (checked when the schema was loaded)
        return lambda v: not isinstance(v, str) or compiled.search(v) is not None

    def _k_minItems(self, arg: int, _s: Any, _d: int) -> Check:
        return lambda v: not isinstance(v, list) or len(v) >= arg

    def _k_maxItems(self, arg: int, _s: Any, _d: int) -> Check:
        return lambda v: not isinstance(v, list) or len(v) <= arg

    def _k_uniqueItems(self, arg: Any, _s: Any, _d: int) -> Check:
        if arg is not True:
            return lambda v: True
        # O(n): one hashable JSON-equality key per item (pairwise comparison was O(n²)).
        return lambda v: not isinstance(v, list) or len({_key(x) for x in v}) == len(v)

    def _k_minProperties(self, arg: int, _s: Any, _d: int) -> Check:
        return lambda v: not isinstance(v, dict) or len(v) >= arg

    def _k_maxProperties(self, arg: int, _s: Any, _d: int) -> Check:
        return lambda v: not isinstance(v, dict) or len(v) <= arg

    def _k_not(self, arg: Any, _s: Any, depth: int) -> Check:
        inner = self.compile(arg, depth + 1)
        return lambda v: not inner(v)

    def _k_anyOf(self, arg: list[Any], _s: Any, depth: int) -> Check:
        branches = [self.compile(s, depth + 1) for s in arg]

        def check(v: Any) -> bool:
            for b in branches:
                if b(v):
                    return True
            return False

        return check

    def _k_allOf(self, arg: list[Any], _s: Any, depth: int) -> Check:
        branches = [self.compile(s, depth + 1) for s in arg]
        return lambda v: all(b(v) for b in branches)

    def _k_oneOf(self, arg: list[Any], _s: Any, depth: int) -> Check:
        branches = [self.compile(s, depth + 1) for s in arg]
        return lambda v: sum(1 for b in branches if b(v)) == 1


def _key(value: Any) -> Any:
    """A hashable key, equal for two values exactly when ``_equal`` says they are."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", int(value) if isinstance(value, float) and value.is_integer() else value)
    if isinstance(value, dict):
        return ("o", frozenset((k, _key(x)) for k, x in value.items()))
    if isinstance(value, list):
        return ("a", tuple(_key(x) for x in value))
    return (type(value).__name__, value)


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but True is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) in (int, float) and type(b) in (int, float) and a == b or (
        type(a) is type(b) and a == b)
