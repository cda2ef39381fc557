"""roster sync against a real `langgraph dev` server."""
from __future__ import annotations

import uuid

import pytest

from helpers.syncing import MemoryLookup, make_assistant
from roster.langgraph.sync import (
    CREATE,
    DELETE,
    UNCHANGED,
    UPDATE,
    DriftBlocked,
    SyncFailed,
    apply_sync,
    plan_sync,
    server_id_for,
)

pytestmark = pytest.mark.langgraph


SEEN: list = []  # every assistant version a test synced: its "git history"


@pytest.fixture(autouse=True)
def _fresh_history():
    SEEN.clear()


def sync(client, assistants, *, prune=False):
    SEEN.extend(assistants)
    plan = plan_sync(assistants, client.search_assistants(), prune=prune, lookup=MemoryLookup(*SEEN, client=client))
    assert not plan.errors, plan.errors
    apply_sync(plan, client)
    return plan


def actions(plan):
    return sorted((i.action, i.assistant_id) for i in plan.items)


def versions(client, assistant) -> list[int]:
    return [v["version"] for v in client.get_versions(server_id_for(assistant))]


def writer(version=1, commit="a" * 40, **over):
    fields = dict(config={"tags": ["blog"], "recursion_limit": 7}, context={"greeting": "Hi", "temperature": 0.7},
                  metadata={"owner": "marketing"}, description="Long-form posts", name="Blog writer")
    fields.update(over)
    return make_assistant("marketing/blog-writer", "writer", version=version, commit=commit, **fields)


def echo(version=1, commit="a" * 40, **over):
    fields = dict(config={"configurable": {"style": "loud"}})
    fields.update(over)
    return make_assistant("echo-bot", "echo", version=version, commit=commit, **fields)


def test_sync_creates_with_roster_metadata(clean_server):
    client = clean_server
    plan = sync(client, [writer(), echo()])
    assert actions(plan) == [(CREATE, "echo-bot"), (CREATE, "marketing/blog-writer")]
    got = client.get_assistant(server_id_for(writer()))
    assert got["graph_id"] == "writer" and got["name"] == "Blog writer" and got["description"] == "Long-form posts"
    assert got["config"]["tags"] == ["blog"] and got["config"]["recursion_limit"] == 7
    assert got["context"] == {"greeting": "Hi", "temperature": 0.7}
    assert got["metadata"] == {"owner": "marketing", "roster_id": "marketing/blog-writer", "roster_version": 1,
                               "roster_commit": "a" * 40, "roster_metadata_keys": ["owner"]}
    assert got["version"] == 1
    assert client.get_assistant(server_id_for(echo()))["context"] == {"style": "loud"}


def test_resync_creates_no_new_versions(clean_server):
    client = clean_server
    sync(client, [writer(), echo()])
    before = (versions(client, writer()), versions(client, echo()))
    plan = plan_sync([writer(), echo()], client.search_assistants())
    assert actions(plan) == [(UNCHANGED, "echo-bot"), (UNCHANGED, "marketing/blog-writer")]
    assert not plan.has_changes
    apply_sync(plan, client)
    # a later commit that does not touch the files: still nothing to do
    plan = sync(client, [writer(version=1, commit="c" * 40), echo(version=1, commit="c" * 40)])
    assert not plan.has_changes
    assert (versions(client, writer()), versions(client, echo())) == before == ([1], [1])


def test_change_and_sync_makes_exactly_one_version(clean_server):
    client = clean_server
    sync(client, [writer(), echo()])
    changed = writer(version=2, commit="b" * 40, context={"greeting": "Hello", "temperature": 0.7},
                     metadata={"team": "content"}, description=None)
    plan = sync(client, [changed, echo()])
    assert actions(plan) == [(UNCHANGED, "echo-bot"), (UPDATE, "marketing/blog-writer")]
    (item,) = plan.of(UPDATE)
    assert {(c.path, c.op) for c in item.changes} == {
        ("context.greeting", "changed"), ("metadata.owner", "removed"), ("metadata.team", "added"),
        ("description", "changed")}
    assert versions(client, changed) == [2, 1]
    assert versions(client, echo()) == [1]
    got = client.get_assistant(server_id_for(changed))
    assert got["context"]["greeting"] == "Hello"
    assert got["metadata"]["roster_version"] == 2 and got["metadata"]["roster_commit"] == "b" * 40
    assert got["metadata"].get("owner") is None and got["metadata"]["team"] == "content"
    assert not got["description"]
    # and syncing the same again adds nothing
    assert not sync(client, [changed, echo()]).has_changes
    assert versions(client, changed) == [2, 1]


