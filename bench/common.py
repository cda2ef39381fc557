"""Shared helpers for Roster's benchmarks (bench_*.py).

Every figure is printed beside an anchor (the tool a user would otherwise use)
measured in the same run, so the ratio stays meaningful on any machine even
when absolute times move. Timings are medians of repeated runs: the median
ignores the odd slow run caused by the other processes of a 2-core machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK = BENCH_DIR / ".work"
# The venv's bin folder: sys.executable is not resolved, so a venv python
# (bench is run with .venv/bin/python) points at the venv's scripts.
BIN = Path(sys.executable).parent
DEFAULT_PARAMS: dict[str, int] = {"assistants": 1000, "commits": 10000, "tag_every": 100, "seed": 1}

sys.path.insert(0, str(BENCH_DIR))
import gen_repo  # noqa: E402  (bench/ is not a package; the path line above makes it importable)

TRASH = WORK / "trash"


def discard(path: Path) -> None:
    """Put a folder out of the way now, delete it only at the end of the run (``empty_trash``).

    Deleting ~14,500 files just before creating as many is slow on ext4 without a journal
    (the allocator skips inodes freed in the last few seconds, or minutes while their table
    is unwritten: quadratic), which would time the kernel's handling of our own clean-up.
    """
    if not os.path.lexists(path):
        return
    TRASH.mkdir(parents=True, exist_ok=True)
    os.rename(path, TRASH / f"{path.name}.{time.time_ns()}")


def empty_trash(settle: bool = False) -> None:
    """Delete what ``discard`` put aside; with ``settle``, also let the file system forget it
    (written back, then past the few seconds in which freed inodes are skipped)."""
    if TRASH.exists():
        shutil.rmtree(TRASH, ignore_errors=True)
        if settle:
            os.sync()
            time.sleep(6)


def tool(name: str) -> str:
    """Path of a console script: the venv's first, else PATH's, else the bare name.

    Without an installed ``roster`` (a venv without ``pip install -e .``), a launcher
    like the console script pip would write runs this checkout's ``src/``.
    """
    p = BIN / name
    if p.exists():
        return str(p)
    found = shutil.which(name)
    if found is None and name == "roster":
        return _roster_launcher()
    return found or name


def _roster_launcher() -> str:
    launcher = WORK / "bin" / "roster"
    text = (f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(ROOT / 'src')!r})\n"
            "from roster.cli.main import main\nsys.exit(main())\n")
    if not launcher.exists() or launcher.read_text() != text:
        launcher.parent.mkdir(parents=True, exist_ok=True)
        launcher.write_text(text)
        launcher.chmod(0o755)
    return str(launcher)


def python() -> str:
    return sys.executable


# ---------------------------------------------------------------------------
# The generated repository


def _generator_digest() -> str:
    # A change to the generator must invalidate cached repositories.
    return hashlib.sha256((BENCH_DIR / "gen_repo.py").read_bytes()).hexdigest()[:16]


def repo_dir(params: Mapping[str, int]) -> Path:
    p = {**DEFAULT_PARAMS, **params}
    if p == DEFAULT_PARAMS:
        return WORK / "repo"
    return WORK / f"repo-a{p['assistants']}-c{p['commits']}-t{p['tag_every']}-s{p['seed']}"


def ensure_repo(params: Mapping[str, int] | None = None) -> Path:
    """The generated repository for params (defaults: 1,000 assistants, 10,000 commits).

    Generated once, then reused while the parameters and generator are unchanged;
    a working tree dirtied by an earlier benchmark is reset.
    """
    p = {**DEFAULT_PARAMS, **(params or {})}
    out = repo_dir(p)
    stamp = out / ".git" / "roster-bench-cache.json"
    want = {"params": p, "generator": _generator_digest()}
    if stamp.exists() and json.loads(stamp.read_text()) == want:
        dirty = subprocess.run(
            ["git", "-C", str(out), "status", "--porcelain", "--untracked-files=all"],
            capture_output=True, text=True, check=True,
        ).stdout
        if dirty:
            subprocess.run(["git", "-C", str(out), "reset", "-q", "--hard"], check=True)
            subprocess.run(["git", "-C", str(out), "clean", "-qfdx"], check=True)
        return out
    if out.exists():
        shutil.rmtree(out)
    t0 = time.perf_counter()
    gen_repo.generate(out, gen_repo.Params(p["assistants"], p["commits"], p["tag_every"], p["seed"]))
    print(f"generated {out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    stamp.write_text(json.dumps(want))
    return out


def manifest(repo: Path) -> dict[str, Any]:
    """What gen_repo recorded about the repository (ids, tags, renames...)."""
    return json.loads((repo / ".git" / gen_repo.MANIFEST).read_text())


# ---------------------------------------------------------------------------
# Timing


class CmdFailed(RuntimeError):
    """A timed command exited with a code the benchmark does not accept."""


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    # A Python traceback's useful line is the last one, anything else the first.
    if lines and lines[0].startswith("Traceback"):
        return lines[-1].strip()
    return lines[0].strip() if lines else "(no output)"


def run_once(argv: Sequence[str], ok_codes: Sequence[int] = (0,), cwd: Path | None = None,
             env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command, raising CmdFailed (exit code + first stderr line) on a bad exit code."""
    try:
        cp = subprocess.run(list(argv), capture_output=True, text=True, cwd=cwd,
                            env=None if env is None else {**os.environ, **env})
    except OSError as e:
        raise CmdFailed(f"{argv[0]}: {e}") from None
    # A traceback means a crash even when the exit code looks fine (Python exits 1 on one).
    if cp.returncode not in ok_codes or "Traceback (most recent call last)" in cp.stderr:
        raise CmdFailed(f"exit {cp.returncode}: {_first_line(cp.stderr or cp.stdout)}")
    return cp


