"""``index.json``: every assistant and every version, built in one pass (docs/index-format.md).

One pass means: the first-parent chain of the published commit is walked once
(``Resolver.chain``, which reuses the incremental delta index kept in the git
dir), every distinct blob that ever was a version is read once (one ``git
cat-file --batch``) and parsed once. Versions are not validated against the
graph schemas again: the index records what each commit wrote, as ``roster
history`` shows it, valid or not.

A previous ``index.json`` can be handed in: the content of a version is fixed
by (commit, id), so versions already published are taken from it instead of
being read and parsed again; that is what makes a re-publish after one new
commit cheap.
"""
from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.content import named
from roster.content import version_json as content_json
from roster.errors import RosterError
from roster.git import read_blobs
from roster.history import Chain, VersionEntry
from roster.hygiene import redacted, redacted_places
from roster.ids import id_problem, version_tags
from roster.publish.progress import NoProgress, Progress
from roster.refs import resolve_commit
from roster.timeline import Planned, plan
from roster.version import __version__

if TYPE_CHECKING:
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

    @property
    def assistants(self) -> dict[str, Any]:
        return self.data["assistants"]


def version_file(key: str, number: int) -> str:
    """Where the per-version file of version ``number`` of ``key`` lives, relative to the site."""
    return f"assistants/{key}/v{number}.json"


def build_index(roster: Roster, ref: str | None = None, *, previous: dict[str, Any] | None = None,
                progress: Progress | None = None) -> PublishedIndex:
    """The published history of ``ref`` (HEAD by default) of a git-backed ``Roster``."""

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
    entries = [e for item in planned.values() for e, _ in item.versions]
    entries += [e for item in planned.values() for numbered, _ in item.earlier for e, _ in numbered]
    # A version the signed previous index holds at the same commit, id and path was checked by that publish.
    layout = roster.project.layout.assistants
    checked = _previous_rows(previous) if previous else set()
    _verify_entries(repo, resolver.deltas.folder, [e for e in entries if not e.path or (
        e.commit, e.assistant_id, f"{layout}/{e.path}") not in checked])
    contents = _contents(repo, entries, previous, progress)

    # Every commit where an id went away: "it was deleted in commit C (date)" needs its date.
    ended = {gone.commit for gone_list in chain.gone.values() for gone in gone_list}
    wanted_commits = {e.commit for e in entries} | set(tags.values()) | ended | {head}
    known = previous.get("commits") if isinstance(previous, dict) and previous.get("format") == FORMAT else None
    known = known if isinstance(known, dict) else {}
    # Commit facts never change for a commit id: a previous index's are as good as new.
    commits = {c: known.get(c) or _commit_json(repo, c) for c in sorted(wanted_commits)}

    assistants: dict[str, Any] = {}
    redacted_at: list[dict[str, Any]] = []

    def version_rows(key: str, numbered: list[tuple[VersionEntry, int]], files: bool) -> list[dict[str, Any]]:
        rows = []
        for entry, number in numbered:
            # A key committed once is never published, in any version: the pages and the
            # per-version files are all made from this content, redacted already.
            content, places = contents[(entry.commit, entry.assistant_id)]
            redacted_at.extend({"assistant_id": key, "version": number, "path": p} for p in places)
            rows.append({
                "version": number,
                "commit": entry.commit,
                "pos": entry.pos,
                "assistant_id": entry.assistant_id,
                "kind": entry.kind,
                "content": content,
                "file": version_file(key, number) if files else None,
                "path": f"{layout}/{entry.path}" if entry.path else None,
            })
        return rows

    for key in sorted(planned):
        item = planned[key]
        assistants[key] = {"assistant_id": key, "status": item.status, "renamed_to": item.renamed_to,
                           "ended_at": item.ended_at, "deletions": list(item.deletions),
                           "versions": version_rows(key, item.versions, True)}
        if item.earlier:
            assistants[key]["earlier"] = [{"versions": version_rows(key, numbered, False), "deletions": deletions}
                                          for numbered, deletions in item.earlier]

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
    # lazy: loads pydantic (via roster.model)
    from roster.envstatus import published_environments

    environments = published_environments(roster, head)
    if environments:  # absent when the repository has no environment files (docs/index-format.md)
        data["environments"] = environments
    return PublishedIndex(data, chain, planned, tags_at, skipped)


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


def _verify_entries(repo: Any, folder: str, entries: list[VersionEntry]) -> None:
    """Each version's blob is what its commit's tree holds at its path.

    The delta index is a cache kept in ``<git dir>/roster/``; a repository that came as
    an artifact or a restored cache can carry a tampered one, naming any blob of the
    repository as some assistant's version. The trees are the truth: one lookup each.
    """
    # lazy: the git reader and the caches, which a working-tree check never loads
    from roster.git import blobs_at

    specs = [(e.commit, f"{folder}/{e.path}" if folder else e.path) for e in entries]
    for e, (commit, path), found in zip(entries, specs, blobs_at(repo, specs), strict=True):
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


Content = tuple[dict[str, Any], list[str]]  # a version's content, redacted, and where it was (sorted paths)


