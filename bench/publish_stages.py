"""CPU of the rendering and scanning stages of a fresh `roster publish`, in one process.

    PYTHONPATH=src .venv/bin/python bench/publish_stages.py [REPO] [--reps 5]

REPO defaults to the generated repository (bench/.work/repo; `bench/run.py` or
`bench/gen_repo.py` makes it). The index is built once, untimed; then each stage is
timed with `time.process_time` (best of --reps, after a garbage collection), except the
secret scan, timed once over every distinct blob: its verdicts are remembered, so a
second pass would measure the cache, not a publish. Not a `bench_*.py` module: these
are figures for finding where a publish's CPU goes, not ratios against an anchor.
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _best(fn: Callable[[], object], reps: int) -> float:
    best = float("inf")
    for _ in range(reps):
        gc.collect()
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("repo", nargs="?", default=str(HERE / ".work" / "repo"))
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args(argv)

    from roster.git import read_blobs
    from roster.model import file_content
    from roster.publish.index import _scanned, build_index, version_json
    from roster.publish.site import pages
    from roster.roster import Roster

    roster = Roster(args.repo)
    index = build_index(roster)
    site = pages(index, title="x")
    rows = [(v, a["versions"][0]) for a in index.assistants.values() for v in a["versions"]]
    entries = [e for item in index.planned.values() for e, _ in item.versions]
    blobs = list(dict.fromkeys(e.blob for e in entries))
    raws = list(read_blobs(roster.repository, blobs, lambda n: None).values())
    sample = raws[:2000]

    def version_files() -> None:
        for v, first in rows:
            json.dumps(version_json(index, v, first), ensure_ascii=False)

    figures = [
        (f"{len(site) - 2} assistant pages", _best(lambda: [p.render() for p in site[2:]], args.reps)),
        ("releases.html", _best(site[1].render, args.reps)),
        ("index.html", _best(site[0].render, args.reps)),
        (f"{len(rows)} per-version files (version_json + json.dumps)", _best(version_files, args.reps)),
        (f"file_content (YAML, model) of {len(sample)} blobs",
         _best(lambda: [file_content(raw) for raw in sample], args.reps)),
    ]
    contents = [file_content(raw) for raw in raws]
    gc.collect()
    t0 = time.process_time()
    for content in contents:
        _scanned(content)
    figures.append((f"secret scan and redaction of {len(contents)} blobs, once", time.process_time() - t0))
    for label, seconds in figures:
        print(f"{label:58s} {seconds * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
