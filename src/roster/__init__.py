"""Roster: LangGraph assistants as code.

>>> from roster import Roster
>>> r = Roster(".")
>>> a = r.get("blog-writer@prod")
>>> graph.invoke(inputs, **a.invoke_kwargs())
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The one place the version lives: pyproject.toml reads it (setuptools dynamic), the
# published index names it, and the validation verdict cache keys on it.
__version__ = "0.2.0"

__all__ = [
    "Roster", "Assistant", "Version", "Problem", "CheckReport",
    "RosterError", "UsageError", "LookupFailed", "NotARepository", "UnknownRef", "UnknownAssistant",
    "InvalidAssistant", "SchemaError", "GitError", "HistoryCut", "RemoteError",
]

if TYPE_CHECKING:
    from roster.check import CheckReport
    from roster.errors import (
        GitError,
        HistoryCut,
        InvalidAssistant,
        LookupFailed,
        NotARepository,
        RemoteError,
        RosterError,
        SchemaError,
        UnknownAssistant,
        UnknownRef,
        UsageError,
    )
    from roster.model import Assistant, Version
    from roster.problems import Problem
    from roster.roster import Roster


def __getattr__(name: str) -> Any:
    # Lazy: importing roster must not pull libgit2 and jsonschema until they are used.
    if name == "Roster":
        from roster.roster import Roster
        return Roster
    if name in ("Assistant", "Version"):
        from roster import model
        return getattr(model, name)
    if name == "Problem":
        from roster.problems import Problem
        return Problem
    if name == "CheckReport":
        from roster.check import CheckReport
        return CheckReport
    if name in __all__:
        from roster import errors
        return getattr(errors, name)
    raise AttributeError(f"module 'roster' has no attribute {name!r}")
