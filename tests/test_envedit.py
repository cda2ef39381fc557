"""``roster promote`` through an environment file: the smallest edit, --commit, --all, reserved labels."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.cli import invoke
from helpers.gitcmd import GitRepo
from helpers.stories import three_versions
from roster.envedit import set_pin
from roster.environments import parse_environment

PROD = """\
# What prod runs. Reviewed by @acme/leads.
url: https://prod.example.com
default: null

assistants:
  # the blog: pinned after the launch review
  blog-writer: 2          # reviewed in PR 12
  team/helper: "v1.0.0"   # a release
"""


@pytest.fixture()
def repo(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    g, commits = three_versions(tmp_path / "repo")
    g.git("config", "user.name", "Pat Promoter")
    g.git("config", "user.email", "pat@example.com")
    g.write("environments/prod.yaml", PROD)
    g.write("environments/staging.yaml", "assistants:\n  blog-writer: 3\n  team/helper: 3\n")
    g.commit("environments")
    return g, commits


def edit(text: str, assistant_id: str, target: str) -> str:
    env, problems = parse_environment(text.encode(), path="environments/prod.yaml", name="prod")
    assert env is not None, problems
    return set_pin(text, env, assistant_id, target)


def changed_lines(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.splitlines(), new.splitlines()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def test_set_pin_changes_only_the_value() -> None:
    new = edit(PROD, "blog-writer", "3")
    assert changed_lines(PROD, new) == [("  blog-writer: 2          # reviewed in PR 12",
                                         "  blog-writer: 3          # reviewed in PR 12")]
    new = edit(PROD, "team/helper", "v1.1.0")
    assert changed_lines(PROD, new) == [('  team/helper: "v1.0.0"   # a release',
                                         "  team/helper: v1.1.0   # a release")]


def test_set_pin_quotes_what_yaml_would_misread() -> None:
    for ref in ("1e3", "true", "null", "0x1F", "[x]", "#x", "{a}", "*b", "it's"):
        new = edit(PROD, "blog-writer", ref)
        env, _ = parse_environment(new.encode(), path="p", name="prod")
        assert env is not None and env.pins["blog-writer"].value == ref


def test_set_pin_adds_one_line_for_a_new_pin() -> None:
    new = edit(PROD, "tweet-writer", "4")
    assert new == PROD + "  tweet-writer: 4\n"
    text = "url: https://x.example.com\nassistants:   # none yet\n"
    assert edit(text, "a", "1") == "url: https://x.example.com\nassistants:   # none yet\n  a: 1\n"
    assert edit("assistants: {}\n", "a", "1") == "assistants:\n  a: 1\n"
    assert edit("url: https://x.example.com", "a", "2") == "url: https://x.example.com\nassistants:\n  a: 2\n"
    text = "assistants:\n    x: 1\n    y: 2   # last\nurl: https://x.example.com\n"
    assert edit(text, "a", "3") == "assistants:\n    x: 1\n    y: 2   # last\n    a: 3\nurl: https://x.example.com\n"


def test_promote_edits_the_file_and_prints_before_after_and_the_diff(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    code, out, err = invoke("runner", "--repo", str(g.path), "promote", "blog-writer", "3", "--to", "prod")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "blog-writer@prod: v2 -> v3  (environments/prod.yaml)"
    assert "  -  blog-writer: 2          # reviewed in PR 12" in lines
    assert "  +  blog-writer: 3          # reviewed in PR 12" in lines
    assert any(line.startswith("  ~ config.configurable.system_prompt") for line in lines)
    diff = g.git("diff", "-U0", "--no-color")
    assert [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))] == [
        "-  blog-writer: 2          # reviewed in PR 12", "+  blog-writer: 3          # reviewed in PR 12"]
    assert g.git("tag", "-l", "blog-writer@prod") == ""  # no tag: the file is the environment
    # Not committed: HEAD still runs version 2 until the pull request is merged.
    code, out, _ = invoke("runner", "--repo", str(g.path), "show", "blog-writer@prod", "--format", "json")
    assert json.loads(out)["version"] == 2


def test_promote_commit_names_assistant_environment_and_versions(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    g.write("notes.txt", "staged, not part of the promotion\n")
    g.git("add", "notes.txt")
    code, out, err = invoke("runner", "--repo", str(g.path), "promote", "blog-writer", "1", "--to", "prod",
                            "--commit", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["before"]["version"], data["after"]["version"]) == (2, 1)
    assert data["commit"] == g.rev()
    assert g.git("log", "-1", "--format=%s|%an") == "Promote blog-writer to prod: version 2 -> version 1|Pat Promoter"
    assert g.git("show", "--name-only", "--format=", "HEAD") == "environments/prod.yaml"
    assert g.git("status", "--porcelain") == "A  notes.txt"  # still staged, untouched
    code, out, _ = invoke("runner", "--repo", str(g.path), "show", "blog-writer@prod", "--format", "json")
    assert json.loads(out)["version"] == 1


def test_promote_all_copies_every_pin(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    code, out, err = invoke("runner", "--repo", str(g.path), "promote", "--all", "--from", "staging", "--to", "prod",
                            "--commit")
    assert code == 0, err
    assert "blog-writer@prod: v2 -> v3" in out and "team/helper@prod: v1.0.0 (v2) -> v3" in out
    assert g.git("log", "-1", "--format=%s") == "Promote 2 assistants to prod"
    diff = g.git("diff", "-U0", "HEAD~1", "HEAD")
    assert [line for line in diff.splitlines() if line[:1] == "+" and not line.startswith("+++")] == [
        "+  blog-writer: 3          # reviewed in PR 12", "+  team/helper: 3   # a release"]


def test_promote_without_a_file_moves_the_tag(repo: tuple[GitRepo, list[str]]) -> None:
    g, commits = repo
    code, _, err = invoke("runner", "--repo", str(g.path), "promote", "blog-writer", "1", "--to", "canary")
    assert code == 0, err
    assert g.rev("refs/tags/blog-writer@canary") == commits[0]
    code, _, err = invoke("runner", "--repo", str(g.path), "promote", "blog-writer", "1", "--to", "canary", "--commit")
    assert code == 2 and "nothing to commit" in err


@pytest.mark.parametrize("label, why", [
    ("HEAD", "reserved by git"), ("main", "is a branch"), ("v1.0.0", "is a repo-wide tag"),
    ("deadbeef", "looks like a commit id"), ("12", "is a number"), ("a~1", "invalid environment name"),
])
def test_reserved_labels_are_refused(repo: tuple[GitRepo, list[str]], label: str, why: str) -> None:
    g, _ = repo
    before = g.git("for-each-ref")
    code, _, err = invoke("runner", "--repo", str(g.path), "promote", "blog-writer", "1", "--to", label)
    assert code == 2 and why in err, err
    assert g.git("for-each-ref") == before
    # And the default ref still means HEAD.
    code, out, _ = invoke("runner", "--repo", str(g.path), "show", "blog-writer", "--format", "json")
    assert json.loads(out)["version"] == 3


def test_promote_refuses_an_invalid_target_and_leaves_the_file(repo: tuple[GitRepo, list[str]]) -> None:
    g, _ = repo
    code, _, err = invoke("runner", "--repo", str(g.path), "promote", "blog-writer", "9", "--to", "prod")
    assert code == 2 and "no version 9" in err
    assert (g.path / "environments/prod.yaml").read_text() == PROD


def test_a_leftover_tag_at_head_never_pins_the_default_ref(repo: tuple[GitRepo, list[str]]) -> None:
    g, commits = repo
    g.tag("blog-writer@HEAD", commits[0])  # made by an older roster, or by hand
    for spec in ("blog-writer", "blog-writer@HEAD"):
        code, out, err = invoke("runner", "--repo", str(g.path), "show", spec, "--format", "json")
        assert code == 0, err
        assert json.loads(out)["version"] == 3
