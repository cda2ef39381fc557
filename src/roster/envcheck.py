"""What ``check`` says about environment files (SPEC sections 2 and 11).

Besides the file's own rules (environments.parse_environment): every pin must
name an assistant that exists, a version or ref that exists, and an assistant
that is valid there; a per-assistant tag ``ID@env`` beside ``environments/env.yaml``
is a conflict (the file wins, so the tag would silently stop counting).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roster.catalog import scan_assistants
from roster.environments import (
    EnvFile,
    Pin,
    environment_files,
    own_tag_labels,
    read_environment,
    version_entry,
)
from roster.errors import (
    HistoryCut,
    InvalidAssistant,
    LookupFailed,
    RosterError,
    UnknownRef,
)
from roster.hints import HintBudget
from roster.problems import Problem, pointer_of
from roster.refs import resolve_commit

if TYPE_CHECKING:
    from roster.resolve import Resolver
    from roster.roster import Roster
    from roster.source import Source


def check_environments(roster: Roster, source: Source, ref: str | None) -> list[Problem]:
    """Problems of every environment file at ``source`` (the working tree, or the commit at ``ref``)."""
    layout = roster.project.layout
    files, problems = environment_files(source, layout)
    if not files:
        return problems
    entries, _ = scan_assistants(source, layout)
    ids = {item.assistant_id for item in entries}
    resolver, tip = _history(roster, ref)
    labels = own_tag_labels(resolver) if resolver is not None else {}
    for name, entry in sorted(files.items()):
        if resolver is not None:
            problems.extend(_shadowing(resolver, entry.path, name))
        env, found = read_environment(source, entry, name)
        problems.extend(found)
        if env is None:
            continue
        if env.default is not None and resolver is not None:
            problems.extend(_check_default(resolver, env))
        hints = HintBudget()  # per file: a hint compares against every id, so only so many
        for pin in env.pins.values():
            problems.extend(_check_pin(resolver, tip, env, pin, ids, hints))
        for ident in sorted(labels.get(name, ())):
            problems.append(Problem(
                "error", env.path, 1, 1, "",
                f"tag '{ident}@{name}' conflicts with this file: {ident}@{name} resolves through {env.path}, "
                f"so the tag is ignored; delete it (git tag -d '{ident}@{name}' and git push origin "
                f"':refs/tags/{ident}@{name}') or delete the file", ident))
    return problems


def _history(roster: Roster, ref: str | None) -> tuple[Resolver | None, str | None]:
    """The resolver and the commit whose history numbers versions (None: no repository or no commits)."""
    repo = roster.project.repo
    if repo is None or not repo.has_commits():
        return None, None
    resolver = roster.resolver
    resolver.maybe_refresh()
    return resolver, resolve_commit(repo, ref) if ref else resolver.head()


def _problem(env: EnvFile, where: tuple[Any, ...], message: str, assistant_id: str | None = None,
             *, value: bool = True) -> Problem:
    line, col = env.doc.locate_value(where) if value else env.doc.locate(where)
    return Problem("error", env.path, line, col, pointer_of(where), message, assistant_id)


def _shadowing(resolver: Resolver, path: str, name: str) -> list[Problem]:
    """An environment named like a branch or a repo-wide tag would change what ID@name means (SPEC 4)."""
    repo = resolver.repo
    for what, ref in (("branch", f"refs/heads/{name}"), ("branch", f"refs/remotes/origin/{name}"),
                      ("repo-wide tag", f"refs/tags/{name}")):
        if repo.ref_target(ref):
            return [Problem("error", path, 1, 1, "", f"environment {name!r} has the name of a {what}: ID@{name} "
                            f"must keep meaning the {what}; rename the file")]
    return []


def _check_default(resolver: Resolver, env: EnvFile) -> list[Problem]:
    try:
        resolve_commit(resolver.repo, env.default or "")
    except RosterError as e:
        if isinstance(e, UnknownRef) and resolver.repo.is_shallow():
            found = _problem(env, ("default",), f"default not checked: {e}; this is a shallow clone (fetch the "
                             f"full history and tags: git fetch --unshallow --tags)")
            return [found._replace(severity="warning")]
        return [_problem(env, ("default",), f"default: {e}")]
    return []


def _check_pin(resolver: Resolver | None, tip: str | None, env: EnvFile, pin: Pin, ids: set[str],
               hints: HintBudget) -> list[Problem]:
    where = ("assistants", pin.assistant_id)
    ident = pin.assistant_id
    if ident not in ids:
        return [_problem(env, where, f"no assistant {ident!r} (no assistants/{ident}.yaml)"
                         f"{hints.did_you_mean(ident, ids)}", ident, value=False)]
    if resolver is None or tip is None:
        return []  # a folder without git history: versions and refs cannot be checked
    try:
        if isinstance(pin.value, int):
            entry = version_entry(resolver, ident, pin.value, tip)
            target_id, commit = entry.assistant_id, entry.commit
            what = f"version {pin.value}"
        else:
            target_id, commit = ident, resolve_commit(resolver.repo, pin.value)
            what = f"{pin.value!r} ({commit[:12]})"
        resolver.get(target_id, commit)
    except InvalidAssistant as e:
        first = e.problems[0] if e.problems else None
        inside = f" {first.pointer}:" if first and first.pointer else ""
        detail = f": {first.path}:{first.line}:{first.column}:{inside} {first.message}" if first else ""
        more = f" (and {len(e.problems) - 1} more)" if len(e.problems) > 1 else ""
        return [_problem(env, where, f"{ident} at {what} is invalid{detail}{more}", ident)]
    except HistoryCut as e:
        # A shallow clone (CI's default checkout) cannot number versions: say so, do not fail the gate.
        return [_problem(env, where, f"pin of {ident!r} not checked: {e}", ident)._replace(severity="warning")]
    except LookupFailed as e:
        if isinstance(e, UnknownRef) and resolver.repo.is_shallow():
            # The ref may exist upstream: a shallow clone has neither the old commits nor their tags.
            found = _problem(env, where, f"pin of {ident!r} not checked: {e}; this is a shallow clone (fetch the "
                             f"full history and tags: git fetch --unshallow --tags)", ident)
            return [found._replace(severity="warning")]
        return [_problem(env, where, f"pin of {ident!r}: {e}", ident)]
    return []
