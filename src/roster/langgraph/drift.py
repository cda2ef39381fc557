"""Three-way drift: was a server assistant edited outside Roster (Studio, the SDK)?

*Ours* is git's content at the ref being synced, *theirs* is the server's, and the
*base* is what Roster last wrote there: the content of the version named by the server's
``roster_commit``. Theirs differing from the base means someone changed it on the server:
it has **drifted**, whether or not git moved on since.

Two refinements keep that rule from crying wolf or going blind:

- theirs equal to *any* version of the file in git's history is no drift: a server edit that
  ``roster pull`` brought home and that was committed (the server still names the older
  ``roster_commit``, since Roster sent nothing), a rollback made with ``set_latest``, or an
  assistant adopted by ``roster import`` (no ``roster_commit`` at all);
- when the ``roster_commit`` is unknown here (no such commit, or never written by Roster), the
  base is the newest server version, at or below the current one, whose content git has: the
  last point the two histories shared. With none, the base is unknown, and the assistant
  counts as drifted: Roster cannot tell an edit from git's change, so it keeps the edit.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from roster.langgraph.content import desired_content, managed_keys, same, server_content


class DriftLookup(Protocol):
    """What finding a base needs beyond the plan's inputs (git history, server versions)."""

    def at_commit(self, assistant_id: str, commit: str) -> Any | None:
        """The assistant as of that commit, or None when it cannot be read."""

    def git_versions(self, assistant_id: str) -> Sequence[Any]:
        """Its versions in git at the synced ref, newest first (empty when unknown)."""

    def server_versions(self, server_id: str) -> Sequence[Mapping]:
        """The server's versions of that assistant, any order."""


@dataclass(frozen=True)
class Base:
    content: dict | None  # desired_content form; None when no common version is known
    where: str  # how it was found, for the plan
    commit: str | None  # git commit of the base content, when known
    drifted: bool
    theirs: dict | None = None  # the server's content seen with the base's metadata keys


def find_base(assistant: Any, server: Mapping, lookup: DriftLookup | None) -> Base:
    """The base of ``assistant`` (ours) and ``server`` (theirs), and whether theirs drifted."""
    ours = desired_content(assistant)
    smeta = server.get("metadata") or {}
    rid, raw_commit = smeta.get("roster_id"), smeta.get("roster_commit")
    commit = raw_commit if isinstance(raw_commit, str) else ""
    at_commit = None
    if isinstance(rid, str) and commit:
        if commit == getattr(assistant, "commit", None) and rid == assistant.assistant_id:
            at_commit = assistant
        elif lookup is not None:
            at_commit = lookup.at_commit(rid, commit)
    where = ""
    if at_commit is not None:
        base = desired_content(at_commit)
        theirs = server_content(server, managed_keys(base, ours))
        where = f"roster_commit {commit[:12]}" + (f" (version {at_commit.version})"
                                                   if getattr(at_commit, "version", None) else "")
        if same(theirs, base):
            return Base(base, where, commit, False, theirs)
        if lookup is None:
            return Base(base, where, commit, True, theirs)
    if lookup is None:
        return Base(None, "unknown (not written by Roster at a known commit)", None, True)
    versions = [(v, desired_content(v)) for v in lookup.git_versions(assistant.assistant_id)]
    for version, content in versions:  # the server holds content git has had: no edit of its own
        theirs = server_content(server, managed_keys(content, ours))
        if same(theirs, content):
            return Base(content, f"git version {version.version}", version.commit, False, theirs)
    current = server.get("version")
    sid = str(server.get("assistant_id"))
    older = [v for v in lookup.server_versions(sid) if isinstance(v.get("version"), int)
             and (not isinstance(current, int) or v["version"] <= current)]
    for sv in sorted(older, key=lambda v: -v["version"]):
        for version, content in versions:
            if same(server_content(sv, managed_keys(content, ours)), content):
                theirs = server_content(server, managed_keys(content, ours))
                label = f"server version {sv['version']} = git version {version.version}"
                if at_commit is not None and same(desired_content(at_commit), content):
                    label = where  # the version its roster_commit names, as usual
                return Base(content, label, version.commit, True, theirs)
    if at_commit is not None:
        base = desired_content(at_commit)
        return Base(base, f"roster_commit {commit[:12]}", commit, True,
                    server_content(server, managed_keys(base, ours)))
    return Base(None, "unknown: no version in common with git", None, True)


def rollback_version(assistant: Any, server: Mapping, server_versions: Sequence[Mapping]) -> int | None:
    """The newest earlier server version whose content equals ours exactly (roster_id included)."""
    ours = desired_content(assistant)
    current = server.get("version")
    best: int | None = None
    for sv in server_versions:
        number = sv.get("version")
        if not isinstance(number, int) or number == current:
            continue
        theirs = server_content(sv, managed_keys(ours))
        if (sv.get("metadata") or {}).get("roster_id") == assistant.assistant_id and same(theirs, ours) \
                and (best is None or number > best):
            best = number
    return best
