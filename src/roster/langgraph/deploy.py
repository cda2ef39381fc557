"""Plans against a real repository and server: the I/O around :func:`plan_sync`.

:class:`RosterLookup` answers what three-way drift needs (a file at a commit, its git
versions, the server's versions) from a :class:`roster.Roster` and a LangGraph client;
``roster sync`` and ``roster pull`` share it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from roster.errors import RosterError
from roster.langgraph.sync import SyncPlan, plan_sync

if TYPE_CHECKING:
    from roster.roster import Roster


class RosterLookup:
    """Git history from a Roster (at ``ref``), server versions from a client; each read once."""

    def __init__(self, roster: Roster, client: Any, ref: str | None) -> None:
        self.roster = roster
        self.client = client
        self.ref = ref
        self._server: dict[str, list[dict]] = {}
        self._git: dict[str, list[Any]] = {}

    def at_commit(self, assistant_id: str, commit: str) -> Any | None:
        repo = self.roster.project.repo
        if repo is None or repo.revparse_commit(commit) != commit:
            return None  # not in this clone (another repository, or history not fetched)
        try:  # what Roster deployed: read as it was, even if it would not validate today
            return self.roster.resolver.get(assistant_id, commit, validate=False)
        except RosterError:
            return None

    def git_versions(self, assistant_id: str) -> Sequence[Any]:
        if assistant_id not in self._git:
            try:
                self._git[assistant_id] = list(self.roster.history(assistant_id, ref=self.ref))
            except RosterError:
                self._git[assistant_id] = []
        return self._git[assistant_id]

    def server_versions(self, server_id: str) -> Sequence[Mapping]:
        if server_id not in self._server:
            self._server[server_id] = self.client.get_versions(server_id)
        return self._server[server_id]


def plan_deploy(roster: Roster, client: Any, *, ref: str | None = None, prune: bool = False,
                overwrite_drift: bool = False, env: str | None = None) -> tuple[SyncPlan, list[dict]]:
    """The sync plan of ``roster`` at ``ref`` (HEAD) against the client's server, and the server's assistants.

    With ``env``: what that environment runs (each assistant at its pin, the environment
    file read at ``ref``), and every write records ``roster_env`` in the server metadata.
    """
    assistants = roster.list(ref=ref, env=env) if env is not None else roster.list(ref=ref or "HEAD")
    server = client.search_assistants()
    lookup = RosterLookup(roster, client, ref or "HEAD")
    plan = plan_sync(assistants, server, prune=prune, lookup=lookup, overwrite_drift=overwrite_drift)
    if env is not None:
        for item in plan.items:
            if item.payload is not None:
                item.payload.setdefault("metadata", {})["roster_env"] = env
    return plan, server
