"""``roster publish``: index.json and the per-version files agree with the git-backed Roster."""
from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from helpers.cli import run_roster_subprocess as roster_cli
from helpers.gitcmd import run_git
from publish.story import Published, build_repo, load_json, site_tree


def _git_lines(path: Path, *args: str) -> list[str]:
    out = run_git(path, *args).stdout.strip()
    return out.splitlines() if out else []


def test_index_header_matches_the_repository(published: Published):
    index = load_json(published.site / "index.json")
    path = published.story.path
    assert index["format"] == 1
    assert index["generator"].startswith("roster ")
    assert index["ref"] == "HEAD"
    assert index["head"] == published.repo.rev("HEAD")
    assert index["chain"] == _git_lines(path, "rev-list", "--first-parent", "--reverse", "HEAD")
    assert index["cut"] is False
    assert index["branches"] == {b: published.repo.rev(b) for b in ("main", "pr-1", "pr-2")}
    tags = _git_lines(path, "tag", "--list")
    assert index["tags"] == {t: published.repo.rev(t) for t in tags}
    assert {"v1.0.0", "v1.1.0", "v2.0.0", "blog-writer@prod", "tweet-writer@staging", "docs-author@prod"} <= set(tags)
    for commit, info in index["commits"].items():
        assert info["date"] == published.repo.commit_time(commit)
        author = published.repo.git("show", "-s", "--format=%an|%ae|%s", commit).split("|", 2)
        assert info == {"date": info["date"], "author": {"name": author[0], "email": author[1]}, "message": author[2]}
    # Every version's commit and every tag target is described.
    for entry in index["assistants"].values():
        for v in entry["versions"]:
            assert v["commit"] in index["commits"]
            assert index["chain"][v["pos"]] == v["commit"]
    assert set(index["tags"].values()) <= set(index["commits"])


def test_every_assistant_and_version_matches_history(published: Published):
    """Same versions, commits, dates, tags and content as ``Roster.history`` for every id."""
    from roster import Roster
    from roster.ids import version_tags

    roster = Roster(str(published.story.path))
    index = load_json(published.site / "index.json")
    assistants = index["assistants"]
    assert {k for k, a in assistants.items() if a["status"] == "active"} == \
        {a.assistant_id for a in roster.list()} == {"blog-writer", "tweet-writer", "docs-author"}
    for key, entry in assistants.items():
        assert entry["assistant_id"] == key
        history = list(reversed(roster.history(key)))
        if entry["status"] == "renamed":
            # The old id keeps the versions it had under that id; numbering is the lineage's.
            by_number = {v.version: v for v in history}
            assert entry["versions"], key
            for v in entry["versions"]:
                assert v["assistant_id"] == key
                assert by_number[v["version"]].commit == v["commit"]
            continue
        assert [v["version"] for v in entry["versions"]] == [h.version for h in history] == \
            list(range(1, len(history) + 1))
        for v, h in zip(entry["versions"], history, strict=True):
            assert v["commit"] == h.commit
            assert v["assistant_id"] == h.assistant_id
            assert v["file"] == f"assistants/{key}/v{v['version']}.json"
            expected = h.as_json()
            on_disk = load_json(published.site / v["file"])
            assert on_disk == expected, (key, v["version"])
            content = {k: expected[k] for k in ("graph_id", "name", "description", "config", "context", "metadata")}
            assert {k: v["content"][k] for k in content} == content
            assert index["commits"][v["commit"]]["date"] == h.updated_at
            at_commit = sorted(t for t, c in index["tags"].items() if c == v["commit"])
            assert version_tags(at_commit, h.assistant_id) == list(h.tags)  # its own and repo-wide tags only
        if entry["status"] == "active":
            current = roster.get(key).as_json()
            last = load_json(published.site / entry["versions"][-1]["file"])
            assert {k: last[k] for k in current} == current


def test_statuses_renames_and_deletes(published: Published):
    index = load_json(published.site / "index.json")
    a = index["assistants"]
    story, extra = published.story, published.extra
    assert a["team/writer"]["status"] == "renamed"
    assert a["team/writer"]["renamed_to"] == "team/author"
    assert a["team/writer"]["ended_at"] == story.rename
    assert a["team/author"]["status"] == "renamed"
    assert a["team/author"]["renamed_to"] == "docs-author"
    assert a["team/author"]["ended_at"] == extra["move"]
    assert [v["kind"] for v in a["docs-author"]["versions"]] == ["added", "renamed", "changed", "renamed"]
    assert [v["assistant_id"] for v in a["docs-author"]["versions"]] == \
        ["team/writer", "team/author", "team/author", "docs-author"]
    assert a["old-bot"] == {**a["old-bot"], "status": "deleted", "renamed_to": None, "ended_at": extra["old_delete"]}
    tweet = a["tweet-writer"]
    assert tweet["status"] == "active" and tweet["ended_at"] is None
    assert [v["kind"] for v in tweet["versions"]] == ["added", "re-added", "changed", "changed"]
    # The version that fails its schema is published as written.
    bad = next(v for v in tweet["versions"] if v["commit"] == extra["tweet_bad"])
    assert bad["content"]["config"]["configurable"]["temperature"] == 5
    # Content carries every field of the file, server_id included.
    assert set(bad["content"]) == {"graph_id", "name", "description", "config", "context", "metadata", "server_id"}


def test_per_version_files_all_exist(published: Published):
    index = load_json(published.site / "index.json")
    listed = {v["file"] for a in index["assistants"].values() for v in a["versions"]}
    on_disk = {str(p.relative_to(published.site)) for p in (published.site / "assistants").rglob("*.json")}
    assert listed == on_disk
    assert "assistants/team/writer/v1.json" in listed  # the renamed id keeps its own files


