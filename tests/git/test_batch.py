"""Many blobs at once (roster.git.batch): ``git cat-file`` when git is on PATH, pygit2 when it is not.

Each case runs both ways; "no git" is a PATH without git on it, a real condition of
some servers, under which the same answers must come from pygit2.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.gitcmd import GitRepo
from roster.errors import GitError
from roster.git import MAX_BLOB, Repo, blobs_at, read_blobs


@pytest.fixture
def history(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    g = GitRepo(tmp_path / "repo")
    commits = []
    for n in range(3):
        g.write("assistants/a.yaml", f"prompt: version {n}\n")
        g.write(f"assistants/only-{n}.yaml", f"n: {n}\n")
        commits.append(g.commit(f"c{n}"))
    return g, commits


def _without_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "no-git-here"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))


@pytest.mark.parametrize("git", [True, False], ids=["git", "pygit2"])
def test_read_blobs_reads_each_once_in_request_order(history: tuple[GitRepo, list[str]], git: bool,
                                                    monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    g, commits = history
    ids = [g.git("rev-parse", f"{c}:assistants/a.yaml") for c in commits]
    if not git:
        _without_git(monkeypatch, tmp_path)
    seen: list[int] = []
    found = read_blobs(Repo(str(g.path)), [ids[2], ids[0], ids[2], ids[1]], seen.append)
    assert list(found) == [ids[2], ids[0], ids[1]]
    assert [found[i] for i in ids] == [f"prompt: version {n}\n".encode() for n in range(3)]
    assert seen and seen[-1] == 3
    assert read_blobs(Repo(str(g.path)), []) == {}


@pytest.mark.parametrize("git", [True, False], ids=["git", "pygit2"])
def test_read_blobs_refuses_missing_ids_non_blobs_and_huge_blobs(history: tuple[GitRepo, list[str]], git: bool,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    g, commits = history
    good = g.git("rev-parse", f"{commits[0]}:assistants/a.yaml")
    g.write("big.bin", b"x" * (MAX_BLOB + 1))
    head = g.commit("big")
    big = g.git("rev-parse", f"{head}:big.bin")
    tree = g.git("rev-parse", f"{head}^{{tree}}")
    if not git:
        _without_git(monkeypatch, tmp_path)
    repo = Repo(str(g.path))
    with pytest.raises(GitError, match="cannot read object 1111"):
        read_blobs(repo, [good, "1" * 40])
    with pytest.raises(GitError, match="is a tree, not a file"):
        read_blobs(repo, [good, tree])
    with pytest.raises(GitError, match="larger than 1 MiB"):
        read_blobs(repo, [good, big])


@pytest.mark.parametrize("git", [True, False], ids=["git", "pygit2"])
def test_blobs_at_resolves_commit_and_path(history: tuple[GitRepo, list[str]], git: bool,
                                           monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    g, commits = history
    specs = [(commits[0], "assistants/a.yaml"), (commits[2], "assistants/a.yaml"),
             (commits[0], "assistants/only-2.yaml"),  # not there yet
             (commits[1], "assistants"),  # a folder, not a blob
             (commits[1], "assistants/only-1.yaml")]
    want = [g.git("rev-parse", f"{commits[0]}:assistants/a.yaml"),
            g.git("rev-parse", f"{commits[2]}:assistants/a.yaml"),
            None, None, g.git("rev-parse", f"{commits[1]}:assistants/only-1.yaml")]
    if not git:
        _without_git(monkeypatch, tmp_path)
    repo = Repo(str(g.path))
    assert blobs_at(repo, specs) == want
    assert blobs_at(repo, []) == []


def test_blobs_at_with_a_newline_in_a_path_answers_through_pygit2(tmp_path: Path) -> None:
    # cat-file reads one request per line: such a path cannot go through it, so none of the batch does.
    g = GitRepo(tmp_path / "repo")
    g.write("odd\nname.yaml", "x: 1\n")
    g.write("plain.yaml", "y: 2\n")
    head = g.commit("odd")
    repo = Repo(str(g.path))
    found = blobs_at(repo, [(head, "odd\nname.yaml"), (head, "plain.yaml")])
    assert found[1] == g.git("rev-parse", f"{head}:plain.yaml")
    assert found[0] is not None and repo.read_blob(found[0]) == b"x: 1\n"


def test_written_on_chain_is_what_each_commit_wrote(tmp_path: Path) -> None:
    from roster.git import written_on_chain

    g = GitRepo(tmp_path / "repo")
    g.write("assistants/a.yaml", "a: 1\n")
    g.write("assistants/team/b.yaml", "b: 1\n")
    g.write("other.txt", "x\n")
    first = g.commit("add")
    g.git("mv", "assistants/a.yaml", "assistants/c d é.yaml")  # a rename: a delete and an add
    renamed = g.commit("rename")
    g.git("checkout", "-q", "-b", "side")
    g.write("assistants/team/b.yaml", "b: 2\n")
    g.commit("on side")
    g.git("checkout", "-q", "main")
    g.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    merged = g.git("rev-parse", "HEAD")
    (g.path / "assistants/team/b.yaml").unlink()
    deleted = g.commit("delete b")

    def blob(commit: str, path: str) -> str:
        return g.git("rev-parse", f"{commit}:{path}")

    assert written_on_chain(Repo(str(g.path)), deleted, "assistants") == {
        (first, "assistants/a.yaml"): blob(first, "assistants/a.yaml"),
        (first, "assistants/team/b.yaml"): blob(first, "assistants/team/b.yaml"),
        (renamed, "assistants/c d é.yaml"): blob(renamed, "assistants/c d é.yaml"),
        (merged, "assistants/team/b.yaml"): blob(merged, "assistants/team/b.yaml"),  # the merge, against main
    }
    assert written_on_chain(Repo(str(g.path)), "HEAD", "assistants") is None  # only a commit id is walked
