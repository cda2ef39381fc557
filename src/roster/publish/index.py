"""``index.json``: every assistant and every version, built in one pass (docs/index-format.md).

One pass means: the first-parent chain of the published commit is walked once
(``Resolver.chain``, which reuses the incremental delta index kept in the git
dir), every distinct blob that ever was a version is read once (one ``git
cat-file --batch``) and parsed once. Versions are not validated against the
graph schemas again: the index records what each commit wrote, as ``roster
history`` shows it, valid or not.

The previous publish can be handed in (``previous.Previous``): an assistant's
entry is fixed by its rows (commit, id, path, number of each version), so an
assistant whose rows did not change keeps its serialised entry, and the content of
versions already published is taken from it instead of being read and parsed
again; that is what makes a re-publish after one new commit cheap.
"""
from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.content import version_json as content_json
from roster.environments import environments_at
from roster.errors import RosterError
from roster.history import Chain, VersionEntry
from roster.ids import id_problem, version_tags
from roster.publish.contents import Content, ContentKey, read_contents
from roster.publish.progress import NoProgress, Progress
from roster.refs import resolve_commit
from roster.timeline import Planned, plan
from roster.version import __version__

if TYPE_CHECKING:
    from roster.publish.previous import Previous
    from roster.roster import Roster

FORMAT = 1
_VERSION_FILE = re.compile(r"v[0-9]+\.json\Z")


class PublishedIndex(NamedTuple):
    """The ``index.json`` data, plus what the HTML needs that the format does not carry."""

    data: dict[str, Any]
    # The history the index was made from, and each key's entry in it: the releases page asks
    # it where each assistant stood at each release (``timeline.state_at``).
    chain: Chain
    planned: dict[str, Planned]
    tags_at: dict[str, list[str]]  # commit -> tag names pointing at it, sorted
    # Names found in history that are not valid ids (a raw tree entry ``..``, markup in a
    # file name left by a rebase-merged pull request): left out of the site, listed here.
    skipped: tuple[str, ...] = ()
    # Assistants whose entry is the previous publish's: its bytes in index.json. Their entry
    # in ``data`` has rows without content until ``full`` reads it.
    fragments: dict[str, bytes] = {}
    signatures: dict[str, str] = {}  # key -> ``entry_signature`` of its entry
    summaries: dict[str, tuple[str, str]] = {}  # key -> (name, graph_id) of its newest version
    previous: Previous | None = None

    @property
    def assistants(self) -> dict[str, Any]:
        return self.data["assistants"]

    def full(self, key: str) -> dict[str, Any]:
        """The entry of ``key`` with the content of every version (read from a kept fragment)."""
        entry = self.assistants[key]
        if key in self.fragments and self.previous is not None and not _has_content(entry):
            loaded = self.previous.entry(key)
            if loaded is None or entry_signature(_stub(loaded)) != self.signatures[key]:
                raise RosterError(f"cannot publish: the previous index.json disagrees with its manifest ({key!r}); "
                                  "delete the output folder and publish again")
            self.assistants[key] = entry = loaded
        return entry


def _has_content(entry: dict[str, Any]) -> bool:
    return all("content" in v for v in entry_rows(entry))


