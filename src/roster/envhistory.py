"""When environment pins changed: ``roster history ID --env ENV`` and the published index.

The history of an environment is the first-parent history of its file: every
commit that changed ``environments/<env>.yaml`` so that an assistant's pin
changed is one entry (a revert is one too: rollback is a commit like any other).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from roster.environments import EnvFile, check_label, environment_at, pin_target
from roster.errors import RosterError, UnknownRef, UsageError
from roster.ids import check_id
from roster.model import Author
from roster.refs import resolve_commit

if TYPE_CHECKING:
    from roster.resolve import Resolver
    from roster.roster import Roster

DEFAULT = "*"  # the pseudo id under which a change of ``default:`` is recorded when every id is followed


class PinChange(NamedTuple):
    """One commit that changed what an environment runs for one assistant."""

    assistant_id: str | None  # None: the environment's default ref changed
    commit: str
    message: str
    author: Author
    date: str
    before: str | None  # what the file said (a version number, a ref, "default: REF"); None: nothing
    after: str | None
    before_version: int | None
    after_version: int | None

    def as_json(self) -> dict[str, Any]:
        return {"assistant_id": self.assistant_id, "commit": self.commit, "message": self.message,
                "author": {"name": self.author.name, "email": self.author.email}, "date": self.date,
                "before": {"pin": self.before, "version": self.before_version},
                "after": {"pin": self.after, "version": self.after_version}}


def tip_commit(roster: Roster, ref: str | None) -> str:
    """The commit an environment command reads: ``ref``, else HEAD; a published index has no history to read."""
    if not hasattr(roster, "resolver"):  # a published index (Roster.from_index)
        raise UsageError(f"{getattr(roster, 'source', 'this')} is a published index: this command reads the "
                         f"repository's history; run it on the repository")
    resolver = roster.resolver
    return resolve_commit(roster.repository, ref) if ref else str(resolver.head())


def pin_history(roster: Roster, assistant_id: str, name: str, ref: str | None = None) -> list[PinChange]:
    """When ``environments/<name>.yaml`` changed the pin of ``assistant_id``, newest first (first-parent)."""
    check_id(assistant_id)
    return pin_changes(roster, name, ref, assistant_id=assistant_id)


def pin_changes(roster: Roster, name: str, ref: str | None = None, *, assistant_id: str | None = None,
                tip: str | None = None) -> list[PinChange]:
    """Every pin change of the environment ``name`` (of one assistant when named), newest first.

    Following one assistant, a change of ``default:`` counts when the file does not
    list it; following every assistant, it is recorded once with ``assistant_id`` None.
    """
    check_label(name)
    tip = tip or tip_commit(roster, ref)
    resolver: Resolver = roster.resolver
    resolver.maybe_refresh()
    folder = resolver.layout.environments
    changes: list[PinChange] = []
    last_tree: str | None = None
    last: dict[str, str] = {}  # id -> the pin's text in the last good file
    versions: dict[str, int | None] = {}  # id -> the version that text meant when it was written
    seen_file = False
    for commit in resolver.chain(tip).commits:
        tree = resolver.repo.subtree_id(resolver.repo.tree_id(commit), folder)
        if tree == last_tree:
            continue
        last_tree = tree
        try:
            env = environment_at(resolver, commit, name) if tree is not None else None
        except RosterError:
            seen_file = True
            continue  # a malformed file changes nothing that resolves; the next good one is compared
        seen_file = seen_file or env is not None
        now = _texts(env, assistant_id)
        for ident in sorted(set(last) | set(now), reverse=True):  # reversed with the list below
            before, after = last.get(ident), now.get(ident)
            if before == after:
                continue
            version = _version(resolver, env, ident, commit) if after is not None and env is not None else None
            info = resolver.repo.commit_info(commit)
            changes.append(PinChange(None if ident == DEFAULT else ident, commit, info.message,
                                     Author(name=info.author_name, email=info.author_email), info.time,
                                     before, after, versions.get(ident) if before is not None else None, version))
            versions[ident] = version
        last = now
    if not seen_file:
        raise UnknownRef(f"no {folder}/{name}.yaml in the history of {ref or 'HEAD'}: an environment's pin "
                         f"history follows that file (per-assistant tags keep no history)")
    changes.reverse()
    return changes


def _texts(env: EnvFile | None, assistant_id: str | None) -> dict[str, str]:
    """What the file says, by id (the pin's text)."""
    if env is None:
        return {}
    if assistant_id is not None:
        pin = env.pins.get(assistant_id)
        text = pin.text() if pin is not None else (f"default: {env.default}" if env.default else None)
        return {assistant_id: text} if text is not None else {}
    out = {k: p.text() for k, p in env.pins.items()}
    if env.default:
        out[DEFAULT] = f"default: {env.default}"
    return out


def _version(resolver: Resolver, env: EnvFile, ident: str, commit: str) -> int | None:
    if ident == DEFAULT:
        return None
    try:
        then, target = pin_target(resolver, env, ident, commit)
        return resolver.get(then, target, validate=False).version
    except RosterError:
        return None
