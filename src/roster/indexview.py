"""One downloaded ``index.json``, answering as the git backend does.

The history is the one model (``history.Chain``, replayed by ``roster.indexchain``)
and is asked the same questions through ``roster.timeline``; refs resolve through
``refs.resolve_commit`` over ``IndexRefs``; ``ID@REF`` follows ``lookup.resolve_target``.
What differs is only where things come from: content from the index instead of
blobs, commit facts from its ``commits``, environments from what the publisher
resolved. A snapshot never changes after it is built.
"""
from __future__ import annotations

import re

from roster.content import assistant_fields
from roster.errors import HistoryCut, RosterError, UnknownAssistant, UnknownRef
from roster.history import VersionEntry
from roster.ids import version_tags
from roster.indexchain import Published
from roster.model import Assistant, Author, Version
from roster.refs import resolve_commit
from roster.timeline import missing_message, numbered
from roster.timeline import version_entry as numbered_entry

_SUFFIX = re.compile(r"(?P<base>.+?)(?P<ops>(?:~[0-9]*|\^1?)*)\Z")
_HEX = re.compile(r"[0-9a-fA-F]{7,40}\Z")
# The errors a publisher may have recorded for an environment's pin, raised again by name.
_PIN_ERRORS: dict[str, type[RosterError]] = {"UnknownRef": UnknownRef, "UnknownAssistant": UnknownAssistant,
                                             "HistoryCut": HistoryCut}


class IndexRefs:
    """The published refs (``refs.RefStore``): branches and tags as the publisher had them,
    revision expressions ``REF~N``/``REF^`` walked on the published chain."""

    def __init__(self, pub: Published) -> None:
        self.pub = pub

    def has_commits(self) -> bool:
        return bool(self.pub.chain.commits)

    def head(self) -> str:
        return self.pub.head

    def ref_target(self, name: str) -> str | None:
        if name.startswith("refs/heads/"):
            return self.pub.branches.get(name[len("refs/heads/"):])
        if name.startswith("refs/tags/"):
            return self.pub.tags.get(name[len("refs/tags/"):])
        return None  # remote-tracking refs are not published

    def commit_from_hex(self, text: str) -> list[str]:
        if not _HEX.match(text):
            return []
        low = text.lower()
        return sorted({c for c in self.pub.chain.commits if c.startswith(low)}
                      | {c for c in self.pub.commits if c.startswith(low)})

    def revparse_commit(self, rev: str) -> str | None:
        if re.search(r"\^[2-9]", rev):
            raise UnknownRef(f"ref {rev!r} follows a parent other than the first, which is not on the published "
                             f"history (the first-parent chain of {self.pub.head[:12]}); the index "
                             f"cannot answer for it")
        m = _SUFFIX.match(rev)
        base, ops = (m.group("base"), m.group("ops")) if m else (rev, "")
        commit = self._base(base)
        if commit is None or not ops:
            return commit
        pos = self.pub.chain.pos.get(commit)
        if pos is None:
            raise UnknownRef(not_published(rev, commit, self.pub.head))
        back = sum(int(n or 1) for n in re.findall(r"~([0-9]*)", ops)) + len(re.findall(r"\^", ops))
        return self.pub.chain.commits[pos - back] if pos - back >= 0 else None

    def _base(self, name: str) -> str | None:
        if name == "HEAD":
            return self.pub.head
        found = self.ref_target(name) or self.ref_target(f"refs/heads/{name}")
        if found is None and name.startswith("origin/"):
            found = self.pub.branches.get(name[len("origin/"):])
        found = found or self.ref_target(f"refs/tags/{name}")
        if found is None:
            matches = self.commit_from_hex(name)
            found = matches[0] if len(matches) == 1 else None
        return found


def not_published(ref: str, commit: str, head: str) -> str:
    return (f"ref {ref!r} is commit {commit[:12]}, which is not on the published history "
            f"(the first-parent chain of {head[:12]}); the index cannot answer for it")


