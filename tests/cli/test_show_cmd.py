"""``roster show SPEC``: text and JSON output, every ref form, exit codes (SPEC sections 4 and 6)."""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.cli import assert_clean_error, invoke
from helpers.gitcmd import GitRepo, run_git, short
from helpers.stories import Story, two_versions

ASSISTANT_KEYS = {"assistant_id", "graph_id", "name", "description", "config", "context", "metadata", "version",
                  "created_at", "updated_at", "commit"}

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    s = Story(tmp_path_factory.mktemp("show") / "repo")
    s.g.tag("blog-writer@prod", s.merge1)
    s.g.git("branch", "prod", s.init)  # a same-named branch: the assistant's own tag wins
    return s


@pytest.fixture(params=["runner", "subprocess"])
def cli(request: pytest.FixtureRequest) -> Cli:
    return lambda *args, cwd=None: invoke(request.param, *args, cwd=cwd)


def runner(*args: str, cwd: str | os.PathLike[str] | None = None) -> tuple[int, str, str]:
    return invoke("runner", *args, cwd=cwd)


def show_json(story: Story, spec: str) -> dict:
    code, out, err = runner("--repo", str(story.path), "show", spec, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_show_json_shape(story: Story, cli: Cli) -> None:
    code, out, err = cli("--repo", str(story.path), "show", "blog-writer", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == ASSISTANT_KEYS
    assert data["assistant_id"] == "blog-writer"
    assert data["graph_id"] == "writer"
    assert data["name"] == "Blog writer"
    assert data["description"] is None
    assert data["version"] == 4
    assert data["commit"] == story.blog4
    assert data["created_at"] == story.g.commit_time(story.init)
    assert data["updated_at"] == story.g.commit_time(story.blog4)
    assert data["config"]["configurable"]["temperature"] == 0.8
    assert data["context"] == {} and data["metadata"] == {}


def test_show_text(story: Story, cli: Cli) -> None:
    code, out, err = cli("--repo", str(story.path), "show", "blog-writer@v1.0.0")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == (f"blog-writer  (version 2, commit {story.merge1[:7]}, "
                        f"updated {story.g.commit_time(story.merge1)})")
    assert "graph:       writer" in lines
    assert "name:        Blog writer" in lines
    assert f"created:     {story.g.commit_time(story.init)}" in lines
    # the multi-line prompt is shown as a literal block, one line per prompt line
    assert "    system_prompt: |" in lines
    assert "      End with three bullet points." in lines


@pytest.mark.parametrize("ref, attr", [
    ("", "blog4"),
    ("@main", "blog4"),
    ("@v1.0.0", "merge1"),  # annotated release tag
    ("@v1.1.0", "squash"),  # lightweight release tag
    ("@2", "merge1"),  # version number
    ("@prod", "merge1"),  # the assistant's own tag wins over the branch prod
    ("@HEAD~2", "squash"),  # readd's parent chain: blog4 -> readd -> docs (blog-writer v3 there)
    ("@pr-1", "pr1_b"),
])
def test_show_every_ref_form(story: Story, ref: str, attr: str) -> None:
    assert show_json(story, f"blog-writer{ref}")["commit"] == getattr(story, attr)


def test_show_at_commit_ids(story: Story) -> None:
    assert show_json(story, f"blog-writer@{short(story.squash)}")["version"] == 3
    assert show_json(story, f"blog-writer@{story.merge1}")["version"] == 2
    # a commit where blog-writer did not change shows its last version there
    data = show_json(story, f"blog-writer@{story.tweet}")
    assert (data["version"], data["commit"]) == (1, story.init)


def test_show_origin_branch_in_a_clone(story: Story, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    run_git(tmp_path, "clone", "-q", f"file://{story.path}", str(clone))
    code, out, err = runner("--repo", str(clone), "show", "blog-writer@pr-2", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["commit"] == story.pr2_c
    code, out, _ = runner("--repo", str(clone), "show", "blog-writer@origin/pr-1", "--format", "json")
    assert json.loads(out)["commit"] == story.pr1_b


def test_show_subfolder_yml_and_discovery_from_cwd(story: Story, cli: Cli) -> None:
    code, out, err = cli("show", "team/author", "--format", "json", cwd=story.path / "assistants" / "team")
    assert code == 0, err
    data = json.loads(out)
    assert (data["assistant_id"], data["version"], data["commit"]) == ("team/author", 3, story.improve)


def test_show_renamed_id_says_where_it_went(story: Story, cli: Cli) -> None:
    code, _, err = cli("--repo", str(story.path), "show", "team/writer")
    assert_clean_error(code, err)
    assert "renamed to 'team/author'" in err
    assert story.rename[:12] in err


def test_show_deleted_id_says_when_and_its_last_version(story: Story) -> None:
    code, _, err = runner("--repo", str(story.path), "show", f"tweet-writer@{story.docs}")
    assert_clean_error(code, err)
    assert "deleted in commit " + story.delete[:12] in err
    assert "last version 1" in err


@pytest.mark.parametrize("spec, fragment", [
    ("nobody", "no assistant 'nobody'"),
    ("blog-writer@nope",
     "tried: environments/nope.yaml at HEAD, tag blog-writer@nope, branch nope, origin/nope, tag nope"),
    ("blog-writer@9", "no version 9"),
    ("blog-writer@--upload-pack=touch /tmp/roster-pwned", "invalid ref"),
    ("../etc/passwd", "'..'"),
    ("/etc/passwd", "segment"),
    ("team/../../x@main", "'..'"),
])
def test_show_lookup_errors(story: Story, spec: str, fragment: str) -> None:
    code, out, err = runner("--repo", str(story.path), "show", spec)
    assert_clean_error(code, err)
    assert fragment in err
    assert out == ""


def test_show_option_looking_spec(story: Story) -> None:
    code, _, err = runner("--repo", str(story.path), "show", "--", "--upload-pack=x")
    assert_clean_error(code, err)
    assert "may not start with '-'" in err
    code, _, err = runner("--repo", str(story.path), "show", "--upload-pack=x")
    assert code == 2 and "Traceback" not in err  # click refuses it as an unknown option


def test_show_ambiguous_ref(tmp_path: Path, cli: Cli) -> None:
    g, first, _ = two_versions(tmp_path / "repo")
    g.git("branch", "release", first)
    g.tag("release")  # a tag of the same name on another commit
    code, _, err = cli("--repo", str(g.path), "show", "a@release")
    assert_clean_error(code, err)
    assert "ambiguous" in err and "refs/heads/release" in err


def test_show_invalid_assistant_exits_1_with_every_problem(tmp_path: Path, cli: Cli) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a", temperature=5)
    g.commit("bad temperature")
    code, out, err = cli("--repo", str(g.path), "show", "a")
    assert code == 1
    assert out == ""
    assert "assistants/a.yaml:7:18" in err
    assert "config.configurable.temperature" in err
    assert "Traceback" not in err


def test_show_corrupt_object(tmp_path: Path, cli: Cli) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a")
    g.commit("one")
    blob = g.git("rev-parse", "HEAD:assistants/a.yaml")
    loose = g.path / ".git" / "objects" / blob[:2] / blob[2:]
    os.chmod(loose, 0o644)
    loose.write_bytes(b"\x00garbage\xff" * 10)
    code, _, err = cli("--repo", str(g.path), "show", "a")
    assert_clean_error(code, err)
    assert "corrupt" in err and blob in err


def test_show_in_an_empty_repository(tmp_path: Path, cli: Cli) -> None:
    g = GitRepo(tmp_path / "empty")
    code, _, err = cli("--repo", str(g.path), "show", "a")
    assert_clean_error(code, err)
    assert "no commits yet" in err


def test_show_with_files_but_no_commit(tmp_path: Path, cli: Cli) -> None:
    g = GitRepo(tmp_path / "fresh")
    g.write_schema()
    g.write_assistant("a")
    code, _, err = cli("--repo", str(g.path), "show", "a")
    assert_clean_error(code, err)
    assert "no commits yet" in err


def test_show_outside_a_repository(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "plain").mkdir()
    code, _, err = cli("--repo", str(tmp_path / "plain"), "show", "a")
    assert_clean_error(code, err)
    assert "not a git repository" in err


def test_show_in_a_shallow_clone(story: Story, tmp_path: Path, cli: Cli) -> None:
    clone = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{story.path}", str(clone))
    code, out, err = cli("--repo", str(clone), "show", "blog-writer", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["version"] is None
    assert data["config"]["configurable"]["system_prompt"].endswith("Link two related posts.\n")
    code, out, err = cli("--repo", str(clone), "show", "blog-writer")
    assert code == 0 and "version unknown" in out.splitlines()[0]
    code, _, err = cli("--repo", str(clone), "show", "blog-writer@1")
    assert_clean_error(code, err)
    assert "history is cut" in err


def test_show_in_a_bare_clone(story: Story, tmp_path: Path, cli: Cli) -> None:
    bare = tmp_path / "bare.git"
    run_git(tmp_path, "clone", "-q", "--bare", str(story.path), str(bare))
    code, out, err = cli("--repo", str(bare), "show", "blog-writer@2", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["commit"] == story.merge1
    code, out, err = cli("show", "team/author", "--format", "json", cwd=bare)
    assert code == 0, err
    assert json.loads(out)["version"] == 3


def test_show_errors_as_a_real_process(story: Story) -> None:
    """The same clean one-line errors when run as ``python -m roster`` (no click runner in between)."""
    for spec, fragment in (("nobody", "no assistant 'nobody'"), ("blog-writer@nope", "unknown ref"),
                           ("blog-writer@--upload-pack=x", "invalid ref"), ("../x", "'..'")):
        code, out, err = invoke("subprocess", "--repo", str(story.path), "show", spec)
        assert_clean_error(code, err)
        assert fragment in err and out == ""
        assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["show", "blog-writr"], ["history", "blog-writr"],
                                     ["diff", "blog-writer@1", "blog-writr@2"]])
def test_an_unknown_id_suggests_the_nearest_ones(story: Story, cli: Cli, command: list[str]) -> None:
    code, out, err = cli("--repo", str(story.path), *command)
    assert_clean_error(code, err)
    assert "no assistant 'blog-writr'" in err and "did you mean 'blog-writer'?" in err
