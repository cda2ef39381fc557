"""Benchmark versions from git: `get`, `show`, `history` and `list` (SPEC section 8).

Each figure beside its anchor, measured in the same run:

1. warm `Roster.get("id@tag")` (the same spec again: a cache hit) beside a dict lookup;
2. cold `get` of new id@tag pairs in a running service (a Roster whose history index
   is built, then every assistant at a release tag resolved once) beside the floor:
   pygit2 blob read at that tag's tree + `yaml.load(..., Loader=CSafeLoader)` + a
   precompiled `Draft202012Validator.iter_errors` on config.configurable. Also the
   very first get in a fresh process (in-process time after the interpreter start),
   with the on-disk index in <gitdir>/roster/ present and with it deleted, beside the
   same floor done once in a fresh process (imports and validator build included);
3. `roster show id@tag` (whole process) beside `git show tag:assistants/<id>.yaml`
   and beside `python -c "import pygit2, yaml, jsonschema, pydantic, click"`;
4. `roster history ID` (whole process) beside `git log --format=%H -- assistants/ID.yaml`,
   with the on-disk index warm and with it deleted before each run;
5. `roster list --ref TAG` (whole process) and `Roster.list(ref=TAG)` in-process
   beside `git ls-tree -r TAG assistants/`.

The "index deleted" figures run on a copy of the generated repository (in a temporary
folder), so the cached repository's index is never touched.

Run alone with `.venv/bin/python bench/bench_versions.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from common import CmdFailed, ensure_repo, manifest, print_row, python, run_once, time_cmd, time_fn, tool

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
if str(SRC) not in sys.path:  # run from a checkout without `pip install -e`
    sys.path.insert(1, str(SRC))


# ---------------------------------------------------------------------------
# What to ask for


def _files_at(repo: Path, ref: str) -> dict[str, str]:
    """assistant id -> path of its file at ref (from git itself, not Roster)."""
    out = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "--name-only", ref, "assistants/"],
                         capture_output=True, text=True, check=True).stdout.split()
    found = {}
    for path in out:
        rel = path[len("assistants/"):]
        for suffix in (".yaml", ".yml"):
            if rel.endswith(suffix):
                found[rel[: -len(suffix)]] = path
    return found


def _pick(m: dict[str, Any]) -> tuple[str, str, str]:
    """(a stable id, the middle release tag, another release tag)."""
    tags = m["release_tags"]
    return m["stable_ids"][0], tags[len(tags) // 2 - 1], tags[len(tags) // 2 + 9]


# ---------------------------------------------------------------------------
# The floor: what a service would do by hand with the fastest parts


class Floor:
    """pygit2 blob read + CSafeLoader + a precompiled validator, for one tag's tree."""

    def __init__(self, repo: Path, tag: str) -> None:
        import pygit2
        import yaml
        from jsonschema import Draft202012Validator

        # The same libgit2 cache settings as roster.git (SPEC 8: trees over 4 KiB are not cached by default).
        pygit2.settings.cache_object_limit(pygit2.enums.ObjectType.TREE, 4 * 1024 * 1024)
        self.yaml = yaml
        self.repo = pygit2.Repository(str(repo))
        self.tree = self.repo.revparse_single(tag).peel(pygit2.Commit).tree
        self.validators = {}
        for entry in self.tree["schemas"]:
            if entry.name.endswith(".json"):
                schema = json.loads(self.repo[entry.id].data)
                if schema.get("config_schema"):
                    self.validators[entry.name[:-5]] = Draft202012Validator(schema["config_schema"])

    def read(self, path: str) -> tuple[dict[str, Any], list[Any]]:
        data = self.yaml.load(self.tree[path].data, Loader=self.yaml.CSafeLoader)
        errors = list(self.validators[data["graph_id"]].iter_errors(data["config"]["configurable"]))
        return data, errors


# ---------------------------------------------------------------------------
# Timing helpers for what common.py does not cover


def _median_of(fn: Callable[[], float], runs: int) -> tuple[float, float, float]:
    """(median, min, max) of runs values returned by fn."""
    samples = [fn() for _ in range(runs)]
    return statistics.median(samples), min(samples), max(samples)


def _spread(lo: float, hi: float) -> str:
    def ms(s: float) -> str:
        return f"{s * 1e3:.1f}" if s >= 1e-3 else f"{s * 1e3:.3f}"

    return f"runs {ms(lo)}–{ms(hi)} ms"


