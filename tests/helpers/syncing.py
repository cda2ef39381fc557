"""Helpers shared by the LangGraph tests (a module name no other test folder uses)."""
from __future__ import annotations


def make_assistant(assistant_id: str, graph_id: str = "writer", **fields):
    """A stand-in for what ``Roster.list()`` returns (roster.model.Assistant)."""
    from roster.model import Assistant

    fields.setdefault("name", assistant_id)
    fields.setdefault("version", 1)
    fields.setdefault("commit", "a" * 40)
    return Assistant(assistant_id=assistant_id, graph_id=graph_id, **fields)


class MemoryLookup:
    """A DriftLookup over assistants given in memory (versions of a file; server versions)."""

    def __init__(self, *known, server_versions=None, client=None):
        self.known = list(known)
        self.versions = dict(server_versions or {})
        self.client = client  # a LangGraphClient: server versions from the real server

    def at_commit(self, assistant_id, commit):
        return next((a for a in self.known if a.assistant_id == assistant_id and a.commit == commit), None)

    def git_versions(self, assistant_id):
        mine = [a for a in self.known if a.assistant_id == assistant_id]
        return sorted(mine, key=lambda a: -(a.version or 0))

    def server_versions(self, server_id):
        if self.client is not None:
            return self.client.get_versions(server_id)
        return self.versions.get(server_id, [])
