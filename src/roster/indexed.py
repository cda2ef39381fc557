"""``Roster.from_index``: a read-only Roster over a published ``index.json``.

A service that only reads assistants does not need git at all: ``roster
publish`` writes every version of every assistant into ``index.json``
(docs/index-format.md), which any static host or CDN serves. This module reads
it back (an ``http(s)://`` URL, a ``file://`` URL, a file, or a folder holding
``index.json``) and answers ``get``/``list``/``history``/``diff`` with the same
``Assistant``/``Version`` objects as the git-backed ``Roster`` for the published
commit, and the same error classes.

What it cannot do, by construction:
- resolve commits that are not on the published first-parent chain (an
  unmerged branch, a tag on a side branch): ``UnknownRef`` says so;
- validate: the index records what each commit wrote, so an assistant that was
  invalid at a commit is returned as written (the publisher's ``check`` is the gate);
- revision expressions beyond ``REF~N`` and ``REF^`` (walked on the chain).

Refreshing downloads the file again with ``If-None-Match``/``If-Modified-Since``
when the server sent an ``ETag``/``Last-Modified`` (a 304 costs one round trip
and no parsing); a local file is re-read only when its size or mtime changed.
Each download is parsed into an immutable snapshot and swapped in whole, so
threads always read one consistent index.
"""
from __future__ import annotations

import bisect
import builtins
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Sequence
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from roster.content import assistant_fields, diffable
from roster.errors import HistoryCut, RemoteError, UnknownAssistant, UnknownRef, UsageError
from roster.ids import nearest_hint, version_tags
from roster.model import Assistant, Author, Version
from roster.remote import Staleness, redact

FORMAT = 1
USER_AGENT = "roster (index reader)"
_SUFFIX = re.compile(r"(?P<base>.+?)(?P<ops>(?:~[0-9]*|\^1?)*)\Z")
_HEX = re.compile(r"[0-9a-fA-F]{7,40}\Z")


class _Gone(NamedTuple):
    pos: int
    commit: str
    renamed_to: str | None
    last: dict[str, Any]  # the last version the id had before it went


