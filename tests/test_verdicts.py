"""The validation verdict cache: keys that cannot go stale, a file never believed when
damaged or foreign, and concurrent writers that lose nothing (SPEC section 8)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import roster
from helpers.content import WRITER_SCHEMA
from helpers.gitcmd import GitRepo
from roster import InvalidAssistant, Roster, cachetrust
from roster.verdicts import INVALID, MAGIC, RECORD, VALID, VerdictStore, verdict_key

ROOT = Path(__file__).resolve().parent.parent


def _store_file(repo: GitRepo) -> Path:
    return repo.path / ".git" / "roster" / "verdicts.bin"


@pytest.fixture()
def repo(tmp_path: Path) -> GitRepo:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one")
    g.commit("one")
    return g


def test_key_changes_with_each_input(monkeypatch: pytest.MonkeyPatch) -> None:
    base = verdict_key("a" * 40, "schema:" + "b" * 40)
    assert verdict_key("c" * 40, "schema:" + "b" * 40) != base  # another assistant blob
    assert verdict_key("a" * 40, "schema:" + "d" * 40) != base  # another schema blob
    assert verdict_key("a" * 40, "schema:" + "b" * 40, "strict") != base
    monkeypatch.setattr(roster.verdicts, "__version__", "99.0.0")  # another Roster
    assert verdict_key("a" * 40, "schema:" + "b" * 40) != base


def test_a_resolved_assistant_leaves_a_verdict_that_the_next_process_uses(repo: GitRepo) -> None:
    Roster(str(repo.path)).get("a")
    data = _store_file(repo).read_bytes()
    assert data.startswith(MAGIC) and (len(data) - len(MAGIC)) == RECORD
    r = Roster(str(repo.path))
    assert r.resolver.get_fields("a", repo.rev(), known_only=True) is not None


def test_a_changed_schema_is_a_new_key_so_the_old_verdict_is_not_applied(repo: GitRepo) -> None:
    first = repo.rev()
    Roster(str(repo.path)).get("a")
    schema = json.loads(json.dumps(WRITER_SCHEMA))
    schema["config_schema"]["properties"]["model"] = {"type": "string", "pattern": "^openai:"}
    repo.write_schema("writer", schema)
    second = repo.commit("only openai models")
    r = Roster(str(repo.path))
    assert r.resolver.get_fields("a", second, known_only=True) is None  # not known: the schema blob is new
    with pytest.raises(InvalidAssistant):
        r.get(f"a@{second[:12]}")
    assert r.get(f"a@{first[:12]}").version == 1  # the old content under the old schema: still valid


def test_a_changed_assistant_is_a_new_key(repo: GitRepo) -> None:
    Roster(str(repo.path)).get("a")
    repo.write_assistant("a", prompt="two", extra="  unknown_field: 1\n")
    second = repo.commit("broken")
    r = Roster(str(repo.path))
    assert r.resolver.get_fields("a", second, known_only=True) is None
    with pytest.raises(InvalidAssistant):
        r.get("a")


def _forge_valid(repo: GitRepo, commit: str, assistant_id: str) -> bytes:
    """The key under which the assistant at commit would be cached."""
    from roster.known import key_for
    from roster.yamlload import load_bytes

    r = Roster(str(repo.path))
    entry = r.resolver.repo.entry_at(r.resolver.repo.tree_id(commit), f"assistants/{assistant_id}.yaml")
    data = load_bytes(r.resolver.repo.read_blob(entry.key)).data
    key = key_for(r.resolver.repo, commit, r.resolver.layout, entry.key, data)
    assert key is not None
    return key


def _record(key: bytes, verdict: int) -> bytes:
    import zlib

    body = key + bytes((verdict,)) + b"\0\0\0"
    return body + zlib.crc32(body).to_bytes(4, "big")


@pytest.mark.parametrize("damage", ["bad-crc", "no-magic", "foreign-magic", "torn", "disagree", "bad-verdict"])
def test_a_damaged_or_foreign_file_is_never_believed(repo: GitRepo, damage: str) -> None:
    repo.write_assistant("a", prompt="two", extra="  unknown_field: 1\n")  # invalid content
    bad = repo.commit("broken")
    key = _forge_valid(repo, bad, "a")
    good = _record(key, VALID)
    data = {
        "bad-crc": MAGIC + good[:-1] + bytes((good[-1] ^ 1,)),
        "no-magic": good,
        "foreign-magic": b"RSTRVRD0" + good,
        "torn": MAGIC + good[:RECORD - 3],
        "disagree": MAGIC + good + _record(key, INVALID),
        "bad-verdict": MAGIC + good[:16] + bytes((7,)) + good[17:],
    }[damage]
    path = _store_file(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    store = VerdictStore(str(repo.path / ".git"))
    assert store.get(key) is None
    for _ in range(20):  # past the threshold where the whole file is read into a map
        store.get(os.urandom(16))
    assert store.get(key) is None
    with pytest.raises(InvalidAssistant):
        Roster(str(repo.path)).get("a")


def test_a_sound_record_after_a_torn_one_is_still_read(tmp_path: Path) -> None:
    keys = [os.urandom(16) for _ in range(40)]
    assert cachetrust.usable(str(tmp_path))  # the folder, stamped as this user's
    torn = _record(os.urandom(16), VALID)[:11]
    (tmp_path / "roster" / "verdicts.bin").write_bytes(
        MAGIC + b"".join(_record(k, VALID) for k in keys[:20]) + torn + b"".join(_record(k, VALID) for k in keys[20:]))
    store = VerdictStore(str(tmp_path))
    assert [store.get(k) for k in keys] == [VALID] * 40


def test_a_foreign_file_is_replaced_on_the_next_write(tmp_path: Path) -> None:
    assert cachetrust.usable(str(tmp_path))  # the folder, stamped as this user's
    (tmp_path / "roster" / "verdicts.bin").write_bytes(b"not a cache at all" * 10)
    store = VerdictStore(str(tmp_path))
    key = os.urandom(16)
    store.put(key, VALID)
    store.flush()
    assert (tmp_path / "roster" / "verdicts.bin").read_bytes() == MAGIC + _record(key, VALID)
    assert VerdictStore(str(tmp_path)).get(key) == VALID


def test_a_read_only_repository_keeps_verdicts_in_memory(tmp_path: Path) -> None:
    assert cachetrust.usable(str(tmp_path))
    (tmp_path / "roster" / "verdicts.bin").mkdir()  # a folder where the file should be: no write succeeds
    store = VerdictStore(str(tmp_path))
    key = os.urandom(16)
    store.put(key, VALID)
    store.flush()  # cannot write: no error
    assert store.get(key) == VALID


WRITER = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, sys.argv[1])
    from roster.verdicts import VALID, VerdictStore
    seed = int(sys.argv[3])
    for batch in range(40):
        store = VerdictStore(sys.argv[2])
        for i in range(25):
            store.put(seed.to_bytes(2, "big") + batch.to_bytes(2, "big") + i.to_bytes(12, "big"), VALID)
        store.flush()
""")


def test_two_processes_appending_at_once_lose_nothing(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(ROOT / "src"), str(tmp_path), str(seed)])
             for seed in (1, 2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    store = VerdictStore(str(tmp_path))
    expected = [seed.to_bytes(2, "big") + b.to_bytes(2, "big") + i.to_bytes(12, "big")
                for seed in (1, 2) for b in range(40) for i in range(25)]
    assert all(store.get(k) == VALID for k in expected)
    size = (tmp_path / "roster" / "verdicts.bin").stat().st_size
    assert size == len(MAGIC) + RECORD * len(expected)
