"""Check a generated benchmark repository independently of Roster.

`roster check` on the generated repository must report everything valid, so the
generator is verified here with the reference tools only: PyYAML's C loader and
``jsonschema``'s Draft 2020-12 validator (one compiled validator per schema).

    python bench/verify_repo.py REPO [--history]

``--history`` also validates every version of every assistant ever committed
(all blobs under assistants/ on main), read in one ``git cat-file --batch``.
Exit code 0 when everything holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

TOP_KEYS = {"graph_id", "name", "description", "config", "context", "metadata", "server_id"}
ID_RE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def load_validators(schema_dir: Path) -> dict[str, tuple[Draft202012Validator, Draft202012Validator | None]]:
    out: dict[str, tuple[Draft202012Validator, Draft202012Validator | None]] = {}
    for f in sorted(schema_dir.glob("*.json")):
        doc = json.loads(f.read_text())
        assert doc["graph_id"] == f.stem, f"{f}: graph_id {doc['graph_id']!r} != file name"
        cfg, ctx = doc.get("config_schema"), doc.get("context_schema")
        Draft202012Validator.check_schema(cfg)
        if ctx is not None:
            Draft202012Validator.check_schema(ctx)
        out[f.stem] = (Draft202012Validator(cfg), Draft202012Validator(ctx) if ctx else None)
    return out


def problems(text: str, validators: dict[str, tuple[Draft202012Validator, Draft202012Validator | None]]) -> list[str]:
    """Every reason the assistant text would not pass `roster check --strict`."""
    doc: Any = yaml.load(text, Loader=yaml.CSafeLoader)
    if not isinstance(doc, dict):
        return ["top level is not a mapping"]
    errs = [f"unknown key {k!r}" for k in doc if k not in TOP_KEYS]
    gid = doc.get("graph_id")
    if gid not in validators:
        return errs + [f"unknown graph {gid!r}"]
    cfg_v, ctx_v = validators[gid]
    configurable = (doc.get("config") or {}).get("configurable")
    if configurable is not None:
        errs += [f"config.configurable: {e.message}" for e in cfg_v.iter_errors(configurable)]
    if "context" in doc:
        if ctx_v is None:
            errs.append("context set but the graph has no context_schema")
        else:
            errs += [f"context: {e.message}" for e in ctx_v.iter_errors(doc["context"])]
    elif ctx_v is not None and ctx_v.schema.get("required"):
        errs.append("context missing though the graph's context_schema requires fields")
    if not isinstance(doc.get("metadata", {}), dict):
        errs.append("metadata is not a mapping")
    return errs


def history_blobs(repo: Path) -> list[str]:
    """Blob ids of every assistant version added or modified on main's first-parent chain."""
    raw = git(repo, "log", "--first-parent", "--no-renames", "--format=", "--raw", "--no-abbrev", "main", "--",
              "assistants/")
    blobs: list[str] = []
    for line in raw.splitlines():
        if line.startswith(":"):
            meta = line.split("\t", 1)[0].split()
            if meta[4] in ("A", "M"):
                blobs.append(meta[3])
    return blobs


def cat_blobs(repo: Path, ids: list[str]) -> list[str]:
    proc = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch"], input="\n".join(ids).encode() + b"\n",
        check=True, capture_output=True,
    )
    out, pos, texts = proc.stdout, 0, []
    for _ in ids:
        nl = out.index(b"\n", pos)
        size = int(out[pos:nl].split()[2])
        texts.append(out[nl + 1:nl + 1 + size].decode())
        pos = nl + 1 + size + 1
    return texts


def verify(repo: Path, history: bool = False) -> list[str]:
    failures: list[str] = []
    validators = load_validators(repo / "schemas")
    files = sorted(p for p in (repo / "assistants").rglob("*") if p.suffix in (".yaml", ".yml"))
    ids = [str(p.relative_to(repo / "assistants").with_suffix("")) for p in files]
    if len(set(ids)) != len(ids):
        failures.append("duplicate ids")
    failures += [f"bad id {i!r}" for i in ids if not ID_RE.match(i)]
    for f, aid in zip(files, ids, strict=True):
        failures += [f"{aid}: {e}" for e in problems(f.read_text(), validators)]

    commits = int(git(repo, "rev-list", "--count", "--first-parent", "main").strip())
    tags = git(repo, "tag").split()
    manifest_path = repo / ".git" / "roster-bench.json"
    if manifest_path.exists():
        m = json.loads(manifest_path.read_text())
        p = m["params"]
        if commits != p["commits"]:
            failures.append(f"{commits} commits on main, expected {p['commits']}")
        if len(files) != p["assistants"] or sorted(ids) != m["head_ids"]:
            failures.append(f"{len(files)} assistants at HEAD, expected {p['assistants']}")
        missing = [t for t in m["release_tags"] if t not in tags]
        failures += [f"missing tag {t}" for t in missing]
    print(f"{repo}: {commits} commits on main, {len(files)} assistants at HEAD, {len(tags)} tags "
          f"({sum('@' in t for t in tags)} per-assistant), {len(validators)} graphs")

    if history:
        t0 = time.perf_counter()
        blobs = history_blobs(repo)
        texts = cat_blobs(repo, sorted(set(blobs)))
        bad = 0
        for text in texts:
            errs = problems(text, validators)
            if errs:
                bad += 1
                failures.append(f"historical blob: {errs[0]}")
        print(f"history: {len(blobs)} versions ({len(texts)} distinct blobs) validated, {bad} invalid, "
              f"{time.perf_counter() - t0:.1f} s")
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("repo", type=Path)
    ap.add_argument("--history", action="store_true", help="also validate every committed version")
    args = ap.parse_args(argv)
    failures = verify(args.repo, args.history)
    for f in failures[:50]:
        print("FAIL", f)
    print("OK" if not failures else f"{len(failures)} problems")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
