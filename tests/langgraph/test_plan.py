"""plan_sync is pure: these need no server and no langgraph."""
from __future__ import annotations

import uuid

from helpers.syncing import MemoryLookup, make_assistant
from roster.langgraph.content import payload_for
from roster.langgraph.sync import (
    CREATE,
    DELETE,
    ROSTER_NAMESPACE,
    UNCHANGED,
    UPDATE,
    desired_content,
    plan_sync,
    server_id_for,
)
from roster.reporters.syncplan import format_plan


def server_view(a, **over):
    """What a LangGraph server holds after Roster created ``a`` (mirroring included)."""
    body = payload_for(a, None)
    config = dict(body["config"])
    context = dict(config.get("configurable") or {})
    out = {"assistant_id": server_id_for(a), "graph_id": body["graph_id"], "config": config, "context": context,
           "metadata": body["metadata"], "name": body["name"], "description": body.get("description"),
           "version": 1}
    out.update(over)
    return out


def test_namespace_is_documented_derivation():
    assert ROSTER_NAMESPACE == uuid.uuid5(uuid.NAMESPACE_URL, "urn:roster:assistant")
    a = make_assistant("team/blog-writer")
    assert server_id_for(a) == str(uuid.uuid5(ROSTER_NAMESPACE, "team/blog-writer"))
    pinned = make_assistant("x", server_id="6F1C0C8E-0D8A-4C5E-9D3A-1B2C3D4E5F60")
    assert server_id_for(pinned) == "6f1c0c8e-0d8a-4c5e-9d3a-1b2c3d4e5f60"


def test_create_then_unchanged():
    a = make_assistant("w", context={"greeting": "Hi"}, config={"tags": ["t"], "recursion_limit": 5},
                       metadata={"owner": "me"}, description="d")
    plan = plan_sync([a], [])
    assert [i.action for i in plan.items] == [CREATE]
    payload = plan.items[0].payload
    assert payload["config"] == {"tags": ["t"], "recursion_limit": 5, "configurable": {"greeting": "Hi"}}
    assert payload["context"] == {}
    assert payload["metadata"] == {"owner": "me", "roster_id": "w", "roster_version": 1, "roster_commit": "a" * 40,
                                   "roster_metadata_keys": ["owner"]}
    plan = plan_sync([a], [server_view(a)])
    assert [i.action for i in plan.items] == [UNCHANGED]
    assert not plan.has_changes


def test_new_commit_same_content_is_unchanged():
    a1 = make_assistant("w", context={"greeting": "Hi"})
    a2 = make_assistant("w", context={"greeting": "Hi"}, version=4, commit="b" * 40)
    plan = plan_sync([a2], [server_view(a1)])
    assert [i.action for i in plan.items] == [UNCHANGED]


def test_change_is_update_with_field_diffs():
    a1 = make_assistant("w", context={"greeting": "Hi", "temperature": 0.5}, metadata={"owner": "me"})
    a2 = make_assistant("w", context={"greeting": "Hello", "temperature": 0.5}, metadata={"team": "t"},
                        version=2, commit="b" * 40)
    plan = plan_sync([a2], [server_view(a1)], lookup=MemoryLookup(a1, a2))
    (item,) = plan.items
    assert item.action == UPDATE and not item.drift
    changes = {(c.path, c.op) for c in item.changes}
    assert changes == {("context.greeting", "changed"), ("metadata.owner", "removed"), ("metadata.team", "added")}
    assert item.payload["metadata"]["owner"] is None  # a PATCH merges metadata: clear, not omit
    assert item.payload["metadata"]["roster_metadata_keys"] == ["team"]


def test_cleared_metadata_key_stays_unchanged_afterwards():
    a1 = make_assistant("w", metadata={"owner": "me"})
    a2 = make_assistant("w", version=2, commit="b" * 40)
    after = server_view(a2)
    after["metadata"] = {**after["metadata"], "owner": None}
    assert [i.action for i in plan_sync([a2], [after]).items] == [UNCHANGED]
    assert [i.action for i in plan_sync([a2], [server_view(a1)], lookup=MemoryLookup(a1, a2)).items] == [UPDATE]


def test_server_added_metadata_is_ignored():
    a = make_assistant("w", metadata={"owner": "me"})
    view = server_view(a)
    view["metadata"] = {**view["metadata"], "added_by_auth": "alice"}
    assert [i.action for i in plan_sync([a], [view]).items] == [UNCHANGED]


