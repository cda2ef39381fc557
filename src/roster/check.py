"""``check``: every assistant of a source validated; results collected as data."""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from roster.catalog import AssistantEntry, Graphs, load_assistant, scan_assistants
from roster.checkpool import check_all
from roster.errors import GitError
from roster.ids import id_from_relpath, id_problem
from roster.problems import Problem
from roster.source import FolderSource, Layout, Source


class CheckReport(NamedTuple):
    checked: int
    problems: list[Problem]
    source: str = "working tree"
    changes: list[Any] = []  # filled by a check against a base

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": self.ok,
            "checked": self.checked,
            "errors": [p.as_json() for p in self.errors],
            "warnings": [p.as_json() for p in self.warnings],
        }
        if self.changes:
            out["changes"] = [c.as_json() for c in self.changes]
        return out


def strictly(problems: list[Problem], strict: bool) -> list[Problem]:
    """Under --strict every warning is an error (SPEC section 2)."""
    if not strict:
        return problems
    return [p._replace(severity="error") if p.severity == "warning" else p for p in problems]


def check_source(source: Source, layout: Layout, *, strict: bool = False,
                 only: Iterable[str] | None = None, allow_empty: bool = False, parallel: bool = True) -> CheckReport:
    """Validate every assistant (or only the ids in ``only``) at one source.

    A source without any assistant file is an error unless ``allow_empty``: a gate
    that checks nothing (a wrong --root, a monorepo run from the wrong folder) must not pass.
    ``parallel``: the files may be shared among forked processes (``checkpool``); the report is the same.
    """
    graphs = Graphs(source, layout)
    problems: list[Problem] = list(graphs.problems)
    for schema in graphs.load_all():
        problems.extend(schema.problems)
    entries, scan_problems = scan_assistants(source, layout)
    wanted = set(only) if only is not None else None
    # Problems of the folder itself (a symlink, a submodule) hold whatever is checked.
    problems.extend(p for p in scan_problems if wanted is None or p.assistant_id is None or p.assistant_id in wanted)
    todo = [item for item in entries if wanted is None or item.assistant_id in wanted]
    checked = len(todo)
    # A child process reads a folder's files itself; a commit's blobs are read here (no git handle crosses a fork).
    raws = None if isinstance(source, FolderSource) else {item.entry.path: _read(source, item) for item in todo}

    def one(item: AssistantEntry) -> list[Problem]:
        raw = raws[item.entry.path] if raws is not None else _read(source, item)
        if isinstance(raw, Problem):
            return [raw]
        return load_assistant(raw, path=item.entry.path, assistant_id=item.assistant_id,
                              graphs=graphs, strict=strict, gate=True)[1]

    problems.extend(check_all(todo, one, parallel=parallel))
    if not entries and not allow_empty:
        problems.append(Problem("error", layout.assistants, 1, 1, "", f"no assistant files found in "
                                f"{_looked_in(source, layout)}; check the root folder or the folder you run from "
                                "(or allow an empty repository)"))
    return CheckReport(checked, strictly(problems, strict), source.label)


def _read(source: Source, item: AssistantEntry) -> bytes | Problem:
    try:
        return source.read(item.entry)
    except OSError as e:
        return Problem("error", item.entry.path, 1, 1, "", f"cannot read: {e.strerror or e}", item.assistant_id)
    except GitError as e:  # a corrupt object: the other files are still checked
        return Problem("error", item.entry.path, 1, 1, "", str(e), item.assistant_id)


def short_ids(text: str) -> str:
    """Full 40-hex commit ids shortened to 12 (what logs and summaries need; less to leak or misread)."""
    return re.sub(r"\b([0-9a-f]{12})[0-9a-f]{28}\b", r"\1", text)


def _looked_in(source: Source, layout: Layout) -> str:
    root = getattr(source, "root", None)
    if isinstance(root, str):
        return os.path.join(root, *layout.assistants.split("/")) + os.sep
    return f"{layout.assistants}/ ({source.label})"


def validate_files(paths: Iterable[str], *, fallback_root: str, strict: bool = False) -> CheckReport:
    """Validate files on disk (pre-commit): each against the schemas of its own project.

    A file below a folder named ``assistants`` belongs to the project folder that
    holds that folder; its id is its path below it. Any other file is checked
    against the project at ``fallback_root`` with its file name as id.
    """
    problems: list[Problem] = []
    graphs_by_root: dict[str, Graphs] = {}
    checked = 0
    for given in paths:
        full = os.path.abspath(given)
        parts = full.split(os.sep)
        root, rel = fallback_root, os.path.basename(full)
        base = os.path.dirname(full)  # the folder that ``rel`` is relative to
        if "assistants" in parts[:-1]:
            i = len(parts) - 1 - parts[:-1][::-1].index("assistants") - 1
            root, rel = os.sep.join(parts[:i]) or os.sep, "/".join(parts[i + 1:])
            base = os.path.join(root, "assistants")
        assistant_id = id_from_relpath(rel)
        checked += 1
        inside = os.path.join(os.path.realpath(base), *rel.split("/"))
        if os.path.islink(full) or os.path.realpath(full) != inside:
            # The file, or a folder between the project and it, is a link: `check` refuses both.
            problems.append(Problem("error", given, 1, 1, "", "symlinks are not allowed as assistant files "
                                    "or folders inside assistants/", assistant_id))
            continue
        bad = id_problem(assistant_id)
        if bad:
            problems.append(Problem("error", given, 1, 1, "", bad, assistant_id))
            continue
        graphs = graphs_by_root.get(root)
        if graphs is None:
            graphs = graphs_by_root[root] = Graphs(FolderSource(root), Layout())
            problems.extend(graphs.problems)
        if os.path.exists(full) and not os.path.isfile(full):  # a FIFO would block the read forever
            problems.append(Problem("error", given, 1, 1, "", "not a regular file", assistant_id))
            continue
        try:
            with open(full, "rb") as f:
                raw = f.read(8 * 1024 * 1024 + 1)
        except OSError as e:
            problems.append(Problem("error", given, 1, 1, "", f"cannot read: {e.strerror or e}", assistant_id))
            continue
        _, found = load_assistant(raw, path=given, assistant_id=assistant_id, graphs=graphs, strict=strict,
                                  gate=True)
        problems.extend(found)
    for graphs in graphs_by_root.values():
        for schema in graphs.loaded():
            problems.extend(schema.problems)
    return CheckReport(checked, strictly(problems, strict), "files")
