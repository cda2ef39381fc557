"""Committed content whose verdict is known: its fields without jsonschema or pydantic.

``roster show`` and ``roster history`` answer from here when they can, so a
process that reads content validated before imports neither library (SPEC
section 8); anything not known here goes the full way through ``Resolver``,
which records the verdicts this module reads.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from roster import listings
from roster.catalog import scan_assistants
from roster.content import FIELDS, assistant_fields, assistant_json, from_valid
from roster.ids import check_id, version_tags
from roster.refs import resolve_commit
from roster.source import FILE
from roster.timeline import versions_at
from roster.verdicts import VALID, verdict_key
from roster.yamlload import YamlError, load_bytes

if TYPE_CHECKING:
    from roster.git import Repo
    from roster.resolve import Resolver
    from roster.roster import Roster
    from roster.source import Layout
    from roster.yamlload import Document


def schema_key(repo: Repo, commit: str, layout: Layout, graph_id: Any) -> str | None:
    """What an assistant of ``graph_id`` is checked against at ``commit``, named by blob ids.

    The schema file's blob when there is one; else langgraph.json's blob (which
    says whether the graph exists without a schema). None: not cacheable.
    """
    if not isinstance(graph_id, str) or not graph_id or "/" in graph_id:
        return None
    tree = repo.tree_id(commit)
    entry = repo.entry_at(tree, layout.schema_path(graph_id))
    if entry is not None:
        return f"schema:{entry.key}" if entry.kind == FILE else None
    langgraph = repo.entry_at(tree, layout.langgraph_json)
    if langgraph is None:
        return "no-schema:-"
    return f"no-schema:{langgraph.key}" if langgraph.kind == FILE else None


_schema_keys: dict[tuple[str, str, str, Any], str | None] = {}


def key_for(repo: Repo, commit: str, layout: Layout, blob: str, data: Any) -> bytes | None:
    """The verdict key of an assistant blob whose loaded mapping is ``data``."""
    graph_id = data.get("graph_id") if isinstance(data, dict) else None
    if not isinstance(graph_id, str):
        return None
    # A commit names its schemas for good: listing 1,000 assistants looks each graph up once.
    memo = (repo.path, commit, layout.prefix, graph_id)
    if memo in _schema_keys:
        schema = _schema_keys[memo]
    else:
        schema = schema_key(repo, commit, layout, graph_id)
        if len(_schema_keys) > 4096:
            _schema_keys.clear()
        _schema_keys[memo] = schema
    return verdict_key(blob, schema) if schema is not None else None


def plain_fields(data: dict[str, Any], assistant_id: str) -> dict[str, Any]:
    """The fields of a file known to be valid, exactly as Resolver builds them from the
    parsed AssistantFile (config without unset keys, in the model's order)."""
    return assistant_fields(from_valid(data), assistant_id)


def known_fields(resolver: Resolver, raw: bytes, blob: str, commit: str,
                 assistant_id: str) -> tuple[Document | None, dict[str, Any] | None]:
    """The loaded document (None: not YAML), and the fields when its verdict is known valid."""

    try:
        doc = load_bytes(raw)
    except YamlError:
        return None, None
    key = key_for(resolver.repo, commit, resolver.layout, blob, doc.data)
    if key is None or resolver.verdicts.get(key) != VALID:
        return doc, None
    return doc, plain_fields(doc.data, assistant_id)


# --- light views for the CLI's reporters (same attributes and JSON as the models) ----------


class AuthorView(NamedTuple):
    name: str
    email: str


class AssistantView:
    """What ``roster show`` renders, without building the pydantic model."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.__dict__.update(version=None, commit=None, created_at=None, updated_at=None, path="")
        self.__dict__.update(fields)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)

    def content(self) -> dict[str, Any]:
        return {k: self.__dict__.get(k) for k in FIELDS}  # a listing cached before a field existed lacks it

    def as_json(self) -> dict[str, Any]:
        d = self.__dict__
        return assistant_json(d["assistant_id"], self.content(), version=d["version"], created_at=d["created_at"],
                              updated_at=d["updated_at"], commit=d["commit"])


class VersionRow(NamedTuple):
    """One line of ``roster history`` (text): commit facts only, no content."""

    assistant_id: str
    version: int
    commit: str
    updated_at: str
    author: AuthorView
    message: str
    tags: tuple[str, ...]


def show(roster: Roster, spec: str) -> AssistantView | None:
    """``roster show SPEC`` from known verdicts; None: take the full way (``Roster.get``)."""
    resolver = roster.ready()
    # The same (id, commit) as Roster.get: version numbers, environment pins, refs.
    assistant_id, commit = roster.target(spec)
    fields = resolver.get_fields(assistant_id, commit, known_only=True)
    return AssistantView(fields) if fields is not None else None


def listing(roster: Roster, ref: str | None, graph_id: str | None,
            metadata: dict[str, Any] | None) -> list[AssistantView] | None:
    """``roster list`` from known verdicts; None when any assistant there is not known yet
    (``Roster.list`` then validates them, and the next listing is known)."""
    # lazy: the git reader (pygit2 only for the reads it leaves), not needed to check a working tree
    from roster.git import TreeSource

    resolver = roster.ready()
    commit = resolve_commit(resolver.repo, ref) if ref else resolver.head()
    folder = resolver.layout.assistants
    slug = folder.replace("/", "__")
    rows = listings.load(resolver.repo.path, slug, folder, commit)
    if rows is None:
        entries, _ = scan_assistants(TreeSource(resolver.repo, commit), resolver.layout)
        rows = []
        for item in entries:
            fields = resolver.get_fields(item.assistant_id, commit, known_only=True)
            if fields is None:
                return None
            rows.append(fields)
        if not resolver.chain_containing(commit)[0].cut:
            listings.write(resolver.repo.path, slug, folder, commit, rows)
    out = []
    for fields in rows:
        # The filter of Assistant.matches.
        if graph_id is not None and fields["graph_id"] != graph_id:
            continue
        if metadata and not all(fields["metadata"].get(k) == v for k, v in metadata.items()):
            continue
        out.append(AssistantView(fields))
    return out


def history(roster: Roster, assistant_id: str, ref: str | None) -> list[VersionRow]:
    """The lines of ``roster history ID`` (text): the same versions as ``Roster.history``,
    read from commits alone (the text shows no content, so no file is parsed)."""

    check_id(assistant_id)
    resolver = roster.ready()
    tip = resolve_commit(resolver.repo, ref) if ref else resolver.head()
    chain, lineage = resolver.lineage(assistant_id, tip)
    rows = []
    for number, entry in enumerate(versions_at(chain, lineage), 1):
        info = resolver.repo.commit_info(entry.commit)
        rows.append(VersionRow(entry.assistant_id, number, entry.commit, info.time,
                               AuthorView(info.author_name, info.author_email), info.message,
                               tuple(version_tags(resolver.tags_at(entry.commit), entry.assistant_id))))
    rows.reverse()
    return rows
