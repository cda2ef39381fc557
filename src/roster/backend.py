"""What every backend answers: ``Roster`` over git, ``Roster.from_index`` over a published index.

The CLI and services hold a ``Backend``; both implementations satisfy it (a test
checks it, and mypy checks each assignment). A published index is read-only:
``check``/``promote`` raise ``UsageError`` there, and ``read_only`` tells callers
ahead of time.
"""
from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from roster.check import CheckReport
    from roster.freshness import Staleness
    from roster.model import Assistant, Version


@runtime_checkable
class Backend(Protocol):
    read_only: bool

    def get(self, spec: str, ref: str | None = None) -> Assistant: ...

    def list(self, ref: str | None = None, graph_id: str | None = None,
             metadata: dict[str, Any] | None = None, *, env: str | None = None) -> builtins.list[Assistant]: ...

    def history(self, assistant_id: str, ref: str | None = None) -> builtins.list[Version]: ...

    def diff(self, spec_a: str, spec_b: str) -> Any: ...

    def check(self, ref: str | None = None, base: str | None = None, *, strict: bool = False,
              allow_empty: bool = False) -> CheckReport: ...

    def promote(self, assistant_id: str, target: str, *, to: str, commit: bool = False) -> Any: ...

    def promote_all(self, source: str, to: str, *, commit: bool = False) -> Sequence[Any]: ...

    def environments(self, ref: str | None = None) -> Sequence[Any]: ...

    def refresh(self) -> bool:
        """Look again now (refs, a fetch, a download); True when something changed."""
        ...

    def staleness(self) -> Staleness | None: ...
