"""Environment files (SPEC section 11): the format, what check reports, and ``ID@env`` resolution."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.cli import invoke
from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo
from helpers.stories import three_versions
from roster import Roster
from roster.environments import parse_environment
from roster.errors import RosterError, UnknownAssistant


@pytest.fixture()
def repo(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    """blog-writer at versions 1..3, helper at 1..3; v1.0.0 on the second commit."""
    return three_versions(tmp_path / "repo")


def problems_of(g: GitRepo, *args: str) -> list[str]:
    _, out, _ = invoke("runner", "--repo", str(g.path), "check", *args)
    return [line for line in out.splitlines() if line.startswith("environments/")]


PROD = """\
# what prod runs
url: https://prod.example.com
default: null
assistants:
  blog-writer: 2          # reviewed in PR 12
  team/helper: v1.0.0
"""


def test_parse_locates_every_problem() -> None:
    text = b"url: 42\nregion: eu\ndefault: [main]\nassistants:\n  a: true\n  b: 0\n  ../x: 1\n"
    env, problems = parse_environment(text, path="environments/prod.yaml", name="prod")
    assert env is None
    got = [(p.line, p.column, p.message) for p in problems]
    assert got == [
        (2, 1, "unknown key 'region'; allowed: url, default, assistants"),
        (1, 6, "url must be an http:// or https:// URL, not 42"),
        (3, 1, "default must be a ref (a branch, tag or commit) or null, not a list"),
        (5, 6, "pin of 'a' must be a version number or a ref, not true"),
        (6, 6, "version numbers start at 1, not 0"),
        (7, 3, "id '../x' has an empty, '.' or '..' segment"),
    ]


def test_parse_uses_the_yaml_policy() -> None:
    env, problems = parse_environment(b"assistants:\n  a: 1\n  a: 2\n", path="environments/p.yaml", name="p")
    assert env is None and problems[0][2:4] == (3, 3)
    assert "duplicate key 'a'" in problems[0].message
    env, problems = parse_environment(b"assistants: !!python/object {}\n", path="environments/p.yaml", name="p")
    assert env is None and "not allowed" in problems[0].message


def test_check_passes_a_good_file(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    g.write("environments/prod.yaml", PROD)
    g.commit("prod")
    code, out, err = invoke("runner", "--repo", str(g.path), "check")
    assert code == 0, out + err
    assert invoke("runner", "--repo", str(g.path), "check", "--ref", "HEAD")[0] == 0


def test_check_reports_unknown_assistants_versions_and_refs(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    g.write("environments/prod.yaml", "assistants:\n  blog-writr: 1\n  team/helper: 9\n  blog-writer: v9\n")
    code, _, _ = invoke("runner", "--repo", str(g.path), "check")
    assert code == 1
    lines = problems_of(g)
    assert lines[0] == ("environments/prod.yaml:2:3: error: assistants.blog-writr: no assistant 'blog-writr' "
                        "(no assistants/blog-writr.yaml) (did you mean 'blog-writer'?)")
    assert lines[1].startswith("environments/prod.yaml:3:16: error: assistants.team/helper: pin of 'team/helper': ")
    assert "has 3 version(s); there is no version 9" in lines[1]
    assert lines[2].startswith("environments/prod.yaml:4:16: error: assistants.blog-writer: pin of 'blog-writer': "
                               "unknown ref 'v9'")
    assert len(lines) == 3


def test_check_reports_a_pin_invalid_at_its_version(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    g.write_assistant("blog-writer", assistant_yaml(temperature=9))  # version 4: invalid
    g.commit("too hot")
    g.write_assistant("blog-writer", prompt="fixed")
    g.write("environments/prod.yaml", "assistants:\n  blog-writer: 4\n")
    g.commit("fixed, but prod pins 4")
    lines = problems_of(g)
    assert len(lines) == 1
    assert lines[0].startswith("environments/prod.yaml:2:16: error: assistants.blog-writer: blog-writer at "
                               "version 4 is invalid: assistants/blog-writer.yaml:")
    assert "temperature" in lines[0]


def test_check_reports_an_own_tag_beside_the_file(repo: tuple[GitRepo, list[str]]) -> None:
    g, commits = repo
    g.write("environments/prod.yaml", PROD)
    g.commit("prod")
    g.tag("blog-writer@prod", commits[0])
    g.tag("team/helper@staging", commits[0])  # no staging file: no conflict
    lines = problems_of(g)
    assert len(lines) == 1
    assert lines[0].startswith("environments/prod.yaml:1:1: error: tag 'blog-writer@prod' conflicts with this file")


def test_check_reports_bad_file_names_and_unknown_keys(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    g.write("environments/HEAD.yaml", "assistants: {}\n")
    g.write("environments/dev.yaml", "asistants:\n  blog-writer: 1\n")
    lines = problems_of(g)
    assert lines == [
        "environments/HEAD.yaml:1:1: error: file name: 'HEAD' is reserved by git; use a name such as prod or staging",
        ("environments/dev.yaml:1:1: error: asistants: unknown key 'asistants' (did you mean 'assistants'?); "
         "allowed: url, default, assistants"),
    ]


def test_resolution_through_the_file(repo: tuple[GitRepo, list[str]]) -> None:
    g, commits = repo
    g.write("environments/prod.yaml", PROD)
    g.commit("prod")
    r = Roster(str(g.path))
    a = r.get("blog-writer@prod")
    assert (a.version, a.commit) == (2, commits[1])
    assert r.get("team/helper", ref="prod").commit == commits[1]  # v1.0.0
    with pytest.raises(UnknownAssistant, match="does not list 'other' and sets no default"):
        r.get("other@prod")
    # The file wins over an own tag, and a file that is not there falls back to the tag.
    g.tag("blog-writer@prod", commits[0])
    g.tag("blog-writer@staging", commits[2])
    r.refresh()
    assert r.get("blog-writer@prod").version == 2
    assert r.get("blog-writer@staging").version == 3


def test_resolution_reads_the_file_at_head_and_follows_a_default(repo: tuple[GitRepo, list[str]]) -> None:
    g, commits = repo
    g.write("environments/prod.yaml", "default: v1.0.0\nassistants:\n  blog-writer: 1\n")
    g.commit("prod")
    r = Roster(str(g.path))
    assert r.get("team/helper@prod").commit == commits[1]
    assert r.get("blog-writer@prod").version == 1
    g.write("environments/prod.yaml", "default: v1.0.0\nassistants:\n  blog-writer: 3\n")
    g.commit("promote")
    r.refresh()
    assert r.get("blog-writer@prod").version == 3
    # A malformed file is an error with its location, never a guess.
    g.write("environments/prod.yaml", "assistants:\n  blog-writer: [3]\n")
    g.commit("broken")
    r.refresh()
    with pytest.raises(RosterError, match=r"environments/prod.yaml:2:3: pin of 'blog-writer'"):
        r.get("blog-writer@prod")


def test_cli_show_and_list_with_env(repo: tuple[GitRepo, list[str]]) -> None:
    g, commits = repo
    g.write("environments/prod.yaml", PROD)
    g.commit("prod")
    code, out, err = invoke("runner", "--repo", str(g.path), "show", "blog-writer", "--env", "prod",
                            "--format", "json")
    assert code == 0, err
    assert '"version": 2' in out
    code, out, err = invoke("subprocess", "--repo", str(g.path), "show", "blog-writer@prod", "--format", "json")
    assert code == 0 and '"version": 2' in out, err
    code, out, err = invoke("runner", "--repo", str(g.path), "list", "--env", "prod", "--format", "json")
    assert code == 0, err
    import json

    listed = {a["assistant_id"]: (a["version"], a["commit"]) for a in json.loads(out)}
    assert listed == {"blog-writer": (2, commits[1]), "team/helper": (2, commits[1])}
    code, out, err = invoke("runner", "--repo", str(g.path), "list", "--env", "qa")
    assert code == 2 and "no environment 'qa'" in err
    code, _, err = invoke("runner", "--repo", str(g.path), "show", "blog-writer@prod", "--env", "prod")
    assert code == 2 and "--env" in err


def test_check_reports_an_environment_named_like_a_branch_or_tag(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    g.write("environments/main.yaml", "assistants:\n  blog-writer: 1\n")
    g.write("environments/v1.0.0.yaml", "assistants:\n  blog-writer: 1\n")
    assert problems_of(g) == [
        ("environments/main.yaml:1:1: error: environment 'main' has the name of a branch: ID@main must keep "
         "meaning the branch; rename the file"),
        ("environments/v1.0.0.yaml:1:1: error: environment 'v1.0.0' has the name of a repo-wide tag: "
         "ID@v1.0.0 must keep meaning the repo-wide tag; rename the file"),
    ]


def test_check_in_a_shallow_clone_warns_instead_of_failing(repo: tuple[GitRepo, list[str]], tmp_path: Path) -> None:
    g, _ = repo
    g.write("environments/prod.yaml", PROD)
    g.commit("prod")
    clone = tmp_path / "shallow"
    g.git("clone", "-q", "--depth", "1", f"file://{g.path}", str(clone))
    code, out, err = invoke("runner", "--repo", str(clone), "check")
    assert code == 0, out + err
    assert "environments/prod.yaml:5:16: warning: assistants.blog-writer: pin of 'blog-writer' not checked: " \
           "history is cut" in out


def test_unknown_ref_names_the_environment_file_and_own_tag(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    code, _, err = invoke("runner", "--repo", str(g.path), "show", "blog-writer@qa")
    assert code == 2
    assert "unknown ref 'qa' (tried: environments/qa.yaml at HEAD, tag blog-writer@qa, branch qa" in err


def test_check_against_a_base_checks_environment_files_too(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    g.write("environments/prod.yaml", "assistants:\n  blog-writer: 7\n")
    g.commit("pin a version that does not exist")
    code, out, _ = invoke("runner", "--repo", str(g.path), "check", "--ref", "HEAD", "--base", "HEAD~1")
    assert code == 1
    assert "environments/prod.yaml:2:16: error: assistants.blog-writer: pin of 'blog-writer'" in out


@pytest.mark.parametrize("content, fragment", [
    (b"a: &a [1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
     b"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
     b"f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n", "alias bomb"),
    (b"\x00\x01\x02binary", "NUL byte"),
    (b"assistants:\n  blog-writer: " + b"9" * 400 + b"\n", "there is no version 999"),
    (b"- a list\n", "the top level must be a mapping"),
    (b"assistants: " + b"[" * 200 + b"]" * 200 + b"\n", "environments/prod.yaml:1:"),
    (b"url: " + b"x" * (1024 * 1024 + 10) + b"\n", "larger than 1 MiB"),
])
def test_hostile_environment_files_get_one_located_line(repo: tuple[GitRepo, list[str]], content: bytes,
                                                         fragment: str) -> None:
    g, _ = repo
    g.write("environments/prod.yaml", content)
    g.commit("hostile")
    for args in (["check"], ["check", "--ref", "HEAD"]):
        proc = invoke("subprocess", "--repo", str(g.path), *args)
        code, out, err = proc
        assert code == 1, (args, out, err)
        assert "Traceback" not in out + err
        assert any(line.startswith("environments/prod.yaml:") and fragment in line for line in out.splitlines()), out
    code, _, err = invoke("subprocess", "--repo", str(g.path), "show", "blog-writer@prod")
    assert code == 2 and err.startswith("roster: error: environments/prod.yaml:") and "Traceback" not in err