class _Snapshot:
    """One parsed ``index.json``; never changed after it is built."""

    def __init__(self, data: Any, source: str) -> None:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise RemoteError(f"{source}: not a Roster index.json of format {FORMAT} (format: {found!r})")
        try:
            self._build(data)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise RemoteError(f"{source}: malformed index.json ({type(e).__name__}: {e})") from e
        self.hot: dict[tuple[str, str | None], Assistant] = {}

    def _build(self, data: dict[str, Any]) -> None:
        self.head: str = data["head"]
        self.generated_at: str | None = data.get("generated_at")
        self.chain: list[str] = list(data["chain"])
        environments = data.get("environments") or {}  # absent in indexes of repositories without them
        self.environments: dict[str, Any] = {k: v for k, v in environments.items() if isinstance(v, dict)}
        self.pos = {c: i for i, c in enumerate(self.chain)}
        self.cut = bool(data.get("cut"))
        self.branches: dict[str, str] = dict(data.get("branches") or {})
        self.tags: dict[str, str] = dict(data.get("tags") or {})
        self.commits: dict[str, dict[str, Any]] = dict(data.get("commits") or {})
        self.tags_at: dict[str, list[str]] = {}
        for name, commit in sorted(self.tags.items()):
            self.tags_at.setdefault(commit, []).append(name)
        entries: dict[str, dict[str, Any]] = data["assistants"]

        # Lineages: one per entry that is not a rename stub (a renamed id's
        # versions live in full under the id it was renamed to).
        self.lineages: list[list[dict[str, Any]]] = []
        self.key_lineage: dict[str, int] = {}
        where: dict[tuple[str, str], int] = {}
        deletions: dict[int, list[int]] = {}
        for key, entry in entries.items():
            if entry.get("status") == "renamed":
                continue
            li = len(self.lineages)
            versions = sorted(entry["versions"], key=lambda v: v["pos"])
            self.lineages.append(versions)
            self.key_lineage[key] = li
            for v in versions:
                where[(v["commit"], v["assistant_id"])] = li
            ends = [int(p) for p in entry.get("deletions") or ()]
            ended = entry.get("ended_at")
            if entry.get("status") == "deleted" and ended in self.pos:
                ends.append(self.pos[ended])
            deletions[li] = sorted(set(ends))
        for key, entry in entries.items():
            if entry.get("status") != "renamed":
                continue
            versions = entry["versions"]
            found = where.get((versions[-1]["commit"], versions[-1]["assistant_id"])) if versions else None
            if found is None:  # not found in any lineage: keep what the entry has
                li = len(self.lineages)
                self.lineages.append(sorted(versions, key=lambda v: v["pos"]))
                deletions[li] = []
            else:
                li = found
            self.key_lineage[key] = li
        self.version_pos = [[v["pos"] for v in versions] for versions in self.lineages]

        # Each id's timeline: (position, lineage index, or None once it is gone), as history.Chain keeps it.
        timeline: dict[str, list[tuple[int, int | None]]] = {}
        self.gone: dict[str, list[_Gone]] = {}
        for li, versions in enumerate(self.lineages):
            events: list[tuple[int, int, Any]] = [(v["pos"], 1, v) for v in versions]
            events += [(d, 0, None) for d in deletions.get(li, ())]
            events.sort(key=lambda e: (e[0], e[1]))
            current: str | None = None
            last: dict[str, Any] | None = None
            for pos, _, v in events:
                if v is None:  # deleted here
                    if current is not None and last is not None:
                        timeline.setdefault(current, []).append((pos, None))
                        self.gone.setdefault(current, []).append(_Gone(pos, self.chain[pos], None, last))
                    current = None
                    continue
                new_id = v["assistant_id"]
                if current is not None and current != new_id and last is not None:
                    timeline.setdefault(current, []).append((pos, None))
                    self.gone.setdefault(current, []).append(_Gone(pos, self.chain[pos], new_id, last))
                if current != new_id:
                    timeline.setdefault(new_id, []).append((pos, li))
                current, last = new_id, v
        for events_of in timeline.values():
            events_of.sort(key=lambda e: (e[0], e[1] is not None))
        for gone in self.gone.values():
            gone.sort(key=lambda g: g.pos)
        self.timeline = timeline
        self.timeline_pos = {k: [p for p, _ in ev] for k, ev in timeline.items()}
        self.folder = _folder(self.lineages)

    # --- lineages ---

    def lineage_at(self, assistant_id: str, pos: int) -> int | None:
        events = self.timeline.get(assistant_id)
        if not events:
            return None
        i = bisect.bisect_right(self.timeline_pos[assistant_id], pos) - 1
        return events[i][1] if i >= 0 else None

    def last_lineage(self, assistant_id: str, pos: int) -> int | None:
        events = self.timeline.get(assistant_id) or []
        i = bisect.bisect_right(self.timeline_pos.get(assistant_id, []), pos) - 1
        while i >= 0:
            if events[i][1] is not None:
                return events[i][1]
            i -= 1
        return None

    def count_at(self, li: int, pos: int) -> int:
        return bisect.bisect_right(self.version_pos[li], pos)

    def date(self, commit: str) -> str | None:
        info = self.commits.get(commit)
        return info.get("date") if info else None

    # --- refs ---

    def resolve(self, ref: str) -> str:
        """A repo-wide ref to a commit on the published chain (SPEC section 4 order)."""
        if ref == "HEAD":
            return self.head
        m = _SUFFIX.match(ref)
        base, ops = (m.group("base"), m.group("ops")) if m else (ref, "")
        commit = self._resolve_base(base, ref)
        if not ops:
            return self._on_chain(commit, ref)
        pos = self._position(commit, ref)
        back = sum(int(n or 1) for n in re.findall(r"~([0-9]*)", ops)) + len(re.findall(r"\^", ops))
        if pos - back < 0:
            raise UnknownRef(f"unknown ref {ref!r}: the published history has only {pos + 1} commit(s) "
                             f"up to {commit[:12]}")
        return self.chain[pos - back]

    def _resolve_base(self, name: str, whole: str) -> str:
        if name == "HEAD":
            return self.head
        if name.startswith("refs/heads/") and name[11:] in self.branches:
            return self.branches[name[11:]]
        if name.startswith("refs/tags/") and name[10:] in self.tags:
            return self.tags[name[10:]]
        branch = self.branches.get(name)
        if branch is None and name.startswith("origin/"):
            branch = self.branches.get(name[7:])
        tag = self.tags.get(name)
        if branch and tag and branch != tag:
            raise UnknownRef(f"ref {name!r} is ambiguous: both a branch ({branch[:12]}) and a tag ({tag[:12]}); "
                             f"use refs/heads/{name} or refs/tags/{name}")
        if branch:
            return branch
        if tag:
            return tag
        if _HEX.match(name):
            low = name.lower()
            found = {c for c in self.chain if c.startswith(low)} | {c for c in self.commits if c.startswith(low)}
            if len(found) > 1:
                raise UnknownRef(f"ref {name!r} is ambiguous: more than one commit id starts with it")
            if found:
                return found.pop()
        raise UnknownRef(f"unknown ref {whole!r} (tried: branch {name}, tag {name}, commit id, "
                         f"and ~N/^ on the published history of the index)")

    def _position(self, commit: str, ref: str) -> int:
        pos = self.pos.get(commit)
        if pos is None:
            raise UnknownRef(f"ref {ref!r} is commit {commit[:12]}, which is not on the published history "
                             f"(the first-parent chain of {self.head[:12]}); the index cannot answer for it")
        return pos

    def _on_chain(self, commit: str, ref: str) -> str:
        self._position(commit, ref)
        return commit

    def commit_for(self, assistant_id: str, ref: str | None) -> tuple[str, int | None]:
        from roster.refs import is_version_number

        ref = ref or "HEAD"
        if is_version_number(ref):
            number = int(ref)
            entry = self.version_entry(assistant_id, number)
            return entry["commit"], number
        env = self.environments.get(ref)
        if env is not None:  # SPEC 4: the environment file first
            run = (env.get("runs") or {}).get(assistant_id)
            if run is None:
                raise UnknownAssistant(f"environment {ref!r} ({env.get('path')}) does not run {assistant_id!r}")
            if not run.get("commit"):
                raise UnknownRef(f"environment {ref!r}: {run.get('error') or 'its pin does not resolve'}")
            if isinstance(run.get("version"), int) and run["commit"] in self.pos:
                return run["commit"], run["version"]
            return self._on_chain(run["commit"], f"{assistant_id}@{ref}"), None
        own = self.tags.get(f"{assistant_id}@{ref}") if ref != "HEAD" else None  # ID@HEAD never pins the default
        if own is not None:
            return self._on_chain(own, f"{assistant_id}@{ref}"), None
        return self.resolve(ref), None

    # --- versions ---

    def lineage(self, assistant_id: str, pos: int) -> int:
        li = self.lineage_at(assistant_id, pos)
        if li is None:
            li = self.last_lineage(assistant_id, pos)
        if li is None:
            hint = self._renamed_hint(assistant_id, pos) or nearest_hint(assistant_id, self.timeline)
            raise UnknownAssistant(f"no assistant {assistant_id!r} in the history of {self.chain[pos][:12]}{hint}")
        return li

    def _renamed_hint(self, assistant_id: str, pos: int) -> str:
        from roster.history import gone_hint

        return gone_hint([g for g in self.gone.get(assistant_id, ()) if g.pos <= pos])

    def version_entry(self, assistant_id: str, number: int) -> dict[str, Any]:
        self._check_cut()
        li = self.lineage(assistant_id, len(self.chain) - 1)
        versions = self.lineages[li]
        if not 1 <= number <= len(versions):
            raise UnknownRef(f"assistant {assistant_id!r} has {len(versions)} version(s); "
                             f"there is no version {number}")
        return versions[number - 1]

    def _check_cut(self) -> None:
        if self.cut:
            start = self.chain[0][:12] if self.chain else "?"
            raise HistoryCut(f"the index was published from a shallow clone (history cut at commit {start}): "
                             f"it holds no versions; publish from a full clone (fetch-depth: 0)")

    def assistant_at(self, assistant_id: str, commit: str) -> Assistant:
        """The assistant as it is at ``commit`` (a commit on the chain)."""
        self._check_cut()
        pos = self.pos[commit]
        li = self.lineage_at(assistant_id, pos)
        if li is None:
            raise UnknownAssistant(self._missing_message(assistant_id, commit, pos))
        versions = self.lineages[li]
        number = self.count_at(li, pos)
        entry = versions[number - 1]
        content = entry["content"]
        return Assistant(
            **assistant_fields(content, assistant_id),
            path=entry.get("path") or f"{self.folder}/{assistant_id}.yaml",
            version=number, commit=entry["commit"], created_at=self.date(versions[0]["commit"]),
            updated_at=self.date(entry["commit"]))

    def _missing_message(self, assistant_id: str, commit: str, pos: int) -> str:
        message = f"no assistant {assistant_id!r} at commit {commit[:12]}"
        for gone in reversed(self.gone.get(assistant_id, ())):
            if gone.pos > pos:
                continue
            li = self.lineage_at(assistant_id, gone.pos - 1) if gone.pos else None
            number = self.count_at(li, gone.pos - 1) if li is not None else None
            version = f" (last version {number}, commit {gone.last['commit'][:12]})" if number else ""
            date = self.date(gone.commit)
            when = f" ({date})" if date else ""
            if gone.renamed_to:
                return f"{message}: it was renamed to {gone.renamed_to!r} in commit {gone.commit[:12]}{when}{version}"
            return f"{message}: it was deleted in commit {gone.commit[:12]}{when}{version}"
        return message + nearest_hint(assistant_id, (other for other, _ in self.ids_at(pos)))

    def version(self, li: int, number: int) -> Version:
        versions = self.lineages[li]
        entry = versions[number - 1]
        content = entry["content"]
        info = self.commits.get(entry["commit"]) or {}
        author = info.get("author") or {}
        assistant_id = entry["assistant_id"]
        return Version(
            **assistant_fields(content, assistant_id),
            version=number, commit=entry["commit"],  # no path: a version is content, as Resolver.version gives it
            created_at=self.date(versions[0]["commit"]), updated_at=info.get("date"),
            message=info.get("message") or "",
            author=Author(name=author.get("name") or "", email=author.get("email") or ""),
            tags=tuple(version_tags(self.tags_at.get(entry["commit"], ()), assistant_id)))

    def ids_at(self, pos: int) -> list[tuple[str, dict[str, Any]]]:
        """(id, the version it has at ``pos``) of every assistant alive there."""
        out = []
        for assistant_id in self.timeline:
            li = self.lineage_at(assistant_id, pos)
            if li is not None:
                out.append((assistant_id, self.lineages[li][self.count_at(li, pos) - 1]))
        return out