def test_publish_a_ref_other_than_head(published: Published, tmp_path: Path):
    from roster import Roster
    from roster.publish import publish

    out = tmp_path / "v1"
    publish(Roster(str(published.story.path)), str(out), ref="v1.1.0")
    index = load_json(out / "index.json")
    assert index["ref"] == "v1.1.0" and index["head"] == published.story.squash
    assert index["chain"][-1] == published.story.squash
    assert set(index["assistants"]) == {"blog-writer", "tweet-writer", "team/writer"}
    assert [v["version"] for v in index["assistants"]["blog-writer"]["versions"]] == [1, 2, 3]


def test_cli_publish_then_incremental_republish(tmp_path: Path):
    story, _ = build_repo(tmp_path / "repo")
    site = tmp_path / "out" / "site"
    proc = roster_cli("--repo", str(story.path), "publish", "--out", str(site))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal
    assert "published 3 assistants" in proc.stdout
    first = load_json(site / "index.json")

    g = story.g
    g.write_assistant("blog-writer", name="Blog writer", temperature=0.3, prompt="Shorter posts.")
    new = g.commit("blog-writer: shorter")
    proc = roster_cli("--repo", str(story.path), "publish", "--out", str(site), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["head"] == new and result["reused"] > 0
    second = load_json(site / "index.json")
    assert second["assistants"]["blog-writer"]["versions"][-1]["commit"] == new
    versions = second["assistants"]["blog-writer"]["versions"]
    assert len(versions) == len(first["assistants"]["blog-writer"]["versions"]) + 1

    # The incremental result is exactly what a fresh publish writes.
    fresh = tmp_path / "fresh"
    assert roster_cli("--repo", str(story.path), "publish", "--out", str(fresh)).returncode == 0
    assert site_tree(site) == site_tree(fresh)
    # Nothing is left beside the site: no temporary or old folders.
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]


def test_refuses_to_replace_a_folder_that_is_not_a_site(published: Published, tmp_path: Path):
    precious = tmp_path / "docs"
    precious.mkdir()
    (precious / "notes.md").write_text("mine\n")
    proc = roster_cli("--repo", str(published.story.path), "publish", "--out", str(precious))
    assert proc.returncode == 2
    assert proc.stderr.startswith("roster: error:") and "not empty" in proc.stderr
    assert (precious / "notes.md").read_text() == "mine\n"
    proc = roster_cli("--repo", str(published.story.path), "publish", "--out", str(published.story.path))
    assert proc.returncode == 2 and "repository itself" in proc.stderr


def test_a_failure_leaves_the_previous_site_untouched(published: Published, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch):
    from roster import Roster
    from roster.publish import inplace, output, publish

    site = tmp_path / "site"
    publish(Roster(str(published.story.path)), str(site))
    before = site_tree(site)

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    # The site is updated in place: a failure half-way puts every old file back.
    real = inplace.os.replace
    calls = []

    def fail_on_the_second(src: object, dst: object) -> None:
        if str(dst).startswith(f"{site}/"):  # not the caches in the git dir
            calls.append(dst)
            if len(calls) == 2:
                raise OSError("disk full")
        real(src, dst)  # type: ignore[arg-type]

    g = published.story.g
    g.write_assistant("blog-writer", name="Blog writer", temperature=0.9, prompt="Changed.")
    g.commit("blog-writer: changed")
    monkeypatch.setattr(inplace.os, "replace", fail_on_the_second)
    with pytest.raises(OSError, match="disk full"):
        publish(Roster(str(published.story.path)), str(site))
    monkeypatch.undo()
    assert len(calls) == 2
    assert site_tree(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]

    # A site the repository did not sign is written whole and swapped in: a failure there too.
    (site / ".roster-publish").unlink()
    before = site_tree(site)
    monkeypatch.setattr(output, "_swap", boom)
    with pytest.raises(OSError, match="disk full"):
        publish(Roster(str(published.story.path)), str(site))
    assert site_tree(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_shallow_clone_is_refused_with_a_hint(published: Published, tmp_path: Path):
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{published.story.path}", str(clone)],
                   check=True, capture_output=True)
    proc = roster_cli("--repo", str(clone), "publish", "--out", str(tmp_path / "site"))
    assert proc.returncode == 2, proc.stderr
    assert "shallow" in proc.stderr and "fetch-depth: 0" in proc.stderr
    assert not (tmp_path / "site").exists()


def test_progress_bar_only_on_a_terminal():
    from roster.publish.progress import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        p = Progress(stream)
        p.stage("parsing versions", 10)
        p.update(10, force=True)
        p.close()
    assert "parsing versions" in tty.getvalue() and "10/10" in tty.getvalue() and "\r" in tty.getvalue()
    assert pipe.getvalue() == ""


def test_publish_is_registered_and_documented():
    proc = roster_cli("publish", "--help")
    assert proc.returncode == 0
    assert "--out" in proc.stdout and "--ref" in proc.stdout


def test_large_history_uses_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The parallel paths (parsing and writing) give the same site as the serial ones."""
    from roster import Roster
    from roster.publish import contents as contents_mod
    from roster.publish import fresh, publish

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the parallel path is not taken")
    story, _ = build_repo(tmp_path / "repo")
    publish(Roster(str(story.path)), str(tmp_path / "serial"))
    monkeypatch.setattr(contents_mod, "_PARALLEL_MIN", 1)
    monkeypatch.setattr(contents_mod, "_CHUNK", 2)
    monkeypatch.setattr(fresh, "_PARALLEL_MIN", 1)
    monkeypatch.setattr(fresh, "_CHUNK", 2)
    publish(Roster(str(story.path)), str(tmp_path / "parallel"))
    assert site_tree(tmp_path / "serial") == site_tree(tmp_path / "parallel")
