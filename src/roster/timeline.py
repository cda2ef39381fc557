"""What an assistant's history says, asked of one model by every backend.

The model is ``history.Chain`` (or the same chain read from disk per assistant,
``lineages.LazyChain``): the first-parent commits, each assistant's lineage of
versions across renames, deletions and re-adds, and when each id went away. The
git backend builds it from the delta index; the published-index backend replays
``index.json`` into the same model (``roster.indexchain``); publish and the site
read the plan made from it here. So every rule about versions (which lineage an
id names, how versions are counted at a commit, what an unknown or deleted id is
told) is written once, in this module.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, Protocol

from roster.errors import HistoryCut, UnknownAssistant, UnknownRef
from roster.history import Chain, Gone, Lineage, VersionEntry, gone_hint
from roster.ids import nearest_hint


class Timeline(Protocol):
    """What ``history.Chain`` and ``lineages.LazyChain`` both answer."""

    @property
    def commits(self) -> Any: ...  # a sequence of commit ids, oldest first

    @property
    def pos(self) -> Mapping[str, int]: ...

    @property
    def cut(self) -> bool: ...

    @property
    def timeline(self) -> Mapping[str, list[tuple[int, Lineage | None]]]: ...

    @property
    def gone(self) -> Mapping[str, list[Gone]]: ...

    def lineage_at(self, assistant_id: str, pos: int) -> Lineage | None: ...

    def last_lineage(self, assistant_id: str, pos: int | None = None) -> Lineage | None: ...


def cut_error(chain: Timeline) -> HistoryCut:
    """Why versions cannot be numbered on a chain cut by a shallow clone."""
    return HistoryCut(f"history is cut at commit {chain.commits[0][:12]} (shallow clone): version numbers "
                      f"are unknown; fetch the full history (git fetch --unshallow, or fetch-depth: 0)")


def end(chain: Timeline) -> int:
    return len(chain.commits) - 1


def find_lineage(chain: Timeline, assistant_id: str, pos: int | None = None) -> Lineage:
    """The lineage ``assistant_id`` names at ``pos`` (the chain's end by default): the one that
    holds the id there, else the last that ever had it (deleted or renamed since)."""
    pos = end(chain) if pos is None else pos
    lineage = chain.lineage_at(assistant_id, pos) or chain.last_lineage(assistant_id, pos)
    if lineage is None:
        gone = [g for g in chain.gone.get(assistant_id, ()) if g.pos <= pos]
        hint = gone_hint(gone) or nearest_hint(assistant_id, known_ids(chain, pos))
        raise UnknownAssistant(f"no assistant {assistant_id!r} in the history of {chain.commits[pos][:12]}{hint}")
    return lineage


def known_ids(chain: Timeline, pos: int) -> Iterable[str]:
    """Every id the history up to ``pos`` ever had."""
    if pos == end(chain):
        return chain.timeline
    return [i for i, events in chain.timeline.items() if events and events[0][0] <= pos]


def versions_at(chain: Timeline, lineage: Lineage, pos: int | None = None) -> list[VersionEntry]:
    """The versions of ``lineage`` up to ``pos``, oldest first (the chain must not be cut)."""
    if chain.cut:
        raise cut_error(chain)
    if pos is None or pos == end(chain):
        return lineage.entries
    return lineage.entries[:lineage.count_at(pos)]


def version_entry(chain: Timeline, assistant_id: str, number: int) -> VersionEntry:
    """Version ``number`` of ``assistant_id`` (``ID@3``), counted at the chain's end."""
    entries = versions_at(chain, find_lineage(chain, assistant_id))
    if not 1 <= number <= len(entries):
        raise UnknownRef(f"assistant {assistant_id!r} has {len(entries)} version(s); there is no version {number}")
    return entries[number - 1]


class Numbered(NamedTuple):
    """An assistant's version at a commit: its number, that version's entry, and its first."""

    number: int
    entry: VersionEntry
    first: VersionEntry


def numbered(chain: Timeline, assistant_id: str, pos: int) -> Numbered | None:
    """The version ``assistant_id`` has at ``pos``; None when it has none there or the chain is cut."""
    if chain.cut:
        return None
    lineage = chain.lineage_at(assistant_id, pos)
    if lineage is None:
        return None
    count = lineage.count_at(pos)
    if count == 0:
        return None
    return Numbered(count, lineage.entries[count - 1], lineage.entries[0])


def alive_at(chain: Timeline, pos: int) -> list[tuple[str, VersionEntry]]:
    """(id, its version entry there) of every assistant alive at ``pos``."""
    out = []
    for assistant_id in chain.timeline:
        lineage = chain.lineage_at(assistant_id, pos)
        if lineage is not None:
            count = lineage.count_at(pos)
            if count:
                out.append((assistant_id, lineage.entries[count - 1]))
    return out


def missing_message(chain: Timeline, assistant_id: str, commit: str, pos: int,
                    when: Callable[[str], str | None]) -> str:
    """What ``get`` says of an id that has no file at ``commit``: where it went, or the nearest ids."""
    message = f"no assistant {assistant_id!r} at commit {commit[:12]}"
    for gone in reversed(chain.gone.get(assistant_id, [])):
        if gone.pos > pos:
            continue
        last = chain.lineage_at(assistant_id, gone.pos - 1) if gone.pos else None
        number = last.count_at(gone.pos - 1) if last is not None and not chain.cut else None
        version = f" (last version {number}, commit {gone.last.commit[:12]})" if number else ""
        date = when(gone.commit)
        at = f" ({date})" if date else ""
        if gone.renamed_to:
            return f"{message}: it was renamed to {gone.renamed_to!r} in commit {gone.commit[:12]}{at}{version}"
        return f"{message}: it was deleted in commit {gone.commit[:12]}{at}{version}"
    return message + nearest_hint(assistant_id, [i for i, _ in alive_at(chain, pos)])


class State(NamedTuple):
    """Where one lineage stands at a chain position."""

    versions: int  # how many so far (0: not yet)
    alive: bool  # its id names it there (not deleted, not renamed away)
    assistant_id: str | None  # the id of its latest version so far


def state_at(chain: Timeline, lineage: Lineage | None, pos: int) -> State:
    if lineage is None or chain.cut:
        return State(0, False, None)
    count = lineage.count_at(pos)
    if count == 0:
        return State(0, False, None)
    latest = lineage.entries[count - 1].assistant_id
    return State(count, chain.lineage_at(latest, pos) is lineage, latest)


# --- the published plan: one entry per id that ever existed ----------------------------


class Planned(NamedTuple):
    status: str  # active, deleted, renamed
    renamed_to: str | None
    ended_at: str | None  # the commit where it was deleted or renamed
    versions: list[tuple[VersionEntry, int]]  # (entry, version number)
    deletions: list[int]  # chain positions where this lineage was deleted (every time)
    # Lineages that no id names at the end any more (an id deleted, then taken by a file renamed
    # into it): kept under the id they last had, so no version of the history is lost.
    earlier: list[tuple[list[tuple[VersionEntry, int]], list[int]]] = []
    lineage: Lineage | None = None  # the lineage the versions are from


def plan(chain: Chain) -> dict[str, Planned]:
    """Every id of the chain, with the lineage ``find_lineage`` gives it at the chain's end.

    It needs every lineage, so a whole chain (``Resolver.chain(tip, whole=True)``)."""
    last = end(chain)
    deleted_at: dict[int, list[int]] = {}  # id(lineage) -> deletion positions
    owner: dict[tuple[int, str], Lineage] = {}
    for lineage in chain.lineages:
        for e in lineage.entries:
            owner[(e.pos, e.assistant_id)] = lineage
    for gone_list in chain.gone.values():
        for gone in gone_list:
            if gone.renamed_to is None:
                ended = owner.get((gone.last.pos, gone.last.assistant_id))
                if ended is not None:
                    deleted_at.setdefault(id(ended), []).append(gone.pos)
    out: dict[str, Planned] = {}
    chosen: set[int] = set()
    for assistant_id in chain.timeline:
        live = chain.lineage_at(assistant_id, last)
        shown = live or chain.last_lineage(assistant_id)
        if shown is None:
            continue
        chosen.add(id(shown))
        numbers = [(e, i + 1) for i, e in enumerate(shown.entries)]
        deletions = sorted(deleted_at.get(id(shown), []))
        if live is not None:
            out[assistant_id] = Planned("active", None, None, numbers, deletions, lineage=shown)
            continue
        gone = chain.gone[assistant_id][-1]
        if gone.renamed_to is not None:
            mine = [(e, n) for e, n in numbers if e.assistant_id == assistant_id]
            out[assistant_id] = Planned("renamed", gone.renamed_to, gone.commit, mine,
                                        [p for p in deletions if p < gone.pos], lineage=shown)
        else:
            out[assistant_id] = Planned("deleted", None, gone.commit, numbers, deletions, lineage=shown)
    for lineage in chain.lineages:
        if id(lineage) not in chosen and lineage.entries and lineage.entries[-1].assistant_id in out:
            key = lineage.entries[-1].assistant_id
            earlier = ([(e, i + 1) for i, e in enumerate(lineage.entries)], sorted(deleted_at.get(id(lineage), [])))
            out[key] = out[key]._replace(earlier=[*out[key].earlier, earlier])
    if chain.cut:
        # A shallow clone: numbering would be invented, so versions are left out.
        return {k: v._replace(versions=[], deletions=[], earlier=[]) for k, v in out.items() if v.status == "active"}
    return out