def time_new_pairs(repo: Path, stable: str, tag: str, ids: Sequence[str], *, verdicts: bool = True) -> float:
    """Seconds per ``get(id@tag)`` of each id once, in a fresh Roster like a running service.

    Without ``verdicts``: as a service on a repository never validated (an empty verdict store).
    """
    from roster import Roster

    fresh = Roster(str(repo))
    if not verdicts:
        from roster.verdicts import VerdictStore

        fresh.resolver.verdicts = VerdictStore(tempfile.mkdtemp(prefix="roster-bench-verdicts-"))
    fresh.get(f"{stable}@HEAD")  # the history index is built (loaded from <gitdir>/roster/)
    t0 = time.perf_counter()
    for i in ids:
        fresh.get(f"{i}@{tag}")
    return (time.perf_counter() - t0) / len(ids)


def time_floor_reads(floor: Floor, files: dict[str, str], ids: Sequence[str]) -> float:
    """Seconds per read of each id's file by the floor (pygit2 + CSafeLoader + validator)."""
    t0 = time.perf_counter()
    for i in ids:
        floor.read(files[i])
    return (time.perf_counter() - t0) / len(ids)


def _time_cold_cmd(argv: Sequence[str], index_dir: Path, runs: int) -> float:
    """Median wall time of a whole process, the on-disk index deleted before each run."""
    samples = []
    for _ in range(runs):
        shutil.rmtree(index_dir, ignore_errors=True)
        t0 = time.perf_counter()
        run_once(argv)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


FIRST_GET = """
import sys, time
t0 = time.perf_counter()
from roster import Roster
Roster(sys.argv[1]).get(sys.argv[2])
print(time.perf_counter() - t0)
"""

FIRST_FLOOR = """
import sys, time
t0 = time.perf_counter()
import json, pygit2, yaml
from jsonschema import Draft202012Validator
repo = pygit2.Repository(sys.argv[1])
tree = repo.revparse_single(sys.argv[2]).peel(pygit2.Commit).tree
data = yaml.load(tree[sys.argv[3]].data, Loader=yaml.CSafeLoader)
schema = json.loads(tree["schemas/" + data["graph_id"] + ".json"].data)
errors = list(Draft202012Validator(schema["config_schema"]).iter_errors(data["config"]["configurable"]))
print(time.perf_counter() - t0)
"""


def _first_in_process(code: str, args: Sequence[str], runs: int, before: Callable[[], None] | None = None) -> float:
    """Median of the in-process time a fresh interpreter reports (its start-up excluded)."""
    samples = []
    for _ in range(runs + 1):  # the first run warms the page cache and .pyc files
        if before is not None:
            before()
        cp = run_once([python(), "-c", code, *args])
        samples.append(float(cp.stdout.strip().splitlines()[-1]))
    return statistics.median(samples[1:])


# ---------------------------------------------------------------------------


