"""reporters/environments.py: ``roster status`` (every assistant x every environment) and
``roster history --env`` (when a pin changed), as text and JSON."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.gitcmd import GitRepo
from roster import Roster
from roster.envhistory import pin_history
from roster.envstatus import status
from roster.reporters.environments import render_pin_history, render_status


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    g = GitRepo(tmp_path_factory.mktemp("environments") / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one")
    g.write_assistant("b", prompt="b")
    g.commit("one")
    for prompt in ("two", "three"):
        g.write_assistant("a", prompt=prompt)
        g.commit(prompt)
    g.write("environments/prod.yaml", "url: http://127.0.0.1:9\nassistants:\n  a: 1\n")
    g.commit("prod runs a@1")
    g.write("environments/prod.yaml", "url: http://127.0.0.1:9\nassistants:\n  a: 2\n")
    g.commit("prod runs a@2")
    g.tag("b@staging")
    return g


def test_status_as_a_matrix(repo: GitRepo) -> None:
    result = status(Roster(str(repo.path)), None)
    assert render_status(result, "text").splitlines() == [
        "assistant  HEAD  prod           staging",
        "a          v3    v2 (1 behind)  -",
        "b          v1    -              v1",
        "",
        "prod: environments/prod.yaml -> http://127.0.0.1:9",
        "staging: tags ID@staging",
    ]
    data = json.loads(render_status(result, "json"))
    assert data == result.as_json()
    assert [(e["name"], e["path"], e["url"]) for e in data["environments"]] == [
        ("prod", "environments/prod.yaml", "http://127.0.0.1:9"), ("staging", None, None)]


def test_status_without_environments_says_how_to_add_one(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a")
    g.commit("one")
    assert render_status(status(Roster(str(g.path)), None), "text") == (
        "no environments: add environments/<env>.yaml, or promote with roster promote ID VERSION --to ENV")


def test_pin_history_newest_first(repo: GitRepo) -> None:
    changes = pin_history(Roster(str(repo.path)), "a", "prod", None)
    newer, older = changes
    assert render_pin_history(changes, "text").splitlines() == [
        f"{newer.commit[:7]}  {newer.date}  Ada Tester <ada@example.com>  v1 -> v2  prod runs a@2",
        f"{older.commit[:7]}  {older.date}  Ada Tester <ada@example.com>  nothing -> v1  prod runs a@1",
    ]
    data = json.loads(render_pin_history(changes, "json"))
    assert [(c["before"], c["after"], c["message"]) for c in data] == [
        ({"pin": "1", "version": 1}, {"pin": "2", "version": 2}, "prod runs a@2"),
        ({"pin": None, "version": None}, {"pin": "1", "version": 1}, "prod runs a@1")]
