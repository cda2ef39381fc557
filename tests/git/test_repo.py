"""The read side of roster.git: a repository opened, its refs, commits, trees and blobs.

Repositories are made with the real ``git`` command (GitRepo) and straight into the
object database with pygit2 (commit_files); nothing is mocked.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pygit2
import pytest

from helpers.gitcmd import GitRepo, init_repo, run_git
from helpers.pygit import commit_files
from roster.errors import GitError, NotARepository, UnknownRef
from roster.git import MAX_BLOB, Repo, TreeSource
from roster.source import FILE, SUBMODULE, SYMLINK


@pytest.fixture
def two(tmp_path: Path) -> tuple[GitRepo, str, str]:
    """``a.txt`` at two commits, ``docs/b.txt`` at the first only."""
    g = GitRepo(tmp_path / "repo")
    g.write("a.txt", "one\n")
    g.write("docs/b.txt", "bee\n")
    first = g.commit("first")
    g.write("a.txt", "two\n")
    (g.path / "docs" / "b.txt").unlink()
    second = g.commit("second")
    return g, first, second


# --- opening ---------------------------------------------------------------------------------


def test_opening_finds_the_repository_from_a_folder_inside_it(two: tuple[GitRepo, str, str]) -> None:
    g, _, second = two
    (g.path / "deep" / "er").mkdir(parents=True)
    repo = Repo(str(g.path / "deep" / "er"))
    assert repo.workdir == str(g.path.resolve()) or os.path.samefile(str(repo.workdir), g.path)
    assert not repo.is_bare and repo.head() == second


def test_a_folder_outside_any_repository_is_not_a_repository(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "plain").mkdir()
    with pytest.raises(NotARepository, match="not a git repository"):
        Repo(str(tmp_path / "plain"))
    with pytest.raises(NotARepository, match="no such directory"):
        Repo(str(tmp_path / "missing"))


def test_a_bare_repository_opens_without_a_worktree(tmp_path: Path, two: tuple[GitRepo, str, str]) -> None:
    g, _, second = two
    run_git(tmp_path, "clone", "-q", "--bare", str(g.path), str(tmp_path / "bare.git"))
    repo = Repo(str(tmp_path / "bare.git"))
    assert repo.is_bare and repo.workdir is None and repo.head() == second


def test_an_empty_repository_has_no_commits_and_no_head(tmp_path: Path) -> None:
    repo = Repo(str(init_repo(tmp_path / "empty")))
    assert not repo.has_commits()
    with pytest.raises(UnknownRef, match="no commits yet"):
        repo.head()
    assert repo.revparse_commit("HEAD") is None
    assert repo.tags() == {} and repo.branches() == {}


# --- reads at commits ------------------------------------------------------------------------


def test_each_commit_reads_its_own_content(two: tuple[GitRepo, str, str]) -> None:
    g, first, second = two
    repo = Repo(str(g.path))
    old, new = TreeSource(repo, first), TreeSource(repo, second)
    assert [e.path for e in old.list_files("")] == ["/a.txt", "/docs/b.txt"]
    assert [e.path for e in new.list_files("")] == ["/a.txt"]
    a_old, a_new = old.find("a.txt"), new.find("a.txt")
    assert a_old is not None and a_new is not None and a_old.kind == FILE
    assert old.read(a_old) == b"one\n" and new.read(a_new) == b"two\n"
    assert a_old.key == g.git("rev-parse", f"{first}:a.txt")
    assert new.find("docs/b.txt") is None and new.list_files("docs") == []
    assert [e.path for e in old.list_files("docs")] == ["docs/b.txt"]


def test_folders_files_and_missing_paths_are_told_apart(two: tuple[GitRepo, str, str]) -> None:
    g, first, _ = two
    repo = Repo(str(g.path))
    tree = repo.tree_id(first)
    assert tree == g.git("rev-parse", f"{first}^{{tree}}")
    assert repo.subtree_id(tree, "docs") == g.git("rev-parse", f"{first}:docs")
    assert repo.subtree_id(tree, "") == tree
    assert repo.subtree_id(tree, "a.txt") is None  # a file is not a folder
    assert repo.subtree_id(tree, "nowhere/deeper") is None
    assert repo.entry_at(tree, "nowhere") is None


def test_symlinks_and_submodules_are_not_files(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write("real.yaml", "x: 1\n")
    os.symlink("real.yaml", g.path / "link.yaml")
    sub = g.commit("files")
    # A gitlink entry, as ``git submodule add`` records it, without cloning anything.
    g.git("update-index", "--add", "--cacheinfo", f"160000,{sub},vendored")
    g.git("commit", "-q", "-m", "gitlink", tick=True)
    repo = Repo(str(g.path))
    kinds = {e.path: e.kind for e in TreeSource(repo, repo.head()).list_files("")}
    assert kinds == {"/real.yaml": FILE, "/link.yaml": SYMLINK, "/vendored": SUBMODULE}
    link = repo.entry_at(repo.tree_id(repo.head()), "link.yaml")
    assert link is not None and link.kind == SYMLINK


def test_commit_info_parents_and_times(two: tuple[GitRepo, str, str]) -> None:
    g, first, second = two
    repo = Repo(str(g.path))
    info = repo.commit_info(second)
    assert info.id == second and info.parents == (first,)
    assert info.message == "second"
    assert (info.author_name, info.author_email) == ("Ada Tester", "ada@example.com")
    # The author date (ten minutes before the committer date) is not what is shown: the commit time is.
    assert info.time == g.commit_time(second) and info.time.endswith("Z")
    assert repo.first_parent(second) == first and repo.first_parent(first) is None
    with pytest.raises(GitError, match="is not a commit"):
        repo.commit_info(repo.tree_id(first))
    with pytest.raises(GitError, match="cannot read commit"):
        repo.commit_info("0" * 40)


def test_a_merged_pull_request_is_named_by_its_title(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write("a.txt", "1\n")
    g.commit("base")
    g.checkout("-b", "feature")
    g.write("a.txt", "2\n")
    g.commit("work")
    g.checkout("main")
    merge = g.merge_pr("feature", "Merge pull request #7 from acme/feature\n\nSharper prompt for posts")
    assert Repo(str(g.path)).commit_info(merge).message == "Sharper prompt for posts (#7)"


def test_a_commit_in_a_legacy_or_unknown_encoding_still_reads(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write("a.txt", "1\n")
    g.git("add", "-A")
    env = g.env(tick=True)
    msg = tmp_path / "msg"
    msg.write_bytes("Caf\xe9 au lait\n".encode("latin-1"))
    run_git(g.path, "-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "-F", str(msg), env=env)
    latin = g.rev()
    g.write("a.txt", "2\n")
    g.git("add", "-A")
    run_git(g.path, "-c", "i18n.commitEncoding=bogus-codec", "commit", "-q", "-m", "plain", env=g.env(tick=True))
    repo = Repo(str(g.path))
    assert repo.commit_info(latin).message == "Café au lait"
    assert repo.commit_info(g.rev()).message == "plain"


# --- refs ------------------------------------------------------------------------------------


def test_revparse_answers_commits_or_none(two: tuple[GitRepo, str, str]) -> None:
    g, first, second = two
    g.tag("v1", first, annotated=True)
    repo = Repo(str(g.path))
    assert repo.revparse_commit("HEAD") == second
    assert repo.revparse_commit("HEAD~1") == first
    assert repo.revparse_commit("main") == second
    assert repo.revparse_commit("v1") == first  # an annotated tag, peeled to its commit
    assert repo.revparse_commit(second[:10]) == second
    for nothing in ("", "HEAD~5", "no-such-branch", "-h", "main\x00x", "main:a.txt"):
        assert repo.revparse_commit(nothing) is None, nothing


def test_tags_lightweight_and_annotated_point_at_commits(two: tuple[GitRepo, str, str]) -> None:
    g, first, second = two
    g.tag("light", first)
    g.tag("heavy", second, annotated=True)
    g.tag("also", second)
    g.tag("tree-tag", f"{first}^{{tree}}")  # names no commit: left out
    repo = Repo(str(g.path))
    assert repo.tags() == {"also": second, "heavy": second, "light": first}
    assert repo.tags_by_commit() == {first: ["light"], second: ["also", "heavy"]}
    assert sorted(repo.tag_names()) == ["also", "heavy", "light", "tree-tag"]
    assert repo.ref_target("refs/tags/heavy") == second
    # What the ref itself holds: the tag object for an annotated tag, the commit for a light one.
    assert repo.ref_value("refs/tags/heavy") == g.git("rev-parse", "refs/tags/heavy")
    assert repo.ref_value("refs/tags/heavy") != second
    assert repo.ref_value("refs/tags/light") == first
    assert repo.ref_value("refs/tags/none") is None and repo.ref_target("refs/tags/none") is None
    assert repo.ref_target("refs/tags/bad..name") is None


def test_branches_are_local_heads_only(two: tuple[GitRepo, str, str]) -> None:
    g, first, second = two
    g.git("branch", "feature/x", first)
    g.git("update-ref", "refs/remotes/origin/elsewhere", first)
    g.git("update-ref", "refs/notes/commits", first)
    assert Repo(str(g.path)).branches() == {"feature/x": first, "main": second}


def test_branches_and_tags_made_with_pygit2(tmp_path: Path) -> None:
    path = init_repo(tmp_path / "repo")
    one = commit_files(path, {"a.txt": "1"}, "one")
    two = commit_files(path, {"a.txt": "2"}, "two", branch="next")
    raw = pygit2.Repository(str(path))
    sig = pygit2.Signature("T", "t@example.com", 1_700_000_000, 0)
    raw.create_tag("annotated", pygit2.Oid(hex=two), pygit2.enums.ObjectType.COMMIT, sig, "msg")
    raw.references.create("refs/tags/light", pygit2.Oid(hex=one))
    repo = Repo(str(path))
    assert repo.branches() == {"main": one, "next": two}
    assert repo.tags() == {"annotated": two, "light": one}


def test_the_refs_fingerprint_changes_when_any_ref_moves(two: tuple[GitRepo, str, str]) -> None:
    g, first, _ = two
    repo = Repo(str(g.path))
    before = repo.refs_fingerprint()
    assert repo.refs_fingerprint() == before
    g.tag("v1", first)
    tagged = repo.refs_fingerprint()
    assert tagged != before
    g.tag("v1", "HEAD", force=True)
    assert repo.refs_fingerprint() != tagged
    g.checkout("-q", "--detach", first)
    assert ("HEAD", first) in repo.refs_fingerprint()


def _hex_collision(template: bytes) -> tuple[bytes, bytes, str]:
    """Two commit objects (``template`` + a counter) whose ids share their first 7 hex digits."""
    seen: dict[str, bytes] = {}
    n = 0
    while True:
        body = template + b"%d\n" % n
        oid = hashlib.sha1(b"commit %d\0" % len(body) + body).hexdigest()
        prefix = oid[:7]
        if prefix in seen:
            return seen[prefix], body, prefix
        seen[prefix] = body
        n += 1


def test_commit_from_hex_unique_ambiguous_and_wrong_kinds(two: tuple[GitRepo, str, str]) -> None:
    g, first, second = two
    g.tag("heavy", first, annotated=True)
    repo = Repo(str(g.path))
    assert repo.commit_from_hex(second[:7]) == [second]
    assert repo.commit_from_hex(second.upper()) == [second]
    tag_object = g.git("rev-parse", "refs/tags/heavy")
    assert repo.commit_from_hex(tag_object) == [first]  # a tag peels to its commit
    assert repo.commit_from_hex(g.git("rev-parse", f"{first}:a.txt")) == []  # a blob is no commit
    assert repo.commit_from_hex("abc") == []  # too short
    assert repo.commit_from_hex("not-hex-at-all") == []
    assert repo.commit_from_hex("0" * 40) == []
    # Two real commits sharing a 7-digit prefix: the caller is told it is ambiguous.
    tree = g.git("rev-parse", f"{first}^{{tree}}")
    template = (f"tree {tree}\nauthor A <a@example.com> 1700000000 +0000\n"
                f"committer A <a@example.com> 1700000000 +0000\n\ncollide ").encode()
    one, other, prefix = _hex_collision(template)
    raw = pygit2.Repository(str(g.path))
    ids = [str(raw.odb.write(pygit2.enums.ObjectType.COMMIT, body)) for body in (one, other)]
    assert ids[0][:7] == ids[1][:7] == prefix and ids[0] != ids[1]
    found = repo.commit_from_hex(prefix)
    assert len(found) == 2
    assert repo.commit_from_hex(ids[0][:12]) == [ids[0]]


def test_shallow_clones_know_their_roots(tmp_path: Path, two: tuple[GitRepo, str, str]) -> None:
    g, _, second = two
    full = Repo(str(g.path))
    assert not full.is_shallow() and full.shallow_roots() == set()
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{g.path}", str(tmp_path / "shallow"))
    shallow = Repo(str(tmp_path / "shallow"))
    assert shallow.is_shallow() and shallow.shallow_roots() == {second}
    # libgit2 reads the shallow file as grafts: history ends at the root, no parent to miss.
    assert shallow.commit_info(second).parents == () and shallow.first_parent(second) is None
    assert full.commit_info(second).parents != ()


def test_merge_base_of_forked_and_unrelated_histories(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write("a.txt", "1\n")
    fork = g.commit("fork point")
    g.checkout("-b", "feature")
    g.write("b.txt", "b\n")
    feature = g.commit("feature")
    g.checkout("main")
    g.write("a.txt", "2\n")
    main = g.commit("main moves on")
    g.checkout("--orphan", "lonely")
    g.write("c.txt", "c\n")
    lonely = g.commit("unrelated")
    repo = Repo(str(g.path))
    assert repo.merge_base(main, feature) == fork
    assert repo.merge_base(feature, main) == fork
    assert repo.merge_base(main, fork) == fork
    assert repo.merge_base(main, lonely) is None
    with pytest.raises(GitError):
        repo.merge_base(main, "not-an-id")


# --- diffs and blobs -------------------------------------------------------------------------


def test_diff_trees_finds_renames_edits_adds_deletes_and_mode_changes(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    body = "".join(f"line {i}\n" for i in range(40))
    g.write("old-name.yaml", body)
    g.write("edited.yaml", "x: 1\n")
    g.write("gone.yaml", "bye\n")
    g.write("tool.sh", "echo hi\n")
    before = g.commit("before")
    g.git("mv", "old-name.yaml", "new-name.yaml")
    g.write("edited.yaml", "x: 2\n")
    (g.path / "gone.yaml").unlink()
    g.write("added.yaml", "hello\n")
    os.chmod(g.path / "tool.sh", 0o755)
    after = g.commit("after")
    repo = Repo(str(g.path))

    def blob(rev: str, path: str) -> str:
        return g.git("rev-parse", f"{rev}:{path}")

    changes = sorted(repo.diff_trees(repo.tree_id(before), repo.tree_id(after)))
    assert changes == sorted([
        ("R", "old-name.yaml", "new-name.yaml", blob(before, "old-name.yaml"), blob(after, "new-name.yaml")),
        ("M", "edited.yaml", "edited.yaml", blob(before, "edited.yaml"), blob(after, "edited.yaml")),
        ("D", "gone.yaml", None, blob(before, "gone.yaml"), None),
        ("A", None, "added.yaml", None, blob(after, "added.yaml")),
        # Only the mode changed: the same blob on both sides, reported as a modification.
        ("M", "tool.sh", "tool.sh", blob(before, "tool.sh"), blob(after, "tool.sh")),
    ])


def test_diff_against_no_tree_lists_every_file(two: tuple[GitRepo, str, str]) -> None:
    g, first, _ = two
    repo = Repo(str(g.path))
    tree = repo.tree_id(first)
    a, b = g.git("rev-parse", f"{first}:a.txt"), g.git("rev-parse", f"{first}:docs/b.txt")
    assert sorted(repo.diff_trees(None, tree)) == [("A", None, "a.txt", None, a), ("A", None, "docs/b.txt", None, b)]
    assert sorted(repo.diff_trees(tree, None)) == [("D", "a.txt", None, a, None), ("D", "docs/b.txt", None, b, None)]
    assert repo.diff_trees(None, None) == [] and repo.diff_trees(tree, tree) == []


def test_a_file_that_becomes_a_symlink_is_a_deletion_and_an_addition(tmp_path: Path) -> None:
    # libgit2 splits a type change in two unless asked not to; history then sees the file go and a link come.
    g = GitRepo(tmp_path / "repo")
    g.write("target.yaml", "x: 1\n")
    g.write("x.yaml", "y: 2\n")
    before = g.commit("file")
    (g.path / "x.yaml").unlink()
    os.symlink("target.yaml", g.path / "x.yaml")
    after = g.commit("now a link")
    repo = Repo(str(g.path))
    file_blob, link_blob = g.git("rev-parse", f"{before}:x.yaml"), g.git("rev-parse", f"{after}:x.yaml")
    assert sorted(repo.diff_trees(repo.tree_id(before), repo.tree_id(after))) == [
        ("A", None, "x.yaml", None, link_blob), ("D", "x.yaml", None, file_blob, None)]


def test_read_blob_refuses_what_is_not_a_small_file(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write("small.txt", "small\n")
    g.write("big.bin", b"\0" * (MAX_BLOB + 1))
    head = g.commit("files")
    repo = Repo(str(g.path))
    assert repo.read_blob(g.git("rev-parse", f"{head}:small.txt")) == b"small\n"
    with pytest.raises(GitError, match="larger than 1 MiB.*not read"):
        repo.read_blob(g.git("rev-parse", f"{head}:big.bin"))
    with pytest.raises(GitError, match="is a tree, not a file"):
        repo.read_blob(repo.tree_id(head))
    with pytest.raises(GitError, match="cannot read object"):
        repo.read_blob("1" * 40)
    assert repo.has_object(head) and not repo.has_object("1" * 40) and not repo.has_object("zz")
