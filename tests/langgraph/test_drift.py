"""Three-way drift, rollback and unmanaged assistants in the plan (pure: no server)."""
from __future__ import annotations

import uuid

import pytest
from test_plan import server_view

from helpers.syncing import MemoryLookup, make_assistant
from roster.langgraph.sync import (
    UNCHANGED,
    UPDATE,
    DriftBlocked,
    apply_sync,
    plan_sync,
    server_id_for,
)
from roster.reporters.syncplan import format_plan

PROMPT = "You write long-form posts.\nBe concise.\nCite sources.\n"


def w(version: int, commit: str, **context):
    ctx = {"system_prompt": PROMPT, "greeting": "Hi"}
    ctx.update(context)
    return make_assistant("w", version=version, commit=commit, context=ctx)


def edited(a, **context):
    """The server view of ``a`` after a Studio edit of its context (metadata unchanged)."""
    ctx = {**a.context, **context}
    return server_view(a, context=ctx, config={"configurable": ctx}, version=2)


def test_edit_on_server_after_git_moved_on_is_drift_and_blocks():
    a1, a2 = w(1, "a" * 40), w(2, "b" * 40, greeting="Hello")
    server = edited(a1, system_prompt=PROMPT.replace("Be concise.", "Be brief and warm."))
    plan = plan_sync([a2], [server], lookup=MemoryLookup(a1, a2))
    (item,) = plan.items
    assert item.action == UPDATE and item.drift and plan.blocked == [item]
    assert [(c.path, c.op) for c in item.drift_changes] == [("context.system_prompt", "changed")]
    assert "roster_commit aaaaaaaaaaaa" in item.base
    text = format_plan(plan)
    assert "DRIFT" in text and "Blocked" in text and "..." not in text
    assert "-Be concise." in text and "+Be brief and warm." in text  # a prompt as a line diff
    with pytest.raises(DriftBlocked):
        apply_sync(plan, object())  # refuses before any request
    plan = plan_sync([a2], [server], lookup=MemoryLookup(a1, a2), overwrite_drift=True)
    assert plan.drifted and not plan.blocked


def test_git_change_alone_is_no_drift():
    a1, a2 = w(1, "a" * 40), w(2, "b" * 40, greeting="Hello")
    (item,) = plan_sync([a2], [server_view(a1)], lookup=MemoryLookup(a1, a2)).items
    assert item.action == UPDATE and not item.drift and item.reason == "changed in git"


def test_drifted_but_equal_to_git_is_unchanged():
    a1 = w(1, "a" * 40)
    a2 = w(2, "b" * 40, greeting="Studio")  # the Studio edit, pulled and committed
    server = edited(a1, greeting="Studio")
    (item,) = plan_sync([a2], [server], lookup=MemoryLookup(a1, a2)).items
    assert item.action == UNCHANGED


def test_pulled_edit_then_new_git_change_is_not_drift():
    a1 = w(1, "a" * 40)
    a2 = w(2, "b" * 40, greeting="Studio")  # pulled; the server still names roster_commit aaa
    a3 = w(3, "c" * 40, greeting="Studio", extra="x")
    server = edited(a1, greeting="Studio")
    (item,) = plan_sync([a3], [server], lookup=MemoryLookup(a1, a2, a3)).items
    assert item.action == UPDATE and not item.drift and "git version 2" in item.base


def test_unknown_roster_commit_uses_the_last_shared_server_version():
    a1, a2 = w(1, "a" * 40), w(2, "b" * 40, greeting="Hello")
    v1 = server_view(a1)
    v1["metadata"] = {**v1["metadata"], "roster_commit": "f" * 40}  # written from a commit not in this clone
    server = {**edited(a1, greeting="Studio"), "metadata": v1["metadata"]}
    lookup = MemoryLookup(a1, a2, server_versions={server_id_for(a1): [v1, server]})
    (item,) = plan_sync([a2], [server], lookup=lookup).items
    assert item.drift and "server version 1 = git version 1" in item.base
    assert [(c.path, c.old, c.new) for c in item.drift_changes] == [("context.greeting", "Hi", "Studio")]


def test_rollback_points_at_the_earlier_server_version():
    a1, a2 = w(1, "a" * 40), w(2, "b" * 40, greeting="Hello")
    a3 = w(3, "c" * 40)  # a revert: a1's content again
    s1, s2 = server_view(a1, version=1), server_view(a2, version=2)
    lookup = MemoryLookup(a1, a2, a3, server_versions={server_id_for(a1): [s2, s1]})
    (item,) = plan_sync([a3], [s2], lookup=lookup).items
    assert item.action == UPDATE and not item.drift and item.rollback_to == 1


def test_unmanaged_assistants_are_listed_not_touched():
    keep = make_assistant("keep")
    hand = {"assistant_id": str(uuid.uuid4()), "graph_id": "writer", "config": {}, "context": {},
            "metadata": {"owner": "ops"}, "name": "By hand"}
    system = {"assistant_id": str(uuid.uuid4()), "graph_id": "echo", "config": {}, "context": {},
              "metadata": {"created_by": "system"}, "name": "echo"}
    plan = plan_sync([keep], [server_view(keep), hand, system], prune=True)
    assert [i.action for i in plan.items] == [UNCHANGED]
    assert {i.server_id for i in plan.unmanaged} == {hand["assistant_id"], system["assistant_id"]}
    assert plan.summary()["unmanaged"] == 2
    text = format_plan(plan)
    assert '"By hand"' in text and "default assistant of graph echo" in text and "never touched" in text


def test_plans_never_print_a_secret():
    import json

    from roster.reporters.syncplan import redact_json

    key = "sk-ant-" + "a1B2" * 10
    a1, a2 = w(1, "a" * 40), w(2, "b" * 40, greeting="Hello")
    server = edited(a1, api_key=key, system_prompt=PROMPT + f"token {key}\n")
    plan = plan_sync([a2], [server], lookup=MemoryLookup(a1, a2))
    text = format_plan(plan)
    assert key not in text and "[redacted]" in text
    assert key not in json.dumps(redact_json(plan.as_json()))
    assert key in json.dumps(plan.as_json())  # the library keeps content as it is


def test_a_second_server_edit_after_a_pulled_one_has_the_pulled_version_as_base():
    a1 = w(1, "a" * 40)
    a2 = w(2, "b" * 40, greeting="Studio")  # the first edit, pulled and committed (server still names aaa)
    s1 = edited(a1, greeting="Studio")
    s2 = {**edited(a1, greeting="Studio again"), "version": 3}
    lookup = MemoryLookup(a1, a2, server_versions={server_id_for(a1): [s2, s1, server_view(a1)]})
    (item,) = plan_sync([a2], [s2], lookup=lookup).items
    assert item.drift and "= git version 2" in item.base
    assert [(c.path, c.old, c.new) for c in item.drift_changes] == [("context.greeting", "Studio", "Studio again")]
