"""Every file of a published site, described before it is made.

A file with a signature is the same bytes as long as its signature is: a re-publish
keeps it without making it again. The others (the pages that say when the site was
published, ``index.json``) are made every time and kept when their bytes are unchanged.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import NamedTuple

from roster.publish.index import PublishedIndex, version_json
from roster.publish.indexfile import Span, dump
from roster.publish.site import SCRIPT, assets_digest, pages, script


class SiteFile(NamedTuple):
    path: str  # relative to the site folder
    signature: str | None  # None: made every time
    make: Callable[[], bytes]


class IndexFile(NamedTuple):
    """``index.json`` as written, and where its parts lie (for the manifest)."""

    data: bytes
    keys: dict[str, Span]
    members: dict[str, Span]


def site_files(index: PublishedIndex, title: str) -> tuple[list[SiteFile], dict[str, list[SiteFile]], IndexFile]:
    """(the site-wide files, each assistant's files: its versions then its page, ``index.json``)."""
    data, keys, members = dump(index.data, index.fragments)
    indexed = IndexFile(data, keys, members)
    all_pages = pages(index, title=title)
    common = [
        SiteFile("index.json", None, lambda: data),
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
    per_key: dict[str, list[SiteFile]] = {}
    tags_at = index.tags_at
    for key, page in zip(index.assistants, all_pages[2:], strict=True):
        # A version file is made from its row and its first version's (all in the entry, whose signature
        # covers them), and the tags on its commit.
        base = index.signatures[key]
        files = [SiteFile(v["file"], f'{base}:{",".join(tags_at[v["commit"]])}' if v["commit"] in tags_at else base,
                          _version_maker(index, key, n)) for n, v in enumerate(index.assistants[key]["versions"])]
        files.append(SiteFile(page.path, page.signature, _text(page.render)))
        per_key[key] = files
    return common, per_key, indexed


def _text(render: Callable[[], str]) -> Callable[[], bytes]:
    return lambda: render().encode("utf-8")


def _version_maker(index: PublishedIndex, key: str, n: int) -> Callable[[], bytes]:
    def make() -> bytes:
        versions = index.full(key)["versions"]
        return (json.dumps(version_json(index, versions[n], versions[0]), ensure_ascii=False) + "\n").encode("utf-8")
    return make
