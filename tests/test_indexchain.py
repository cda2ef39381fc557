"""index.json replayed into the one history model (roster.indexchain); an index is untrusted input."""
from __future__ import annotations

import copy
from typing import Any

import pytest

from roster.errors import RemoteError
from roster.indexchain import parse
from roster.timeline import find_lineage, missing_message, numbered

C = [f"{i:040x}" for i in range(1, 6)]


def _v(n: int, pos: int, assistant_id: str, kind: str, prompt: str, path: str | None = None) -> dict[str, Any]:
    return {"version": n, "commit": C[pos], "pos": pos, "assistant_id": assistant_id, "kind": kind,
            "content": {"graph_id": "g", "name": None, "config": {"configurable": {"p": prompt}}},
            "file": None, "path": path or f"assistants/{assistant_id}.yaml"}


def _index() -> dict[str, Any]:
    """b renamed to a after a was deleted: a's first life is an 'earlier' lineage."""
    return {
        "format": 1, "head": C[3], "chain": C[:4], "cut": False, "branches": {"main": C[3]}, "tags": {},
        "commits": {c: {"date": f"day {i}", "author": {"name": "n", "email": "e"}, "message": "m"}
                    for i, c in enumerate(C[:4])},
        "assistants": {
            "a": {"assistant_id": "a", "status": "active", "renamed_to": None, "ended_at": None, "deletions": [],
                  "versions": [_v(1, 0, "b", "added", "b1"), _v(2, 2, "a", "renamed", "b1"),
                               _v(3, 3, "a", "changed", "a3")],
                  "earlier": [{"versions": [_v(1, 0, "a", "added", "a1")], "deletions": [1]}]},
            "b": {"assistant_id": "b", "status": "renamed", "renamed_to": "a", "ended_at": C[2], "deletions": [],
                  "versions": [_v(1, 0, "b", "added", "b1")]},
        },
    }


def test_replay_gives_the_history_git_had() -> None:
    pub = parse(_index(), "index.json")
    chain = pub.chain
    first_a = numbered(chain, "a", 0)
    assert first_a is not None and pub.contents[first_a.entry.blob]["config"]["configurable"]["p"] == "a1"
    now = numbered(chain, "a", 3)
    assert now is not None and (now.number, now.first.assistant_id) == (3, "b")
    assert missing_message(chain, "a", C[1], 1, lambda c: None).startswith(
        f"no assistant 'a' at commit {C[1][:12]}: it was deleted in commit {C[1][:12]}")
    assert [e.kind for e in find_lineage(chain, "b").entries] == ["added", "renamed", "changed"]
    assert pub.folder == "assistants"


def test_a_monorepo_folder_is_read_from_the_paths() -> None:
    data = _index()
    for entry in data["assistants"].values():
        for v in entry["versions"]:
            v["path"] = "sub/dir/" + v["path"]
    assert parse(data, "index.json").folder == "sub/dir/assistants"


@pytest.mark.parametrize("damage", [
    lambda d: d.update(format=2),
    lambda d: d.update(chain=[1, 2]),
    lambda d: d.update(assistants=[]),
    lambda d: d["assistants"]["a"]["versions"][0].update(pos=3),  # pos and commit disagree
    lambda d: d["assistants"]["a"]["versions"][0].update(content="text"),
    lambda d: d["assistants"]["a"]["versions"][0].update(assistant_id=None),
    lambda d: d["assistants"]["a"].update(deletions=[99]),
    lambda d: d["assistants"]["a"].update(deletions=["x"]),
    lambda d: d["assistants"]["a"].update(versions=None),
    lambda d: d.pop("head"),
])
def test_a_malformed_index_is_one_clear_error(damage: Any) -> None:
    data = copy.deepcopy(_index())
    damage(data)
    with pytest.raises(RemoteError, match=r"^index\.json: (malformed index\.json|not a Roster index\.json)"):
        parse(data, "index.json")
