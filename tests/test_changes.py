"""``check --base``: what a pull request changes, from the merge base (GitHub's three-dot diff)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from helpers.cli import run_cli
from helpers.content import GOOD_SUPPORT, GOOD_WRITER, WRITER_SCHEMA, assistant_yaml
from helpers.gitcmd import GitRepo, git, make_repo
from helpers.pygit import commit_files
from roster import Roster
from roster.changes import _pair_renames
from roster.diff import FieldChange
from roster.errors import GitError, RosterError, UnknownRef, UsageError


def statuses(report):
    return sorted((c.assistant_id, c.status) for c in report.changes)


def test_a_branch_behind_its_base_reports_only_its_own_changes(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER, "assistants/b.yaml": GOOD_SUPPORT})
    git(repo, "branch", "feature")
    # main moves on after the fork: a new assistant, a changed one.
    commit_files(repo, {"assistants/c.yaml": GOOD_WRITER.replace("Good writer", "C"),
                        "assistants/a.yaml": GOOD_WRITER.replace("Good writer", "A on main")}, "main moves")
    commit_files(repo, {"assistants/b.yaml": GOOD_SUPPORT.replace("Acme Cloud", "Acme Edge")}, "edit b",
                 branch="feature")
    report = Roster(str(repo)).check(ref="feature", base="main")
    assert statuses(report) == [("b", "modified")]
    assert report.ok and report.checked == 1
    code, out, _ = run_cli("check", "--ref", "feature", "--base", "main", "--format", "json", cwd=repo)
    assert code == 0
    assert [(c["assistant_id"], c["status"]) for c in json.loads(out)["changes"]] == [("b", "modified")]


def test_unrelated_histories_are_a_clear_usage_error(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    lonely = git(repo, "commit-tree", "HEAD^{tree}", "-m", "a root commit of its own")
    code, _, err = run_cli("check", "--base", lonely, cwd=repo)
    assert code == 2
    assert "share no history" in err and "Traceback" not in err


def _file(n: int, rng: random.Random) -> str:
    words = " ".join(f"w{rng.randrange(10**6)}" for _ in range(60))
    lines = [f"      {words} line {i} of {n}" for i in range(40)]
    return "graph_id: writer\nconfig:\n  configurable:\n    model: m\n    system_prompt: |\n" + "\n".join(lines) + "\n"


def test_renames_pair_exact_and_similar_files_with_the_right_partner():
    rng = random.Random(7)
    contents = {f"old{n}": _file(n, rng).encode() for n in range(60)}
    old = {k: (f"assistants/{k}.yaml", v) for k, v in contents.items()}
    new = {}
    for n in range(60):
        raw = contents[f"old{n}"]
        if n % 3 == 1:  # renamed and edited a little
            raw = raw.replace(b"line 3 ", b"line three ")
        if n % 3 == 2:  # renamed and rewritten: not a rename
            raw = _file(1000 + n, rng).encode()
        new[f"new{n}"] = (f"assistants/new{n}.yaml", raw)
    pairs = _pair_renames(sorted(new), sorted(old), old, new)
    assert pairs == {f"new{n}": f"old{n}" for n in range(60) if n % 3 != 2}


def test_identical_files_pair_one_to_one():
    same = b"graph_id: writer\n"
    old = {f"o{i}": (f"o{i}", same) for i in range(3)}
    new = {f"n{i}": (f"n{i}", same) for i in range(2)}
    pairs = _pair_renames(sorted(new), sorted(old), old, new)
    assert sorted(pairs) == ["n0", "n1"] and len(set(pairs.values())) == 2


def test_a_pull_request_renaming_many_files_is_reported_as_renames(tmp_path):
    rng = random.Random(3)
    files = {f"assistants/a{n}.yaml": _file(n, rng) for n in range(40)}
    repo = make_repo(tmp_path, files)
    moved = {path: None for path in files}
    moved.update({path.replace("/a", "/team/a"): text.replace("line 5 ", "line five ") for path, text in files.items()})
    commit_files(repo, moved, "move into team/")
    report = Roster(str(repo)).check(ref="HEAD", base="HEAD~1")
    assert {c.status for c in report.changes} == {"renamed"}
    assert all(c.old_id == c.assistant_id.replace("team/", "") for c in report.changes)


def test_large_files_edited_a_little_are_still_renames():
    """20 KB prompts: a byte-level difflib ratio calls every byte 'popular' junk and finds no pair."""
    rng = random.Random(1)

    def big() -> bytes:
        out = "graph_id: writer\nconfig:\n  configurable:\n    model: m\n    system_prompt: |\n"
        while len(out) < 20_000:
            out += "      " + " ".join(f"w{rng.randrange(10**6)}" for _ in range(12)) + "\n"
        return out.encode()

    old = {f"o{i}": ("p", big()) for i in range(40)}
    new = {f"n{i}": ("p", raw.replace(b"w", b"W", 3)) for i, (_, raw) in enumerate(old.values())}
    assert _pair_renames(sorted(new), sorted(old), old, new) == {f"n{i}": f"o{i}" for i in range(40)}


def test_a_changed_settings_file_rechecks_the_assistants_of_its_graph(tmp_path):
    repo = make_repo(tmp_path, {"assistants/s.yaml": "graph_id: support\ncontext:\n  model: m\n",
                                "schemas/support.roster.yaml": "run_supplied: [product]\n"})
    commit_files(repo, {"schemas/support.roster.yaml": "run_supplied: []\n"}, "product is no longer per run")
    report = Roster(str(repo)).check(ref="HEAD", base="HEAD~1", strict=True)
    assert statuses(report) == [("s", "schema-changed")]
    assert [p.pointer for p in report.errors] == ["context"]


# --- every kind of change, through the library call ----------------------------------------------

LONG_PROMPT = "\n".join(f"Rule {i}: write clearly about topic {i}." for i in range(12))


def _writer(name: str, prompt: str = LONG_PROMPT, temperature: float | None = None) -> str:
    return assistant_yaml(name=name, prompt=prompt, temperature=temperature)


@pytest.fixture
def pr(tmp_path: Path) -> GitRepo:
    """main: writer schema and assistants keep, edit, move, drop; branch ``pr`` forks from it."""
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    for name in ("keep", "edit", "move", "drop"):
        g.write_assistant(name, _writer(name.title(), LONG_PROMPT + f"\n{name}"))
    g.commit("main: four assistants")
    g.checkout("-b", "pr")
    return g


def test_each_kind_of_change_is_reported_with_its_fields(pr: GitRepo) -> None:
    pr.write_assistant("edit", _writer("Edit", LONG_PROMPT + "\nedit", temperature=0.5))
    (pr.path / "assistants" / "team").mkdir()
    pr.git("mv", "assistants/move.yaml", "assistants/team/moved.yml")
    pr.git("rm", "-q", "assistants/drop.yaml")
    pr.write_assistant("fresh", _writer("Fresh", "brand new"))
    pr.commit("pr: one of each")
    report = Roster(str(pr.path)).check(ref="pr", base="main")
    by_id = {c.assistant_id: c for c in report.changes}
    assert statuses(report) == [("drop", "deleted"), ("edit", "modified"), ("fresh", "added"),
                                ("team/moved", "renamed")]
    assert by_id["edit"].fields == [FieldChange("config.configurable.temperature", "added", None, 0.5)]
    assert by_id["edit"].format() == "assistants/edit.yaml: modified, 1 field(s)"
    moved = by_id["team/moved"]
    assert (moved.path, moved.old_id, moved.graph_id, moved.fields) == ("assistants/team/moved.yml", "move",
                                                                        "writer", [])
    assert moved.format() == "assistants/team/moved.yml: renamed (from move)"
    assert by_id["drop"].format() == "assistants/drop.yaml: deleted" and by_id["drop"].graph_id == "writer"
    fresh = by_id["fresh"].as_json()
    assert (fresh["status"], fresh["old_id"], fresh["graph_id"]) == ("added", None, "writer")
    assert [c["path"] for c in fresh["changes"]] == ["graph_id", "name", "config"]
    assert report.ok and report.checked == 3  # the deleted one is not checked
    fork = pr.rev("main")
    assert report.source == f"{pr.rev('pr')[:12]} against main"
    assert fork[:12] not in report.source


def test_only_the_changed_assistants_are_checked(pr: GitRepo) -> None:
    pr.write_assistant("edit", _writer("Edit", LONG_PROMPT + "\nedit", temperature=9))  # over the maximum
    pr.commit("pr: a bad temperature")
    pr.checkout("main")
    pr.write_assistant("keep", "graph_id: writer\nconfig: [broken\n")  # broken on main: not this change
    pr.commit("main: break keep")
    report = Roster(str(pr.path)).check(ref="pr", base="main")
    assert statuses(report) == [("edit", "modified")]
    assert [(p.assistant_id, p.pointer) for p in report.errors] == [("edit", "config.configurable.temperature")]
    assert not report.ok and report.checked == 1


def test_the_working_tree_is_compared_when_no_ref_is_given(pr: GitRepo) -> None:
    pr.write_assistant("keep", _writer("Keep", LONG_PROMPT + "\nkeep, edited but not committed"))
    report = Roster(str(pr.path)).check(base="main")
    assert statuses(report) == [("keep", "modified")]
    assert report.source.startswith("working tree") and report.source.endswith(" against main")
    assert [f.path for f in report.changes[0].fields] == ["config.configurable.system_prompt"]


def test_a_changed_schema_rechecks_every_assistant_of_its_graph_and_only_those(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_schema("other")
    g.write_assistant("w1", _writer("W1"))
    g.write_assistant("w2", _writer("W2", temperature=1.5))
    g.write_assistant("o", assistant_yaml("other"))
    g.write("schemas/README.md", "not a schema\n")
    g.write("schemas/old/writer.json", "{}\n")  # below a subfolder: not a graph's schema
    g.commit("init")
    narrower = json.loads(json.dumps(WRITER_SCHEMA))
    narrower["config_schema"]["properties"]["temperature"]["maximum"] = 1
    g.write_schema("writer", narrower)
    g.write("schemas/README.md", "still not a schema\n")
    g.write("schemas/old/writer.json", '{"changed": true}\n')
    g.commit("writer: temperature at most 1")
    report = Roster(str(g.path)).check(ref="HEAD", base="HEAD~1")
    assert statuses(report) == [("w1", "schema-changed"), ("w2", "schema-changed")]
    assert all(c.graph_id == "writer" and c.fields == [] for c in report.changes)
    assert report.changes[0].format() == "assistants/w1.yaml: schema-changed"
    assert [(p.assistant_id, p.pointer) for p in report.errors] == [("w2", "config.configurable.temperature")]
    assert report.checked == 2


def test_a_changed_langgraph_json_rechecks_every_assistant(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", _writer("A"))
    g.write_assistant("b", _writer("B"))
    g.commit("init")
    g.write("langgraph.json", json.dumps({"graphs": {"writer": "./graph.py:graph"}}) + "\n")
    g.commit("add langgraph.json")
    report = Roster(str(g.path)).check(ref="HEAD", base="HEAD~1")
    assert statuses(report) == [("a", "schema-changed"), ("b", "schema-changed")]


def test_an_environment_only_change_reports_no_assistant_change_but_checks_the_file(pr: GitRepo) -> None:
    pr.write("environments/prod.yaml", "assistants:\n  keep: 1\n")
    pr.commit("pr: prod runs keep@1")
    report = Roster(str(pr.path)).check(ref="pr", base="main")
    assert report.changes == [] and report.checked == 0 and report.ok
    pr.write("environments/prod.yaml", "assistants:\n  kept: 1\n")
    pr.commit("pr: a pin of an id that does not exist")
    report = Roster(str(pr.path)).check(ref="pr", base="main")
    assert report.changes == [] and not report.ok
    assert [(p.path, p.line, p.pointer) for p in report.errors] == [("environments/prod.yaml", 2, "assistants.kept")]


# --- the merge base ---------------------------------------------------------------------------


def test_the_merge_base_is_compared_not_the_tip_of_the_base(pr: GitRepo) -> None:
    pr.write_assistant("edit", _writer("Edit", LONG_PROMPT + "\nedit", temperature=0.5))
    pr.commit("pr: edit")
    pr.checkout("main")
    pr.git("rm", "-q", "assistants/keep.yaml")
    pr.write_assistant("later", _writer("Later"))
    pr.commit("main: drop keep, add later")
    roster = Roster(str(pr.path))
    three_dot = roster.check(ref="pr", base="main")
    assert statuses(three_dot) == [("edit", "modified")]
    # The same base named by its commit id, or the fork point itself, gives the same answer.
    assert statuses(roster.check(ref="pr", base=pr.rev("main"))) == statuses(three_dot)
    fork = pr.git("merge-base", "main", "pr")
    assert statuses(roster.check(ref="pr", base=fork)) == statuses(three_dot)
    # Two dots (against the tip of main) would call keep added and later deleted: what main did
    # since the fork, not what the pull request does.
    assert sorted(pr.git("diff", "--no-renames", "--name-status", "main", "pr").split()) == sorted(
        ["A", "assistants/keep.yaml", "D", "assistants/later.yaml", "M", "assistants/edit.yaml"])


def test_a_shallow_clone_without_the_fork_point_compares_with_the_tip_and_says_so(pr: GitRepo,
                                                                                 tmp_path: Path) -> None:
    for i in range(3):
        pr.write_assistant("edit", _writer("Edit", LONG_PROMPT + f"\npr {i}"))
        pr.commit(f"pr: {i}")
    pr.checkout("main")
    for i in range(3):
        pr.write_assistant("keep", _writer("Keep", LONG_PROMPT + f"\nmain {i}"))
        pr.commit(f"main: {i}")
    clone = tmp_path / "shallow"
    pr.git("clone", "-q", "--depth", "1", "--no-single-branch", f"file://{pr.path}", str(clone))
    report = Roster(str(clone)).check(ref="origin/pr", base="origin/main")
    assert report.source.endswith("against origin/main (shallow clone: compared with its tip; fetch more history "
                                  "for the merge base)")
    # Against the tip, what main did since the fork shows too: that is what the note warns about.
    assert statuses(report) == [("edit", "modified"), ("keep", "modified")]


def test_unrelated_histories_are_a_usage_error_from_the_library(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    lonely = git(repo, "commit-tree", "HEAD^{tree}", "-m", "a root commit of its own")
    with pytest.raises(UsageError, match=f"^{lonely} and the checked commit share no history: there is no "
                                         f"merge base to compare with$"):
        Roster(str(repo)).check(ref="HEAD", base=lonely)


@pytest.mark.parametrize("base", [
    "--upload-pack=touch pwned", "HEAD;rm -rf x", "no-such-branch", "-h", "HEAD~99", "../../etc/passwd",
    "\x1b[31mred",
])
def test_a_hostile_or_unknown_base_is_a_clean_unknown_ref(tmp_path: Path, base: str) -> None:
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    with pytest.raises(RosterError) as info:
        Roster(str(repo)).check(ref="HEAD", base=base)
    assert isinstance(info.value, (UnknownRef, UsageError)), info.value
    assert "\n" not in str(info.value) and "\x1b" not in str(info.value)
    assert not (tmp_path / "pwned").exists() and not (repo / "pwned").exists()


# --- hostile files -------------------------------------------------------------------------------


def test_hostile_files_in_a_change_are_reported_not_raised(tmp_path: Path) -> None:
    import pygit2

    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    commit_files(repo, {
        "assistants/broken.yaml": "graph_id: writer\nconfig: [unclosed\n",
        "assistants/binary.yaml": b"\xff\xfe\x00graph_id: writer\n",
        "assistants/list.yaml": "- not\n- a mapping\n",
        "assistants/-rf.yaml": GOOD_WRITER,
        "assistants/a.yaml": "graph_id: [not, a, string]\n",
    }, "hostile files")
    raw = pygit2.Repository(str(repo))
    head = raw.head.peel(pygit2.Commit)
    # A symlink where an assistant file would be, written straight into the tree.
    index = pygit2.Index()
    index.read_tree(head.tree)
    index.add(pygit2.IndexEntry("assistants/link.yaml", raw.create_blob(b"/etc/passwd"), pygit2.enums.FileMode.LINK))
    tree = index.write_tree(raw)
    signature = head.committer
    raw.create_commit("refs/heads/main", signature, signature, "a symlink", tree, [head.id])
    report = Roster(str(repo)).check(ref="HEAD", base="HEAD~2")
    changes = {c.assistant_id: c for c in report.changes}
    assert changes["a"].status == "modified" and changes["a"].graph_id is None
    assert changes["broken"].fields == [] and changes["broken"].graph_id is None
    assert changes["list"].fields == [] and changes["-rf"].status == "added"
    assert not report.ok
    for problem in report.problems:
        line = problem.format()
        assert "\n" not in line and "Traceback" not in line and "root:" not in line
        assert problem.path.startswith("assistants/") and problem.line >= 1
    bad = {p.path for p in report.errors}
    assert {"assistants/a.yaml", "assistants/broken.yaml", "assistants/binary.yaml", "assistants/list.yaml",
            "assistants/link.yaml"} <= bad
    assert "assistants/-rf.yaml" not in bad


@pytest.mark.parametrize("name", ["bad name", "semi;colon", "émoji-✓", "team/sp ace", "new\nline"])
def test_a_file_whose_name_is_no_valid_id_fails_the_gate_as_it_fails_a_full_check(tmp_path: Path, name: str) -> None:
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    commit_files(repo, {f"assistants/{name}.yaml": GOOD_WRITER}, "a file with a hostile name")
    roster = Roster(str(repo))
    full = roster.check(ref="HEAD")
    gate = roster.check(ref="HEAD", base="HEAD~1")
    assert not full.ok
    assert [p.format() for p in gate.errors] == [p.format() for p in full.errors]


def test_a_newline_in_a_file_name_stays_on_one_line_of_the_report(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"assistants/a.yaml": GOOD_WRITER})
    commit_files(repo, {"assistants/new\nline.yaml": GOOD_WRITER}, "a newline in a file name")
    full = Roster(str(repo)).check(ref="HEAD")
    assert full.errors and all("\n" not in p.format() for p in full.problems)


def test_a_missing_commit_object_is_a_clean_git_error_not_a_traceback(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", _writer("A"))
    root = g.commit("root")
    g.write_assistant("a", _writer("A", LONG_PROMPT + "\nfork"))
    fork = g.commit("the fork point")
    g.checkout("-b", "pr")
    g.write_assistant("b", _writer("B"))
    g.commit("pr: add b")
    g.checkout("main")
    g.write_assistant("a", _writer("A", LONG_PROMPT + "\nmain"))
    g.commit("main: edit a")
    for commit in (fork, root):  # the history below both tips is gone (a broken or partial copy)
        (g.path / ".git" / "objects" / commit[:2] / commit[2:]).unlink()
    with pytest.raises(GitError) as info:
        Roster(str(g.path)).check(ref="pr", base="main")
    assert str(info.value).startswith("cannot find the merge base of main and the checked commit: ")
    assert "\n" not in str(info.value)
