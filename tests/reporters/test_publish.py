"""reporters/publish.py: the summary ``roster publish`` prints, on a real published site."""
from __future__ import annotations

import json
from pathlib import Path

from helpers.gitcmd import GitRepo
from reporters.conftest import KEY
from roster import Roster
from roster.publish import publish
from roster.reporters.publish import render_publish


def test_summary_names_what_was_left_out_escaped_and_capped(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one")
    hostile = ["\x1b[31mred", "<b>bold</b>", *[f"bad name {n}" for n in range(10)]]  # not valid ids
    for name in hostile:
        g.write(f"assistants/{name}.yaml", "graph_id: writer\n")
    g.write_assistant("leaky", text=f"graph_id: writer\nmetadata:\n  token: {KEY}\n")
    g.commit("one")
    result = publish(Roster(str(g.path)), str(tmp_path / "site"))
    lines = render_publish(result, "text").splitlines()
    assert lines[0] == (f"published 2 assistants, 2 versions ({result.head[:12]}) to {tmp_path / 'site'} "
                        f"({result.written} files written, 0 kept)")
    assert lines[1] == "redacted (looks like a secret): leaky@1 metadata.token"
    assert KEY not in "\n".join(lines)
    assert len(lines) == 3 and lines[2].startswith("left out 12 name(s) found in history that are not valid ids: ")
    assert lines[2].endswith(" ...") and lines[2].count("'") == 20  # ten names shown, each as repr()
    assert "\x1b" not in lines[2] and "'\\x1b[31mred'" in lines[2]
    data = json.loads(render_publish(result, "json"))
    assert (data["assistants"], data["versions"], data["reused"], len(data["skipped"])) == (2, 2, 0, 12)
    assert data["out"] == str(tmp_path / "site") and data["redacted"] == ["leaky@1 metadata.token"]