def test_clearing_config_and_context(clean_server):
    client = clean_server
    sync(client, [writer()])
    bare = make_assistant("marketing/blog-writer", "writer", version=2, commit="b" * 40, name="Blog writer")
    plan = sync(client, [bare])
    assert actions(plan) == [(UPDATE, "marketing/blog-writer")]
    got = client.get_assistant(server_id_for(bare))
    assert got["context"] == {} and not (got["config"].get("configurable")) and "tags" not in got["config"]
    assert not sync(client, [bare]).has_changes


def test_prune_deletes_only_roster_created(clean_server, sdk):
    client = clean_server
    sync(client, [writer(), echo()])
    by_hand = sdk.assistants.create(graph_id="writer", name="made by hand", metadata={"owner": "ops"})
    system_ids = {a["assistant_id"] for a in client.search_assistants()
                  if (a.get("metadata") or {}).get("created_by") == "system"}
    assert system_ids

    plan = plan_sync([writer()], client.search_assistants(), prune=False)
    assert not plan.has_changes and [o.assistant_id for o in plan.orphans] == ["echo-bot"]

    plan = sync(client, [writer()], prune=True)
    assert actions(plan) == [(DELETE, "echo-bot"), (UNCHANGED, "marketing/blog-writer")]
    left = {a["assistant_id"] for a in client.search_assistants()}
    assert server_id_for(echo()) not in left
    assert server_id_for(writer()) in left
    assert by_hand["assistant_id"] in left
    assert system_ids <= left


def test_drift_blocks_unless_overwritten(clean_server, sdk):
    client = clean_server
    sync(client, [writer()])
    sid = server_id_for(writer())
    # as Studio would: a PATCH with only context (the server then also replaces the config)
    sdk.assistants.update(sid, context={"greeting": "edited in Studio", "temperature": 0.7})
    plan = plan_sync([writer()], client.search_assistants())
    (item,) = plan.items
    assert item.action == UPDATE and item.drift and plan.blocked
    assert ("context.greeting", "edited in Studio", "Hi") in [(c.path, c.old, c.new) for c in item.changes]
    with pytest.raises(DriftBlocked):
        apply_sync(plan, client)
    assert client.get_assistant(sid)["context"]["greeting"] == "edited in Studio"
    plan = plan_sync([writer()], client.search_assistants(), overwrite_drift=True)
    apply_sync(plan, client)
    assert client.get_assistant(sid)["context"]["greeting"] == "Hi"
    assert not plan_sync([writer()], client.search_assistants()).has_changes


def test_failure_reports_applied_and_not_applied(clean_server):
    client = clean_server
    good = make_assistant("a-good", "writer")
    bad = make_assistant("b-bad", "no-such-graph")
    later = make_assistant("c-later", "echo")
    plan = plan_sync([good, bad, later], client.search_assistants())
    with pytest.raises(SyncFailed) as info:
        apply_sync(plan, client)
    message = str(info.value)
    assert "sync failed at create b-bad" in message
    assert "applied: create a-good" in message
    assert "not applied: create b-bad, create c-later" in message
    assert "no-such-graph" in message and "404" in message
    assert [i.assistant_id for i in info.value.applied] == ["a-good"]


def test_synced_assistant_runs_on_server(clean_server):
    client = clean_server
    sync(client, [writer(), echo()])
    out = client.request("POST", "/runs/wait", {"assistant_id": server_id_for(writer()), "input": {"topic": "git"}})
    assert out["reply"] == "Hi git (plain)"
    assert out["seen"]["greeting"] == "Hi" and out["seen"]["temperature"] == 0.7
    assert "blog" in out["seen"]["tags"]
    assert out["seen"]["recursion_limit"] == 7


def test_search_pages_past_one_page(clean_server, monkeypatch):
    import roster.langgraph.client as client_module

    client = clean_server
    for n in range(5):
        client.create_assistant({"assistant_id": str(uuid.uuid4()), "graph_id": "echo", "name": f"n{n}"})
    monkeypatch.setattr(client_module, "PAGE", 2)
    everything = client.search_assistants()
    assert len({a["assistant_id"] for a in everything}) == len(everything) >= 7
