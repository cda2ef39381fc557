"""What one source holds: graph ids and schemas, assistant files and their ids (worktree and git)."""
from __future__ import annotations

import os

from helpers.content import GOOD_WRITER
from helpers.files import make_project
from helpers.gitcmd import commit_all, git, init_repo, make_repo
from helpers.paths import SCHEMAS
from helpers.pygit import commit_files
from roster.catalog import Graphs, scan_assistants
from roster.git import Repo, TreeSource
from roster.source import FolderSource, Layout


def test_known_graphs_come_from_schemas_and_langgraph_json(tmp_path):
    root = make_project(tmp_path, {
        "langgraph.json": '{"graphs": {"planner": "./p.py:graph", "writer": "./w.py:graph"}}',
        "schemas/sub/nested.json": "{}",  # only files directly in schemas/ count
        "schemas/notes.md": "no",
    }, schemas=True)
    graphs = Graphs(FolderSource(str(root)), Layout())
    assert graphs.known() == ["planner", "support", "writer"]
    assert graphs.lookup("nested") is None
    assert graphs.lookup("writer").path == "schemas/writer.json"  # a schema file wins over langgraph.json
    planner = graphs.lookup("planner")
    # Named by langgraph.json only: no schema to validate with (check refuses its assistants).
    assert planner.missing and not planner.ok and planner.path == "schemas/planner.json"
    assert {s.graph_id for s in graphs.loaded()} == {"writer", "planner"}


def test_a_symlinked_schema_file_is_not_read(tmp_path):
    root = make_project(tmp_path, {"assistants/a.yaml": "graph_id: linked\n"}, schemas=True)
    os.symlink(SCHEMAS / "writer.json", root / "schemas" / "linked.json")
    loaded = Graphs(FolderSource(str(root)), Layout()).lookup("linked")
    assert not loaded.ok
    assert loaded.problems[0].message == "schema file is a symlink; only regular files are read"


def test_scan_a_commit_made_with_pygit2(tmp_path):
    repo = init_repo(tmp_path / "repo")
    commit = commit_files(repo, {
        "schemas/writer.json": (SCHEMAS / "writer.json").read_text(),
        "assistants/a.yaml": GOOD_WRITER,
        "assistants/team/b.yml": GOOD_WRITER,
        "assistants/README.md": "not an assistant",
    }, "first")
    assert git(repo, "log", "-1", "--format=%H %an <%ae> %s") == f"{commit} Ada Tester <ada@example.com> first"
    source = TreeSource(Repo(str(repo)), commit)
    entries, problems = scan_assistants(source, Layout())
    assert problems == []
    assert [(e.assistant_id, e.entry.path) for e in entries] == [("a", "assistants/a.yaml"),
                                                                  ("team/b", "assistants/team/b.yml")]
    assert source.read(entries[0].entry) == GOOD_WRITER.encode()
    second = commit_files(repo, {"assistants/a.yaml": None}, "remove a")
    assert git(repo, "rev-parse", f"{second}^") == commit
    entries, _ = scan_assistants(TreeSource(Repo(str(repo)), second), Layout())
    assert [e.assistant_id for e in entries] == ["team/b"]


def test_scan_a_commit_with_symlinks_gitlinks_and_duplicate_ids(tmp_path):
    repo = make_repo(tmp_path, {"assistants/x.yaml": GOOD_WRITER, "assistants/x.yml": GOOD_WRITER})
    head = git(repo, "rev-parse", "HEAD")
    os.symlink("/etc/passwd", repo / "assistants" / "link.yaml")
    commit_all(repo, "link")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{head},assistants/vendor")
    git(repo, "commit", "-q", "-m", "gitlink")
    entries, problems = scan_assistants(TreeSource(Repo(str(repo)), git(repo, "rev-parse", "HEAD")), Layout())
    assert [e.assistant_id for e in entries] == ["x"]
    assert sorted((p.path, p.message.split(" (")[0].split(":")[0]) for p in problems) == [
        ("assistants/link.yaml", "symlinks are not allowed inside assistants/"),
        ("assistants/vendor", "submodules are not allowed inside assistants/"),
        ("assistants/x.yml", "two files map to the id 'x'"),
    ]


def test_an_assistants_folder_that_is_a_symlink_is_an_error_not_an_empty_folder(tmp_path):
    outside = make_project(tmp_path, {"a.yaml": "graph_id: nope\n"}, name="outside")
    repo = make_repo(tmp_path, {}, commit=None)
    os.symlink(outside, repo / "assistants")
    commit_all(repo, "assistants is a link")
    for source in (FolderSource(str(repo)), TreeSource(Repo(str(repo)), git(repo, "rev-parse", "HEAD"))):
        entries, problems = scan_assistants(source, Layout())
        assert entries == []
        assert [(p.path, p.message) for p in problems] == [
            ("assistants", "assistants/ is a symlink; it must be a folder")]


def test_schemas_parsed_once_per_blob(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    first = git(repo, "rev-parse", "HEAD")
    (repo / "assistants" / "b.yaml").write_text(GOOD_WRITER)
    second = commit_all(repo, "b")
    r = Repo(str(repo))
    one = Graphs(TreeSource(r, first), Layout()).lookup("writer")
    two = Graphs(TreeSource(r, second), Layout()).lookup("writer")
    assert one is two  # same blob at both commits
