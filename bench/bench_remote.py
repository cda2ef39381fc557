"""Benchmark remote repositories and the published index (issue 6).

The generated repository is cloned bare into a temporary folder and served by
``git daemon`` on 127.0.0.1 (git://, a real socket, as a service would fetch).

1. resolve new ``id@tag`` pairs in a running service: a Roster on the mirror of
   the git:// URL beside a Roster on a local clone (same work: they should match);
   and the cache hit (the same spec again) on both;
2. the first ``Roster(url)`` (clone into the cache) beside ``git clone --mirror``;
3. a no-op ``refresh()`` beside ``git fetch`` in a ``git clone --mirror``;
4. a ``refresh()`` that brings one new commit (then the changed assistant's new
   version resolved) beside ``git fetch`` bringing the same commit;
5. ``Roster.from_index`` (the site of ``roster publish``): loading ``index.json``
   beside ``json.load`` of it, and resolving new ``id@tag`` pairs beside the
   git-backed Roster.

Run alone with `.venv/bin/python bench/bench_remote.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import ensure_repo, manifest, print_row, run_once, time_cmd, time_fn

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
if str(SRC) not in sys.path:  # run from a checkout without `pip install -e`
    sys.path.insert(1, str(SRC))

IDS_PER_RUN = 50  # new id@tag pairs resolved per timed sample


def _git(*args: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com", "GIT_TERMINAL_PROMPT": "0"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Daemon:
    def __init__(self, base: Path) -> None:
        self.port = _free_port()
        self.proc = subprocess.Popen(
            ["git", "daemon", "--reuseaddr", f"--base-path={base}", "--export-all", "--enable=receive-pack",
             f"--port={self.port}", "--listen=127.0.0.1", str(base)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("git daemon did not start")

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)


def _ids_at(repo: Path, tag: str) -> list[str]:
    """The assistant ids at a tag, from git itself (not Roster)."""
    out = _git("-C", str(repo), "ls-tree", "-r", "--name-only", tag, "assistants/").split()
    return sorted(p[len("assistants/"):].rsplit(".", 1)[0] for p in out if p.endswith((".yaml", ".yml")))


def _new_pairs(repo: Path, tags: list[str]) -> Callable[[], list[str]]:
    """Each call: IDS_PER_RUN specs never asked before (the next tag, ids that exist there)."""
    state = {"i": 0}

    def take() -> list[str]:
        i = state["i"]
        state["i"] += 1
        tag = tags[i % len(tags)]
        start = (i // len(tags)) * IDS_PER_RUN
        return [f"{a}@{tag}" for a in _ids_at(repo, tag)[start:start + IDS_PER_RUN]]

    return take


def _resolve_side_by_side(a: Any, b: Any, repo: Path, tags: list[str], runs: int) -> tuple[float, float]:
    """Seconds per new ``id@tag`` resolve on ``a`` and on ``b``: each round resolves the same new
    specs on both, in alternating order, so that a slow moment of the machine hits both alike."""
    take = _new_pairs(repo, tags)
    rounds = [take() for _ in range(runs + 1)]  # the same specs for both sides, prepared before timing
    samples: tuple[list[float], list[float]] = ([], [])
    for i, specs in enumerate(rounds):
        for side in ((0, 1) if i % 2 else (1, 0)):
            roster = (a, b)[side]
            t0 = time.perf_counter()
            for spec in specs:
                roster.get(spec)
            if i:  # the first round is a warm-up
                samples[side].append((time.perf_counter() - t0) / len(specs))
    return statistics.median(samples[0]), statistics.median(samples[1])


def main(repo: Path | None = None, runs: int = 5) -> None:
    from roster import Roster

    repo = repo or ensure_repo()
    m = manifest(repo)
    tags = m["release_tags"][len(m["release_tags"]) // 2:]
    tmp = Path(tempfile.mkdtemp(prefix="roster-bench-remote-"))
    daemon = None
    try:
        srv = tmp / "srv"
        srv.mkdir()
        upstream = srv / "assistants.git"
        _git("clone", "-q", "--bare", "--no-local", str(repo), str(upstream))
        daemon = Daemon(srv)
        url = f"git://127.0.0.1:{daemon.port}/assistants.git"
        local = tmp / "local"
        _git("clone", "-q", str(upstream), str(local))

        # --- 2. first open: clone into the cache ---------------------------------
        clone_runs = max(1, min(runs, 3))
        samples = []
        for i in range(clone_runs):
            cache = tmp / f"cache-clone-{i}"
            t0 = time.perf_counter()
            Roster(url, cache_dir=str(cache))
            samples.append(time.perf_counter() - t0)
        first_open = statistics.median(samples)
        clone_samples = []
        for i in range(clone_runs):
            target = tmp / f"anchor-mirror-{i}"
            t0 = time.perf_counter()
            run_once(["git", "clone", "-q", "--mirror", url, str(target)])
            clone_samples.append(time.perf_counter() - t0)
        git_clone = statistics.median(clone_samples)
        print_row("Roster(url): first open (clone)", first_open, "git clone --mirror (process)", git_clone,
                  "in-process, imports warm")

        # --- 1. resolve from the mirror beside a local clone -----------------------
        cache = tmp / "cache"
        mirror = Roster(url, cache_dir=str(cache))
        clone = Roster(str(local))
        ids = sorted(m["stable_ids"])  # never renamed or deleted: they exist at every tag
        for r in (mirror, clone):
            r.get(f"{ids[0]}@{tags[0]}")  # builds the history index once (kept in the git dir)
        t_mirror, t_clone = _resolve_side_by_side(mirror, clone, repo, tags[1:], runs)
        print_row("get new id@tag: mirror of git://", t_mirror, "same get on a local clone", t_clone)
        spec = f"{ids[1]}@{tags[0]}"
        hit_m = time_fn(lambda: mirror.get(spec), runs, 2000)
        hit_c = time_fn(lambda: clone.get(spec), runs, 2000)
        print_row("get id@tag again (cache hit): mirror", hit_m, "same on a local clone", hit_c)

        # --- 3. no-op refresh ---------------------------------------------------------
        anchor_mirror = tmp / "anchor-mirror-0"
        noop = time_fn(mirror.refresh, runs, 5)
        git_noop = time_cmd(["git", "-C", str(anchor_mirror), "fetch", "-q"], runs)
        print_row("refresh(), nothing new", noop, "git fetch, nothing new (process)", git_noop)

        # --- 4. a refresh that brings one new commit ------------------------------------
        work = tmp / "work"
        _git("clone", "-q", "--shared", str(upstream), str(work))
        target_id = ids[2]
        path = next(p for p in (work / "assistants").rglob("*.y*ml")
                    if p.relative_to(work / "assistants").with_suffix("").as_posix() == target_id)
        ours, theirs, both = [], [], []
        for i in range(runs):
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"# bench {i}\n")
            _git("commit", "-q", "-am", f"bench {i}", cwd=work)
            _git("push", "-q", url, "HEAD:main", cwd=work)
            new = _git("rev-parse", "HEAD", cwd=work).strip()
            t0 = time.perf_counter()
            mirror.refresh()
            t1 = time.perf_counter()
            got = mirror.get(target_id)
            t2 = time.perf_counter()
            if got.commit != new:
                raise RuntimeError(f"refresh did not bring {new[:12]} (got {got.commit})")
            ours.append(t1 - t0)
            both.append(t2 - t0)
            t0 = time.perf_counter()
            run_once(["git", "-C", str(anchor_mirror), "fetch", "-q"])
            theirs.append(time.perf_counter() - t0)
        print_row("refresh(), one new commit", statistics.median(ours), "git fetch, one new commit (process)",
                  statistics.median(theirs))
        print_row("refresh() + get of the new version", statistics.median(both), "git fetch, one new commit",
                  statistics.median(theirs))

        # --- 5. from_index ----------------------------------------------------------------
        site = tmp / "site"
        t0 = time.perf_counter()
        run_once([sys.executable, "-m", "roster", "--repo", str(local), "publish", "--out", str(site)])
        publish_s = time.perf_counter() - t0
        index_file = site / "index.json"
        size = index_file.stat().st_size

        def load_json() -> None:
            with open(index_file, "rb") as f:
                json.loads(f.read())

        load_ix = time_fn(lambda: Roster.from_index(str(site)), runs, 1)
        load_js = time_fn(load_json, runs, 1)
        print_row("from_index(): load index.json", load_ix, "json.loads of the same file", load_js,
                  f"{size / 1e6:.1f} MB, published in {publish_s:.1f} s")
        ix = Roster.from_index(str(site))
        clone2 = Roster(str(local))
        clone2.get(f"{ids[0]}@{tags[0]}")
        t_ix, t_git = _resolve_side_by_side(ix, clone2, repo, tags[1:], runs)
        print_row("get new id@tag: from_index", t_ix, "git-backed Roster", t_git)
        hit_i = time_fn(lambda: ix.get(spec), runs, 2000)
        print_row("get id@tag again (cache hit): index", hit_i, "git-backed Roster", hit_c)
        hist_i = time_fn(lambda: ix.history(ids[3]), runs, 20)
        hist_g = time_fn(lambda: clone2.history(ids[3]), runs, 20)
        print_row("history(id): from_index", hist_i, "git-backed Roster (index built)", hist_g)
    finally:
        if daemon is not None:
            daemon.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    main(runs=args.runs)
