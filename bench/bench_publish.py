"""`roster publish` on the generated repository (SPEC section 8).

Figures, each beside `git log --name-status -- assistants/` on the same repository:
- a publish into an empty folder: every version (~12,900) read, parsed and written;
- a re-publish after one new commit, into the folder holding the previous site
  (the case of a CI job publishing after each merge);
- the same fresh publish into a tmpfs folder (/dev/shm) when there is one: the
  difference is the file system's cost of creating ~14,500 files.

The delta index in the repository's git dir is warm (one untimed publish first),
as it is for every run after a repository's first.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def _publish_argv(repo: Path, out: Path, ref: str | None = None) -> list[str]:
    return [common.tool("roster"), "--repo", str(repo), "publish", "--out", str(out)] + (["--ref", ref] if ref else [])


def _git(repo: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, input=input,
                          env=None if env is None else {**os.environ, **env})
    return proc.stdout.strip()


def _new_commit(repo: Path, n: int) -> str:
    """A commit on top of HEAD changing one assistant, as branch `bench-publish` (HEAD and the
    working tree of the cached repository are left alone)."""
    head = _git(repo, "rev-parse", "HEAD")
    path = _git(repo, "ls-tree", "-r", "--name-only", "HEAD", "--", "assistants/").splitlines()[0]
    text = _git(repo, "show", f"HEAD:{path}")
    blob = _git(repo, "hash-object", "-w", "--stdin", input=text.rstrip("\n") + f"\n# bench edit {n}\n")
    index = str(Path(repo) / ".git" / "bench-publish.index")
    env = {"GIT_INDEX_FILE": index}
    _git(repo, "read-tree", head, env=env)
    _git(repo, "update-index", "--cacheinfo", f"100644,{blob},{path}", env=env)
    tree = _git(repo, "write-tree", env=env)
    os.unlink(index)
    commit = _git(repo, "commit-tree", tree, "-p", head, "-m", f"bench: edit {path} ({n}, {time.time()})",
                  env={"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
                       "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"})
    _git(repo, "update-ref", "refs/heads/bench-publish", commit)
    return commit


def _time(argv: list[str]) -> float:
    t0 = time.perf_counter()
    common.run_once(argv)
    return time.perf_counter() - t0


def _fresh(repo: Path, out: Path, runs: int) -> tuple[float, int]:
    """Median time of a publish into an empty folder, and how many files it wrote."""
    samples = []
    for _ in range(runs):
        common.discard(out)  # deleted at the end of the run, not just before this one
        samples.append(_time(_publish_argv(repo, out)))
    count = sum(len(files) for _, _, files in os.walk(out))
    common.discard(out)
    return statistics.median(samples), count


def _republish(repo: Path, out: Path, runs: int) -> float:
    common.discard(out)
    samples = []
    try:
        for n in range(runs):
            common.run_once(_publish_argv(repo, out))  # the site of HEAD (untimed)
            _new_commit(repo, n)
            samples.append(_time(_publish_argv(repo, out, "bench-publish")))
    finally:
        common.discard(out)
        subprocess.run(["git", "-C", str(repo), "update-ref", "-d", "refs/heads/bench-publish"], capture_output=True)
    return statistics.median(samples)


def main(repo: Path | None = None, runs: int = 5) -> None:
    repo = repo or common.ensure_repo()
    runs = max(1, min(runs, 5))  # every sample writes ~14,500 files
    anchor = common.time_cmd(["git", "-C", str(repo), "log", "--name-status", "--", "assistants/"], runs=runs)
    anchor_label = "git log --name-status -- assistants/"
    out = common.WORK / "publish-site"
    try:
        common.run_once(_publish_argv(repo, out))  # warm: delta index, page cache
        fresh, count = _fresh(repo, out, runs)
        common.print_row("roster publish (fresh site)", fresh, anchor_label, anchor,
                         note=f"out on the repo's disk, {count:,} files")
    except common.CmdFailed as e:
        common.print_row("roster publish (fresh site)", None, anchor_label, anchor, note=f"roster publish failed: {e}")
        return
    try:
        again = _republish(repo, out, runs)
        common.print_row("roster publish after 1 new commit", again, anchor_label, anchor,
                         note="into the previous site")
    except common.CmdFailed as e:
        common.print_row("roster publish after 1 new commit", None, anchor_label, anchor, note=f"failed: {e}")
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        tmpfs_out = shm / f"roster-bench-publish-{os.getpid()}"
        try:
            common.print_row("roster publish (fresh site, tmpfs)", _fresh(repo, tmpfs_out, runs)[0], anchor_label,
                             anchor,
                             note="out on /dev/shm: without the disk's cost of creating files")
        except common.CmdFailed as e:
            common.print_row("roster publish (fresh site, tmpfs)", None, anchor_label, anchor, note=f"failed: {e}")
        finally:
            shutil.rmtree(tmpfs_out, ignore_errors=True)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    main(runs=args.runs)
