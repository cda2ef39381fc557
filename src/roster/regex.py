"""Regular expressions from schemas, in linear time (RE2).

A graph schema's ``pattern`` and ``patternProperties`` come from a pull request like
everything else. Python's ``re`` backtracks: ``^(a+)+$`` on forty ``a`` and a ``b``
never finishes. RE2 (``google-re2``) matches in time linear in the text, and refuses
what it cannot do in linear time (backreferences, lookaround): such a pattern is an
error on the schema, never a hang.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol

from roster.errors import RosterError


class PatternError(RosterError):
    """A schema's regular expression that RE2 cannot take."""


class Pattern(Protocol):
    def search(self, text: str) -> Any: ...


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Pattern:
    """The compiled pattern (ECMA-262-like syntax, as JSON Schema asks); raises PatternError."""
    # lazy: loads re2
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print its parse errors on stderr
    try:
        return _Compiled(re2.compile(pattern, options))
    except re2.error as e:
        reason = e.args[0].decode("utf-8", "replace") if e.args and isinstance(e.args[0], bytes) else str(e)
        raise PatternError(f"regular expression {pattern!r} is not supported ({reason}); schemas may use only "
                           "patterns that run in linear time (no backreferences or lookaround)") from None


class _Compiled:
    """An RE2 pattern whose ``search`` gives ASCII text to RE2 as bytes: the same match (UTF-8
    of ASCII is the text itself), without the wrapper's per-call character-offset mapping,
    which cost ~3 µs of a 4 µs search of a short value."""

    __slots__ = ("compiled",)

    def __init__(self, compiled: Any) -> None:
        self.compiled = compiled

    def search(self, text: str) -> Any:
        if isinstance(text, str) and text.isascii():
            return self.compiled.search(text.encode("ascii"))
        return self.compiled.search(text)


def search(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).search(text) is not None


def patterns_in(schema: Any) -> list[tuple[tuple[Any, ...], str]]:
    """Every ``pattern`` value and ``patternProperties`` key of a schema, with where it stands."""
    out: list[tuple[tuple[Any, ...], str]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(schema, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                out.append(((*path, "pattern"), node["pattern"]))
            if isinstance(node.get("patternProperties"), dict):
                out.extend(((*path, "patternProperties", p), p) for p in node["patternProperties"])
            stack.extend((v, (*path, k)) for k, v in node.items() if k not in ("const", "enum", "default", "examples"))
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(node))
    return out
