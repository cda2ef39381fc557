"""How the git backend finds what ``ID@REF`` can name (``lookup.Targets`` over a ``Resolver``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from roster.environments import environment_at, environments_at, label_problem, pin_target

if TYPE_CHECKING:
    from roster.resolve import Resolver


class GitTargets:
    """Versions, environment files, own tags and refs of one repository; safe to share between threads."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._env_names: tuple[str, frozenset[str]] | None = None  # (HEAD, environment file names there)

    @property
    def environments_folder(self) -> str:
        return self.resolver.layout.environments

    def version_target(self, assistant_id: str, number: int) -> tuple[str, str]:
        entry = self.resolver.version_entry(assistant_id, number)
        return entry.assistant_id, entry.commit

    def env_target(self, assistant_id: str, label: str) -> tuple[str, str] | None:
        """Through ``environments/<label>.yaml`` at HEAD; None without such a file."""
        if label_problem(label) is not None:
            return None
        resolver = self.resolver
        head = resolver.head()
        # The names of the environment files, listed once per HEAD: most refs (tags, branches)
        # are not environments, and a new id@tag should cost no more than it did before.
        names = self._env_names
        if names is None or names[0] != head:
            names = self._env_names = (head, frozenset(environments_at(resolver, head)))
        if label not in names[1]:
            return None
        env = environment_at(resolver, head, label)
        return pin_target(resolver, env, assistant_id, head) if env is not None else None

    def own_tag(self, assistant_id: str, label: str) -> str | None:
        return self.resolver.own_tag(assistant_id, label)

    def ref_commit(self, ref: str) -> str:
        return self.resolver.ref_commit(ref)
