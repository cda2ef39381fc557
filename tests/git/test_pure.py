"""The pure-Python reader (roster.git.pure, refdb, objects) against pygit2, on real repositories.

Every repository is made with the ``git`` command (loose objects, ``git gc``, deep delta
chains, annotated and nested tags, packed and loose refs, detached HEAD, linked
worktrees, bare clones); every answer the pure reader gives must be pygit2's, and what
it does not know for sure it must leave to pygit2 (``NotMine``), never answer wrongly.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers.gitcmd import GitRepo
from roster.git.libgit import LibRepo
from roster.git.objects import NotMine
from roster.git.pure import PureRepo
from roster.git.refdb import locate
from roster.git.repo import Repo


def _history(g: GitRepo) -> None:
    """Commits with nested folders, a symlink, an executable, a submodule entry, renames, a
    merge, an encoded message; tags of every kind; two branches."""
    g.write("assistants/a.yaml", "id: a\n")
    g.write("assistants/team/b.yaml", "id: b\n")
    g.write("schemas/writer.json", "{}\n")
    (g.path / "link").symlink_to("assistants/a.yaml")
    g.write("run.sh", "#!/bin/sh\n").chmod(0o755)
    first = g.commit("first\n\nwith a body")
    g.git("update-index", "--add", "--cacheinfo", f"160000,{first},vendor/sub")
    g.git("commit", "-q", "-m", "a submodule entry", tick=True)
    g.tag("v1")
    g.tag("v1-annotated", annotated=True)
    g.git("tag", "-a", "-m", "a tag of a tag", "nested", "v1-annotated", tick=True)
    g.git("tag", "tree-tag", "HEAD^{tree}")
    g.git("tag", "blob-tag", "HEAD:run.sh")
    g.git("checkout", "-q", "-b", "feature/x")
    g.write("assistants/c.yaml", "id: c\n")
    g.commit("feature")
    g.checkout("main")
    for i in range(3):
        g.write("assistants/a.yaml", "id: a\n" + "line\n" * (i + 2))
        g.commit(f"a, take {i}")
    g.git("-c", "i18n.commitEncoding=iso-8859-1", "commit", "-q", "--allow-empty", "-m", "caf\xe9", tick=True)
    g.merge_pr("feature/x", "Merge pull request #7 from o/feature\n\nThe feature")
    g.tag("a@prod", "HEAD~1")


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    g = GitRepo(tmp_path_factory.mktemp("pure") / "origin")
    _history(g)
    return g


def _copy(origin: GitRepo, tmp_path: Path, *git_args: list[str]) -> GitRepo:
    path = tmp_path / "repo"
    shutil.copytree(origin.path, path, symlinks=True)
    g = GitRepo(path, init=False)
    for args in git_args:
        g.git(*args)
    return g


def _objects(g: GitRepo) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Every commit, and every (tree, path, kind) reachable."""
    commits = g.git("rev-list", "--all").split()
    entries = []
    for commit in commits:
        tree = g.git("rev-parse", f"{commit}^{{tree}}")
        for line in g.git("ls-tree", "-r", "-t", tree).splitlines():
            meta, path = line.split("\t")
            entries.append((tree, path, meta.split()[1]))
    return commits, entries


def assert_same(path: Path, g: GitRepo) -> PureRepo:
    """Every read of the pure reader equals pygit2's; returns the pure reader."""
    pure, lib = PureRepo(locate(str(path))), LibRepo(str(path))
    repo = Repo(str(path))
    assert (repo.path, repo.workdir, repo.is_bare) == (lib.path, lib.workdir, lib.is_bare)
    assert pure.has_commits() == lib.has_commits()
    assert pure.head() == lib.head()
    assert sorted(pure.tag_names()) == sorted(lib.tag_names())
    for prefix in ("refs/tags/", "refs/heads/"):
        assert pure.peeled_under(prefix) == lib.peeled_under(prefix)
    assert pure.refs_fingerprint() == lib.refs_fingerprint()
    names = [n for n, _ in lib.refs_fingerprint()] + ["refs/heads/missing", "refs/tags/v9", "refs/heads/feature"]
    for name in names:
        assert pure.ref_target(name) == lib.ref_target(name), name
        assert pure.ref_value(name) == lib.ref_value(name), name
    commits, entries = _objects(g)
    for commit in commits:
        assert pure.commit_info(commit) == lib.commit_info(commit)
        assert pure.first_parent(commit) == lib.first_parent(commit)
        assert pure.tree_id(commit) == lib.tree_id(commit)
        assert pure.commit_from_hex(commit) == lib.commit_from_hex(commit)
        assert pure.has_object(commit) is True
        tree = pure.tree_id(commit)
        assert pure.list_tree(tree, "") == lib.list_tree(tree, "")
        for folder in ("assistants", "assistants/team", "vendor", "missing", "run.sh", "assistants/missing"):
            assert pure.subtree_id(tree, folder) == lib.subtree_id(tree, folder), folder
    for tree, path, kind in entries:
        for probe in (path, path + "x", f"{path}/missing" if kind == "tree" else path):
            assert pure.entry_at(tree, probe) == lib.entry_at(tree, probe), probe
        entry = pure.entry_at(tree, path)
        if kind == "blob" and entry is not None:
            assert pure.read_blob(entry.key) == lib.read_blob(entry.key)
    for name in pure.tag_names():  # tag objects, of commits, tags, trees and blobs
        tag_object = g.git("rev-parse", f"refs/tags/{name}")
        assert pure.commit_from_hex(tag_object) == lib.commit_from_hex(tag_object)
    return pure


