"""roster.git.objects on damaged object stores: a truncated or altered pack, a corrupt or
swapped loose object. The reader answers the right bytes or ``NotMine``, never wrong
bytes; through ``Repo`` the caller sees the right bytes or a RosterError."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.gitcmd import GitRepo
from roster.errors import RosterError
from roster.git.objects import NotMine, ObjectStore, hash_object
from roster.git.repo import Repo


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, dict[str, tuple[bytes, bytes]]]:
    """A repository with every object in one pack (deltas included), and each object's true (type, bytes)."""
    g = GitRepo(tmp_path_factory.mktemp("objects") / "repo")
    text = "".join(f"row {i}\n" for i in range(300))
    for i in range(12):
        text = text.replace(f"row {i * 7}\n", f"row {i * 7} changed\n")
        g.write("a.txt", text)
        g.commit(f"take {i}")
    g.git("repack", "-adq", "--depth=20")
    g.git("prune-packed")
    truth = {}
    for line in g.git("cat-file", "--batch-all-objects", "--batch-check").splitlines():
        oid, kind, _size = line.split()
        truth[oid] = (kind.encode(), _cat(g, kind, oid))
    return g, truth


def _cat(g: GitRepo, kind: str, oid: str) -> bytes:
    return subprocess.run(["git", "cat-file", kind, oid], cwd=g.path, capture_output=True, check=True).stdout


def _pack(g: GitRepo) -> Path:
    (pack,) = (g.path / ".git" / "objects" / "pack").glob("*.pack")
    return pack


def test_an_intact_pack_reads_every_object_as_git_does(packed: tuple[GitRepo, dict[str, tuple[bytes, bytes]]]) -> None:
    g, truth = packed
    store = ObjectStore(str(g.path / ".git" / "objects"))
    for oid, (kind, data) in truth.items():
        assert store.read(oid) == (kind, data)
        assert hash_object(kind, data) == oid


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_pack_gives_right_bytes_or_not_mine(packed: tuple[GitRepo, dict[str, tuple[bytes, bytes]]],
                                                        tmp_path: Path, cut: float) -> None:
    g, truth = packed
    copy = tmp_path / "repo"
    shutil.copytree(g.path, copy)
    pack = _pack(GitRepo(copy, init=False))
    data = pack.read_bytes()
    pack.write_bytes(data[:int(len(data) * cut)])
    store = ObjectStore(str(copy / ".git" / "objects"))
    repo = Repo(str(copy))
    refused = 0
    for oid, (kind, body) in truth.items():
        try:
            assert store.read(oid) == (kind, body)
        except NotMine:
            refused += 1
        if kind == b"blob":
            try:
                assert repo.read_blob(oid) == body
            except RosterError:
                pass
    assert refused  # the cut really removed objects


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(min_value=0.0, max_value=1.0, exclude_max=True), flip=st.integers(min_value=1, max_value=255))
def test_any_changed_byte_of_a_pack_never_yields_wrong_bytes(
        packed: tuple[GitRepo, dict[str, tuple[bytes, bytes]]], tmp_path_factory: pytest.TempPathFactory,
        where: float, flip: int) -> None:
    g, truth = packed
    pack = _pack(g)
    original = pack.read_bytes()
    at = int(where * (len(original) - 20))  # the trailing checksum is not read
    try:
        pack.write_bytes(original[:at] + bytes([original[at] ^ flip]) + original[at + 1:])
        store = ObjectStore(str(g.path / ".git" / "objects"))
        for oid, (kind, body) in truth.items():
            try:
                assert store.read(oid) == (kind, body)
            except NotMine:
                pass
    finally:
        pack.write_bytes(original)


def test_corrupt_or_swapped_loose_objects_are_not_mine(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write("a.txt", "one\n")
    g.write("b.txt", "two\n")
    g.commit("first")
    store = ObjectStore(str(g.path / ".git" / "objects"))
    a, b = g.git("rev-parse", "HEAD:a.txt"), g.git("rev-parse", "HEAD:b.txt")
    assert store.read(a) == (b"blob", b"one\n")

    def loose(oid: str) -> Path:
        return g.path / ".git" / "objects" / oid[:2] / oid[2:]

    loose(a).chmod(0o644)
    loose(a).write_bytes(loose(b).read_bytes())  # a valid object, but not this one
    with pytest.raises(NotMine, match="does not hash"):
        store.read(a)
    with pytest.raises(RosterError):
        Repo(str(g.path)).read_blob(a)
    for damaged in (b"garbage", loose(b).read_bytes()[:-3], b""):
        loose(a).write_bytes(damaged)
        with pytest.raises(NotMine):
            ObjectStore(str(g.path / ".git" / "objects")).read(a)
    with pytest.raises(NotMine, match="not found"):
        store.read("0" * 40)


def test_an_object_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write("big.bin", b"x" * 5000)
    g.commit("big")
    blob = g.git("rev-parse", "HEAD:big.bin")
    store = ObjectStore(str(g.path / ".git" / "objects"))
    with pytest.raises(NotMine, match="over"):
        store.read(blob, max_size=4999)
    assert store.read(blob, max_size=5000) == (b"blob", b"x" * 5000)
    g.git("gc", "-q")
    store = ObjectStore(str(g.path / ".git" / "objects"))
    with pytest.raises(NotMine, match="over"):
        store.read(blob, max_size=4999)
