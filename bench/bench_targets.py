"""Every row of SPEC section 8's target table (issue 15), each beside its anchor in one run.

Ratio = Roster time / anchor time (lower is better), compared with the target:

| operation | anchor | target |
| `roster show id@tag`, whole process | a Python start importing pygit2, yaml, jsonschema, pydantic, click | ≤ 0.5 |
| `roster history ID`, whole process | `git log --format=%H -- path` | ≤ 0.5 |
| `roster list --ref TAG`, 1,000 assistants | the same Python start | ≤ 1.5 |
| `roster publish` after one new commit | `git log --name-status` + `git cat-file --batch` of every version | ≤ 0.5 |
| `roster check`, 1,000 files | check-jsonschema, one run per graph | ≤ 0.125 |
| resolve a new `id@ref` in a service | pygit2 read + CSafeLoader + compiled validator | ≤ 1.2 |
| fresh `roster publish`, on the repo's disk | the git anchor of the publish row | ≤ 4.5 |
| `roster --help` | the same Python start | ≤ 0.4 |

The on-disk caches (delta index, kept chains, verdicts) are warm, as for every run after
a repository's first: one untimed run of each command comes first.

Run alone: `.venv/bin/python bench/run.py --only targets --runs 3`.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_check  # noqa: E402
import bench_publish  # noqa: E402
import bench_versions  # noqa: E402
import common  # noqa: E402

IMPORTS = "import pygit2, yaml, jsonschema, pydantic, click"
# (row, target, roster s, anchor label, anchor s, note)
TARGETS: list[tuple[str, float, float | None, str, float | None, str]] = []


def _row(label: str, target: float, roster_s: float | None, anchor_label: str, anchor_s: float | None,
         note: str = "") -> None:
    ratio = f"{roster_s / anchor_s:.2f}× the anchor; target ≤ {target}×" if roster_s and anchor_s else ""
    common.print_row(label, roster_s, anchor_label, anchor_s, "; ".join(x for x in (ratio, note) if x))
    TARGETS.append((label, target, roster_s, anchor_label, anchor_s, note))


def _git_publish_anchor(repo: Path) -> list[str]:
    """`git log --name-status` then `git cat-file --batch` of every assistant version (a shell pipeline)."""
    script = ("git -C \"$1\" log --first-parent --format= --raw --no-abbrev -- assistants/ "
              "| awk '/^:/ && $4 !~ /^0+$/ {print $4}' | git -C \"$1\" cat-file --batch > /dev/null")
    return ["sh", "-c", script, "sh", str(repo)]


def _cli(repo: Path, *args: str) -> list[str]:
    return [common.tool("roster"), "--repo", str(repo), *args]


def _paired(roster_cmds: list[list[str]], anchor_cmds: list[list[str]], runs: int,
            ok_codes: tuple[int, ...] = (0,)) -> tuple[float | None, float, str]:
    """Medians of Roster and anchor samples taken alternately (a busy machine's moments hit
    both sides alike); each sample runs its commands one after another."""
    def once(cmds: list[list[str]]) -> float:
        t0 = time.perf_counter()
        for argv in cmds:
            common.run_once(argv, ok_codes)
        return time.perf_counter() - t0

    try:
        once(roster_cmds)  # warm: on-disk caches, page cache
    except common.CmdFailed as e:
        return None, common.time_cmds(anchor_cmds, runs, ok_codes), f"roster failed: {e}"
    once(anchor_cmds)
    pairs = [(once(roster_cmds), once(anchor_cmds)) for _ in range(runs)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs), ""


def main(repo: Path | None = None, runs: int = 5) -> None:
    repo = repo or common.ensure_repo()
    m = common.manifest(repo)
    stable, tag, tag2 = bench_versions._pick(m)
    start_runs = max(runs * 2, 6)
    imports = [common.python(), "-c", IMPORTS]
    start = f"python -c '{IMPORTS}'"

    show, anchor, note = _paired([_cli(repo, "show", f"{stable}@{tag}")], [imports], start_runs)
    _row(f"roster show {stable}@{tag}", 0.5, show, start, anchor, note)

    git_log = ["git", "-C", str(repo), "log", "--format=%H", "--", f"assistants/{stable}.yaml"]
    hist, anchor, note = _paired([_cli(repo, "history", stable)], [git_log], runs)
    _row(f"roster history {stable}", 0.5, hist, "git log --format=%H -- path", anchor, note)

    lst, anchor, note = _paired([_cli(repo, "list", "--ref", tag2)], [imports], runs)
    _row(f"roster list --ref {tag2} (1,000 assistants)", 1.5, lst, start, anchor, note)

    publish_anchor = common.time_cmd(_git_publish_anchor(repo), runs)
    anchor_label = "git log --raw + cat-file --batch"
    out = common.WORK / "targets-site"
    try:
        common.run_once(bench_publish._publish_argv(repo, out))
        again: float | None = bench_publish._republish(repo, out, max(1, min(runs, 3)))
        note = "into the previous site"
    except common.CmdFailed as e:
        again, note = None, f"roster publish failed: {e}"
    _row("roster publish after 1 new commit", 0.5, again, anchor_label, publish_anchor, note)

    with tempfile.TemporaryDirectory(prefix="roster-bench-") as tmp:
        check, anchor, note = _paired([_cli(repo, "check")], bench_check.anchor_commands(repo, Path(tmp)),
                                      max(1, min(runs, 3)), ok_codes=(0, 1))
    from roster.checkpool import workers  # the processes check shares the files among (checkpool)

    note = "; ".join(x for x in (note, f"no cache: every file read and validated, on {workers()} process(es)") if x)
    _row("roster check (1,000 files)", 0.125, check, "check-jsonschema x5 graphs", anchor, note)

    floor = bench_versions.Floor(repo, tag)
    files = bench_versions._files_at(repo, tag)
    ids = sorted(files)

    def roster_new_pairs(verdicts: bool = True) -> float:
        return bench_versions.time_new_pairs(repo, stable, tag, ids, verdicts=verdicts)

    def floor_pairs() -> float:
        return bench_versions.time_floor_reads(floor, files, ids)

    roster_new_pairs()
    floor_pairs()
    # Interleaved samples: both sides see the same moments of a busy machine.
    pairs = [(roster_new_pairs(), floor_pairs()) for _ in range(runs)]
    _row(f"get new id@tag in a service ({len(ids)} ids)", 1.2, statistics.median(p[0] for p in pairs),
         "floor: pygit2+CSafeLoader+validator", statistics.median(p[1] for p in pairs), "verdicts known")
    pairs = [(roster_new_pairs(False), floor_pairs()) for _ in range(runs)]
    _row(f"get new id@tag in a service ({len(ids)} ids), no verdicts", 1.2, statistics.median(p[0] for p in pairs),
         "floor: pygit2+CSafeLoader+validator", statistics.median(p[1] for p in pairs),
         "every content validated (jsonschema, pydantic)")

    try:
        fresh_s, count = bench_publish._fresh(repo, out, max(1, min(runs, 3)))
        note = f"{count:,} files on the repo's disk"
    except common.CmdFailed as e:
        fresh_s, note = None, f"roster publish failed: {e}"
    finally:
        common.discard(out)
    _row("roster publish (fresh site)", 4.5, fresh_s, anchor_label, publish_anchor, note)

    help_s, anchor, note = _paired([[common.tool("roster"), "--help"]], [imports], start_runs)
    _row("roster --help", 0.4, help_s, start, anchor, note)
    subprocess.run(["git", "-C", str(repo), "update-ref", "-d", "refs/heads/bench-publish"], capture_output=True)

    print("\n| operation | anchor | roster | anchor time | ratio | target | met |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for label, target, r, anchor_label, a, _note in TARGETS:
        ratio = r / a if r and a else None
        met = "n/a" if ratio is None else ("yes" if ratio <= target else "**no**")
        print(f"| {label} | {anchor_label} | {common.fmt_s(r)} | {common.fmt_s(a)} | "
              f"{'n/a' if ratio is None else f'{ratio:.2f}×'} | ≤ {target}× | {met} |")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    main(runs=ap.parse_args().runs)
