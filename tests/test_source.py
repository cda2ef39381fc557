"""Sources list files the same way on disk and in git, with their kinds."""
from __future__ import annotations

import os

from helpers.content import GOOD_WRITER
from helpers.files import make_project
from helpers.gitcmd import commit_all, git, init_repo, make_repo
from roster.git import Repo, TreeSource
from roster.source import FILE, OTHER, SUBMODULE, SYMLINK, FolderSource, Layout


def test_folder_source_lists_kinds(tmp_path):
    root = make_project(tmp_path, {"assistants/a.yaml": GOOD_WRITER, "assistants/team/b.yaml": GOOD_WRITER,
                                   "assistants/sub/.git/HEAD": "ref: x"})
    os.symlink("a.yaml", root / "assistants" / "l.yaml")
    os.mkfifo(root / "assistants" / "fifo.yaml")
    source = FolderSource(str(root))
    assert [(e.path, e.kind) for e in source.list_files("assistants")] == [
        ("assistants/a.yaml", FILE), ("assistants/fifo.yaml", OTHER), ("assistants/l.yaml", SYMLINK),
        ("assistants/sub", SUBMODULE), ("assistants/team/b.yaml", FILE)]
    assert source.list_files("nothing") == []
    assert source.find("assistants/l.yaml").kind == SYMLINK
    assert source.find("assistants/missing.yaml") is None


def test_folder_source_reads_at_most_a_bounded_amount(tmp_path):
    root = make_project(tmp_path, {"big.yaml": b"x" * (9 * 1024 * 1024)})
    source = FolderSource(str(root))
    data = source.read(source.find("big.yaml"))
    assert 1024 * 1024 < len(data) < 9 * 1024 * 1024


def test_tree_source_matches_the_folder_source(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER, "assistants/team/b.yaml": "graph_id: x\n"})
    os.symlink("a.yaml", repo / "assistants" / "l.yaml")
    head = commit_all(repo, "link")
    tree = TreeSource(Repo(str(repo)), head)
    folder = FolderSource(str(repo))
    assert [(e.path, e.kind) for e in tree.list_files("assistants")] == \
        [(e.path, e.kind) for e in folder.list_files("assistants")]
    entry = tree.find("assistants/team/b.yaml")
    assert tree.read(entry) == b"graph_id: x\n"
    assert tree.label == head


def test_layout_paths():
    assert Layout().assistants == "assistants" and Layout().schema_path("w") == "schemas/w.json"
    mono = Layout("agents/")
    assert (mono.assistants, mono.schemas, mono.langgraph_json) == (
        "agents/assistants", "agents/schemas", "agents/langgraph.json")
    assert mono.assistant_relpath("agents/assistants/team/x.yaml") == "team/x.yaml"


def test_init_repo_isolates_identity(tmp_path):
    repo = init_repo(tmp_path / "r")
    assert git(repo, "config", "user.email") == "ada@example.com"
    (repo / "f").write_text("x")
    commit_all(repo, "one", date="@1700000000 +0000")
    assert git(repo, "log", "-1", "--format=%cn %ce %ct") == "Cy Committer cy@example.com 1700000000"