def _folder(lineages: list[list[dict[str, Any]]]) -> str:
    """The assistants folder, from a version's file path when the index records one."""
    for versions in lineages:
        for v in versions:
            path, assistant_id = v.get("path"), v.get("assistant_id")
            if isinstance(path, str) and isinstance(assistant_id, str):
                stem = os.path.splitext(path)[0]
                if stem.endswith("/" + assistant_id):
                    return stem[: -len(assistant_id) - 1]
    return "assistants"


def _sort_key(assistant_id: str, entry: dict[str, Any], folder: str) -> str:
    # The order of the git-backed list(): by file path (so "a.b" comes before "a").
    return entry.get("path") or f"{folder}/{assistant_id}.yaml"


# --- fetching the file ---------------------------------------------------------------


class _Loader:
    """Where index.json lives and how to get it again cheaply."""

    def __init__(self, location: str, timeout: float) -> None:
        self.timeout = timeout
        self.etag: str | None = None
        self.last_modified: str | None = None
        self.local_digest: bytes | None = None
        text = os.fspath(location)
        if re.match(r"https?://", text, re.IGNORECASE):
            from roster.http import check_url

            check_url(text, "the index URL")
            parts = urlsplit(text)
            if not parts.path.endswith(".json"):
                text = text.split("?", 1)[0].rstrip("/") + "/index.json"
            self.url: str | None = text
            self.path: str | None = None
        else:
            if text.lower().startswith("file://"):
                text = unquote(urlsplit(text).path)
            path = os.path.abspath(text)
            if os.path.isdir(path):
                path = os.path.join(path, "index.json")
            self.url, self.path = None, path
        self.display = redact(self.url) if self.url else self.path or text

    def load(self) -> bytes | None:
        """The file's bytes, or None when it has not changed since the last load."""
        return self._load_url() if self.url else self._load_path()

    def _load_path(self) -> bytes | None:
        assert self.path is not None
        try:
            with open(self.path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise RemoteError(f"cannot read {self.path}: {e.strerror or e}") from e
        # Compared by content, not by stat(): a rewrite within one mtime tick, at the
        # same size, is still seen. Reading a local file is cheap next to parsing it.
        digest = hashlib.blake2b(data, digest_size=16).digest()
        if digest == self.local_digest:
            return None
        self.local_digest = digest
        return data

    def _load_url(self) -> bytes | None:
        import urllib.error

        from roster.http import HTTPStatus, send

        assert self.url is not None
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "gzip"}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        try:
            # send() keeps credentials in the URL away from the resolver, follows no redirect to
            # another host, and bounds the time, the size and the inflated size of the answer.
            response = send(self.url, headers=headers, timeout=self.timeout)
        except HTTPStatus as e:
            if e.status == 304:
                return None
            raise RemoteError(f"cannot download {self.display}: HTTP {e.status}") from None
        except RemoteError as e:
            raise RemoteError(f"cannot download {self.display}: {e}") from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", None) or e
            raise RemoteError(f"cannot download {self.display}: {reason}") from None
        self.etag, self.last_modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        return response.body


