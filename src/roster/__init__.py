"""Roster: LangGraph assistants as code.

>>> from roster import Roster
>>> r = Roster(".")
>>> a = r.get("blog-writer@prod")
>>> graph.invoke(inputs, **a.invoke_kwargs())
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from roster.version import __version__ as __version__  # re-exported: roster.__version__

__all__ = [
    "Roster", "Assistant", "Version", "Problem", "CheckReport",
    "RosterError", "UsageError", "LookupFailed", "NotARepository", "UnknownRef", "UnknownAssistant",
    "InvalidAssistant", "SchemaError", "GitError", "HistoryCut", "RemoteError",
]

if TYPE_CHECKING:
    from roster.check import CheckReport
    from roster.model import Assistant, Version
    from roster.problems import Problem
    from roster.roster import Roster


def __getattr__(name: str) -> Any:
    # Importing roster (as every submodule import does) must not pull pygit2, pydantic or jsonschema.
    if name == "Roster":
        from roster.roster import Roster  # lazy: the whole library (git reader, catalog, diff), not for a submodule

        return Roster
    if name in ("Assistant", "Version"):
        from roster import model  # lazy: imports pydantic

        return getattr(model, name)
    if name == "Problem":
        from roster.problems import Problem  # lazy: kept out of --help (tests/cli/test_main.py)

        return Problem
    if name == "CheckReport":
        from roster.check import CheckReport  # lazy: kept out of show and history (tests/test_known.py)

        return CheckReport
    raise AttributeError(f"module 'roster' has no attribute {name!r}")
