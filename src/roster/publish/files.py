"""Every file of a published site, described before it is made.

A file with a signature is the same bytes as long as its signature is: a re-publish
keeps it without making it again. The others (the pages that say when the site was
published, ``index.json``) are made every time and kept when their bytes are unchanged.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, NamedTuple

from roster.publish.index import PublishedIndex, entry_rows, version_json
from roster.publish.indexfile import Span, dump
from roster.publish.site import SCRIPT, KeptReleases, Releases, assets_digest, pages, script


class SiteFile(NamedTuple):
    path: str  # relative to the site folder
    signature: str | None  # None: made every time
    make: Callable[[], bytes]


class IndexFile:
    """``index.json`` as written, and where its parts lie (for the manifest).

    Made on first use: a fresh publish serialises it while the workers write the rest.
    """

    def __init__(self, index: PublishedIndex) -> None:
        self.index = index
        self.notes: dict[str, Releases] = {}  # what releases.html was made of, once it is made
        self._made: tuple[bytes, dict[str, Span], dict[str, Span]] | None = None

    def _make(self) -> tuple[bytes, dict[str, Span], dict[str, Span]]:
        if self._made is None:
            self._made = dump(self.index.data, self.index.fragments)
        return self._made

    @property
    def data(self) -> bytes:
        return self._make()[0]

    @property
    def keys(self) -> dict[str, Span]:
        return self._make()[1]

    @property
    def members(self) -> dict[str, Span]:
        return self._make()[2]


def releases_record(index: PublishedIndex, made: Releases) -> dict[str, Any]:
    """What the manifest keeps of releases.html: where its older part is, and what it was made from."""
    return {"upto": made.upto, "span": list(made.older), "chain": _chain_digest(index, made.upto),
            "tags": _tags_digest(index, made.upto)}


def kept_releases(index: PublishedIndex) -> KeptReleases | None:
    """The older part of the previous releases.html, when history up to its last release is the same.

    Those sections show, for each release, how the assistants changed since the one
    before: fixed by the chain up to there, the tags on it, and each assistant's versions,
    deletions and renamed status up to there. Assistants whose entry is unchanged
    (``index.fragments``) are compared by construction; the others row by row.
    """
    previous = index.previous
    record = previous.manifest.releases if previous is not None else None
    if previous is None or not isinstance(record, dict):
        return None
    upto, span = record.get("upto"), record.get("span")
    if not isinstance(upto, int) or upto < 0 or not (isinstance(span, list) and len(span) == 2
                                                     and all(isinstance(x, int) for x in span)):
        return None
    if len(index.data["chain"]) <= upto or record.get("chain") != _chain_digest(index, upto) \
            or record.get("tags") != _tags_digest(index, upto):
        return None
    if any(key not in index.assistants for key in previous.manifest.keys):
        return None  # an assistant is gone from history: it was rewritten
    for key, entry in index.assistants.items():
        if key in index.fragments:
            continue
        old = previous.entry(key) if previous.has(key) else None
        if _before(entry, upto) != _before(old, upto):
            return None
    raw = previous.read("releases.html")
    if raw is None or span[1] > len(raw) or not 0 <= span[0] <= span[1]:
        return None
    try:
        return KeptReleases(upto, raw[span[0]:span[1]].decode("utf-8"))
    except UnicodeDecodeError:
        return None


def _before(entry: dict[str, Any] | None, upto: int) -> tuple[Any, ...]:
    """What the releases up to chain position ``upto`` show of one assistant."""
    if entry is None:
        return (False, (), ())
    rows = entry_rows(entry)
    return (entry.get("status") == "renamed",
            tuple((v["pos"], v["version"], v["commit"], v["assistant_id"], v["kind"]) for v in rows
                  if v["pos"] <= upto),
            tuple(d for d in entry.get("deletions") or () if d <= upto))


def _chain_digest(index: PublishedIndex, upto: int) -> str:
    return hashlib.sha256("\n".join(index.data["chain"][:upto + 1]).encode()).hexdigest()


def _tags_digest(index: PublishedIndex, upto: int) -> str:
    pos = len(index.data["chain"])
    chain_pos = {c: i for i, c in enumerate(index.data["chain"][:upto + 1])}
    # With whether each is a release: `x@y` is an assistant's own tag when `x` is an assistant (site._split_tags).
    tags = sorted((name, commit, name.partition("@")[0] in index.assistants) for name, commit
                  in index.data["tags"].items() if chain_pos.get(commit, pos) <= upto)
    return hashlib.sha256(json.dumps(tags).encode()).hexdigest()


def site_files(index: PublishedIndex, title: str) -> tuple[list[SiteFile], dict[str, KeyFiles], IndexFile]:
    """(the site-wide files, each assistant's files: its versions then its page, ``index.json``)."""
    indexed = IndexFile(index)
    all_pages = pages(index, title=title, kept=kept_releases(index), notes=indexed.notes)
    common = [
        SiteFile("index.json", None, lambda: indexed.data),
        SiteFile(all_pages[0].path, None, _text(all_pages[0].render)),
        SiteFile(all_pages[1].path, None, _text(all_pages[1].render)),
        SiteFile(SCRIPT, assets_digest(), lambda: script().encode()),
        # GitHub Pages served from a branch must not drop files named _x.
        SiteFile(".nojekyll", "", lambda: b""),
    ]
    if index.data.get("environments"):
        # lazy: the page of environments is only made for a repository that has them
        from roster.publish.envpage import environments_page

        common.append(SiteFile("environments.html", None, lambda: environments_page(index, title=title).encode()))
    # Same tags as the last publish: an assistant whose entry is the same has the same version files.
    tags_same = index.previous is not None and index.previous.tags() == index.data["tags"]
    per_key = {key: KeyFiles(index, key, SiteFile(page.path, page.signature, _text(page.render)),
                             tags_same and key in index.fragments)
               for key, page in zip(index.assistants, all_pages[2:], strict=True)}
    return common, per_key, indexed


class KeyFiles:
    """An assistant's files: its version files, then its page."""

    def __init__(self, index: PublishedIndex, key: str, page: SiteFile, same: bool) -> None:
        self.index = index
        self.key = key
        self.page = page
        self.same = same  # its version files are the previous publish's (same entry, same tags)
        self._files: list[SiteFile] | None = None

    def paths(self) -> list[str]:
        return [v["file"] for v in self.index.assistants[self.key]["versions"]] + [self.page.path]

    def files(self) -> list[SiteFile]:
        if self._files is None:
            # A version file is made from its row and its first version's (all in the entry, whose
            # signature covers them), and the tags on its commit.
            base = self.index.signatures[self.key]
            tags_at = self.index.tags_at
            index, key = self.index, self.key
            self._files = [SiteFile(v["file"], f'{base}:{",".join(tags_at[v["commit"]])}' if v["commit"] in tags_at
                                    else base, _version_maker(index, key, n))
                           for n, v in enumerate(index.assistants[key]["versions"])]
            self._files.append(self.page)
        return self._files


def _text(render: Callable[[], str]) -> Callable[[], bytes]:
    return lambda: render().encode("utf-8")


def _version_maker(index: PublishedIndex, key: str, n: int) -> Callable[[], bytes]:
    def make() -> bytes:
        versions = index.full(key)["versions"]
        return (json.dumps(version_json(index, versions[n], versions[0]), ensure_ascii=False) + "\n").encode("utf-8")
    return make
