"""Environments in the published site: index.json's ``environments``, environments.html, from_index ``x@prod``."""
from __future__ import annotations

import json
from pathlib import Path

from helpers.cli import invoke
from helpers.gitcmd import GitRepo
from helpers.stories import three_versions
from roster import Roster


def _repo(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    g, commits = three_versions(tmp_path / "repo")
    g.write("environments/prod.yaml", "url: https://prod.example.com\nassistants:\n  blog-writer: 1\n"
            "  team/helper: v1.0.0\n")
    commits.append(g.commit("Add prod"))
    g.write("environments/prod.yaml", "url: https://prod.example.com\nassistants:\n  blog-writer: 3\n"
            "  team/helper: v1.0.0\n")
    commits.append(g.commit("Promote blog-writer to prod"))
    return g, commits


def test_index_carries_environments_and_from_index_resolves_them(tmp_path: Path) -> None:
    g, commits = _repo(tmp_path)
    site = tmp_path / "site"
    code, _, err = invoke("runner", "--repo", str(g.path), "publish", "--out", str(site))
    assert code == 0, err
    data = json.loads((site / "index.json").read_text())
    prod = data["environments"]["prod"]
    assert prod["path"] == "environments/prod.yaml" and prod["url"] == "https://prod.example.com"
    assert prod["pins"] == {"blog-writer": "3", "team/helper": "v1.0.0"}
    assert prod["runs"]["blog-writer"] == {"assistant_id": "blog-writer", "commit": commits[2], "version": 3}
    assert prod["runs"]["team/helper"]["version"] == 2
    assert [(c["assistant_id"], c["commit"], c["before"]["version"], c["after"]["version"])
            for c in prod["changes"]] == [("blog-writer", commits[4], 1, 3), ("blog-writer", commits[3], None, 1),
                                          ("team/helper", commits[3], None, 2)]
    published = Roster.from_index(str(site))
    local = Roster(str(g.path))
    for spec in ("blog-writer@prod", "team/helper@prod"):
        assert published.get(spec) == local.get(spec)
    assert [a.version for a in published.list(env="prod")] == [3, 2]
    code, out, err = invoke("runner", "--repo", str(site / "index.json"), "show", "blog-writer@prod",
                            "--format", "json")
    assert code == 0 and json.loads(out)["version"] == 3, err
    assert [(e.name, e.url) for e in published.environments()] == [("prod", "https://prod.example.com")]
    for args in (["status"], ["history", "blog-writer", "--env", "prod"], ["promote", "--all", "--from", "prod",
                                                                          "--to", "qa"]):
        code, _, err = invoke("runner", "--repo", str(site / "index.json"), *args)
        assert code == 2 and "published index" in err, (args, err)
    page = (site / "environments.html").read_text()
    assert "environments/prod.yaml" in page and "Promote blog-writer to prod" in page
    assert 'href="a/blog-writer.html#v3"' in page
    assert 'href="environments.html"' in (site / "index.html").read_text()
    # The assistant page links its version to the environment that runs it.
    assert "prod" in (site / "a" / "blog-writer.html").read_text()


def test_no_environment_files_no_key(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.write_schema()
    g.write_assistant("a")
    g.commit("one")
    site = tmp_path / "site"
    assert invoke("runner", "--repo", str(g.path), "publish", "--out", str(site))[0] == 0
    assert "environments" not in json.loads((site / "index.json").read_text())
    assert not (site / "environments.html").exists()
