"""The ``ID[@REF]`` grammar (SPEC section 4): every row of the ref table, and the errors."""
from __future__ import annotations

import hashlib
import itertools
import subprocess
from pathlib import Path

import pytest

from helpers.gitcmd import GitRepo, run_git, short
from helpers.identity import git_env
from roster import Roster, RosterError, UnknownRef, UsageError
from roster.git import Repo
from roster.refs import Spec, check_ref_text, is_version_number, parse_spec, resolve_commit

# --- parsing ----------------------------------------------------------------------------

@pytest.mark.parametrize("spec, expected", [
    ("blog-writer", Spec("blog-writer", None)),
    ("blog-writer@main", Spec("blog-writer", "main")),
    ("blog-writer@v1.2.0", Spec("blog-writer", "v1.2.0")),
    ("blog-writer@9fceb02", Spec("blog-writer", "9fceb02")),
    ("blog-writer@3", Spec("blog-writer", "3")),
    ("blog-writer@prod", Spec("blog-writer", "prod")),
    ("blog-writer@HEAD~2", Spec("blog-writer", "HEAD~2")),
    ("marketing/blog-writer@origin/main", Spec("marketing/blog-writer", "origin/main")),
    ("a.b_c-d@refs/tags/x", Spec("a.b_c-d", "refs/tags/x")),
])
def test_parse_spec(spec: str, expected: Spec) -> None:
    assert parse_spec(spec) == expected


def test_parse_spec_with_separate_ref() -> None:
    assert parse_spec("blog-writer", "v1") == Spec("blog-writer", "v1")
    with pytest.raises(UsageError, match="already names a ref"):
        parse_spec("blog-writer@v1", "v2")