def time_cmds(argvs: Sequence[Sequence[str]], runs: int = 7, ok_codes: Sequence[int] = (0,),
              cwd: Path | None = None, warmup: int = 1) -> float:
    """Median wall time (s) of running the commands one after another (one sample = all of them)."""
    for _ in range(warmup):  # page cache and .pyc files warm, as for a user's second call
        for argv in argvs:
            run_once(argv, ok_codes, cwd)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for argv in argvs:
            run_once(argv, ok_codes, cwd)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def time_cmd(argv: Sequence[str], runs: int = 7, ok_codes: Sequence[int] = (0,),
             cwd: Path | None = None, warmup: int = 1) -> float:
    """Median wall time (s) of a whole process, output captured (as a CI step would)."""
    return time_cmds([argv], runs, ok_codes, cwd, warmup)


def time_fn(fn: Callable[[], Any], runs: int = 7, inner: int = 100) -> float:
    """Median seconds per call of fn: `runs` samples of `inner` back-to-back calls."""
    fn()  # warm-up: caches, lazy imports
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
    return statistics.median(samples)


# ---------------------------------------------------------------------------
# Reporting


@dataclass
class Row:
    label: str
    roster_s: float | None
    anchor_label: str
    anchor_s: float | None
    note: str = ""

    @property
    def ratio(self) -> str:
        if self.roster_s is None:
            return "not measured yet"
        if self.anchor_s is None:
            return "anchor failed"
        r = self.anchor_s / self.roster_s
        return f"{r:.2f}x faster" if r >= 1 else f"{1 / r:.2f}x slower"


RESULTS: list[Row] = []  # every row printed in this process, for run.py's summary table


def fmt_s(s: float | None) -> str:
    if s is None:
        return "n/a"
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def print_row(label: str, roster_s: float | None, anchor_label: str, anchor_s: float | None,
              note: str = "") -> Row:
    """Print one figure beside its anchor with the ratio (anchor time / roster time)."""
    row = Row(label, roster_s, anchor_label, anchor_s, note)
    RESULTS.append(row)
    roster = fmt_s(roster_s) if roster_s is not None else "not measured yet"
    line = f"{label:<34} {roster:>16}  | {anchor_label:<34} {fmt_s(anchor_s):>9}  | {row.ratio}"
    print(line + (f"  ({note})" if note else ""), flush=True)
    return row


def print_table(rows: Sequence[Row]) -> None:
    """A Markdown table of rows (run.py's summary; pasteable into bench/README.md)."""
    print("| operation | roster | anchor | anchor time | ratio |")
    print("| --- | ---: | --- | ---: | --- |")
    for r in rows:
        roster = fmt_s(r.roster_s) if r.roster_s is not None else "not measured yet"
        note = f" — {r.note}" if r.note else ""
        print(f"| {r.label}{note} | {roster} | {r.anchor_label} | {fmt_s(r.anchor_s)} | {r.ratio} |")
