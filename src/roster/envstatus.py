"""Environments read from the repository: what each runs, the status matrix, and when pins changed.

An environment is a file ``environments/<env>.yaml`` (the reviewed way), else
the per-assistant tags ``ID@env`` (the quick way). Both answer the same
questions: which assistants run there, at which version, how far behind HEAD.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from roster.catalog import scan_assistants
from roster.envhistory import pin_changes, tip_commit
from roster.environments import (
    EnvFile,
    check_label,
    environment_at,
    environments_at,
    own_tag_labels,
    pin_target,
)
from roster.errors import RosterError, UnknownRef
from roster.model import Assistant
from roster.refs import resolve_commit

if TYPE_CHECKING:
    from roster.resolve import Resolver
    from roster.roster import Roster


class Environment(NamedTuple):
    name: str
    path: str | None  # the environment file; None when the environment is per-assistant tags only
    url: str | None
    default: str | None
    pins: dict[str, str]  # assistant id -> what the file says (a version number or a ref), or the tag's name

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "url": self.url, "default": self.default,
                "pins": dict(self.pins)}


def _from_file(env: EnvFile) -> Environment:
    return Environment(env.name, env.path, env.url, env.default, {k: p.text() for k, p in env.pins.items()})


def environments(roster: Roster, ref: str | None = None) -> list[Environment]:
    """Every environment: the files at ``ref`` (HEAD by default), then labels of tags ``ID@label`` without a file."""
    tip = tip_commit(roster, ref)
    resolver = roster.resolver
    resolver.maybe_refresh()
    out: dict[str, Environment] = {}
    for name in environments_at(resolver, tip):
        env = environment_at(resolver, tip, name)
        if env is not None:
            out[name] = _from_file(env)
    for label, ids in own_tag_labels(resolver).items():
        if label not in out:
            out[label] = Environment(label, None, None, None, {i: f"{i}@{label}" for i in sorted(ids)})
    return [out[k] for k in sorted(out)]


def targets(roster: Roster, name: str, ref: str | None = None) -> dict[str, tuple[str, str]]:
    """assistant id -> (id then, commit) for every assistant the environment ``name`` runs."""
    # lazy: the git reader (pygit2 only for the reads it leaves), not needed to check a working tree
    from roster.git import TreeSource

    check_label(name)
    tip = tip_commit(roster, ref)
    resolver: Resolver = roster.resolver
    env = environment_at(resolver, tip, name)
    out: dict[str, tuple[str, str]] = {}
    if env is not None:
        if env.default is not None:
            commit = resolve_commit(resolver.repo, env.default)
            entries, _ = scan_assistants(TreeSource(resolver.repo, commit), resolver.layout)
            out.update((e.assistant_id, (e.assistant_id, commit)) for e in entries)
        for assistant_id in env.pins:
            out[assistant_id] = pin_target(resolver, env, assistant_id, tip)
        return dict(sorted(out.items()))
    ids = own_tag_labels(resolver).get(name)
    if not ids:
        raise UnknownRef(f"no environment {name!r}: no {resolver.layout.environments}/{name}.yaml at "
                         f"{ref or 'HEAD'} and no tag ID@{name}")
    for assistant_id in sorted(ids):
        out[assistant_id] = assistant_id, resolver.commit_for(assistant_id, name)
    return out


def environment_assistants(roster: Roster, name: str, ref: str | None = None) -> list[Assistant]:
    """Every assistant the environment runs, each validated at its pin."""
    resolver = roster.resolver
    return [resolver.get(ident, commit) for ident, commit in targets(roster, name, ref).values()]


# --- roster status ------------------------------------------------------------------------


class Cell(NamedTuple):
    version: int | None
    commit: str
    behind: int | None  # versions behind HEAD; None when the pin is not on HEAD's history

    def as_json(self) -> dict[str, Any]:
        return {"version": self.version, "commit": self.commit, "behind": self.behind}


class StatusRow(NamedTuple):
    assistant_id: str
    head: int | None  # versions at HEAD; None when it no longer exists there
    cells: dict[str, Cell | None]  # environment -> what it runs (None: not deployed there)

    def as_json(self) -> dict[str, Any]:
        return {"assistant_id": self.assistant_id, "head": self.head,
                "environments": {k: (c.as_json() if c else None) for k, c in self.cells.items()}}


class Status(NamedTuple):
    environments: list[Environment]
    rows: list[StatusRow]

    def as_json(self) -> dict[str, Any]:
        return {"environments": [e.as_json() for e in self.environments],
                "assistants": [r.as_json() for r in self.rows]}


def status(roster: Roster, env: str | None = None) -> Status:
    """Every assistant x every environment (or one): the version each runs and how far behind HEAD."""
    # lazy: the git reader (pygit2 only for the reads it leaves), not needed to check a working tree
    from roster.git import TreeSource

    envs = environments(roster)
    resolver: Resolver = roster.resolver
    head = str(resolver.head())
    if env is not None:
        envs = [e for e in envs if e.name == env]
        if not envs:
            targets(roster, env)  # raises the "no environment" error
    entries, _ = scan_assistants(TreeSource(resolver.repo, head), resolver.layout)
    at_head = {e.assistant_id: _count(resolver, e.assistant_id, head) for e in entries}
    by_env = {e.name: targets(roster, e.name) for e in envs}
    ids = sorted(set(at_head) | {i for t in by_env.values() for i in t})
    rows = []
    for assistant_id in ids:
        head_count = at_head.get(assistant_id)
        cells: dict[str, Cell | None] = {}
        for e in envs:
            target = by_env[e.name].get(assistant_id)
            cells[e.name] = _cell(resolver, target, head_count) if target else None
        rows.append(StatusRow(assistant_id, head_count, cells))
    return Status(envs, rows)


def _count(resolver: Resolver, assistant_id: str, head: str) -> int | None:
    try:
        return resolver.get(assistant_id, head, validate=False).version
    except RosterError:
        return None


def _cell(resolver: Resolver, target: tuple[str, str], head_count: int | None) -> Cell:
    ident, commit = target
    try:
        assistant = resolver.get(ident, commit, validate=False)
        version, commit = assistant.version, assistant.commit or commit
    except RosterError:
        version = None
    on_head = commit in resolver.chain(resolver.head()).pos
    behind = head_count - version if version is not None and head_count is not None and on_head else None
    return Cell(version, commit, behind)


# --- the published index --------------------------------------------------------------------


def published_environments(roster: Roster, head: str) -> dict[str, Any]:
    """``index.json``'s ``environments`` (docs/index-format.md): each file at ``head``, what it runs, its changes."""
    resolver: Resolver = roster.resolver
    out: dict[str, Any] = {}
    for name in sorted(environments_at(resolver, head)):
        try:
            env = environment_at(resolver, head, name)
        except RosterError:
            continue  # a malformed file is check's to report; the site shows what resolves
        if env is None:
            continue
        runs: dict[str, Any] = {}
        for assistant_id in sorted(env.pins) if env.default is None else []:
            runs[assistant_id] = _run(resolver, env, assistant_id, head)
        if env.default is not None:
            for assistant_id in targets(roster, name, head):
                runs[assistant_id] = _run(resolver, env, assistant_id, head)
        out[name] = {"path": env.path, "url": env.url, "default": env.default,
                     "pins": {k: p.text() for k, p in env.pins.items()}, "runs": runs,
                     "changes": [c.as_json() for c in pin_changes(roster, name, tip=head)]}
    return out


def _run(resolver: Resolver, env: EnvFile, assistant_id: str, head: str) -> dict[str, Any]:
    try:
        then, commit = pin_target(resolver, env, assistant_id, head)
    except RosterError as e:
        return {"assistant_id": assistant_id, "commit": None, "version": None, "error": str(e),
                "error_type": type(e).__name__}
    try:
        version = resolver.get(then, commit, validate=False).version
    except RosterError:
        version = None
    return {"assistant_id": then, "commit": commit, "version": version}
