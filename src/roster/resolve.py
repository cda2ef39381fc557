"""Resolving assistants at commits: loading, validating, numbering, caching.

Everything here is keyed by immutable git ids (commit, blob), so cached results
never go stale; only the ref -> commit step is re-checked when refs move.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, overload

from roster import lineages
from roster.catalog import Graphs, load_assistant
from roster.content import assistant_fields, named
from roster.errors import InvalidAssistant, UnknownAssistant, UnknownRef
from roster.git import Repo, TreeSource
from roster.history import Chain, DeltaIndex, Lineage, VersionEntry
from roster.ids import SUFFIXES, version_tags
from roster.known import key_for, known_fields
from roster.lineages import AnyChain, LazyChain
from roster.problems import Problem
from roster.refs import resolve_commit
from roster.source import FILE, Layout
from roster.timeline import find_lineage, missing_message, numbered
from roster.timeline import version_entry as numbered_entry
from roster.verdicts import VALID, VerdictStore

if TYPE_CHECKING:  # pydantic and jsonschema are imported only when content must be validated
    from roster.catalog import Graphs
    from roster.model import Assistant, Version


class Resolver:
    """One repository's assistants by commit; safe to share between threads."""

    def __init__(self, repo: Repo, layout: Layout, *, refresh_interval: float = 1.0) -> None:
        self.repo = repo
        self.layout = layout
        self.refresh_interval = refresh_interval
        self._deltas: DeltaIndex | None = None
        self.verdicts = VerdictStore(repo.path)
        self._lock = threading.RLock()
        self._chains: dict[str, AnyChain] = {}
        self._graphs: dict[str, Graphs] = {}
        self._assistants: dict[tuple[str, str], Assistant] = {}
        self._commit_times: dict[str, Any] = {}
        self._graphs_keys: dict[str, str] = {}  # commit -> graphs_key: a commit names its tree for good
        self._refs: dict[tuple[str, str], str] = {}
        self._tags: dict[str, list[str]] | None = None
        self._tag_names: frozenset[str] | None = None
        self._parsed: dict[tuple[str, str, str], tuple[dict[str, Any] | None, list[Any]]] = {}
        self._fingerprint: Any = None
        self._checked_at: float | None = None  # monotonic; None: never checked (not 0.0: that is boot time)
        self.generation = 0

    @property
    def deltas(self) -> DeltaIndex:
        # Loaded on first use: a chain kept on disk (roster.lineages) needs no delta at all.
        with self._lock:
            if self._deltas is None:
                self._deltas = DeltaIndex(self.repo, self.layout.assistants)
            return self._deltas

    # --- freshness ------------------------------------------------------------

    def maybe_refresh(self, force: bool = False) -> bool:
        """Forget ref resolutions when refs moved (checked at most once per interval); True when they had."""
        now = time.monotonic()
        checked = self._checked_at
        if not force and checked is not None and now - checked < self.refresh_interval:
            return False
        fingerprint = self.repo.refs_fingerprint()
        with self._lock:
            self._checked_at = now
            if fingerprint == self._fingerprint:
                return False
            first, self._fingerprint = self._fingerprint is None, fingerprint
            if first:
                return False  # the first look: nothing cached yet, nothing moved
            self._refs.clear()
            self._tags = None
            self._tag_names = None
            self.generation += 1
            return True

    # --- refs -----------------------------------------------------------------

    def commit_for(self, assistant_id: str, ref: str | None) -> str:
        """The commit of ``assistant_id@ref`` for a ref that is not a version number:
        the own tag ``ID@ref``, else the repo-wide ref (not environment files: see roster.lookup)."""
        ref = ref or "HEAD"
        own = self.own_tag(assistant_id, ref) if ref != "HEAD" else None
        return own if own is not None else self.ref_commit(ref)

    def own_tag(self, assistant_id: str, label: str) -> str | None:
        """The commit of the tag ``ID@label``; None when there is none."""
        name = f"{assistant_id}@{label}"
        if name not in self.tag_names():
            return None
        return self._cached(("tag", name), lambda: self.repo.ref_target(f"refs/tags/{name}"),
                            f"tag {name!r} points at no commit")

    def ref_commit(self, ref: str) -> str:
        """A repo-wide ref's commit: the same for every assistant, so cached per refresh."""
        return self._cached(("", ref), lambda: resolve_commit(self.repo, ref), "")

    def _cached(self, key: tuple[str, str], find: Callable[[], str | None], missing: str) -> str:
        with self._lock:
            hit = self._refs.get(key)
        if hit is None:
            hit = find()
            if hit is None:
                raise UnknownRef(missing)
            with self._lock:
                self._refs[key] = hit
        return hit

    def tag_names(self) -> frozenset[str]:
        """Every tag name, listed once per refresh (per-assistant tags are looked up here)."""
        with self._lock:
            names = self._tag_names
        if names is None:
            names = frozenset(self.repo.tag_names())
            with self._lock:
                self._tag_names = names
        return names

    def head(self) -> str:
        key = ("", "HEAD")
        with self._lock:
            hit = self._refs.get(key)
        if hit is None:
            hit = self.repo.head()
            with self._lock:
                self._refs[key] = hit
        return hit

    def tags_at(self, commit: str) -> list[str]:
        with self._lock:
            if self._tags is None:
                self._tags = self.repo.tags_by_commit()
            return self._tags.get(commit, [])

    # --- chains and versions --------------------------------------------------

    @overload
    def chain(self, tip: str, *, whole: Literal[True]) -> Chain: ...

    @overload
    def chain(self, tip: str, *, whole: bool = False) -> AnyChain: ...

    def chain(self, tip: str, *, whole: bool = False) -> AnyChain:
        """The first-parent chain of ``tip``; ``whole``: with every lineage listed (publish),
        else it may be read from disk one assistant at a time (roster.lineages)."""

        with self._lock:
            found = self._chains.get(tip)
            if found is not None and not (whole and isinstance(found, LazyChain)):
                return found
            for known in self._chains.values():
                if tip in known.pos and known.pos[tip] == len(known.commits) - 1:
                    if not (whole and isinstance(known, LazyChain)):
                        return known
            slug = self.layout.assistants.replace("/", "__")
            kept = None if whole else lineages.load(self.repo.path, slug, self.layout.assistants, tip)
            chain: AnyChain
            if kept is not None:
                chain = kept
            else:
                chain = self.deltas.chain(tip)
                if not whole or not lineages.kept(self.repo.path, slug, tip):
                    lineages.write(self.repo.path, slug, self.layout.assistants, tip, chain)
            if len(self._chains) > 16:
                self._chains.pop(next(iter(self._chains)))
            self._chains[tip] = chain
            return chain

    def chain_containing(self, commit: str) -> tuple[AnyChain, int]:
        """A chain on which ``commit`` lies (HEAD's when it does), and its position there."""
        with self._lock:
            for chain in self._chains.values():
                pos = chain.pos.get(commit)
                if pos is not None:
                    return chain, pos
        try:
            head_chain = self.chain(self.head())
            pos = head_chain.pos.get(commit)
            if pos is not None:
                return head_chain, pos
        except UnknownRef:
            pass
        chain = self.chain(commit)
        return chain, len(chain.commits) - 1

    def lineage(self, assistant_id: str, tip: str | None = None) -> tuple[AnyChain, Lineage]:
        chain = self.chain(tip or self.head())
        return chain, find_lineage(chain, assistant_id)

    def version_entry(self, assistant_id: str, number: int, tip: str | None = None) -> VersionEntry:
        return numbered_entry(self.chain(tip or self.head()), assistant_id, number)

    # --- loading --------------------------------------------------------------

    def graphs_key(self, commit: str) -> str:
        """What the graphs at a commit depend on: the schemas/ tree and langgraph.json blob."""
        with self._lock:
            hit = self._graphs_keys.get(commit)
        if hit is not None:  # a get asks twice (its parse cache key, then its graphs)
            return hit
        tree = self.repo.tree_id(commit)
        schemas = self.repo.subtree_id(tree, self.layout.schemas) or "-"
        langgraph = self.repo.entry_at(tree, self.layout.langgraph_json)
        key = f"{schemas}:{langgraph.key if langgraph is not None else '-'}"
        with self._lock:
            if len(self._graphs_keys) > 4096:
                self._graphs_keys.clear()
            self._graphs_keys[commit] = key
        return key

    def graphs_at(self, commit: str) -> Graphs:
        key = self.graphs_key(commit)

        with self._lock:
            graphs = self._graphs.get(key)
            if graphs is None:
                graphs = Graphs(TreeSource(self.repo, commit), self.layout)
                if len(self._graphs) > 256:
                    self._graphs.pop(next(iter(self._graphs)))
                self._graphs[key] = graphs
            return graphs

    def get(self, assistant_id: str, commit: str, *, validate: bool = True) -> Assistant:
        key = (assistant_id, commit)
        with self._lock:
            hit = self._assistants.get(key)
        if hit is not None:
            return hit
        # lazy: loads pydantic
        from roster.model import Assistant

        fields = self.get_fields(assistant_id, commit, validate=validate)
        assert fields is not None
        assistant = Assistant(**fields)
        with self._lock:
            self._assistants[key] = assistant
        return assistant

    def get_fields(self, assistant_id: str, commit: str, *, validate: bool = True,
                   known_only: bool = False) -> dict[str, Any] | None:
        """The fields of ``Assistant`` for one assistant at one commit, numbering included.

        ``known_only``: None unless the content's verdict is already known (so that
        neither jsonschema nor pydantic is imported); errors are raised as by ``get``.
        """
        source = TreeSource(self.repo, commit)
        found = [e for e in (source.find(f"{self.layout.assistants}/{assistant_id}{suffix}") for suffix in SUFFIXES)
                 if e is not None]
        if len(found) > 1:  # x.yaml and x.yml: SPEC section 1 makes this an error, not a silent pick

            raise InvalidAssistant(assistant_id, [Problem(
                "error", found[1].path, 1, 1, "",
                f"two files map to the id {assistant_id!r}: {found[0].path} and {found[1].path}", assistant_id)])
        entry = found[0] if found else None
        if entry is None or entry.kind != FILE:
            raise UnknownAssistant(self._missing_message(assistant_id, commit))
        graphs_key = self.graphs_key(commit)
        parsed_key = (entry.path, entry.key, graphs_key)
        with self._lock:
            cached = self._parsed.get(parsed_key)
        if cached is None:
            # Content and schemas are identified by git ids: the same file under the same
            # schemas at another commit (most files, between two tags) is parsed once.
            raw = self.repo.read_blob(entry.key)

            doc, fields = known_fields(self, raw, entry.key, commit, assistant_id)
            if fields is not None:
                problems: list[Any] = []
            elif known_only:
                return None
            else:
                fields, problems = self._validate(doc, raw, entry.key, entry.path, assistant_id, commit)
            with self._lock:
                self._parsed[parsed_key] = (fields, problems)
        else:
            fields, problems = cached
        errors = [p for p in problems if p.severity == "error"]
        if fields is None or (validate and errors):
            raise InvalidAssistant(assistant_id, errors or problems)
        return dict(fields, assistant_id=assistant_id, path=entry.path, **self._numbering(assistant_id, commit))

    def _validate(self, doc: Any, raw: bytes, blob: str, path: str, assistant_id: str,
                  commit: str) -> tuple[dict[str, Any] | None, list[Any]]:
        """Validate (jsonschema, pydantic) a loaded document; a valid file's verdict is kept."""
        # lazy: loads pydantic (via roster.model)
        from roster.rules import check_document

        graphs = self.graphs_at(commit)
        if doc is None:  # not YAML: the loader's own error, located
            parsed, problems = load_assistant(raw, path=path, assistant_id=assistant_id, graphs=graphs)
        else:
            parsed, problems = check_document(doc, path=path, assistant_id=assistant_id, graphs=graphs.lookup,
                                              known_graphs=graphs.known)
        if parsed is None:
            return None, problems
        if not any(p.severity == "error" for p in problems):
            key = key_for(self.repo, commit, self.layout, blob, {"graph_id": parsed.graph_id})
            if key is not None:
                self.verdicts.put(key, VALID)
        return named(parsed.content(), assistant_id), problems

    def _numbering(self, assistant_id: str, commit: str) -> dict[str, Any]:
        chain, pos = self.chain_containing(commit)
        found = numbered(chain, assistant_id, pos)
        if found is None:
            return {}
        return dict(version=found.number, commit=found.entry.commit, created_at=self.commit_time(found.first.commit),
                    updated_at=self.commit_time(found.entry.commit))

    def commit_time(self, commit: str) -> str:
        with self._lock:
            hit = self._commit_times.get(commit)
        if hit is None:
            hit = self.repo.commit_info(commit).time
            with self._lock:
                self._commit_times[commit] = hit
        return hit

    def _missing_message(self, assistant_id: str, commit: str) -> str:
        try:
            chain, pos = self.chain_containing(commit)
        except UnknownRef:
            return f"no assistant {assistant_id!r} at commit {commit[:12]}"
        return missing_message(chain, assistant_id, commit, pos, self.commit_time)

    def version(self, entry: VersionEntry, number: int, lineage: Lineage) -> Version:
        """A Version from a lineage entry: the content as that commit wrote it."""
        # History shows what each commit wrote, valid or not then: parse, never validate.
        from roster.model import Author, Version, file_content  # lazy: pydantic

        info = self.repo.commit_info(entry.commit)
        fields = assistant_fields(file_content(self.repo.read_blob(entry.blob)), entry.assistant_id)
        return Version(**fields, version=number, commit=entry.commit,
                       created_at=self.commit_time(lineage.entries[0].commit), updated_at=info.time,
                       message=info.message, author=Author(name=info.author_name, email=info.author_email),
                       tags=tuple(version_tags(self.tags_at(entry.commit), entry.assistant_id)))


