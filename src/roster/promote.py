"""Promotion (SPEC sections 4 and 11): an environment file's pin, else a per-assistant tag.

The reviewed way edits ``environments/<env>.yaml`` (roster.envedit) so that the pull
request's diff is one line; the quick way moves the tag ``ID@env`` atomically.
A label may not be read as something else (HEAD, a number, a commit, a branch, a
repo-wide tag): ``promote x 1 --to HEAD`` would otherwise pin every default ``get``.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.environments import check_label
from roster.errors import RosterError, UnknownRef, UsageError

if TYPE_CHECKING:
    from roster.envedit import EnvPromotion
    from roster.roster import Roster

def promote_one(roster: Roster, assistant_id: str, target: str, to: str, *, commit: bool = False) -> Any:
    """Promote ``assistant_id`` at ``target`` (version number or ref) to the environment ``to``.

    Where ``environments/<to>.yaml`` exists in the working tree, its pin is edited
    with the smallest change (an ``EnvPromotion``; ``commit=True`` commits the file);
    else the tag ``ID@to`` moves (a ``Promotion``).
    """
    # lazy: loads pydantic (via roster.model)
    from roster.envedit import env_file_path, promote_in_file

    check_promotion_label(roster, to)
    rel = env_file_path(roster, to)
    if rel is None:
        if commit:
            raise UsageError(f"no {roster.project.layout.environments}/{to}.yaml: promote moves the tag "
                             f"{assistant_id}@{to}, which has nothing to commit")
        return promote(roster, assistant_id, target, to)
    result = promote_in_file(roster, rel, assistant_id, target, to)
    if commit:
        result = result._replace(commit=_commit_env(roster, rel, [result]))
    return result


def promote_all(roster: Roster, source: str, to: str, *, commit: bool = False) -> Sequence[Any]:
    """Copy every pin of environment ``source`` (file or tags) to ``to``, one promotion per assistant."""
    # lazy: loads pydantic (via roster.model)
    from roster.envedit import env_file_path, promote_in_file
    from roster.envstatus import environments

    check_promotion_label(roster, to)
    found = {e.name: e for e in environments(roster)}
    if source not in found:
        raise UnknownRef(f"no environment {source!r}: no {roster.project.layout.environments}/{source}.yaml "
                         f"at HEAD and no tag ID@{source}")
    env = found[source]
    pins = dict(env.pins) if env.path else {i: str(roster.get(f"{i}@{source}").version) for i in env.pins}
    rel = env_file_path(roster, to)
    if rel is None and commit:
        raise UsageError(f"no {roster.project.layout.environments}/{to}.yaml: promote moves tags, "
                         f"which have nothing to commit")
    if rel is None:
        return [promote(roster, i, pin, to) for i, pin in sorted(pins.items())]
    edited = [promote_in_file(roster, rel, i, pin, to) for i, pin in sorted(pins.items())]
    if commit and any(p.file_diff for p in edited):
        made = _commit_env(roster, rel, edited)
        edited = [p._replace(commit=made) for p in edited]
    return edited


def _commit_env(roster: Roster, rel: str, done: list[EnvPromotion]) -> str | None:
    changed = [p for p in done if p.file_diff]
    if not changed:
        return None

    def ver(n: int | None) -> str:
        return f"version {n}" if n is not None else "nothing"

    if len(changed) == 1:
        p = changed[0]
        message = f"Promote {p.assistant_id} to {p.environment}: {ver(p.before_version)} -> {ver(p.after_version)}"
    else:
        message = f"Promote {len(changed)} assistants to {changed[0].environment}\n\n" + "\n".join(
            f"{p.assistant_id}: {ver(p.before_version)} -> {ver(p.after_version)}" for p in changed)
    made = roster.repository.commit_file(rel, message + "\n")
    roster.refresh()
    return made


class Promotion(NamedTuple):
    """A moved environment tag: ``tag`` pointed at ``before`` and now points at ``after``."""

    tag: str
    before: str | None
    after: str
    before_version: int | None
    after_version: int | None

    def as_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "before": {"commit": self.before, "version": self.before_version},
                "after": {"commit": self.after, "version": self.after_version}}


def promote(roster: Roster, assistant_id: str, target: str, label: str) -> Promotion:
    """Move the per-assistant tag ``ID@LABEL`` to ``target`` (a version number or a ref).

    The assistant must exist and be valid there. The move is atomic and refuses
    to overwrite a concurrent move (compare-and-swap on the tag).
    """
    from roster.git import valid_ref_name  # lazy: loads libgit2
    from roster.ids import check_id
    from roster.refs import check_ref_text, is_version_number

    check_id(assistant_id)
    check_ref_text(label)
    check_promotion_label(roster, label)
    if roster.remote is not None:
        raise UsageError(f"{roster.remote.display_url} is read through a mirror, which the next fetch overwrites: "
                         f"promote in a clone of it and push the tag (git push --force origin 'refs/tags/"
                         f"{assistant_id}@{label}')")
    repo = roster.repository
    resolver = roster.resolver
    resolver.maybe_refresh(force=True)
    tag = f"{assistant_id}@{label}"
    ref_name = f"refs/tags/{tag}"
    if not valid_ref_name(ref_name):
        raise UsageError(f"{tag!r} is not a valid git tag name")
    before = repo.ref_target(ref_name)
    expected = repo.ref_value(ref_name)  # what move_ref compares with, under the ref's lock
    assistant = roster.get(f"{assistant_id}@{target}")
    if is_version_number(target):
        after = assistant.commit or ""
    else:
        after = resolver.commit_for(assistant_id, target)
    before_version = None
    if before is not None:
        try:
            before_version = resolver.get(assistant_id, before, validate=False).version
        except RosterError:  # the old target may no longer hold the assistant
            before_version = None
    repo.move_ref(ref_name, after, expected, f"roster promote {assistant_id} {target} --to {label}")
    roster.refresh()
    return Promotion(tag, before, after, before_version, assistant.version)


def check_promotion_label(roster: Roster, label: str) -> None:
    """A label may not be read as anything else: HEAD, a number, a hex string, a branch or a repo-wide tag."""

    check_label(label)
    repo = roster.repository
    if repo.ref_target(f"refs/heads/{label}") or repo.ref_target(f"refs/remotes/origin/{label}"):
        raise UsageError(f"{label!r} is a branch: ID@{label} must keep meaning the branch; choose another "
                         f"environment name")
    if repo.ref_target(f"refs/tags/{label}"):
        raise UsageError(f"{label!r} is a repo-wide tag: ID@{label} must keep meaning the tag; choose another "
                         f"environment name")
