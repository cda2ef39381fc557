"""Real results for the reporters: one repository whose last commit adds, modifies, renames and
deletes assistants, with hostile values (Markdown, HTML, workflow commands) and a secret in it."""
from __future__ import annotations

from typing import NamedTuple

import pytest

from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo
from roster import CheckReport, Roster

KEY = "sk-ant-api03-Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aE-AbCdEf"  # the shape of an Anthropic key; not a real one
HOSTILE_NAME = "Pipe | *bold* <b>x</b> @team `tick`"
HOSTILE_PROMPT = "Line one.\n````\n</details>\n| a | b |\nLine two!"
INJECTION = "evil\n::error file=x::pwned|`x`"  # an unknown key: newline, then a workflow command


class Made(NamedTuple):
    g: GitRepo
    roster: Roster
    report: CheckReport  # HEAD checked against HEAD~1: problems and changes


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    g = GitRepo(tmp_path_factory.mktemp("reporters") / "repo")
    g.write_schema("writer")
    g.write_assistant("keep", name="Keep", prompt="Line one.\nLine two.")
    g.write_assistant("gone", name="Gone", model="openai:gpt-4.1", temperature=0.2,
                      prompt="Nothing like the others:\nsay goodbye,\nthen leave.", extra="metadata:\n  owner: x\n")
    g.write_assistant("move", prompt="I will move.\nSoon.")
    g.commit("base")
    g.write_assistant("keep", name=HOSTILE_NAME, prompt=HOSTILE_PROMPT)
    (g.path / "assistants" / "gone.yaml").unlink()
    (g.path / "assistants" / "move.yaml").rename(g.path / "assistants" / "moved.yaml")
    g.write_assistant("leaky", text=assistant_yaml() + f"metadata:\n  token: {KEY}\n")
    g.write_assistant("new", text=assistant_yaml() + '"evil\\n::error file=x::pwned|`x`": 1\n')
    g.commit("head")
    roster = Roster(str(g.path))
    return Made(g, roster, roster.check(ref="HEAD", base="HEAD~1"))