def test_loose_objects_and_loose_refs(origin: GitRepo, tmp_path: Path) -> None:
    g = _copy(origin, tmp_path)
    assert not list((g.path / ".git" / "objects" / "pack").glob("*.pack"))
    assert_same(g.path, g)


def test_packed_objects_and_packed_refs(origin: GitRepo, tmp_path: Path) -> None:
    g = _copy(origin, tmp_path, ["gc", "-q"], ["pack-refs", "--all"])
    assert (g.path / ".git" / "packed-refs").read_text().count("^") >= 2  # peeled lines of the annotated tags
    assert not list((g.path / ".git" / "refs" / "tags").iterdir())
    assert_same(g.path, g)


def test_a_loose_ref_wins_over_its_packed_line(origin: GitRepo, tmp_path: Path) -> None:
    g = _copy(origin, tmp_path, ["pack-refs", "--all"])
    g.git("update-ref", "refs/tags/v1", "HEAD")  # loose now, while packed-refs still says the old commit
    pure = assert_same(g.path, g)
    assert pure.ref_target("refs/tags/v1") == g.rev("HEAD")


def test_deep_delta_chains(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    text = "".join(f"line {i}: {'x' * (i % 17)}\n" for i in range(400))
    for i in range(60):
        text = text.replace(f"line {i * 5}:", f"line {i * 5} (take {i}):")
        g.write("assistants/a.yaml", text)
        g.write(f"assistants/n{i % 7}.yaml", f"n: {i}\n" * (i + 1))
        g.commit(f"take {i}")
    g.tag("v1", "HEAD~30", annotated=True)
    g.git("repack", "-adf", "--depth=50", "--window=50")
    g.git("pack-refs", "--all")
    depths = g.git("verify-pack", "-v", *map(str, (g.path / ".git" / "objects" / "pack").glob("*.idx")))
    assert "chain length = 20" in depths  # the chains really are deep
    assert_same(g.path, g)


def test_detached_head(origin: GitRepo, tmp_path: Path) -> None:
    g = _copy(origin, tmp_path, ["checkout", "-q", "--detach", "v1"])
    pure = assert_same(g.path, g)
    assert pure.ref_value("HEAD") == g.rev("v1")


def test_a_linked_worktree_and_a_bare_clone(origin: GitRepo, tmp_path: Path) -> None:
    g = _copy(origin, tmp_path, ["gc", "-q"])
    g.git("worktree", "add", "-q", str(tmp_path / "wt"), "feature/x")
    (tmp_path / "wt" / "deeper").mkdir()
    pure = assert_same(tmp_path / "wt" / "deeper", g)
    assert pure.head() == g.rev("feature/x")
    g.git("clone", "-q", "--bare", str(g.path), str(tmp_path / "bare.git"))
    assert_same(tmp_path / "bare.git", g)


def test_an_empty_repository(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    pure, lib = PureRepo(locate(str(g.path))), LibRepo(str(g.path))
    assert pure.has_commits() is lib.has_commits() is False
    assert pure.tag_names() == lib.tag_names() == []
    with pytest.raises(NotMine):
        pure.head()  # pygit2 words "no commits yet"


@pytest.mark.parametrize("setup", [
    ["config", "extensions.objectFormat", "sha256"],
    ["config", "core.repositoryFormatVersion", "2"],
    ["config", "include.path", "other.config"],
    ["config", "core.worktree", "/somewhere"],
])
def test_what_it_does_not_know_it_leaves_to_pygit2(origin: GitRepo, tmp_path: Path, setup: list[str]) -> None:
    g = _copy(origin, tmp_path, setup)
    with pytest.raises(NotMine):
        locate(str(g.path))


@pytest.mark.parametrize("odd", ["shallow", "info/grafts", "objects/info/alternates"])
def test_shallow_grafted_or_borrowed_objects_are_left_to_pygit2(origin: GitRepo, tmp_path: Path, odd: str) -> None:
    g = _copy(origin, tmp_path)
    (g.path / ".git" / odd).write_text(g.rev() + "\n" if odd != "objects/info/alternates" else "/nowhere\n")
    with pytest.raises(NotMine):
        locate(str(g.path))


def test_names_and_expressions_it_does_not_resolve(origin: GitRepo, tmp_path: Path) -> None:
    g = _copy(origin, tmp_path)
    pure = PureRepo(locate(str(g.path)))
    for name in ("refs/heads/../tags/v1", "refs/tags/v1@{0}", "refs/tags/.hidden", "refs/tags/x.lock"):
        with pytest.raises(NotMine):
            pure.ref_target(name)
    with pytest.raises(NotMine):
        pure.commit_from_hex(g.rev()[:10])  # a prefix: libgit2 searches every object for it
    repo = Repo(str(g.path))  # and through Repo, pygit2 answers them as before
    assert repo.commit_from_hex(g.rev()[:10]) == [g.rev()]
    assert repo.revparse_commit("HEAD~1") == g.rev("HEAD~1")


def test_a_config_subsection_or_a_continued_line_is_not_read_as_core(origin: GitRepo, tmp_path: Path) -> None:
    g = _copy(origin, tmp_path)
    config = g.path / ".git" / "config"
    plain = config.read_text()
    config.write_text(plain + '[core "x"]\n\tbare = true\n')  # core.x.bare, not core.bare
    assert locate(str(g.path)).workdir == str(g.path.resolve())
    config.write_text(plain + "[user]\n\tname = a \\\n\tbare = true\n")
    with pytest.raises(NotMine):
        locate(str(g.path))


def test_a_commit_it_does_not_parse_is_read_by_pygit2(origin: GitRepo, tmp_path: Path) -> None:
    g = _copy(origin, tmp_path)
    tree = g.git("rev-parse", "HEAD^{tree}")
    odd = (f"tree {tree}\nauthor A <a> <b> 1700000000 +0000\ncommitter C <c> 1700000000 +0000\n\nodd\n").encode()
    commit = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"], cwd=g.path,
                            input=odd, capture_output=True, check=True).stdout.decode().strip()
    with pytest.raises(NotMine):
        PureRepo(locate(str(g.path))).commit_info(commit)
    assert Repo(str(g.path)).commit_info(commit) == LibRepo(str(g.path)).commit_info(commit)


def test_objects_repacked_after_the_packs_were_listed_are_found(origin: GitRepo, tmp_path: Path) -> None:
    g = _copy(origin, tmp_path, ["gc", "-q"])
    pure = PureRepo(locate(str(g.path)))
    assert pure.head() == g.rev()
    g.write("assistants/new.yaml", "id: new\n")
    new = g.commit("after the first read")
    g.git("gc", "-q", "--prune=now")  # the new commit is packed into a pack this reader has not seen
    assert not (g.path / ".git" / "objects" / new[:2]).exists()
    assert pure.commit_info(new) == LibRepo(str(g.path)).commit_info(new)


def test_after_as_much_work_as_its_import_pygit2_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A service or a listing reads thousands of objects: past PURE_BUDGET inflated streams,
    libgit2 (~10x faster each) takes over, with the same answers."""
    from roster.git import repo as repo_module

    g = GitRepo(tmp_path / "repo")
    for i in range(12):
        g.write("a.txt", "".join(f"row {j} {i if j % 5 == 0 else ''}\n" for j in range(200)))
        g.commit(f"take {i}")
    g.git("repack", "-adq", "--depth=20")
    monkeypatch.setattr(repo_module, "PURE_BUDGET", 30)
    monkeypatch.setattr(repo_module, "PURE_BUDGET_LOADED", 30)  # (pygit2 is imported in this process)
    repo, lib = Repo(str(g.path)), LibRepo(str(g.path))
    commits = g.git("rev-list", "HEAD").split()
    seen = []
    for commit in commits:
        entry = repo.entry_at(repo.tree_id(commit), "a.txt")
        assert entry is not None and repo.read_blob(entry.key) == lib.read_blob(entry.key)
        assert repo.commit_info(commit) == lib.commit_info(commit)
        seen.append(repo.libgit2_open)
    assert seen[0] is False and seen[-1] is True  # the pure reader first, then pygit2
