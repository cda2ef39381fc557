"""Environments read from the repository: what each runs, the status matrix, and when pins changed.

An environment is a file ``environments/<env>.yaml`` (the reviewed way), else
the per-assistant tags ``ID@env`` (the quick way). Both answer the same
questions: which assistants run there, at which version, how far behind HEAD.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from roster.environments import (
    EnvFile,
    environment_at,
    environments_at,
    own_tag_labels,
    pin_target,
)
from roster.errors import RosterError, UnknownRef, UsageError
from roster.model import Assistant, Author

if TYPE_CHECKING:
    from roster.resolve import Resolver


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


def _tip(roster: Any, ref: str | None) -> str:
    from roster.refs import resolve_commit

    if not hasattr(roster, "resolver"):  # a published index (Roster.from_index)
        raise UsageError(f"{getattr(roster, 'source', 'this')} is a published index: this command reads the "
                         f"repository's history; run it on the repository")
    resolver = roster.resolver
    return resolve_commit(roster._repo(), ref) if ref else str(resolver.head())


def environments(roster: Any, ref: str | None = None) -> list[Environment]:
    """Every environment: the files at ``ref`` (HEAD by default), then labels of tags ``ID@label`` without a file."""
    tip = _tip(roster, ref)
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


def targets(roster: Any, name: str, ref: str | None = None) -> dict[str, tuple[str, str]]:
    """assistant id -> (id then, commit) for every assistant the environment ``name`` runs."""
    from roster.catalog import scan_assistants
    from roster.environments import check_label
    from roster.git import TreeSource
    from roster.refs import resolve_commit

    check_label(name)
    tip = _tip(roster, ref)
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


def environment_assistants(roster: Any, name: str, ref: str | None = None) -> list[Assistant]:
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


def status(roster: Any, env: str | None = None) -> Status:
    """Every assistant x every environment (or one): the version each runs and how far behind HEAD."""
    from roster.catalog import scan_assistants
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


# --- roster history ID --env ENV -----------------------------------------------------------


class PinChange(NamedTuple):
    """One commit that changed what an environment runs for one assistant."""

    commit: str
    message: str
    author: Author
    date: str
    before: str | None  # what the file said (a version number or a ref; "default: REF"), None: not listed
    after: str | None
    before_version: int | None
    after_version: int | None

    def as_json(self) -> dict[str, Any]:
        return {"commit": self.commit, "message": self.message, "author": {"name": self.author.name, "email": self.author.email}, "date": self.date,
                "before": {"pin": self.before, "version": self.before_version},
                "after": {"pin": self.after, "version": self.after_version}}


def pin_history(roster: Any, assistant_id: str, name: str, ref: str | None = None) -> list[PinChange]:
    """When ``environments/<name>.yaml`` changed the pin of ``assistant_id``, newest first (first-parent)."""
    from roster.environments import check_label
    from roster.ids import check_id

    check_id(assistant_id)
    check_label(name)
    tip = _tip(roster, ref)
    resolver: Resolver = roster.resolver
    resolver.maybe_refresh()
    chain = resolver.chain(tip)
    folder = resolver.layout.environments
    changes: list[PinChange] = []
    last_tree: str | None = None
    last_pin: tuple[str | None, int | None] = (None, None)
    seen_file = False
    for commit in chain.commits:
        tree = resolver.repo.subtree_id(resolver.repo.tree_id(commit), folder)
        if tree == last_tree:
            continue
        last_tree = tree
        pin = _pin_at(resolver, commit, name, assistant_id) if tree is not None else (None, None)
        seen_file = seen_file or (tree is not None and pin != (None, None)) or _has_file(resolver, commit, name)
        if pin[0] != last_pin[0]:
            info = resolver.repo.commit_info(commit)
            changes.append(PinChange(commit, info.message, Author(name=info.author_name, email=info.author_email), info.time,
                                     last_pin[0], pin[0], last_pin[1], pin[1]))
        last_pin = pin
    if not seen_file:
        raise UnknownRef(f"no {folder}/{name}.yaml in the history of {ref or 'HEAD'}: history --env follows "
                         f"that file (per-assistant tags keep no history)")
    changes.reverse()
    return changes


def _has_file(resolver: Resolver, commit: str, name: str) -> bool:
    try:
        return environment_at(resolver, commit, name) is not None
    except RosterError:
        return True


def _pin_at(resolver: Resolver, commit: str, name: str, assistant_id: str) -> tuple[str | None, int | None]:
    """(what the file at ``commit`` says for the id, the version that is), (None, None) when nothing."""
    try:
        env = environment_at(resolver, commit, name)
    except RosterError:
        return "(invalid file)", None
    if env is None:
        return None, None
    pin = env.pins.get(assistant_id)
    text = pin.text() if pin is not None else (f"default: {env.default}" if env.default else None)
    if text is None:
        return None, None
    try:
        ident, target = pin_target(resolver, env, assistant_id, commit)
        version = resolver.get(ident, target, validate=False).version
    except RosterError:
        version = None
    return text, version
