"""The history questions every backend asks (roster.timeline), on chains built from deltas."""
from __future__ import annotations

import pytest

from roster.errors import HistoryCut, UnknownAssistant, UnknownRef
from roster.history import Chain, Change
from roster.timeline import (
    alive_at,
    find_lineage,
    missing_message,
    numbered,
    plan,
    state_at,
    version_entry,
    versions_at,
)

C = [f"{i:040x}" for i in range(1, 9)]


def _chain(deltas: dict[int, list[Change]], *, cut: bool = False) -> Chain:
    return Chain(C[: max(deltas) + 1] if deltas else C[:1], cut, {C[p]: tuple(chs) for p, chs in deltas.items()})


def A(path: str, blob: str) -> Change:
    return Change("A", None, path, None, blob)


def M(path: str, old: str, new: str) -> Change:
    return Change("M", path, path, old, new)


def R(old_path: str, new_path: str, old: str, new: str) -> Change:
    return Change("R", old_path, new_path, old, new)


def D(path: str, old: str) -> Change:
    return Change("D", path, None, old, None)


def _when(commit: str) -> str:
    return f"day {C.index(commit)}"


# a: added, changed, renamed to b, b deleted, a re-added; c: added, only its mode changed.
STORY = {0: [A("a.yaml", "a1"), A("c.yaml", "c1")], 1: [M("a.yaml", "a1", "a2"), M("c.yaml", "c1", "c1")],
         2: [R("a.yaml", "b.yaml", "a2", "b3")], 3: [D("b.yaml", "b3")], 4: [A("a.yaml", "a5")],
         5: [M("a.yaml", "a5", "a6")]}


def test_versions_follow_renames_and_a_mode_change_is_no_version() -> None:
    chain = _chain(STORY)
    assert [e.blob for e in versions_at(chain, find_lineage(chain, "c"))] == ["c1"]
    b = find_lineage(chain, "b")  # deleted: the last lineage that had the id
    assert [(e.assistant_id, e.kind) for e in b.entries] == [("a", "added"), ("a", "changed"), ("b", "renamed")]
    a = find_lineage(chain, "a")  # the re-added a is a new lineage: b took the old one away
    assert [(e.blob, e.kind) for e in a.entries] == [("a5", "added"), ("a6", "changed")]
    # Up to a position: the lineage a had there, and its versions so far.
    old_a = find_lineage(chain, "a", 1)
    assert old_a is b and [e.blob for e in versions_at(chain, old_a, 1)] == ["a1", "a2"]


def test_numbering_at_a_commit() -> None:
    chain = _chain(STORY)
    found = numbered(chain, "b", 2)
    assert found is not None and (found.number, found.entry.blob, found.first.blob) == (3, "b3", "a1")
    assert numbered(chain, "b", 3) is None  # deleted there
    assert numbered(chain, "a", 2) is None  # renamed away there
    assert numbered(_chain(STORY, cut=True), "a", 5) is None  # a cut chain numbers nothing
    assert version_entry(chain, "a", 2).blob == "a6"
    with pytest.raises(UnknownRef, match=r"has 2 version\(s\); there is no version 3"):
        version_entry(chain, "a", 3)
    with pytest.raises(HistoryCut, match="shallow clone"):
        version_entry(_chain(STORY, cut=True), "a", 1)


def test_what_an_unknown_or_gone_id_is_told() -> None:
    chain = _chain(STORY)
    assert missing_message(chain, "b", C[3], 3, _when) == (
        f"no assistant 'b' at commit {C[3][:12]}: it was deleted in commit {C[3][:12]} (day 3) "
        f"(last version 3, commit {C[2][:12]})")
    assert missing_message(chain, "a", C[2], 2, _when) == (
        f"no assistant 'a' at commit {C[2][:12]}: it was renamed to 'b' in commit {C[2][:12]} (day 2) "
        f"(last version 2, commit {C[1][:12]})")
    assert missing_message(chain, "cc", C[5], 5, _when).endswith("did you mean 'c'?")
    with pytest.raises(UnknownAssistant, match="did you mean 'c'"):
        find_lineage(chain, "cc")
    # Ids that appear only later are not suggested at an earlier position.
    late = _chain({0: [A("x.yaml", "x")], 1: [A("xy.yaml", "xy")]})
    with pytest.raises(UnknownAssistant) as info:
        find_lineage(late, "xyz", 0)
    assert "xy'" not in str(info.value)


def test_alive_and_state_at_each_position() -> None:
    chain = _chain(STORY)
    assert [(i, e.blob) for i, e in alive_at(chain, 2)] == [("c", "c1"), ("b", "b3")]
    assert [i for i, _ in alive_at(chain, 3)] == ["c"]
    b = find_lineage(chain, "b")
    assert [tuple(state_at(chain, b, p)) for p in range(5)] == [
        (1, True, "a"), (2, True, "a"), (3, True, "b"), (3, False, "b"), (3, False, "b")]
    assert tuple(state_at(_chain(STORY, cut=True), b, 2)) == (0, False, None)


def test_the_plan_keeps_every_lineage_once() -> None:
    chain = _chain(STORY)
    planned = plan(chain)
    assert {k: v.status for k, v in planned.items()} == {"a": "active", "b": "deleted", "c": "active"}
    assert [e.blob for e, _ in planned["b"].versions] == ["a1", "a2", "b3"] and planned["b"].deletions == [3]
    # A deleted id taken by a file renamed into it: the first lineage is kept as "earlier".
    taken = _chain({0: [A("a.yaml", "a1"), A("b.yaml", "b1")], 1: [D("a.yaml", "a1")],
                    2: [R("b.yaml", "a.yaml", "b1", "a2")]})
    planned = plan(taken)
    assert [e.blob for e, _ in planned["a"].versions] == ["b1", "a2"]
    assert [([e.blob for e, _ in versions], deletions) for versions, deletions in planned["a"].earlier] == [
        (["a1"], [1])]
    assert plan(_chain(STORY, cut=True))["a"].versions == []
