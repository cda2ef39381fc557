"""What Roster keeps in a git dir is believed only when this user wrote it there: a
repository restored from an artifact or tarball brings its own `roster/` folder."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gitrepo import GitRepo
from testing import run_roster_subprocess

from roster import InvalidAssistant, Roster, cachetrust
from roster.git import Repo
from roster.known import key_for
from roster.source import Layout
from roster.verdicts import VALID, VerdictStore


@pytest.fixture()
def bad_repo(tmp_path: Path) -> GitRepo:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one")
    (g.path / "assistants" / "bad.yaml").write_text("graph_id: writer\nconfig:\n  recursion_limit: nope\n")
    g.commit("one good, one bad")
    return g


def _plant_valid_verdict(g: GitRepo) -> None:
    """A VALID verdict for the invalid file, in a `roster/` folder that came with the repo."""
    repo = Repo(str(g.path))
    commit = g.git("rev-parse", "HEAD").strip()
    blob = g.git("rev-parse", "HEAD:assistants/bad.yaml").strip()
    key = key_for(repo, commit, Layout(), blob, {"graph_id": "writer"})
    assert key is not None
    store = VerdictStore(repo.path)
    store.put(key, VALID)
    store.flush()
    assert (g.path / ".git" / "roster" / "verdicts.bin").exists()
    # The folder travels with the repository: copy the repository elsewhere, as an
    # artifact or a restored cache would bring it.


def test_a_planted_verdict_does_not_make_invalid_content_valid(bad_repo: GitRepo, tmp_path: Path) -> None:
    _plant_valid_verdict(bad_repo)
    elsewhere = tmp_path / "restored"
    shutil.copytree(bad_repo.path, elsewhere, symlinks=True)
    cachetrust.forget()
    with pytest.raises(InvalidAssistant):
        Roster(str(elsewhere)).get("bad")
    proc = run_roster_subprocess("--repo", str(elsewhere), "show", "bad")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert not list((elsewhere / ".git").glob("roster.untrusted-*")), "the foreign folder is removed"


def test_a_folder_with_a_forged_stamp_is_set_aside(bad_repo: GitRepo) -> None:
    _plant_valid_verdict(bad_repo)
    (bad_repo.path / ".git" / "roster" / cachetrust.STAMP).write_text("0" * 64 + "\n")
    cachetrust.forget()
    with pytest.raises(InvalidAssistant):
        Roster(str(bad_repo.path)).get("bad")
    assert not (bad_repo.path / ".git" / "roster" / "verdicts.bin").exists()
    assert (bad_repo.path / ".git" / "roster" / cachetrust.STAMP).read_text().strip() != "0" * 64


def test_a_folder_written_here_is_kept(bad_repo: GitRepo) -> None:
    r = Roster(str(bad_repo.path))
    assert r.get("a").version == 1
    stamp = (bad_repo.path / ".git" / "roster" / cachetrust.STAMP).read_text()
    cachetrust.forget()
    assert cachetrust.usable(str(bad_repo.path / ".git"))
    assert (bad_repo.path / ".git" / "roster" / cachetrust.STAMP).read_text() == stamp


def test_without_a_user_key_nothing_in_the_folder_is_read(bad_repo: GitRepo, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _plant_valid_verdict(bad_repo)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("ROSTER_CACHE_DIR", str(blocker / "cache"))  # under a file: no key can be kept
    cachetrust.forget()
    assert not cachetrust.usable(str(bad_repo.path / ".git"))
    with pytest.raises(InvalidAssistant):
        Roster(str(bad_repo.path)).get("bad")
