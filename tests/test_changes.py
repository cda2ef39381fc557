"""``check --base``: what a pull request changes, from the merge base (GitHub's three-dot diff)."""
from __future__ import annotations

import json
import random

from helpers.cli import run_cli
from helpers.content import GOOD_SUPPORT, GOOD_WRITER
from helpers.gitcmd import git, make_repo
from helpers.pygit import commit_files
from roster import Roster
from roster.changes import _pair_renames


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