def test_drift_when_server_changed_at_same_commit():
    a = make_assistant("w", context={"greeting": "Hi"})
    view = server_view(a, context={"greeting": "Changed by hand"},
                       config={"configurable": {"greeting": "Changed by hand"}})
    (item,) = plan_sync([a], [view]).items
    assert item.action == UPDATE and item.drift
    assert "DRIFT" in format_plan(plan_sync([a], [view]))


def test_configurable_and_context_together_is_a_plan_error():
    a = make_assistant("w", config={"configurable": {"a": 1}}, context={"b": 2})
    plan = plan_sync([a], [])
    assert plan.errors and "both config.configurable and context" in plan.errors[0]
    assert plan.items == []


def test_configurable_source_is_reported_as_such():
    a1 = make_assistant("w", config={"configurable": {"style": "a"}})
    a2 = make_assistant("w", config={"configurable": {"style": "b"}}, commit="b" * 40)
    (item,) = plan_sync([a2], [server_view(a1)], lookup=MemoryLookup(a1)).items
    assert [c.path for c in item.changes] == ["config.configurable.style"]


def test_clearing_description_and_config():
    a1 = make_assistant("w", description="old", config={"tags": ["x"]}, context={"greeting": "Hi"})
    a2 = make_assistant("w", commit="b" * 40)
    (item,) = plan_sync([a2], [server_view(a1)], lookup=MemoryLookup(a1)).items
    assert item.payload["description"] == ""
    assert item.payload["config"] == {"configurable": {}}  # non-empty: an empty PATCH config keeps the old one
    assert item.payload["context"] == {}


def test_prune_only_roster_assistants():
    keep = make_assistant("keep")
    gone = make_assistant("gone")
    hand = {"assistant_id": str(uuid.uuid4()), "graph_id": "writer", "config": {}, "context": {},
            "metadata": {"owner": "someone"}, "name": "by hand"}
    system = {"assistant_id": str(uuid.uuid4()), "graph_id": "writer", "config": {}, "context": {},
              "metadata": {"created_by": "system"}, "name": "writer"}
    server = [server_view(keep), server_view(gone), hand, system]
    plan = plan_sync([keep], server, prune=False)
    assert [i.action for i in plan.items] == [UNCHANGED]
    assert [o.assistant_id for o in plan.orphans] == ["gone"]
    assert not plan.has_changes
    plan = plan_sync([keep], server, prune=True)
    assert sorted((i.action, i.assistant_id) for i in plan.items) == [(DELETE, "gone"), (UNCHANGED, "keep")]


def test_hand_made_assistant_at_pinned_id_is_adopted_as_is():
    sid = str(uuid.uuid4())
    a = make_assistant("w", server_id=sid)
    hand = {"assistant_id": sid, "graph_id": "writer", "config": {}, "context": {}, "metadata": {}, "name": "w"}
    # what `roster import` writes: equal but for roster_id, so nothing is sent
    (item,) = plan_sync([a], [hand]).items
    assert item.action == UNCHANGED
    # git changed it since (the server still holds git's first version): an update that adopts it
    a2 = make_assistant("w", server_id=sid, description="new", version=2, commit="b" * 40)
    first = make_assistant("w", server_id=sid)
    (item,) = plan_sync([a2], [hand], lookup=MemoryLookup(first, a2)).items
    assert item.action == UPDATE and not item.drift and "adopt" in item.reason
    # content git never had: drift with an unknown base
    (item,) = plan_sync([a2], [{**hand, "name": "edited"}], lookup=MemoryLookup(first, a2)).items
    assert item.drift and "unknown" in item.base


def test_foreign_roster_id_at_derived_id_is_an_error():
    a = make_assistant("w")
    other = server_view(a)
    other["metadata"] = {**other["metadata"], "roster_id": "someone-else"}
    plan = plan_sync([a], [other])
    assert plan.errors and "belongs to Roster id 'someone-else'" in plan.errors[0]


def test_duplicate_pinned_server_ids():
    sid = str(uuid.uuid4())
    plan = plan_sync([make_assistant("a", server_id=sid), make_assistant("b", server_id=sid)], [])
    assert plan.errors and "also the server id of a" in plan.errors[0]


def test_desired_content_defaults():
    a = make_assistant("w")
    assert desired_content(a) == {"graph_id": "writer", "name": "w", "description": "", "config": {},
                                  "context": {}, "metadata": {"roster_id": "w"}}
