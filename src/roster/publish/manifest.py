"""The signed manifest of a published site: what each file is, and what it was made from.

A previous site is the cache of a re-publish, and a cache nobody vouches for is
not believed: a pull request can commit a ``_site/``, a restored artifact can bring
one. The manifest lists every file of the site with its SHA-256, its size and the
stamp the file system gave it (mtime, ctime, inode), the signature of the inputs of
each page and per-version file, and where each assistant's entry lies in
``index.json``. It is signed with a key kept in the repository's git dir, which no
commit can write.

A file is taken as the one the manifest describes when its stamp is unchanged (as
git's index does: nothing can set a ctime back), else when its bytes still hash to
the recorded digest; anything else is rewritten or removed.
"""
from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.cachetrust import usable

if TYPE_CHECKING:
    from roster.roster import Roster

NAME = ".roster-publish"  # the signed manifest; not part of the site proper
FORMAT = 3
_MAGIC = b"roster-publish 3 "
_MAX = 256 << 20

Stamp = list[int]  # size, mtime_ns, ctime_ns, inode


class Manifest(NamedTuple):
    generator: str
    files: dict[str, list[Any]]  # path in the site -> [sha256, size, mtime_ns, ctime_ns, inode]
    sigs: dict[str, str]  # path -> signature of what it was made from (assistant pages, version files)
    keys: dict[str, list[Any]]  # assistant key -> [signature of its entry, start, end, name, graph_id]
    members: dict[str, list[int]]  # "commits", "redacted" -> [start, end] in index.json
    releases: dict[str, Any]  # the older part of releases.html: its span, and what it was made from


def stamp(st: os.stat_result) -> Stamp:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def dumps(manifest: Manifest, key: bytes) -> bytes:
    # marshal: ~10x faster than JSON for ~15,000 records, and only ever read back after its
    # signature is checked (what this repository's publish wrote, with this Python).
    return sign(key, marshal.dumps({"format": FORMAT, **manifest._asdict()}))


def sign(key: bytes, body: bytes) -> bytes:
    """``body`` with a header that says this repository's publish wrote it."""
    return _MAGIC + hmac.new(key, body, hashlib.sha256).hexdigest().encode() + b"\n" + body


def signed_body(key: bytes, raw: bytes) -> bytes | None:
    """The body of what ``sign`` wrote with ``key``; None for anything else."""
    if len(raw) > _MAX or not raw.startswith(_MAGIC):
        return None
    mac, _, body = raw[len(_MAGIC):].partition(b"\n")
    if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).hexdigest().encode()):
        return None
    return body


def load(folder: Path, key: bytes) -> Manifest | None:
    """The manifest of the site in ``folder`` when this repository's key signed it; else None."""
    try:
        with open(folder / NAME, "rb") as f:
            raw = f.read(_MAX + 1)
    except OSError:
        return None
    body = signed_body(key, raw)
    if body is None:
        return None
    try:
        data = marshal.loads(body)
        manifest = Manifest(**{field: data[field] for field in Manifest._fields})
    except (ValueError, KeyError, TypeError, EOFError):
        return None
    if data.get("format") != FORMAT or not all(isinstance(v, dict) for v in manifest[1:]):
        return None
    return manifest


class Found(NamedTuple):
    """What a site folder holds, checked against its manifest."""

    kept: dict[str, list[Any]]  # path -> its record (refreshed stamp): the file is the one described
    other: list[str]  # every other file, symlink or special file (paths relative to the folder)
    dirs: list[str]  # every folder, parents first


def survey(folder: Path, manifest: Manifest) -> Found:
    """Walk the site: which files are the ones the manifest describes, and what else is there."""
    kept: dict[str, list[Any]] = {}
    other: list[str] = []
    dirs: list[str] = []
    todo = [""]
    while todo:
        rel_dir = todo.pop()
        try:
            entries = list(os.scandir(folder / rel_dir if rel_dir else folder))
        except OSError:
            continue
        for e in entries:
            rel = f"{rel_dir}/{e.name}" if rel_dir else e.name
            if rel == NAME:
                continue
            if e.is_dir(follow_symlinks=False):
                dirs.append(rel)
                todo.append(rel)
                continue
            record = manifest.files.get(rel)
            if record is None or not e.is_file(follow_symlinks=False):
                other.append(rel)
                continue
            try:
                now = stamp(e.stat(follow_symlinks=False))
            except OSError:
                other.append(rel)
                continue
            if now == record[1:]:
                kept[rel] = record
            elif now[0] == record[1] and _digest(e.path) == record[0]:
                kept[rel] = [record[0], *now]  # copied or restored: same bytes, new stamp
            else:
                other.append(rel)
    dirs.sort(key=lambda d: d.count("/"))
    return Found(kept, other, dirs)


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def site_key(roster: Roster) -> bytes:
    """The key that signs a site's manifest: in the git dir, which no commit or pull request can write."""
    if not usable(roster.repository.path):  # a key that came with a restored repository signs nothing here
        return secrets.token_bytes(32)
    folder = Path(roster.repository.path) / "roster"
    path = folder / "site.key"
    try:
        with open(path, "rb") as f:
            key = f.read(64)
        if len(key) >= 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".site.key.")
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only git dir: this run reuses nothing, and the next one neither
    return key
