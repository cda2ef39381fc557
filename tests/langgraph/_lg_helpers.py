"""Helpers shared by the LangGraph tests (a module name no other test folder uses)."""
from __future__ import annotations


def make_assistant(assistant_id: str, graph_id: str = "writer", **fields):
    """A stand-in for what ``Roster.list()`` returns (roster.model.Assistant)."""
    from roster.model import Assistant

    fields.setdefault("name", assistant_id)
    fields.setdefault("version", 1)
    fields.setdefault("commit", "a" * 40)
    return Assistant(assistant_id=assistant_id, graph_id=graph_id, **fields)