def _contents(repo: Any, entries: list[VersionEntry], previous: dict[str, Any] | None,
              progress: Progress) -> dict[tuple[str, str], Content]:
    """(commit, id) -> content, redacted; from the previous index where it has them, else parsed
    and scanned for secrets once per blob."""
    out: dict[tuple[str, str], Content] = {}
    if previous:
        known = _previous_places(previous)
        for old in _previous_versions(previous):
            at = (old["commit"], old["assistant_id"])
            if at not in out:
                # The previous index is ours (its manifest is signed) and made by this same version:
                # its content is redacted and its list says where. Without that list, scan again.
                places = known.get(at)
                out[at] = (old["content"], places) if places is not None else _scanned(old["content"])
    todo = [e for e in entries if (e.commit, e.assistant_id) not in out]
    blobs = list(dict.fromkeys(e.blob for e in todo))
    progress.stage("reading versions", len(blobs))
    raws = read_blobs(repo, blobs, progress.update)
    progress.stage("parsing versions", len(blobs))
    parsed = _parse_all(raws, progress)
    for e in todo:
        base, places = parsed[e.blob]
        # The name defaults to the id the assistant had in that version (as Resolver does).
        content = named(base, e.assistant_id)
        if not base.get("name"):
            content, places = _scanned(content)  # the id is now a value of the content too
        out[(e.commit, e.assistant_id)] = (content, places)
    return out


def _scanned(content: dict[str, Any]) -> Content:
    places = redacted_places(content, marked=True)
    return (redacted(content) if places else content), places


def _previous_rows(previous: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(commit, id, path) of every version the previous index took content for."""
    return {(v["commit"], v["assistant_id"], v["path"]) for v in _previous_versions(previous)
            if all(isinstance(v.get(field), str) for field in ("commit", "assistant_id", "path"))}


def _previous_places(previous: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """(commit, id) -> where the previous index redacted that version's content.

    Its ``redacted`` list names (key, version number); only keys without earlier
    lineages are taken, where a number names one version (the others are scanned again).
    """
    assistants = previous.get("assistants")
    rows = previous.get("redacted")
    if not isinstance(assistants, dict) or not isinstance(rows, list):
        return {}
    at: dict[tuple[Any, Any], tuple[Any, Any]] = {}  # (key, number) -> (commit, id)
    for key, a in assistants.items():
        if not isinstance(a, dict) or "earlier" in a or not isinstance(a.get("versions"), list):
            continue
        for v in a["versions"]:
            if isinstance(v, dict) and isinstance(v.get("version"), int):
                at[(key, v["version"])] = (v.get("commit"), v.get("assistant_id"))
    out: dict[tuple[str, str], list[str]] = {place: [] for place in at.values()}
    for r in rows:
        if not isinstance(r, dict) or not isinstance(r.get("path"), str):
            return {}  # not a list this version writes: scan everything again
        where = at.get((r.get("assistant_id"), r.get("version")))
        if where is not None:
            out[where].append(r["path"])
    return {k: sorted(v) for k, v in out.items()}


def _previous_versions(previous: dict[str, Any]) -> Iterable[dict[str, Any]]:
    if not isinstance(previous, dict) or previous.get("format") != FORMAT or previous.get("cut"):
        return []
    assistants = previous.get("assistants")
    if not isinstance(assistants, dict):
        return []
    return [v for a in assistants.values() if isinstance(a, dict) for v in a.get("versions") or ()
            if isinstance(v, dict) and isinstance(v.get("content"), dict) and "commit" in v and "assistant_id" in v]


_PARALLEL_MIN = 1500  # below this, starting worker processes costs more than it saves
_CHUNK = 400


def _parse_all(raws: dict[str, bytes], progress: Progress) -> dict[str, Content]:
    """blob -> content (``name`` None when the file sets none), redacted, on every core for large histories.

    Parsing YAML and scanning it for secrets are the CPU-bound steps of a publish (~3 s
    for 13,000 versions on one core); the workers are forked (Linux) and only parse
    bytes, they never touch the repository.
    """
    items = list(raws.items())
    workers = min(os.cpu_count() or 1, 8)
    out: dict[str, Content] = {}
    if len(items) >= _PARALLEL_MIN and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        chunks = [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for part in pool.imap_unordered(_parse_chunk, chunks):
                    out.update(part)
                    progress.update(len(out))
            return out
        except (OSError, multiprocessing.ProcessError):
            out.clear()  # cannot fork here (limits, sandbox): parse in this process instead
    for i, (blob, raw) in enumerate(items):
        out[blob] = _parse(raw)
        if i % 128 == 0:
            progress.update(i)
    progress.update(len(out), force=True)
    return out


def _parse_chunk(items: list[tuple[str, bytes]]) -> dict[str, Content]:
    return {blob: _parse(raw) for blob, raw in items}


def _parse(raw: bytes) -> Content:
    """The content ``roster history`` shows for a version (one function for both), redacted."""
    from roster.model import file_content  # lazy: pydantic

    return _scanned(file_content(raw))


def _commit_json(repo: Any, commit: str) -> dict[str, Any]:
    info = repo.commit_info(commit)
    return {"date": info.time, "author": {"name": info.author_name, "email": info.author_email},
            "message": info.message}
