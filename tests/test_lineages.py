"""A chain kept on disk per assistant answers as the chain built from every delta."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.gitcmd import GitRepo
from roster import Roster, lineages
from roster.history import DeltaIndex
from roster.refs import resolve_commit


@pytest.fixture()
def repo(tmp_path: Path) -> GitRepo:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    for name in ("a", "c", "team/d"):
        g.write_assistant(name, prompt=name)
    g.commit("add")
    g.write_assistant("a", prompt="a2")
    g.commit("a2")
    g.git("mv", "assistants/a.yaml", "assistants/b.yaml")
    g.commit("rename a to b")
    g.git("rm", "-q", "assistants/c.yaml")
    g.commit("delete c")
    g.write_assistant("b", prompt="b3")
    g.write_assistant("team/d", prompt="d2")
    g.commit("b3 d2")
    g.write_assistant("c", prompt="c again")
    g.commit("re-add c")
    return g


def _kept(g: GitRepo) -> list[Path]:
    return sorted((g.path / ".git" / "roster").glob("lineages-*.bin"))


def _shape(lineage: object) -> object:
    if lineage is None:
        return None
    return (list(lineage.entries), lineage.ended)


def test_the_kept_chain_answers_as_the_whole_chain(repo: GitRepo) -> None:
    tip = repo.rev()
    r = Roster(str(repo.path))
    r.get("b")
    assert len(_kept(repo)) == 1
    whole = DeltaIndex(r.resolver.repo, "assistants").chain(tip)
    kept = lineages.load(str(repo.path / ".git"), "assistants", "assistants", tip)
    assert isinstance(kept, lineages.LazyChain)
    assert list(kept.commits) == whole.commits and len(kept.commits) == len(whole.commits)
    for _ in range(3):  # the first lookups search the packed ids, later ones a dict built once
        assert all(kept.pos[c] == i for i, c in enumerate(whole.commits))
    assert kept.pos.get("0" * 40) is None and kept.pos.get("not hex") is None
    for assistant_id in ("a", "b", "c", "team/d", "nope"):
        assert _shape(kept.last_lineage(assistant_id)) == _shape(whole.last_lineage(assistant_id))
        assert kept.gone.get(assistant_id) == whole.gone.get(assistant_id)
        for pos in range(len(whole.commits)):
            assert _shape(kept.lineage_at(assistant_id, pos)) == _shape(whole.lineage_at(assistant_id, pos))


def test_a_new_process_reads_one_assistant_without_the_delta_index(repo: GitRepo) -> None:
    first = Roster(str(repo.path))
    expected = [(v.version, v.commit, v.assistant_id) for v in first.history("b")]
    again = Roster(str(repo.path))
    assert [(v.version, v.commit, v.assistant_id) for v in again.history("b")] == expected
    assert again.get("c@1").commit == first.get("c@1").commit
    assert again.resolver._deltas is None  # nothing walked, no delta loaded


def test_a_damaged_or_foreign_file_is_not_used(repo: GitRepo) -> None:
    tip = repo.rev()
    expected = [(v.version, v.commit) for v in Roster(str(repo.path)).history("b")]
    (path,) = _kept(repo)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    assert lineages.load(str(repo.path / ".git"), "assistants", "assistants", tip) is None
    r = Roster(str(repo.path))
    assert [(v.version, v.commit) for v in r.history("b")] == expected
    assert r.resolver._deltas is not None  # built again from the deltas
    assert lineages.load(str(repo.path / ".git"), "assistants", "assistants", tip) is not None  # and rewritten
    path.write_bytes(b"RSTRLIN0" + bytes(data[8:]))
    assert lineages.load(str(repo.path / ".git"), "assistants", "assistants", tip) is None
    other = repo.rev("HEAD~1")
    path.rename(path.with_name(f"lineages-assistants-{other}.bin"))  # another tip's name: not believed
    assert lineages.load(str(repo.path / ".git"), "assistants", "assistants", other) is None


def test_publish_gets_the_whole_chain(repo: GitRepo) -> None:
    r = Roster(str(repo.path))
    r.get("b")
    fresh = Roster(str(repo.path))
    head = resolve_commit(fresh.resolver.repo, "HEAD")
    assert isinstance(fresh.resolver.chain(head), lineages.LazyChain)
    whole = fresh.resolver.chain(head, whole=True)
    assert not isinstance(whole, lineages.LazyChain) and whole.lineages


def test_only_a_few_chains_are_kept(repo: GitRepo) -> None:
    r = Roster(str(repo.path))
    for back in range(6):
        r.history("team/d", ref=f"HEAD~{back}")
    assert len(_kept(repo)) == lineages.KEEP
