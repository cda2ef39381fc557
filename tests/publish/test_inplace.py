"""A re-publish updates the previous site in place: the result is always what a fresh publish writes,
whatever the folder holds, and an interrupted update is undone."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.gitcmd import GitRepo
from publish.story import build_repo, site_tree

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _publish(repo: Path, out: Path) -> object:
    from roster import Roster
    from roster.publish import publish

    return publish(Roster(str(repo)), str(out))


def _fresh(repo: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "fresh-site"
    shutil.rmtree(out, ignore_errors=True)
    _publish(repo, out)
    return site_tree(out)


@pytest.fixture
def story(tmp_path: Path) -> tuple[GitRepo, Path]:
    s, _ = build_repo(tmp_path / "repo")
    site = tmp_path / "out" / "site"
    _publish(s.path, site)
    return s.g, site


def test_index_json_is_assembled_as_json_dumps_writes_it() -> None:
    from roster.publish.indexfile import dump

    data = {"format": 1, "name": "é\u2028", "assistants": {"a": {"x": [1, 2.5, None]}, "b/c": {"y": "ü"}},
            "redacted": [{"assistant_id": "a"}]}
    raw, keys, members = dump(data, {})
    assert raw == json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    assert json.loads(raw[keys["b/c"][0]:keys["b/c"][1]]) == {"y": "ü"}
    assert json.loads(raw[members["redacted"][0]:members["redacted"][1]]) == [{"assistant_id": "a"}]
    # A kept fragment is copied, not serialised again.
    again, _, _ = dump({**data, "assistants": {"a": None, "b/c": {"y": "ü"}}}, {"a": raw[keys["a"][0]:keys["a"][1]]})
    assert again == raw


def test_only_what_changed_is_written(story: tuple[GitRepo, Path], tmp_path: Path) -> None:
    g, site = story
    untouched = site / "assistants" / "docs-author" / "v1.json"
    inode = untouched.stat().st_ino
    g.write_assistant("blog-writer", name="Blog writer", temperature=0.2, prompt="Changed.")
    g.commit("blog-writer: changed")
    result = _publish(g.path, site)
    assert result.written <= 6 and result.reused > 20  # type: ignore[attr-defined]
    assert untouched.stat().st_ino == inode  # kept where it was, not rewritten
    assert site_tree(site) == _fresh(g.path, tmp_path)


def test_a_new_tag_on_an_old_commit_rewrites_the_files_that_show_it(story: tuple[GitRepo, Path],
                                                                    tmp_path: Path) -> None:
    g, site = story
    g.tag("v9.9.9", "HEAD~3")
    _publish(g.path, site)
    assert site_tree(site) == _fresh(g.path, tmp_path)
    assert "v9.9.9" in (site / "releases.html").read_text()


def test_files_nobody_vouches_for_are_replaced_or_removed(story: tuple[GitRepo, Path], tmp_path: Path) -> None:
    g, site = story
    (site / "planted.html").write_text("<script>x()</script>")
    (site / "evil").mkdir()
    (site / "evil" / "page.html").write_text("x")
    (site / "a" / "link.html").symlink_to("/etc/passwd")
    version = site / "assistants" / "docs-author" / "v1.json"
    version.write_text(version.read_text().replace("docs-author", "FORGED", 1))  # same inode, new bytes
    page = site / "releases.html"
    os.unlink(page)
    page.write_text("<p>planted</p>")  # a new file where the old one was
    _publish(g.path, site)
    assert site_tree(site) == _fresh(g.path, tmp_path)
    assert not (site / "evil").exists() and not os.path.lexists(site / "a" / "link.html")


def test_a_copied_site_is_reused_by_its_digests(story: tuple[GitRepo, Path], tmp_path: Path) -> None:
    g, site = story
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)  # new inodes and ctimes: the manifest's stamps no longer match
    g.write_assistant("blog-writer", name="Blog writer", temperature=0.2, prompt="Changed.")
    g.commit("blog-writer: changed")
    result = _publish(g.path, copy)
    assert result.reused > 20  # type: ignore[attr-defined]
    assert site_tree(copy) == _fresh(g.path, tmp_path)


_KILL_MIDWAY = """
import os, signal, sys
from roster import Roster
from roster.publish import publish
real = os.replace
seen = []
def replace(src, dst, *a, **k):
    real(src, dst, *a, **k)
    if str(dst).startswith(sys.argv[2] + os.sep):
        seen.append(dst)
        if len(seen) == int(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
publish(Roster(sys.argv[1]), sys.argv[2])
"""


@pytest.mark.parametrize("after", [1, 2, 4])
def test_a_kill_during_the_update_is_undone_by_the_next_run(story: tuple[GitRepo, Path], tmp_path: Path,
                                                            after: int) -> None:
    from roster import Roster
    from roster.publish.manifest import site_key
    from roster.publish.output import recover

    g, site = story
    before = site_tree(site)
    g.write_assistant("blog-writer", name="Blog writer", temperature=0.2, prompt="Changed.")
    g.commit("blog-writer: changed")
    proc = subprocess.run([sys.executable, "-c", _KILL_MIDWAY, str(g.path), str(site), str(after)],
                          env={**os.environ, "PYTHONPATH": SRC}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    assert site_tree(site) != before  # the kill came after some files were replaced
    recover(site, site_key(Roster(str(g.path))))
    assert site_tree(site) == before  # every old file is back, every new one gone
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]
    _publish(g.path, site)
    assert site_tree(site) == _fresh(g.path, tmp_path)


def test_a_planted_journal_changes_nothing(story: tuple[GitRepo, Path], tmp_path: Path) -> None:
    g, site = story
    before = site_tree(site)
    journal = site.parent / ".site.journal"
    journal.mkdir()
    (journal / "b0").write_text("<script>planted()</script>")
    (journal / "journal.json").write_text(json.dumps({"ops": [["index.html", "b0"]]}))
    _publish(g.path, site)
    assert site_tree(site) == before | {k: v for k, v in site_tree(site).items() if k == "index.html"}
    assert "planted" not in (site / "index.html").read_text()
    assert not journal.exists()


def _rows_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from roster.publish import site

    made: list[str] = []
    real = site._Site.release_row

    def counting(self: object, key: str, before: int, after: int) -> object:
        made.append(key)
        return real(self, key, before, after)  # type: ignore[arg-type]

    monkeypatch.setattr(site._Site, "release_row", counting)
    return made


def test_the_released_part_of_the_releases_page_is_kept(story: tuple[GitRepo, Path], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    g, site = story
    g.write_assistant("blog-writer", name="Blog writer", temperature=0.2, prompt="Changed.")
    g.commit("blog-writer: changed")
    made = _rows_made(monkeypatch)
    _publish(g.path, site)
    assert made == ["blog-writer"]  # only the unreleased section is made again
    monkeypatch.undo()
    assert site_tree(site) == _fresh(g.path, tmp_path)


@pytest.mark.parametrize("change", ["release at head", "rename", "rewrite", "tag becomes an assistant's"])
def test_the_releases_page_is_right_whatever_changed(story: tuple[GitRepo, Path], tmp_path: Path,
                                                     change: str) -> None:
    g, site = story
    if change == "release at head":
        g.write_assistant("blog-writer", name="Blog writer", temperature=0.2, prompt="Changed.")
        g.commit("blog-writer: changed")
        g.tag("v3.0.0")
    elif change == "rename":
        g.git("mv", "assistants/blog-writer.yaml", "assistants/long-writer.yaml")
        g.commit("rename blog-writer")
    elif change == "rewrite":
        g.git("tag", "-d", "v2.0.0")
        g.git("reset", "-q", "--hard", "HEAD~3")
        g.write_assistant("tweet-writer", name="Tweet writer", temperature=0.1, prompt="Other history.")
        g.commit("tweet-writer: another way")
    else:
        g.tag("legacy@beta", "HEAD~2")  # a release tag while no assistant is called legacy...
        _publish(g.path, site)
        g.write_assistant("legacy", name="Legacy", prompt="Now an assistant.")
        g.commit("add legacy")  # ...and then its own tag
    _publish(g.path, site)
    assert site_tree(site) == _fresh(g.path, tmp_path)


def test_a_file_system_without_hard_links_is_updated_too(story: tuple[GitRepo, Path], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from roster.publish import inplace

    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "hard links not supported")

    g, site = story
    g.write_assistant("blog-writer", name="Blog writer", temperature=0.2, prompt="Changed.")
    g.commit("blog-writer: changed")
    monkeypatch.setattr(inplace.os, "link", no_links)
    result = _publish(g.path, site)
    monkeypatch.undo()
    assert result.reused > 20  # type: ignore[attr-defined]
    assert site_tree(site) == _fresh(g.path, tmp_path)
