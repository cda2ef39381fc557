"""A listing kept on disk per commit: the same answer, and never a damaged or foreign one."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.gitcmd import GitRepo
from roster import Roster, listings
from roster.known import listing
from roster.reporters.assistants import render_list


@pytest.fixture()
def repo(tmp_path: Path) -> GitRepo:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one")
    g.write_assistant("team/b", prompt="b", extra="metadata:\n  owner: ada\n")
    g.commit("one")
    g.write_assistant("a", prompt="two")
    g.commit("two")
    return g


def _kept(g: GitRepo) -> list[Path]:
    return sorted((g.path / ".git" / "roster").glob("list-*.bin"))


def test_a_kept_listing_gives_the_same_answer(repo: GitRepo) -> None:
    expected = render_list(Roster(str(repo.path)).list(), "json")
    assert listing(Roster(str(repo.path)), None, None, None) is not None  # verdicts known: kept
    (path,) = _kept(repo)
    again = listing(Roster(str(repo.path)), None, None, None)
    assert again is not None and render_list(again, "json") == expected
    only = listing(Roster(str(repo.path)), None, None, {"owner": "ada"})
    assert only is not None and [v.assistant_id for v in only] == ["team/b"]
    assert listings.load(str(repo.path / ".git"), "assistants", "assistants", repo.rev()) is not None


@pytest.mark.parametrize("damage", ["flip", "magic", "other-commit", "other-version"])
def test_a_damaged_or_foreign_listing_is_not_used(repo: GitRepo, damage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    Roster(str(repo.path)).list()
    listing(Roster(str(repo.path)), None, None, None)
    (path,) = _kept(repo)
    git_dir, head = str(repo.path / ".git"), repo.rev()
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[-3] ^= 0x20
        path.write_bytes(bytes(data))
    elif damage == "magic":
        path.write_bytes(b"RSTRLST0" + bytes(data[8:]))
    elif damage == "other-commit":
        path.rename(path.with_name(f"list-assistants-{repo.rev('HEAD~1')}.bin"))
        head = repo.rev("HEAD~1")
    else:
        monkeypatch.setattr(listings, "__version__", "99.0.0")
    assert listings.load(git_dir, "assistants", "assistants", head) is None

