"""One error tree for everything Roster raises.

The CLI maps these to exit codes in one place (``roster.cli.exits``):
``UsageError`` and ``LookupFailed`` exit 2, ``InvalidAssistant`` exits 1,
anything else derived from ``RosterError`` also exits 2, and anything that is
not a ``RosterError`` is a bug (exit 3).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roster.problems import Problem


class RosterError(Exception):
    """Base of every error Roster raises on purpose.

    ``lines``, when set, are separate problems that the CLI prints one per line (each a
    one-line message); otherwise the message is printed on one line.
    """

    lines: tuple[str, ...] = ()


class UsageError(RosterError):
    """The caller asked for something malformed (a bad spec, a bad option value)."""


class LookupFailed(RosterError):
    """Something named does not exist: an assistant, a ref, a repository."""


class NotARepository(LookupFailed):
    """The path is not (inside) a git repository."""


class UnknownRef(LookupFailed):
    """A ref, tag, commit or version could not be resolved, or is ambiguous."""


class UnknownAssistant(LookupFailed):
    """No assistant with that id at that ref (it may have been renamed or deleted)."""


class HistoryCut(LookupFailed):
    """A shallow clone does not hold enough history to number versions."""


class GitError(RosterError):
    """The repository could not be read (corrupt object, unreadable pack...)."""


class SchemaError(RosterError):
    """A graph schema file is unusable."""


class RemoteError(RosterError):
    """A remote service (LangGraph server, git remote) failed."""


class InvalidAssistant(RosterError):
    """An assistant failed validation; ``problems`` lists every problem found."""

    def __init__(self, assistant_id: str, problems: Sequence[Problem]) -> None:
        self.assistant_id = assistant_id
        self.problems = tuple(problems)
        lines = [f"assistant {assistant_id!r} is invalid:"]
        lines += [f"  {p.format()}" for p in self.problems]
        super().__init__("\n".join(lines))
