"""A re-publish takes content and its redaction from the previous index: it must equal a fresh publish.

Secrets sit in every kind of version a site holds: an active assistant's, a renamed one's,
and an earlier lineage kept under an id that a rename took over (where a version number
alone does not say which version a redaction belongs to).
"""
from __future__ import annotations

import json
from pathlib import Path

from helpers.cli import run_roster_subprocess as roster_cli
from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo
from publish.story import load_json, site_tree

KEY = "sk-ant-api03-Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aE-AbCdEf"
TOKEN = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def _with(extra: str, prompt: str = "You write posts.") -> str:
    return assistant_yaml(name="Writer", prompt=prompt, extra=extra)


def _history(path: Path) -> GitRepo:
    g = GitRepo(path)
    g.write_schema("writer")
    g.write_assistant("blog", text=_with(f"metadata:\n  fallback: {KEY}\n"))
    g.write_assistant("x", text=_with(f"metadata:\n  token: {TOKEN}\n", prompt="Old x."))
    g.write_assistant("plain", text=_with("metadata:\n  owner: me\n"))
    g.commit("add blog (with a key), x (with a token), plain")
    g.write_assistant("blog", text=_with("metadata:\n  owner: me\n"))
    g.commit("blog: drop the key")
    g.git("rm", "-q", "assistants/x.yaml")
    g.commit("remove x")
    g.write_assistant("y", text=_with(f"metadata:\n  again: {KEY}\n", prompt="New y."))
    g.commit("add y (with the key)")
    g.git("mv", "assistants/y.yaml", "assistants/x.yaml")
    g.commit("rename y to x: the old x is an earlier lineage of x")
    return g


def test_a_republish_redacts_exactly_what_a_fresh_publish_does(tmp_path: Path):
    g = _history(tmp_path / "repo")
    site = tmp_path / "out" / "site"
    assert roster_cli("--repo", str(g.path), "publish", "--out", str(site)).returncode == 0
    first = load_json(site / "index.json")
    assert "earlier" in first["assistants"]["x"]  # the shape this test is about
    assert {(r["assistant_id"], r["path"]) for r in first["redacted"]} == {
        ("blog", "metadata.fallback"), ("x", "metadata.token"), ("x", "metadata.again"), ("y", "metadata.again")}

    g.write_assistant("plain", text=_with("metadata:\n  owner: you\n"))
    g.commit("plain: new owner")
    proc = roster_cli("--repo", str(g.path), "publish", "--out", str(site), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["reused"] > 0  # the previous site was used
    fresh = tmp_path / "fresh"
    assert roster_cli("--repo", str(g.path), "publish", "--out", str(fresh)).returncode == 0
    assert site_tree(site) == site_tree(fresh)
    assert load_json(site / "index.json")["redacted"] == load_json(fresh / "index.json")["redacted"]
    for data in site_tree(site).values():
        assert KEY.encode() not in data and TOKEN.encode() not in data


def test_a_republish_redacts_a_new_version_and_keeps_the_old_places(tmp_path: Path):
    g = _history(tmp_path / "repo")
    site = tmp_path / "site"
    assert roster_cli("--repo", str(g.path), "publish", "--out", str(site)).returncode == 0
    g.write_assistant("plain", text=_with(f"metadata:\n  api_key: {TOKEN}\n"))
    g.commit("plain: a token")
    proc = roster_cli("--repo", str(g.path), "publish", "--out", str(site), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)["redacted"]
    assert "plain@2 metadata.api_key" in listed and "blog@1 metadata.fallback" in listed
    index = load_json(site / "index.json")
    assert index["assistants"]["plain"]["versions"][-1]["content"]["metadata"] == {"api_key": "[redacted]"}
    for data in site_tree(site).values():
        assert TOKEN.encode() not in data


def test_an_id_that_looks_like_a_key_is_judged_as_the_default_name(tmp_path: Path):
    # Without a name, the id is the name: that value is judged too (and alone: the rest was, with the blob).
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant(TOKEN, text=assistant_yaml(extra=f"metadata:\n  fallback: {KEY}\n  owner: me\n"))
    g.write_assistant("named", text=assistant_yaml(name=TOKEN))
    g.write_assistant("plain", text=assistant_yaml())
    g.commit("add three")
    site = tmp_path / "site"
    assert roster_cli("--repo", str(g.path), "publish", "--out", str(site)).returncode == 0
    index = load_json(site / "index.json")
    assert sorted((r["assistant_id"], r["path"]) for r in index["redacted"]) == [
        (TOKEN, "metadata.fallback"), (TOKEN, "name"), ("named", "name")]
    [token] = index["assistants"][TOKEN]["versions"]
    assert token["content"]["name"] == "[redacted]"
    assert token["content"]["metadata"] == {"fallback": "[redacted]", "owner": "me"}
    assert index["assistants"]["plain"]["versions"][0]["content"]["name"] == "plain"