# --- the read-only Roster ---------------------------------------------------------------


class IndexRoster:
    """A read-only Roster over a published ``index.json`` (see the module docstring).

    Thread-safe. ``refresh_interval`` (seconds): a call that finds the last
    download older than that starts one in a background thread and answers from
    the current copy meanwhile (default None: only ``refresh()`` downloads again).
    """

    read_only = True  # what needs a repository (publish, check, promote) refuses it as a usage error

    def __init__(self, location: str, *, refresh_interval: float | None = None, timeout: float = 30.0) -> None:
        self._loader = _Loader(location, timeout)
        self._refresh_interval = refresh_interval
        self._lock = threading.Lock()  # one download at a time
        self._state_lock = threading.Lock()
        self._background: threading.Thread | None = None
        self._last_attempt = time.monotonic()
        self._last_success: float | None = None
        self._error: str | None = None
        self._failed_at: float | None = None
        data = self._loader.load()
        assert data is not None
        self._snap = self._parse(data)
        self._last_success = time.time()

    def __repr__(self) -> str:
        return f"Roster.from_index({self._loader.display!r})"

    @property
    def source(self) -> str:
        """Where the index is read from (a URL without credentials, or a path)."""
        return self._loader.display

    @property
    def head(self) -> str:
        """The published commit."""
        return self._snap.head

    @property
    def generated_at(self) -> str | None:
        return self._snap.generated_at

    def _parse(self, data: bytes) -> _Snapshot:
        try:
            parsed = json.loads(data)
        except (ValueError, UnicodeDecodeError) as e:
            raise RemoteError(f"{self._loader.display}: not valid JSON ({e})") from None
        return _Snapshot(parsed, self._loader.display)

    # --- freshness ---

    def refresh(self) -> bool:
        """Download the index again now; True when it changed. Raises RemoteError on failure
        (the copy in memory keeps serving; ``staleness()`` reports the failure)."""
        started = time.time()
        with self._state_lock:
            self._last_attempt = time.monotonic()
        with self._lock:
            try:
                data = self._loader.load()
                snap = self._parse(data) if data is not None else None
            except RemoteError as e:
                with self._state_lock:
                    self._error, self._failed_at = str(e), started
                raise
            if snap is not None:
                self._snap = snap
            with self._state_lock:
                self._last_success, self._error, self._failed_at = time.time(), None, None
        return snap is not None

    def staleness(self) -> Staleness:
        """Time since the index was last downloaded (or confirmed unchanged), and the last failure."""
        with self._state_lock:
            last, error, failed_at = self._last_success, self._error, self._failed_at
        return Staleness(self._loader.display, last, None if last is None else max(0.0, time.time() - last),
                         error, failed_at)

    def _maybe_refresh(self) -> None:
        if self._refresh_interval is not None:
            from roster.background import start_if_due

            start_if_due(self, self._refresh_interval, self._background_refresh, f"roster-index {self._loader.display}")

    def _background_refresh(self) -> None:
        try:
            self.refresh()
        except RemoteError:
            pass  # recorded for staleness(); the copy in memory keeps serving

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background download (tests, shutdown)."""
        thread = self._background
        if thread is not None:
            thread.join(timeout)

    # --- the Roster API ---

    def get(self, spec: str, ref: str | None = None) -> Assistant:
        """The assistant ``ID[@REF]`` (SPEC section 4) as published."""
        self._maybe_refresh()
        snap = self._snap
        key = (spec, ref)
        hit = snap.hot.get(key)
        if hit is not None:
            return hit
        from roster.refs import parse_spec

        parsed = parse_spec(spec, ref)
        commit, number = snap.commit_for(parsed.assistant_id, parsed.ref)
        if number is not None:
            entry = snap.version_entry(parsed.assistant_id, number)
            assistant = snap.assistant_at(entry["assistant_id"], entry["commit"])
        else:
            assistant = snap.assistant_at(parsed.assistant_id, commit)
        snap.hot[key] = assistant
        return assistant

    def list(self, ref: str | None = None, graph_id: str | None = None,
             metadata: dict[str, Any] | None = None, *, env: str | None = None) -> list[Assistant]:
        """Every assistant at ``ref`` (the published commit by default), optionally filtered.

        With ``env``: what that environment ran when the index was published, each at its pin.
        """
        from roster.refs import check_ref_text

        self._maybe_refresh()
        snap = self._snap
        if env is not None:
            if ref is not None:
                raise UsageError("a published index knows its environments at the published commit only; "
                                 "drop --ref")
            runs = (snap.environments.get(env) or {}).get("runs")
            ids = sorted(runs) if isinstance(runs, dict) else sorted(
                t.rpartition("@")[0] for t in snap.tags if t.rpartition("@")[2] == env and "@" in t)
            if not ids and env not in snap.environments:
                raise UnknownRef(f"no environment {env!r} in the published index (no environment file and no "
                                 f"tag ID@{env})")
            found = [self.get(f"{i}@{env}") for i in ids]
            return [a for a in found if a.matches(graph_id, metadata)]
        snap._check_cut()
        commit = snap.resolve(check_ref_text(ref)) if ref else snap.head
        pos = snap.pos[commit]
        alive = sorted(snap.ids_at(pos), key=lambda item: _sort_key(item[0], item[1], snap.folder))
        out = []
        for assistant_id, _ in alive:
            assistant = snap.assistant_at(assistant_id, commit)
            if assistant.matches(graph_id, metadata):
                out.append(assistant)
        return out

    def history(self, assistant_id: str, ref: str | None = None) -> builtins.list[Version]:
        """Versions along the published chain up to ``ref``, newest first."""
        from roster.ids import check_id
        from roster.refs import check_ref_text

        check_id(assistant_id)
        self._maybe_refresh()
        snap = self._snap
        tip = snap.resolve(check_ref_text(ref)) if ref else snap.head
        pos = snap.pos[tip]
        li = snap.lineage(assistant_id, pos)
        snap._check_cut()
        count = snap.count_at(li, pos)
        versions = [snap.version(li, n) for n in range(1, count + 1)]
        versions.reverse()
        return versions

    def diff(self, spec_a: str, spec_b: str) -> Any:
        """Field-level changes from ``spec_a`` to ``spec_b`` (a ``roster.roster.Diff``)."""
        from roster.diff import diff_values
        from roster.roster import Diff

        old, new = self.get(spec_a), self.get(spec_b)
        return Diff(old, new, diff_values(diffable(old), diffable(new)))

    def check(self, *args: Any, **kwargs: Any) -> Any:
        raise UsageError(f"{self.source} is a published index: it is read-only and already checked; "
                         f"run check on the repository")

    def promote(self, *args: Any, **kwargs: Any) -> Any:
        raise UsageError(f"{self.source} is a published index: it is read-only; promote in the repository, "
                         f"push the tag, and publish again")

    promote_all = promote

    def environments(self, ref: str | None = None) -> Sequence[Any]:
        """The environment files as published (``index.json``'s ``environments``)."""
        from roster.envstatus import Environment

        if ref is not None:
            raise UsageError("a published index knows its environments at the published commit only")
        return [Environment(name, env.get("path"), env.get("url"), env.get("default"), dict(env.get("pins") or {}))
                for name, env in sorted(self._snap.environments.items())]