class Snapshot:
    """One parsed index: ``lookup.Targets`` for ``ID@REF``, and assistants and versions by commit."""

    def __init__(self, pub: Published) -> None:
        self.pub = pub
        self.chain = pub.chain
        self.refs = IndexRefs(pub)
        self.hot: dict[tuple[str, str | None], Assistant] = {}
        self.tags_at: dict[str, list[str]] = {}
        for name, commit in sorted(pub.tags.items()):
            self.tags_at.setdefault(commit, []).append(name)
        # The layout's rule: environments/ beside assistants/ (both under a monorepo's root).
        root = pub.folder.rpartition("/")[0]
        self.environments_folder = f"{root}/environments" if root else "environments"

    def check_cut(self) -> None:
        if self.chain.cut:
            start = self.chain.commits[0][:12] if self.chain.commits else "?"
            raise HistoryCut(f"the index was published from a shallow clone (history cut at commit {start}): "
                             f"it holds no versions; publish from a full clone (fetch-depth: 0)")

    def date(self, commit: str) -> str | None:
        info = self.pub.commits.get(commit)
        return info.get("date") if info else None

    def position(self, commit: str, ref: str) -> int:
        pos = self.chain.pos.get(commit)
        if pos is None:
            raise UnknownRef(not_published(ref, commit, self.pub.head))
        return pos

    # --- lookup.Targets ---

    def version_target(self, assistant_id: str, number: int) -> tuple[str, str]:
        self.check_cut()
        entry = numbered_entry(self.chain, assistant_id, number)
        return entry.assistant_id, entry.commit

    def env_target(self, assistant_id: str, label: str) -> tuple[str, str] | None:
        """What the publisher resolved for ``environments/<label>.yaml`` at the published commit."""
        env = self.pub.environments.get(label)
        if env is None:
            return None
        runs = env.get("runs")
        run = runs.get(assistant_id) if isinstance(runs, dict) else None
        if not isinstance(run, dict):
            default = env.get("default")
            if not isinstance(default, str):
                raise UnknownAssistant(f"environment {label!r} ({env.get('path')}) does not list {assistant_id!r} "
                                       f"and sets no default")
            return assistant_id, self.ref_commit(default)
        commit, then = run.get("commit"), run.get("assistant_id")
        if not isinstance(commit, str) or not isinstance(then, str):
            error = _PIN_ERRORS.get(str(run.get("error_type")), UnknownRef)
            raise error(str(run.get("error") or f"environment {label!r}: its pin does not resolve"))
        return then, commit

    def own_tag(self, assistant_id: str, label: str) -> str | None:
        return self.pub.tags.get(f"{assistant_id}@{label}")

    def ref_commit(self, ref: str) -> str:
        return resolve_commit(self.refs, ref)

    # --- answers ---

    def assistant_at(self, assistant_id: str, commit: str, ref: str) -> Assistant:
        """The assistant as it is at ``commit`` (``ref``: what the caller asked for, for messages)."""
        self.check_cut()
        pos = self.position(commit, ref)
        found = numbered(self.chain, assistant_id, pos)
        if found is None:
            raise UnknownAssistant(missing_message(self.chain, assistant_id, commit, pos, self.date))
        entry = found.entry
        return Assistant(**assistant_fields(self.pub.contents[entry.blob], assistant_id),
                         path=self.path(entry), version=found.number, commit=entry.commit,
                         created_at=self.date(found.first.commit), updated_at=self.date(entry.commit))

    def path(self, entry: VersionEntry) -> str:
        folder = self.pub.folder
        return f"{folder}/{entry.path}" if folder else entry.path

    def version(self, entry: VersionEntry, number: int, first: VersionEntry) -> Version:
        info = self.pub.commits.get(entry.commit) or {}
        author = info.get("author") or {}
        return Version(
            **assistant_fields(self.pub.contents[entry.blob], entry.assistant_id),
            version=number, commit=entry.commit,  # no path: a version is content, as Resolver.version gives it
            created_at=self.date(first.commit), updated_at=info.get("date"),
            message=info.get("message") or "",
            author=Author(name=author.get("name") or "", email=author.get("email") or ""),
            tags=tuple(version_tags(self.tags_at.get(entry.commit, ()), entry.assistant_id)))

