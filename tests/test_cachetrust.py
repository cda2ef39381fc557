"""What Roster keeps in a git dir is believed only when this user wrote it there: a
repository restored from an artifact, a tarball or a CI cache brings its own `roster/`
folder, and nothing in it may skip a check (SECURITY.md)."""
from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from helpers.cli import run_roster_subprocess
from helpers.gitcmd import GitRepo
from roster import InvalidAssistant, Roster, cachetrust
from roster.git import Repo
from roster.history import INDEX_FORMAT
from roster.known import key_for
from roster.publish import publish
from roster.source import Layout
from roster.verdicts import VALID, VerdictStore

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_look() -> None:
    cachetrust.forget()  # each test looks at its folders afresh, as a new process does


@pytest.fixture()
def bad_repo(tmp_path: Path) -> GitRepo:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one")
    g.write("assistants/bad.yaml", "graph_id: writer\nconfig:\n  recursion_limit: nope\n")
    g.commit("one good, one bad")
    return g


def _folder(g: GitRepo | Path) -> Path:
    root = g.path if isinstance(g, GitRepo) else g
    return root / ".git" / "roster"


def _plant_valid_verdict(g: GitRepo) -> None:
    """A VALID verdict for the invalid file, written where this user's stamp is good."""
    repo = Repo(str(g.path))
    commit = g.rev()
    blob = g.git("rev-parse", "HEAD:assistants/bad.yaml")
    key = key_for(repo, commit, Layout(), blob, {"graph_id": "writer"})
    assert key is not None
    store = VerdictStore(repo.path)
    store.put(key, VALID)
    store.flush()
    assert (_folder(g) / "verdicts.bin").exists()


def _copy(g: GitRepo, to: Path) -> Path:
    """The repository as an artifact or a restored CI cache brings it: `.git/roster/` included."""
    shutil.copytree(g.path, to, symlinks=True)
    cachetrust.forget()
    return to


def test_the_planted_verdict_is_believed_where_this_user_wrote_it(bad_repo: GitRepo) -> None:
    # What the other tests guard against: without the stamp, this is what a planted verdict does.
    _plant_valid_verdict(bad_repo)
    cachetrust.forget()
    assert Roster(str(bad_repo.path)).get("bad").assistant_id == "bad"


def test_a_planted_verdict_in_a_copied_repository_is_not_believed(bad_repo: GitRepo, tmp_path: Path) -> None:
    _plant_valid_verdict(bad_repo)
    elsewhere = _copy(bad_repo, tmp_path / "restored")
    with pytest.raises(InvalidAssistant):
        Roster(str(elsewhere)).get("bad")
    cachetrust.forget()
    proc = run_roster_subprocess("--repo", str(elsewhere), "show", "bad")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "recursion_limit" in proc.stderr and "Traceback" not in proc.stderr
    assert not list((elsewhere / ".git").glob("roster.*")), "the foreign folder is removed, nothing left beside it"


def test_a_folder_stamped_under_another_users_key_is_not_believed(bad_repo: GitRepo, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "other-user-state"))
    _plant_valid_verdict(bad_repo)  # stamped for this very git dir, under the other key
    monkeypatch.undo()
    cachetrust.forget()
    with pytest.raises(InvalidAssistant):
        Roster(str(bad_repo.path)).get("bad")
    assert not (_folder(bad_repo) / "verdicts.bin").exists()


@pytest.mark.parametrize("stamp", [b"0" * 64 + b"\n", b"", b"\xff\xfe garbage", None])
def test_a_corrupt_or_missing_stamp_is_ignored(bad_repo: GitRepo, stamp: bytes | None) -> None:
    _plant_valid_verdict(bad_repo)
    if stamp is None:
        (_folder(bad_repo) / cachetrust.STAMP).unlink()
    else:
        (_folder(bad_repo) / cachetrust.STAMP).write_bytes(stamp)
    cachetrust.forget()
    with pytest.raises(InvalidAssistant):
        Roster(str(bad_repo.path)).get("bad")
    assert not (_folder(bad_repo) / "verdicts.bin").exists()
    good = (_folder(bad_repo) / cachetrust.STAMP).read_bytes()
    assert good != stamp and len(good.strip()) == 64
    cachetrust.forget()
    assert cachetrust.usable(str(bad_repo.path / ".git"))


