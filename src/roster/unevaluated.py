"""``unevaluatedProperties`` with ``patternProperties`` matched by RE2, not Python's ``re``.

jsonschema finds the properties a schema "evaluated" with its own walk
(``_utils.find_evaluated_property_keys_by_schema``), which calls ``re.search`` on
every ``patternProperties`` key: ``^(a+)+$`` there, next to ``unevaluatedProperties``,
backtracks forever on a key of forty ``a`` and a ``b``. This is the same walk with
the match done by roster.regex (linear time); everything else about it is unchanged.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from roster.regex import search


def _is_valid(errors: Iterator[Any]) -> bool:
    return next(errors, None) is None


def evaluated_keys(validator: Any, instance: dict[str, Any], schema: Any) -> list[str]:
    """The keys of ``instance`` that ``schema`` evaluates (properties, patterns, applicators)."""
    if validator.is_type(schema, "boolean"):
        return []
    found: list[str] = []
    for ref_keyword in ("$ref", "$dynamicRef"):
        ref = schema.get(ref_keyword)
        if ref is not None:
            resolved = validator._resolver.lookup(ref)  # jsonschema's own walk resolves refs the same way
            found += evaluated_keys(validator.evolve(schema=resolved.contents, _resolver=resolved.resolver),
                                    instance, resolved.contents)
    properties = schema.get("properties")
    if validator.is_type(properties, "object"):
        found += properties.keys() & instance.keys()
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        subschema = schema.get(keyword)
        if subschema is not None:
            found += (k for k, v in instance.items() if _is_valid(validator.descend(v, subschema)))
    if "patternProperties" in schema:
        patterns = list(schema["patternProperties"])
        found += (k for k in instance for p in patterns if search(p, k))
    for prop, subschema in (schema.get("dependentSchemas") or {}).items():
        if prop in instance:
            found += evaluated_keys(validator, instance, subschema)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for subschema in schema.get(keyword, []):
            if _is_valid(validator.descend(instance, subschema)):
                found += evaluated_keys(validator, instance, subschema)
    if "if" in schema:
        if validator.evolve(schema=schema["if"]).is_valid(instance):
            found += evaluated_keys(validator, instance, schema["if"])
            if "then" in schema:
                found += evaluated_keys(validator, instance, schema["then"])
        elif "else" in schema:
            found += evaluated_keys(validator, instance, schema["else"])
    return found


def unevaluated_properties(validator: Any, unevaluated: Any, instance: Any, schema: Any) -> Any:
    """The ``unevaluatedProperties`` keyword, with jsonschema's messages."""
    from jsonschema import ValidationError  # lazy: loads jsonschema, which only validating needs

    if not validator.is_type(instance, "object"):
        return
    seen = set(evaluated_keys(validator, instance, schema))
    bad = [k for k in instance if k not in seen
           and not _is_valid(validator.descend(instance[k], unevaluated, path=k, schema_path=k))]
    if not bad:
        return
    names = sorted(bad, key=str) if unevaluated is False else bad
    joined = ", ".join(repr(n) for n in names)
    verb = "was" if len(names) == 1 else "were"
    if unevaluated is False:
        yield ValidationError(f"Unevaluated properties are not allowed ({joined} {verb} unexpected)")
    else:
        yield ValidationError(f"Unevaluated properties are not valid under the given schema "
                              f"({joined} {verb} unevaluated and invalid)")