def _stub(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry without the content of its rows (what ``entry_signature`` is computed over)."""

    def bare(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in row.items() if k != "content"} for row in rows]

    out = {**entry, "versions": bare(entry["versions"])}
    if "earlier" in entry:
        out["earlier"] = [{**lineage, "versions": bare(lineage["versions"])} for lineage in entry["earlier"]]
    return out


def version_file(key: str, number: int) -> str:
    """Where the per-version file of version ``number`` of ``key`` lives, relative to the site."""
    return f"assistants/{key}/v{number}.json"


def build_index(roster: Roster, ref: str | None = None, *, previous: Previous | None = None,
                progress: Progress | None = None) -> PublishedIndex:
    """The published history of ``ref`` (HEAD by default) of a git-backed ``Roster``.

    With ``previous`` (the last publish, as its signed manifest vouches for it), an
    assistant whose entry would be the same is not built again: its serialised entry
    is kept (``PublishedIndex.fragments``) and its rows carry no content until asked
    for (``PublishedIndex.full``).
    """

    progress = progress or NoProgress()
    repo = roster.repository
    resolver = roster.resolver
    resolver.maybe_refresh(force=True)
    progress.stage("reading history", 0)
    head = resolve_commit(repo, ref) if ref else resolver.head()
    chain: Chain = resolver.chain(head, whole=True)
    tags = repo.tags()
    tags_at: dict[str, list[str]] = {}
    for name, commit in sorted(tags.items()):
        tags_at.setdefault(commit, []).append(name)

    planned, skipped = _valid(plan(chain))
    _check_paths(planned)
    layout = roster.project.layout.assistants

    # Every entry without its content first: enough to tell which assistants changed since the last publish.
    stubs = {key: _entry(key, planned[key], layout, None) for key in sorted(planned)}
    fragments: dict[str, bytes] = {}
    signatures: dict[str, str] = {}
    for key, stub in stubs.items():
        signatures[key] = entry_signature(stub)
        kept = previous.fragment(key, signatures[key]) if previous else None
        if kept is not None:
            fragments[key] = kept
    todo = [key for key in stubs if key not in fragments]
    entries = [e for key in todo for e, _ in planned[key].versions]
    entries += [e for key in todo for numbered, _ in planned[key].earlier for e, _ in numbered]
    # Versions the signed previous index holds were read, checked and scanned by that publish.
    old = previous.contents([k for k in todo if previous.has(k)]) if previous else {}
    # Every commit where an id went away: "it was deleted in commit C (date)" needs its date.
    ended = {gone.commit for gone_list in chain.gone.values() for gone in gone_list}
    versions_of = {v["commit"] for stub in stubs.values() for v in entry_rows(stub)}
    wanted_commits = versions_of | set(tags.values()) | ended | {head}
    known = previous.commits() if previous else {}

    def commit_facts() -> dict[str, Any]:
        # Commit facts never change for a commit id: a previous index's are as good as new.
        return {c: known.get(c) or _commit_json(repo, c) for c in sorted(wanted_commits)}

    # In threads while the blobs are read (git processes meanwhile); both done before any is parsed.
    checking = _Background(_check, repo, resolver.deltas.folder, head, [e for e in entries if not e.path or (
        e.commit, e.assistant_id, f"{layout}/{e.path}") not in old])
    facts = _Background(commit_facts)
    contents = read_contents(repo, layout, entries, old, progress, lambda: (checking.result(), facts.result()))
    commits: dict[str, Any] = facts.result()

    assistants: dict[str, Any] = {}
    redacted_by_key = previous.redacted() if previous else {}
    redacted_at: list[dict[str, Any]] = []
    for key, stub in stubs.items():
        if key in fragments:
            assistants[key] = stub
            redacted_at.extend(redacted_by_key.get(key, ()))
            continue
        assistants[key] = entry = _entry(key, planned[key], layout, contents)
        for row in entry_rows(entry):
            redacted_at.extend({"assistant_id": key, "version": row["version"], "path": p}
                               for p in contents[(row["commit"], row["assistant_id"], row["path"])][1])

    data = {
        "format": FORMAT,
        "generator": f"roster {__version__}",
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ref": ref or "HEAD",
        "head": head,
        "chain": chain.commits,
        "cut": chain.cut,
        "branches": repo.branches(),
        "tags": dict(sorted(tags.items())),
        "commits": commits,
        "assistants": assistants,
        "redacted": redacted_at,
    }
    if environments_at(resolver, head):
        # lazy: loads pydantic (via roster.model); most repositories have no environment files
        from roster.envstatus import published_environments

        data["environments"] = published_environments(roster, head)  # absent without environment files
    summaries = {key: previous.summary(key) if key in fragments and previous else _summary(assistants[key])
                 for key in assistants}
    return PublishedIndex(data, chain, planned, tags_at, skipped, fragments, signatures, summaries, previous)


def entry_signature(stub: dict[str, Any]) -> str:
    """What an assistant's entry is made from (its rows without content): same signature, same entry.

    Content is fixed by (commit, id, path), and the rules that redact it by the generator,
    which a previous site must share to be used at all.
    """
    return hashlib.blake2b(json.dumps(stub, separators=(",", ":")).encode(), digest_size=16).hexdigest()


def _entry(key: str, item: Planned, layout: str, contents: dict[ContentKey, Content] | None) -> dict[str, Any]:
    """An assistant's entry of ``index.json``; without ``contents``, its rows carry no content."""

    def rows(numbered: list[tuple[VersionEntry, int]], files: bool) -> list[dict[str, Any]]:
        out = []
        for e, number in numbered:
            path = f"{layout}/{e.path}" if e.path else None
            row: dict[str, Any] = {"version": number, "commit": e.commit, "pos": e.pos,
                                   "assistant_id": e.assistant_id, "kind": e.kind}
            if contents is not None:
                # A key committed once is never published, in any version: the pages and the
                # per-version files are all made from this content, redacted already.
                row["content"] = contents[(e.commit, e.assistant_id, path)][0]
            row["file"] = version_file(key, number) if files else None
            row["path"] = path
            out.append(row)
        return out

    entry: dict[str, Any] = {"assistant_id": key, "status": item.status, "renamed_to": item.renamed_to,
                             "ended_at": item.ended_at, "deletions": list(item.deletions),
                             "versions": rows(item.versions, True)}
    if item.earlier:
        entry["earlier"] = [{"versions": rows(numbered, False), "deletions": deletions}
                            for numbered, deletions in item.earlier]
    return entry


def entry_rows(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Every version row of an entry, its earlier lineages' too, in the order index.json lists them."""
    return entry["versions"] + [v for lineage in entry.get("earlier", ()) for v in lineage["versions"]]


def _summary(entry: dict[str, Any]) -> tuple[str, str]:
    """(name, graph_id) of an entry's newest version, as the page of all assistants shows it."""
    last = entry["versions"][-1]["content"] if entry["versions"] else {}
    return str(last.get("name") or ""), str(last.get("graph_id") or "")


def version_json(index: PublishedIndex, entry: dict[str, Any], first: dict[str, Any]) -> dict[str, Any]:
    """The per-version file: a version as SPEC section 6 shapes it (``roster history --format json``)."""
    commits = index.data["commits"]
    commit = commits[entry["commit"]]
    return content_json(entry["assistant_id"], entry["content"], version=entry["version"],
                        created_at=commits[first["commit"]]["date"], updated_at=commit["date"], commit=entry["commit"],
                        message=commit["message"], author=commit["author"],
                        tags=version_tags(index.tags_at.get(entry["commit"], ()), entry["assistant_id"]))


# --- which entries, under which keys ------------------------------------------


def _valid(plan: dict[str, Planned]) -> tuple[dict[str, Planned], tuple[str, ...]]:
    """The plan without the ids that could not name a file or link safely.

    History is written by others: ``check`` refuses such names in new changes, but a
    commit on the chain can still hold one. Every id (also of a lineage's earlier
    versions and of a rename's target) must pass the rule ``check`` applies.
    """
    bad: set[str] = set()
    out = {}
    for key, item in plan.items():
        if id_problem(key):
            bad.add(key)
            continue
        kept = [(e, n) for e, n in item.versions if not id_problem(e.assistant_id)]
        if len(kept) != len(item.versions):
            # Earlier versions under a hostile name (renamed since): numbers stay, the page shows a gap.
            bad |= {e.assistant_id for e, _ in item.versions if id_problem(e.assistant_id)}
            item = item._replace(versions=kept)
        if item.earlier:
            item = item._replace(earlier=[([(e, n) for e, n in numbered if not id_problem(e.assistant_id)], deletions)
                                          for numbered, deletions in item.earlier])
        if item.renamed_to is not None and id_problem(item.renamed_to):
            bad.add(item.renamed_to)
            item = item._replace(status="deleted", renamed_to=None)
        out[key] = item
    return out, tuple(sorted(bad))


_WALK_MIN = 500  # versions to check; below this, a tree lookup each is cheaper than walking the chain


class _Background:
    """``fn(*args)`` in a thread; ``result()`` waits for it and returns its value or raises its error."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.value: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self.thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self.value = fn(*args)
        except BaseException as e:  # handed to the thread that waits for the answer
            self.error = e

    def result(self) -> Any:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.value


def _check(repo: Any, folder: str, tip: str, entries: list[VersionEntry]) -> None:
    """Each version's blob is what its commit's tree holds at its path.

    The delta index is a cache kept in ``<git dir>/roster/``; a repository that came as
    an artifact or a restored cache can carry a tampered one, naming any blob of the
    repository as some assistant's version. The trees are the truth.
    """
    # lazy: the git reader and the caches, which a working-tree check never loads
    from roster.git import blobs_at, written_on_chain

    specs = [(e.commit, f"{folder}/{e.path}" if folder else e.path) for e in entries]
    # Many versions: one walk of the chain's changes says what most of them are; a version it
    # does not confirm is looked up in its commit's tree, which has the last word.
    written = written_on_chain(repo, tip, folder) if len(specs) > _WALK_MIN else None
    unsure = [i for i, (e, spec) in enumerate(zip(entries, specs, strict=True))
              if not written or not e.path or written.get(spec) != e.blob]
    for i, found in zip(unsure, blobs_at(repo, [specs[i] for i in unsure]), strict=True):
        e, (commit, path) = entries[i], specs[i]
        if not e.path or found != e.blob:
            raise RosterError(f"the history cache in {repo.path}roster/ disagrees with commit {commit[:12]} "
                              f"({path}); it was tampered with or damaged: delete that folder and publish again")


def _check_paths(plan: dict[str, Planned]) -> None:
    """Refuse the one id layout the pinned file paths cannot hold: ``x`` beside ``x/v1.json``."""
    for key in plan:
        parent, _, last = key.rpartition("/")
        if parent and parent in plan and _VERSION_FILE.match(last):
            raise RosterError(f"cannot publish: the id {key!r} would overwrite the version files of {parent!r} "
                              f"({version_file(parent, 1)}); rename one of them")


# --- content ------------------------------------------------------------------


def _commit_json(repo: Any, commit: str) -> dict[str, Any]:
    info = repo.commit_info(commit)
    return {"date": info.time, "author": {"name": info.author_name, "email": info.author_email},
            "message": info.message}