def test_a_symlinked_folder_is_not_followed(bad_repo: GitRepo, tmp_path: Path) -> None:
    _plant_valid_verdict(bad_repo)
    shutil.move(str(_folder(bad_repo)), tmp_path / "outside")
    _folder(bad_repo).symlink_to(tmp_path / "outside")  # a stamp that verifies, behind a link
    cachetrust.forget()
    with pytest.raises(InvalidAssistant):
        Roster(str(bad_repo.path)).get("bad")
    assert not _folder(bad_repo).is_symlink()
    assert (tmp_path / "outside" / "verdicts.bin").exists(), "the link is removed, not what it points at"


def test_the_same_users_folder_is_kept_and_reused(bad_repo: GitRepo) -> None:
    assert Roster(str(bad_repo.path)).get("a").version == 1
    stamp = (_folder(bad_repo) / cachetrust.STAMP).read_text()
    verdicts = (_folder(bad_repo) / "verdicts.bin").read_bytes()
    cachetrust.forget()
    r = Roster(str(bad_repo.path))
    assert r.resolver.get_fields("a", bad_repo.rev(), known_only=True) is not None  # the verdict is believed
    assert (_folder(bad_repo) / cachetrust.STAMP).read_text() == stamp
    assert (_folder(bad_repo) / "verdicts.bin").read_bytes() == verdicts


def _two_versions(tmp_path: Path) -> GitRepo:
    g = GitRepo(tmp_path / "repo")
    g.write_schema("writer")
    g.write_assistant("a", prompt="one")
    g.commit("one")
    g.write_assistant("a", prompt="two")
    g.commit("two")
    return g


def _forge_deltas(g: GitRepo) -> None:
    """Drop the second version of ``a`` from the delta index, and the kept chains built from it."""
    Roster(str(g.path)).get("a")
    (index,) = _folder(g).glob("deltas-*.marshal")
    fmt, folder, rows = marshal.loads(index.read_bytes())
    assert fmt == INDEX_FORMAT
    rows = tuple((c, p, () if c == g.rev() else changes) for c, p, changes in rows)
    index.write_bytes(marshal.dumps((fmt, folder, rows)))
    for kept in _folder(g).glob("lineages-*"):
        kept.unlink()
    for kept in _folder(g).glob("list-*"):
        kept.unlink()


def test_a_forged_delta_index_in_a_copied_repository_is_not_read(tmp_path: Path) -> None:
    g = _two_versions(tmp_path)
    _forge_deltas(g)
    cachetrust.forget()
    assert Roster(str(g.path)).get("a").version == 1  # where the stamp is good, the index is believed
    elsewhere = _copy(g, tmp_path / "restored")
    assert Roster(str(elsewhere)).get("a").version == 2
    assert [v.version for v in Roster(str(elsewhere)).history("a")] == [2, 1]


def test_a_site_key_that_came_with_the_repository_signs_nothing(tmp_path: Path) -> None:
    g = _two_versions(tmp_path)
    out = tmp_path / "site"
    publish(Roster(str(g.path)), str(out))
    cachetrust.forget()
    assert publish(Roster(str(g.path)), str(out)).reused > 0  # the same user's key: the previous site is reused
    elsewhere = _copy(g, tmp_path / "restored")
    result = publish(Roster(str(elsewhere)), str(out))
    assert result.reused == 0 and result.written > 0  # the manifest was signed with a key not kept here


def test_without_a_user_key_nothing_in_the_folder_is_read_or_written(bad_repo: GitRepo, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _plant_valid_verdict(bad_repo)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker / "state"))  # under a file: no key can be kept
    cachetrust.forget()
    assert not cachetrust.usable(str(bad_repo.path / ".git"))
    with pytest.raises(InvalidAssistant):
        Roster(str(bad_repo.path)).get("bad")
    assert Roster(str(bad_repo.path)).get("a").version == 1  # still works, only slower


def test_a_key_others_can_read_is_replaced(bad_repo: GitRepo) -> None:
    _plant_valid_verdict(bad_repo)
    key = Path(cachetrust.key_path())
    before = key.read_bytes()
    assert key.stat().st_mode & 0o777 == 0o600
    key.chmod(0o644)
    cachetrust.forget()
    with pytest.raises(InvalidAssistant):  # the stamp made under the exposed key no longer verifies
        Roster(str(bad_repo.path)).get("bad")
    assert key.read_bytes() != before and key.stat().st_mode & 0o777 == 0o600


WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    from roster.verdicts import VALID, VerdictStore
    seed = int(sys.argv[3])
    for n, git_dir in enumerate(sys.argv[4:]):
        store = VerdictStore(git_dir)  # looks at the folder (and makes it) on its first write
        store.put(seed.to_bytes(8, "big") + n.to_bytes(8, "big"), VALID)
        store.flush()
""")


@pytest.mark.parametrize("planted", [False, True])
def test_concurrent_processes_make_one_folder_and_lose_nothing(tmp_path: Path, planted: bool) -> None:
    """Processes of the same user starting at once on new git dirs never set each other's
    folder aside; on a foreign folder, whoever replaces it, none of it is believed."""
    dirs = [tmp_path / f"git{n}" for n in range(20)]
    for d in dirs:
        d.mkdir()
        if planted:
            (d / "roster").mkdir()
            (d / "roster" / "verdicts.bin").write_bytes(b"RSTRVRD1")
            (d / "roster" / cachetrust.STAMP).write_text("0" * 64 + "\n")
    seeds = range(1, 5)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(ROOT / "src"), str(tmp_path), str(seed),
                               *map(str, dirs)]) for seed in seeds]
    assert [p.wait(timeout=120) for p in procs] == [0] * len(procs)
    cachetrust.forget()
    for n, d in enumerate(dirs):
        assert cachetrust.usable(str(d))
        assert sorted(os.listdir(tmp_path / d.name)) == ["roster"]  # nothing set aside is left behind
        store = VerdictStore(str(d))
        found = [store.get(seed.to_bytes(8, "big") + n.to_bytes(8, "big")) for seed in seeds]
        if planted:
            assert set(found) <= {VALID, None}  # a writer whose folder was replaced after it wrote loses its record
        else:
            assert found == [VALID] * len(seeds)


def test_a_new_mirror_is_stamped_before_its_fetch_record_is_written(tmp_path: Path) -> None:
    """The mirror of a git URL keeps its fetch record in the same folder: written there
    first, it must not be taken for a foreign folder (and lost) by the first cache read."""
    g = _two_versions(tmp_path)
    cache = tmp_path / "cache"
    Roster(g.path.as_uri(), cache_dir=str(cache)).get("a")
    (mirror,) = [p for p in cache.iterdir() if p.is_dir()]
    assert (mirror / "roster" / "fetched.json").exists()
    cachetrust.forget()
    assert cachetrust.usable(str(mirror)) and (mirror / "roster" / "fetched.json").exists()


def test_what_a_killed_process_left_beside_the_folder_is_removed(bad_repo: GitRepo) -> None:
    git_dir = bad_repo.path / ".git"
    for name in ("roster.untrusted-1-dead", "roster.new-1-dead", "roster.new-2-live"):
        (git_dir / name).mkdir()
        (git_dir / name / "verdicts.bin").write_bytes(b"RSTRVRD1")
    os.utime(git_dir / "roster.new-1-dead", (0, 0))  # left long ago
    (git_dir / "roster").mkdir()  # a foreign folder (no stamp): the slow path looks around
    assert cachetrust.usable(str(git_dir))
    assert sorted(p.name for p in git_dir.glob("roster*")) == ["roster", "roster.new-2-live"]


def _forge_listing(g: GitRepo) -> None:
    """A kept listing of HEAD whose assistant has another name than its file says."""
    assert run_roster_subprocess("--repo", str(g.path), "list").returncode == 0  # validates, keeps verdicts
    assert run_roster_subprocess("--repo", str(g.path), "list").returncode == 0  # answers from them, keeps the listing
    (kept,) = _folder(g).glob("list-*.bin")
    magic = kept.read_bytes()[:8]
    version, folder, commit, rows = marshal.loads(kept.read_bytes()[12:])
    rows[0]["name"] = "FORGED"
    body = marshal.dumps((version, folder, commit, rows))
    kept.write_bytes(magic + zlib.crc32(body).to_bytes(4, "big") + body)


def test_a_forged_listing_in_a_copied_repository_is_not_read(tmp_path: Path) -> None:
    g = _two_versions(tmp_path)
    _forge_listing(g)
    shown = run_roster_subprocess("--repo", str(g.path), "list", "--format", "json")
    assert "FORGED" in shown.stdout  # where the stamp is good, the listing is believed
    elsewhere = _copy(g, tmp_path / "restored")
    shown = run_roster_subprocess("--repo", str(elsewhere), "list", "--format", "json")
    assert shown.returncode == 0 and '"a"' in shown.stdout and "FORGED" not in shown.stdout