def main(repo: Path | None = None, runs: int = 5) -> None:
    repo = repo or ensure_repo()
    m = manifest(repo)
    stable, tag, tag2 = _pick(m)
    files = _files_at(repo, tag)
    ids = sorted(files)
    spec = f"{stable}@{tag}"
    roster_cli = tool("roster")

    from roster import Roster

    # --- 1. warm get: the same spec again ---------------------------------------
    r = Roster(str(repo))
    a = r.get(spec)
    d = {spec: a}
    warm = [time_fn(lambda: r.get(spec), runs, inner=20000) for _ in range(3)]
    plain = time_fn(lambda: d[spec], runs, inner=20000)
    print_row("get(id@tag) again (cache hit)", statistics.median(warm), "dict lookup", plain,
              f"3 medians {min(warm) * 1e6:.2f}–{max(warm) * 1e6:.2f} µs; target ≤ 10 µs")

    # --- 2. cold get of new id@tag pairs in a running service --------------------
    floor = Floor(repo, tag)
    # Both sides do the same work: check that they read the same content.
    for i in ids[:: max(1, len(ids) // 20)]:
        data, errors = floor.read(files[i])
        got = r.get(f"{i}@{tag}").config.get("configurable")
        if got != data["config"]["configurable"] or errors:
            raise SystemExit(f"bench_versions: Roster and the floor disagree on {i}@{tag}")

    def roster_new_pairs() -> float:
        return time_new_pairs(repo, stable, tag, ids)

    def floor_pairs() -> float:
        return time_floor_reads(floor, files, ids)

    roster_new_pairs()  # warm-up: schema files compiled once per process, like the floor's validators
    floor_pairs()
    cold, cold_lo, cold_hi = _median_of(roster_new_pairs, runs)
    fl, fl_lo, fl_hi = _median_of(floor_pairs, runs)
    print_row(f"get new id@tag ({len(ids)} ids, 1 each)", cold, "floor: pygit2+CSafeLoader+validator", fl,
              f"{cold / fl:.2f}x the floor, target ≤ 1.2x; roster {_spread(cold_lo, cold_hi)}, "
              f"floor {_spread(fl_lo, fl_hi)}")

    # --- 2b. the very first get in a fresh process -------------------------------
    floor_first = _first_in_process(FIRST_FLOOR, [str(repo), tag, files[stable]], runs)
    first_warm = _first_in_process(FIRST_GET, [str(repo), spec], runs)
    print_row("first get, fresh process, index on disk", first_warm, "floor once, fresh process", floor_first,
              "in-process time: imports + index load + one get")
    with tempfile.TemporaryDirectory(prefix="roster-bench-") as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(repo, copy, symlinks=True)
        index_dir = copy / ".git" / "roster"
        first_cold = _first_in_process(FIRST_GET, [str(copy), spec], max(3, runs // 2),
                                       before=lambda: shutil.rmtree(index_dir, ignore_errors=True))
        print_row("first get, fresh process, no index", first_cold, "floor once, fresh process", floor_first,
                  "index built from 10,000 commits and written to <gitdir>/roster/")

        # --- 3. roster show, whole process --------------------------------------------
        git_show = time_cmd(["git", "-C", str(repo), "show", f"{tag}:{files[stable]}"], runs * 2)
        imports = time_cmd([python(), "-c", "import pygit2, yaml, jsonschema, pydantic, click"], runs * 2)
        show_argv = [roster_cli, "--repo", str(repo), "show", spec]
        try:
            show: float | None = time_cmd(show_argv, runs * 2)
            note = "target ≤ 120 ms"
        except CmdFailed as e:
            show, note = None, f"roster show failed: {e}"
        print_row("roster show id@tag", show, "git show tag:path", git_show, note)
        print_row("roster show id@tag", show, "python -c 'import pygit2, yaml, ...'", imports, note)
        try:
            show_cold: float | None = _time_cold_cmd([roster_cli, "--repo", str(copy), "show", spec], index_dir,
                                                     max(3, runs // 2))
            note = "on-disk index deleted before each run"
        except CmdFailed as e:
            show_cold, note = None, f"roster show failed: {e}"
        print_row("roster show id@tag, no index", show_cold, "git show tag:path", git_show, note)

        # --- 4. roster history, whole process -----------------------------------------
        path_now = f"assistants/{stable}.yaml"
        log_argv = ["git", "-C", str(repo), "log", "--format=%H", "--", path_now]
        git_log = time_cmd(log_argv, runs)
        try:
            hist: float | None = time_cmd([roster_cli, "--repo", str(repo), "history", stable], runs)
            note = "on-disk index warm; target: faster than git log"
        except CmdFailed as e:
            hist, note = None, f"roster history failed: {e}"
        print_row(f"roster history {stable}", hist, "git log --format=%H -- path", git_log, note)
        try:
            hist_cold: float | None = _time_cold_cmd([roster_cli, "--repo", str(copy), "history", stable],
                                                     index_dir, max(3, runs // 2))
            note = "on-disk index deleted before each run"
        except CmdFailed as e:
            hist_cold, note = None, f"roster history failed: {e}"
        print_row(f"roster history {stable}, no index", hist_cold, "git log --format=%H -- path", git_log, note)

    # --- 5. list at a tag --------------------------------------------------------------
    ls_tree = time_cmd(["git", "-C", str(repo), "ls-tree", "-r", tag, "assistants/"], runs * 2)
    try:
        lst: float | None = time_cmd([roster_cli, "--repo", str(repo), "list", "--ref", tag], runs)
        note = f"{len(ids)} assistants"
    except CmdFailed as e:
        lst, note = None, f"roster list failed: {e}"
    print_row("roster list --ref TAG", lst, "git ls-tree -r TAG assistants/", ls_tree, note)

    def list_new_tag() -> float:
        fresh = Roster(str(repo))
        fresh.get(f"{stable}@HEAD")
        t0 = time.perf_counter()
        n = len(fresh.list(ref=tag2))
        assert n > 0
        return time.perf_counter() - t0

    list_new_tag()
    lst_new, lo, hi = _median_of(list_new_tag, runs)
    print_row("Roster.list(ref=TAG), new tag", lst_new, "git ls-tree -r TAG assistants/", ls_tree,
              f"running service, index built; {_spread(lo, hi)}")
    r.list(ref=tag2)
    lst_again = time_fn(lambda: r.list(ref=tag2), runs, inner=5)
    print_row("Roster.list(ref=TAG) again", lst_again, "git ls-tree -r TAG assistants/", ls_tree,
              "same Roster, same tag (cached)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="Benchmark Roster get, show, history and list.")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per figure (median reported)")
    ap.add_argument("--repo", type=Path, help="an existing repository instead of the generated one")
    a = ap.parse_args()
    main(a.repo, a.runs)