@pytest.mark.parametrize("spec, fragment", [
    ("", "empty"),
    ("blog-writer@", "nothing after '@'"),
    ("--upload-pack=x", "may not start with '-'"),
    ("-x@main", "may not start with '-'"),
    ("blog-writer@--upload-pack=x", "invalid ref"),
    ("blog-writer@-n", "invalid ref"),
    ("blog-writer@a b", "invalid ref"),
    ("../etc/passwd", "'..'"),
    ("team/../../x", "'..'"),
    ("/etc/passwd", "segment"),
    ("team//x", "segment"),
    (".hidden", "may not start with '.'"),
    ("team/.git/config", "may not start with '.'"),
    ("has space", "only letters"),
    ("a\\b", "only letters"),
])
def test_bad_specs_are_usage_errors(spec: str, fragment: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_spec(spec)
    assert fragment in str(info.value)


def test_version_numbers() -> None:
    assert is_version_number("3") and is_version_number("12")
    assert not is_version_number("v3")
    assert not is_version_number("3a")
    assert not is_version_number("٣")  # an Arabic-Indic digit is not a version number
    assert not is_version_number("")


def test_check_ref_text() -> None:
    assert check_ref_text("HEAD~2") == "HEAD~2"
    for bad in ("", "-x", "--output=/tmp/x", "a\nb", "a\x00b"):
        with pytest.raises(UsageError):
            check_ref_text(bad)


# --- resolving refs on a real repository ------------------------------------------------

@pytest.fixture(scope="module")
def refs_repo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    g = GitRepo(tmp_path_factory.mktemp("refs") / "repo")
    g.write_schema()
    out: dict[str, object] = {"g": g}
    for i in range(1, 5):
        g.write_assistant("a", prompt=f"prompt {i}")
        out[f"c{i}"] = g.commit(f"commit {i}")
    g.git("branch", "feature", str(out["c2"]))
    g.tag("v1.0.0", str(out["c1"]), annotated=True)
    g.tag("light", str(out["c3"]))
    g.tag("a@prod", str(out["c2"]))  # per-assistant tag
    g.git("branch", "prod", str(out["c3"]))  # a same-named branch
    g.git("branch", "same", str(out["c1"]))  # a branch and a tag on the same commit: not ambiguous
    g.tag("same", str(out["c1"]))
    g.git("branch", "clash", str(out["c1"]))  # a branch and a tag on different commits: ambiguous
    g.tag("clash", str(out["c2"]))
    return out


@pytest.mark.parametrize("ref, key", [
    ("HEAD", "c4"),
    ("main", "c4"),
    ("feature", "c2"),
    ("v1.0.0", "c1"),  # annotated: peeled to its commit
    ("light", "c3"),
    ("refs/tags/v1.0.0", "c1"),
    ("HEAD~2", "c2"),
    ("main^", "c3"),
    ("v1.0.0^{commit}", "c1"),
    ("same", "c1"),
    ("prod", "c3"),
])
def test_resolve_commit_rows(refs_repo: dict[str, object], ref: str, key: str) -> None:
    g = refs_repo["g"]
    assert resolve_commit(Repo(str(g.path)), ref) == refs_repo[key]


def test_resolve_commit_by_hex(refs_repo: dict[str, object]) -> None:
    repo = Repo(str(refs_repo["g"].path))
    c2 = str(refs_repo["c2"])
    assert resolve_commit(repo, c2) == c2
    assert resolve_commit(repo, c2[:7]) == c2
    assert resolve_commit(repo, c2[:10].upper()) == c2


def test_unknown_ref_names_what_was_tried(refs_repo: dict[str, object]) -> None:
    repo = Repo(str(refs_repo["g"].path))
    with pytest.raises(UnknownRef) as info:
        resolve_commit(repo, "nosuchthing")
    message = str(info.value)
    assert "'nosuchthing'" in message
    for tried in ("branch nosuchthing", "origin/nosuchthing", "tag nosuchthing", "commit id", "revision expression"):
        assert tried in message
    with pytest.raises(UnknownRef):
        resolve_commit(repo, "deadbeefdeadbeef")  # hex-looking, no such object
    with pytest.raises(UnknownRef):
        resolve_commit(repo, "HEAD~99")


def test_a_tree_id_is_not_a_commit(refs_repo: dict[str, object]) -> None:
    g = refs_repo["g"]
    tree = g.git("rev-parse", "HEAD^{tree}")
    with pytest.raises(UnknownRef):
        resolve_commit(Repo(str(g.path)), tree[:12])


def test_branch_and_tag_of_the_same_name_on_different_commits_is_ambiguous(refs_repo: dict[str, object]) -> None:
    repo = Repo(str(refs_repo["g"].path))
    with pytest.raises(UnknownRef) as info:
        resolve_commit(repo, "clash")
    message = str(info.value)
    assert "ambiguous" in message and "refs/heads/clash" in message and "refs/tags/clash" in message
    # the full names settle it
    assert resolve_commit(repo, "refs/heads/clash") == refs_repo["c1"]
    assert resolve_commit(repo, "refs/tags/clash") == refs_repo["c2"]


def test_short_hex_matching_two_objects_is_ambiguous(tmp_path: Path) -> None:
    """Two blobs whose ids share 7 hex digits: found by hashing (~20k tries), written with git."""
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a")
    g.commit("one")
    seen: dict[str, bytes] = {}
    for i in itertools.count():
        data = f"collision candidate {i}\n".encode()
        prefix = hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()[:7]
        if prefix.isdigit():
            continue  # all digits would be a version number (SPEC section 4), not an id
        if prefix in seen:
            pair = (seen[prefix], data)
            break
        seen[prefix] = data
    for data in pair:
        subprocess.run(["git", "hash-object", "-w", "--stdin"], input=data, cwd=g.path, check=True,
                       capture_output=True, env=git_env())
    # git itself agrees that the prefix is ambiguous
    assert run_git(g.path, "rev-parse", prefix, check=False).returncode != 0
    with pytest.raises(UnknownRef, match="ambiguous"):
        resolve_commit(Repo(str(g.path)), prefix)
    with pytest.raises(UnknownRef, match="ambiguous"):
        Roster(g.path).get(f"a@{prefix}")


def test_origin_branch_in_a_clone(refs_repo: dict[str, object], tmp_path: Path) -> None:
    g = refs_repo["g"]
    clone = tmp_path / "clone"
    run_git(tmp_path, "clone", "-q", f"file://{g.path}", str(clone))
    repo = Repo(str(clone))
    assert repo.ref_target("refs/heads/feature") is None  # only origin/feature exists here
    assert resolve_commit(repo, "feature") == refs_repo["c2"]
    assert resolve_commit(repo, "origin/feature") == refs_repo["c2"]
    # a local branch wins over origin/<name>
    run_git(clone, "branch", "feature", str(refs_repo["c4"]))
    assert resolve_commit(Repo(str(clone)), "feature") == refs_repo["c4"]


def test_refs_that_look_like_options_never_reach_git(refs_repo: dict[str, object], tmp_path: Path) -> None:
    g = refs_repo["g"]
    repo = Repo(str(g.path))
    marker = tmp_path / "pwned"
    for ref in (f"--upload-pack=touch {marker}", f"--output={marker}", "-h"):
        with pytest.raises(UsageError):
            resolve_commit(repo, ref)
        with pytest.raises(UsageError):
            Roster(g.path).get(f"a@{ref}")
        assert repo.revparse_commit(ref) is None
    assert not marker.exists()


def test_empty_repository_has_no_refs(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "empty")
    repo = Repo(str(g.path))
    assert not repo.has_commits()
    with pytest.raises(UnknownRef, match="no commits yet"):
        resolve_commit(repo, "main")
    with pytest.raises(UnknownRef, match="no commits yet"):
        repo.head()


# --- refs in Roster.get: versions and per-assistant tags ---------------------------------

def test_every_row_of_the_ref_table_through_get(refs_repo: dict[str, object]) -> None:
    g = refs_repo["g"]
    r = Roster(g.path)
    c = refs_repo

    def prompt(spec: str) -> str:
        return r.get(spec).config["configurable"]["system_prompt"]

    assert prompt("a") == "prompt 4\n"
    assert prompt("a@main") == "prompt 4\n"
    assert prompt("a@feature") == "prompt 2\n"
    assert prompt("a@v1.0.0") == "prompt 1\n"
    assert prompt("a@light") == "prompt 3\n"
    assert prompt(f"a@{short(str(c['c3']))}") == "prompt 3\n"
    assert prompt(f"a@{c['c1']}") == "prompt 1\n"
    assert prompt("a@3") == "prompt 3\n"
    assert prompt("a@HEAD~2") == "prompt 2\n"
    assert r.get("a", ref="light").version == 3


def test_per_assistant_tag_wins_over_a_same_named_ref(refs_repo: dict[str, object]) -> None:
    g = refs_repo["g"]
    r = Roster(g.path)
    # tag a@prod -> c2, branch prod -> c3
    assert r.get("a@prod").commit == refs_repo["c2"]
    assert r.get("a@prod").version == 2
    assert resolve_commit(Repo(str(g.path)), "prod") == refs_repo["c3"]


def test_a_bare_number_is_always_a_version(refs_repo: dict[str, object], tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    commits = []
    for i in range(1, 4):
        g.write_assistant("a", prompt=f"p{i}")
        commits.append(g.commit(f"c{i}"))
    g.tag("a@1", commits[2])  # a per-assistant tag that looks like a version
    g.git("branch", "2", commits[0])  # a branch named like a version
    r = Roster(g.path)
    assert r.get("a@1").commit == commits[0]
    assert r.get("a@2").commit == commits[1]
    with pytest.raises(UnknownRef, match="no version 4"):
        r.get("a@4")
    with pytest.raises(UnknownRef, match="no version 0"):
        r.get("a@0")


def test_lookup_errors_are_roster_errors(refs_repo: dict[str, object]) -> None:
    r = Roster(refs_repo["g"].path)
    for spec in ("a@nope", "a@clash", "../a", "a@--upload-pack=x", "nobody"):
        with pytest.raises(RosterError):
            r.get(spec)
