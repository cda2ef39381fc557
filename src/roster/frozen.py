"""Read-only JSON containers: what a resolved assistant hands out.

Resolved assistants are cached and shared by every caller in the process, so
one caller's ``a.config["tags"].append("x")`` must not change what the next
``get`` returns (SPEC section 5). ``FrozenDict`` and ``FrozenList`` subclass
``dict`` and ``list`` so that everything that reads JSON still takes them
(``json.dumps``, jsonschema, pydantic, ``==`` with plain dicts and lists, a
LangGraph graph), while every method that would change them raises TypeError.

Freezing once, when an assistant is built, was measured against handing out a
deep copy on every access (``bench/immutability.py``): a cache hit stays free.
``copy.copy``/``copy.deepcopy`` give back plain, mutable containers, which is
what ``runnable_config()`` hands to LangGraph.
"""
from __future__ import annotations

import copy
from typing import Any, NoReturn


def _refuse(self: Any, *_args: Any, **_kwargs: Any) -> NoReturn:
    kind = "mapping" if isinstance(self, dict) else "list"
    raise TypeError(f"this {kind} belongs to a resolved assistant and is read-only; "
                    "copy it first (copy.deepcopy, or a.runnable_config())")


class FrozenDict(dict[str, Any]):
    """A ``dict`` that cannot be changed in place."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return {k: copy.deepcopy(v, memo) for k, v in self.items()}

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __repr__(self) -> str:
        return dict.__repr__(self)


class FrozenList(list[Any]):
    """A ``list`` that cannot be changed in place."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = clear = extend = insert = pop = remove = reverse = sort = _refuse

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return [copy.deepcopy(v, memo) for v in self]

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))

    def __repr__(self) -> str:
        return list.__repr__(self)


def freeze(value: Any) -> Any:
    """``value`` with every dict and list inside it made read-only (scalars as they are)."""
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return FrozenList([freeze(v) for v in value])
    return value


def thaw(value: Any) -> Any:
    """A plain, mutable deep copy of JSON data (frozen or not)."""
    return copy.deepcopy(value)
