"""No line of any command's output ends with whitespace (issue 16), whatever the prompts hold.

The assistants' prompts have blank lines, lines of only spaces, lines ending in spaces
or tabs, and tabs inside; names, descriptions and commit messages end in blanks too.
A change of trailing blanks alone must still show in a diff (escaped, as controls are).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.cli import invoke
from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo

PROMPT_1 = "You write posts.\n\nBe concise.   \n\tIndented with a tab\ttab inside\t\n  \nEnd. "
PROMPT_2 = "You write posts.\n\nBe precise.  \n\tIndented with a tab\t\n\n\nNo emoji.\t"
BLANKS = "Para one\n\nPara two\n\n\nPara three"  # only blank lines: a | block in `show`
EXTRA = 'name: "Bot with blanks  "\ndescription: "First line\\n\\n  indented  \\nlast\\t"\n'

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    g = GitRepo(tmp_path_factory.mktemp("trailing") / "repo")
    g.write_schema()
    g.write_assistant("writer", prompt=PROMPT_1, temperature=0.5)
    g.write_assistant("blanks", prompt=BLANKS, extra=EXTRA)
    g.commit("v1 with a trailing space \n\nBody line  \n\n\tindented body\t")
    g.write_assistant("writer", prompt=PROMPT_2, temperature=0.5)
    g.write_assistant("blanks", prompt=BLANKS.replace("Para two", "Para two   "), extra=EXTRA)
    g.commit("v2\t")
    broken = assistant_yaml(prompt=PROMPT_1, temperature=7) + "context:\n  max_words: 'many  '\n"
    g.write_assistant("broken", text=broken)
    return g


@pytest.fixture(params=["runner", "subprocess"])
def cli(request: pytest.FixtureRequest) -> Cli:
    return lambda *args, cwd=None: invoke(request.param, *args, cwd=cwd)


def ends_with_whitespace(text: str) -> list[str]:
    return [line for line in text.split("\n") if line != line.rstrip()]


COMMANDS = [
    ("show", "writer"),
    ("show", "writer@1"),
    ("show", "blanks"),
    ("show", "blanks@1"),
    ("list",),
    ("history", "writer"),
    ("history", "blanks"),
    ("diff", "writer@1", "writer@2"),
    ("diff", "blanks@1", "blanks@2"),
    ("check",),
    ("check", "--format", "markdown"),
    ("check", "--format", "github"),
    ("validate", "assistants/broken.yaml"),
    ("status",),
]


JSON = [(*args, "--format", "json") for args in COMMANDS if "--format" not in args and args[0] != "validate"]


@pytest.mark.parametrize("args", COMMANDS + JSON, ids=" ".join)
def test_no_output_line_ends_with_whitespace(repo: GitRepo, args: tuple[str, ...]) -> None:
    code, out, err = invoke("runner", "--repo", str(repo.path), *args, cwd=repo.path)
    assert code in (0, 1), (code, out, err)
    assert out.strip() or err.strip()
    assert ends_with_whitespace(out) == [], out
    assert ends_with_whitespace(err) == [], err


def test_promote_and_status_after_it(repo: GitRepo, cli: Cli) -> None:
    for args in (("promote", "writer", "1", "--to", "prod"), ("promote", "writer", "2", "--to", "prod"),
                 ("status",), ("diff", "writer@1", "writer@prod")):
        code, out, err = cli("--repo", str(repo.path), *args, cwd=repo.path)
        assert code == 0, (args, out, err)
        assert ends_with_whitespace(out) == [] and ends_with_whitespace(err) == [], (args, out, err)


def test_a_diff_still_shows_trailing_blanks(repo: GitRepo, cli: Cli) -> None:
    code, out, err = cli("--repo", str(repo.path), "diff", "blanks@1", "blanks@2")
    assert code == 0, err
    lines = out.splitlines()
    assert "    -Para two" in lines and "    +Para two\\u0020\\u0020\\u0020" in lines
    code, out, err = cli("--repo", str(repo.path), "diff", "writer@1", "writer@2")
    assert code == 0, err
    lines = out.splitlines()
    assert "    -\tIndented with a tab\ttab inside\\u0009" in lines
    assert "    -End.\\u0020" in lines and "    +No emoji.\\u0009" in lines
    assert "" in lines  # an empty context line of the prompt is an empty line, not four spaces and one


def test_json_keeps_the_values_as_they_are(repo: GitRepo) -> None:
    import json

    code, out, err = invoke("runner", "--repo", str(repo.path), "diff", "writer@1", "writer@2", "--format", "json")
    assert code == 0, err
    (change,) = [c for c in json.loads(out)["changes"] if c["path"] == "config.configurable.system_prompt"]
    assert change["old"] == PROMPT_1 + "\n" and change["new"] == PROMPT_2 + "\n"
    code, out, err = invoke("runner", "--repo", str(repo.path), "show", "blanks", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["name"] == "Bot with blanks  "


def test_the_files_really_hold_trailing_blanks(repo: GitRepo) -> None:
    text = Path(repo.path / "assistants/writer.yaml").read_text()
    assert "Be precise.  \n" in text and "\tIndented with a tab\t\n" in text


def test_show_quotes_a_name_or_description_whose_blanks_would_vanish(repo: GitRepo, cli: Cli) -> None:
    code, out, err = cli("--repo", str(repo.path), "show", "blanks")
    assert code == 0, err
    lines = out.splitlines()
    assert 'name:        "Bot with blanks  "' in lines
    assert 'description: "First line\\n\\n  indented  \\nlast\\t"' in lines
    code, out, err = cli("--repo", str(repo.path), "show", "writer")
    assert code == 0, err
    assert "name:        writer" in out.splitlines()
