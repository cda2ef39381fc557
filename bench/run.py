"""Run every Roster benchmark: `make bench` calls `.venv/bin/python bench/run.py`.

Generates the synthetic repository once into bench/.work/repo (reused while its
parameters and the generator are unchanged), then calls main(repo=..., runs=...)
of every bench/bench_*.py module in turn and prints a Markdown summary table.
A benchmark that crashes is reported and the others still run.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import importlib
import inspect
import os
import platform
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Run Roster's benchmarks (bench/bench_*.py).")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per figure; the median is reported")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="run only bench_NAME.py (repeatable), e.g. --only check")
    ap.add_argument("--assistants", type=int, default=common.DEFAULT_PARAMS["assistants"])
    ap.add_argument("--commits", type=int, default=common.DEFAULT_PARAMS["commits"])
    ap.add_argument("--tag-every", type=int, default=common.DEFAULT_PARAMS["tag_every"])
    ap.add_argument("--seed", type=int, default=common.DEFAULT_PARAMS["seed"])
    args = ap.parse_args(argv)

    # An installed Roster runs from compiled bytecode, like the anchors' libraries do; this
    # machine sets PYTHONDONTWRITEBYTECODE, which would make every timed `roster` process
    # compile Roster's modules again. Compile them once, up front.
    roster_dir = Path(importlib.import_module("roster").__file__ or "").parent
    compileall.compile_dir(str(roster_dir), quiet=1)

    common.empty_trash(settle=True)  # an earlier run's sites, deleted before anything is timed
    params = {"assistants": args.assistants, "commits": args.commits, "tag_every": args.tag_every, "seed": args.seed}
    repo = common.ensure_repo(params)
    print(f"# Roster benchmarks, {dt.date.today().isoformat()}, {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"# repository: {repo} ({params['assistants']} assistants, {params['commits']} commits)")
    print(f"# medians of {args.runs} runs; ratio = anchor time / roster time\n")

    modules = sorted(p.stem for p in common.BENCH_DIR.glob("bench_*.py"))
    if args.only:
        modules = [m for m in modules if m.removeprefix("bench_") in args.only]
    failed = []
    for name in modules:
        print(f"## {name}")
        t0 = time.perf_counter()
        try:
            mod = importlib.import_module(name)
            accepted = inspect.signature(mod.main).parameters
            kwargs = {k: v for k, v in {"repo": repo, "runs": args.runs}.items() if k in accepted}
            mod.main(**kwargs)
        except Exception:  # one broken benchmark must not hide the others' figures
            failed.append(name)
            print(f"{name} crashed:\n{traceback.format_exc()}", file=sys.stderr)
        print(f"({name}: {time.perf_counter() - t0:.0f} s)\n")

    common.empty_trash()
    print("## Summary\n")
    common.print_table(common.RESULTS)
    if failed:
        print(f"\ncrashed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
