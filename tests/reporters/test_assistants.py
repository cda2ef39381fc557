"""reporters/assistants.py: assistants, lists, histories, diffs and promotions as text and JSON."""
from __future__ import annotations

import json
from pathlib import Path

from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo
from reporters.conftest import HOSTILE_NAME, Made
from roster import Roster
from roster.reporters import assistants as out


def test_an_assistant_as_text_shows_prompts_as_blocks(made: Made) -> None:
    a = made.roster.get("keep")
    lines = out.render_assistant(a, "text").splitlines()
    assert lines[0] == f"keep  (version 2, commit {a.commit[:7]}, updated {a.updated_at})"
    assert lines[1:5] == ["graph:       writer", f"name:        {HOSTILE_NAME}", f"created:     {a.created_at}",
                          "config:"]
    assert lines[-6:] == ["    system_prompt: |", "      Line one.", "      ````", "      </details>",
                          "      | a | b |", "      Line two!"]


def test_an_assistant_as_json_is_the_spec_shape(made: Made) -> None:
    a = made.roster.get("keep")
    data = json.loads(out.render_assistant(a, "json"))
    assert data == a.as_json()
    assert list(data) == ["assistant_id", "graph_id", "name", "description", "config", "context", "metadata",
                          "version", "created_at", "updated_at", "commit"]


def test_a_name_that_would_lose_its_blanks_or_lines_is_quoted(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", text='name: "  two\\nlines "\ndescription: "tab\\tinside"\n' + assistant_yaml())
    g.commit("one")
    a = Roster(str(g.path)).get("a")
    lines = out.render_assistant(a, "text").splitlines()
    assert lines[2:4] == ['name:        "  two\\nlines "', "description: tab\tinside"]


def test_a_list_aligns_its_columns(made: Made) -> None:
    items = made.roster.list(ref="HEAD~1")
    commit = items[0].commit[:7]
    assert out.render_list(items, "text").splitlines() == [
        f"gone    v1  writer  {commit}  Gone", f"keep    v1  writer  {commit}  Keep",
        f"move    v1  writer  {commit}  move"]
    assert [a["assistant_id"] for a in json.loads(out.render_list(items, "json"))] == ["gone", "keep", "move"]
    assert out.render_list([], "text") == "no assistants" and out.render_list([], "json") == "[]"


def test_a_history_newest_first(made: Made) -> None:
    versions = made.roster.history("keep")
    two, one = versions
    assert out.render_history(versions, "text").splitlines() == [
        f"v2   {two.commit[:7]}  {two.updated_at}  Ada Tester <ada@example.com>  head",
        f"v1   {one.commit[:7]}  {one.updated_at}  Ada Tester <ada@example.com>  base"]
    data = json.loads(out.render_history(versions, "json"))
    assert [(v["version"], v["message"], v["author"]) for v in data] == [
        (2, "head", {"name": "Ada Tester", "email": "ada@example.com"}),
        (1, "base", {"name": "Ada Tester", "email": "ada@example.com"})]


def test_a_diff_with_a_line_diff_of_the_prompt(made: Made) -> None:
    result = made.roster.diff("keep@1", "keep@2")
    lines = out.render_diff(result, "text").splitlines()
    assert lines == [
        f"--- keep v1 ({result.old.commit[:7]})", f"+++ keep v2 ({result.new.commit[:7]})",
        f'~ name: "Keep" -> {json.dumps(HOSTILE_NAME)}',
        "~ config.configurable.system_prompt:",
        "    @@ -1,2 +1,5 @@", "     Line one.", "    -Line two.", "    +````", "    +</details>", "    +| a | b |",
        "    +Line two!"]
    data = json.loads(out.render_diff(result, "json"))
    assert data["from"]["version"] == 1 and data["to"]["version"] == 2
    assert data["changes"][0] == {"path": "name", "op": "changed", "old": "Keep", "new": HOSTILE_NAME}
    same = made.roster.diff("keep@2", "keep@2")
    assert out.render_diff(same, "text").splitlines()[2:] == ["no differences"]


def test_promotions_of_a_tag_and_of_an_environment_file(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one")
    one = g.commit("one")
    g.write_assistant("a", prompt="two")
    two = g.commit("two")
    roster = Roster(str(g.path))
    moved = roster.promote("a", "1", to="canary")
    assert out.render_promotions([moved], "text", single=True) == f"a@canary: nothing (new tag) -> {one[:7]} (v1)"
    assert json.loads(out.render_promotions([moved], "json", single=True)) == {
        "tag": "a@canary", "before": {"commit": None, "version": None}, "after": {"commit": one, "version": 1}}
    g.write("environments/prod.yaml", "# what prod runs\nassistants:\n  a: 1\n")
    g.commit("prod runs a@1")
    edited = Roster(str(g.path)).promote("a", "2", to="prod")
    assert out.render_promotions([edited], "text").splitlines() == [
        "a@prod: v1 -> v2  (environments/prod.yaml)", "  -  a: 1", "  +  a: 2",
        '  ~ config.configurable.system_prompt: "one\\n" -> "two\\n"']
    data = json.loads(out.render_promotions([edited], "json"))
    assert [(d["assistant_id"], d["before"], d["after"], d["commit"]) for d in data] == [
        ("a", {"pin": "1", "version": 1}, {"pin": "2", "version": 2}, None)]
    assert roster.get("a@2").commit == two
