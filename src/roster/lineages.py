"""A built chain kept on disk per assistant: one assistant's versions without every commit.

Building a chain (``history.Chain``) means loading every commit's delta and
walking them all; ``roster show`` needs one assistant's lineage of it. So a
chain built for a tip is also written to ``<git dir>/roster/`` as a directory
of per-assistant records; the next process reads the directory and the one
record it needs. A tip names its chain for good (commits never change), so a
file is right or it is not used: each part carries a checksum, and a file that
does not match its header, tip or folder is ignored. Chains cut by a shallow
clone are not kept (a later unshallow changes them).
"""
from __future__ import annotations

import marshal
import os
import threading
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

from roster.cachetrust import read_kept, usable
from roster.history import Chain, Gone, Lineage, VersionEntry, last_of, lineage_in

MAGIC = b"RSTRLIN1"
FORMAT = 1
KEEP = 4  # snapshots kept per folder (HEAD's, and a few release tags' for `history --ref`)
_HEAD = len(MAGIC) + 8


def _path(git_dir: str, slug: str, tip: str) -> str:
    return os.path.join(git_dir, "roster", f"lineages-{slug}-{tip}.bin")


def kept(git_dir: str, slug: str, tip: str) -> bool:
    return usable(git_dir) and os.path.exists(_path(git_dir, slug, tip))


def write(git_dir: str, slug: str, folder: str, tip: str, chain: Chain) -> None:
    """Keep ``chain`` (the whole chain of ``tip``, not cut) on disk; failures only cost speed."""
    if chain.cut or not usable(git_dir):
        return
    commits = b"".join(bytes.fromhex(c) for c in chain.commits)
    parts: list[bytes] = [commits]
    directory: dict[str, tuple[int, int]] = {}
    offset = len(commits)
    for assistant_id, events in chain.timeline.items():
        blob = marshal.dumps(_record(events, chain.gone.get(assistant_id, [])))
        directory[assistant_id] = (offset, len(blob))
        parts.append(blob)
        offset += len(blob)
    body_crc = 0
    for part in parts:
        body_crc = zlib.crc32(part, body_crc)
    header = marshal.dumps((FORMAT, folder, tip, len(chain.commits), body_crc, directory))
    path = _path(git_dir, slug, tip)
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(MAGIC + len(header).to_bytes(4, "big") + zlib.crc32(header).to_bytes(4, "big") + header)
            f.writelines(parts)
        os.replace(tmp, path)
        _prune(os.path.dirname(path), f"lineages-{slug}-")
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _record(events: list[tuple[int, Lineage | None]], gone: list[Gone]) -> tuple[Any, ...]:
    local: dict[int, int] = {}
    lineages: list[tuple[Any, ...]] = []
    out_events = []
    for pos, lineage in events:
        if lineage is None:
            out_events.append((pos, -1))
            continue
        if id(lineage) not in local:
            local[id(lineage)] = len(lineages)
            lineages.append((tuple(tuple(e) for e in lineage.entries), lineage.ended))
        out_events.append((pos, local[id(lineage)]))
    gone_rows = tuple((g.pos, g.commit, g.renamed_to, tuple(g.last)) for g in gone)
    return tuple(out_events), tuple(lineages), gone_rows


def _prune(folder: str, prefix: str) -> None:
    found = [os.path.join(folder, n) for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".bin")]
    found.sort(key=lambda p: os.stat(p).st_mtime, reverse=True)
    for old in found[KEEP:]:
        os.unlink(old)


def load(git_dir: str, slug: str, folder: str, tip: str) -> LazyChain | None:
    """The chain of ``tip`` as kept on disk, reading assistants' records on demand; None when absent or unsound."""
    data = read_kept(git_dir, _path(git_dir, slug, tip))  # a folder not written here by this user: None
    if data is None:
        return None
    try:
        if not data.startswith(MAGIC) or len(data) < _HEAD:
            return None
        size = int.from_bytes(data[len(MAGIC):len(MAGIC) + 4], "big")
        header_bytes = data[_HEAD:_HEAD + size]
        if zlib.crc32(header_bytes) != int.from_bytes(data[len(MAGIC) + 4:_HEAD], "big"):
            return None
        fmt, kept_folder, kept_tip, count, body_crc, directory = marshal.loads(header_bytes)
        body = memoryview(data)[_HEAD + size:]
        # One checksum over every record (~2 ms for 1,000 assistants): a damaged file is never used.
        if (fmt, kept_folder, kept_tip) != (FORMAT, folder, tip) or zlib.crc32(body) != body_crc:
            return None
        commits = bytes(body[:count * 20])
        if not isinstance(directory, dict) or count < 1 or commits[-20:].hex() != tip:
            return None
    except (ValueError, TypeError, EOFError):
        return None
    return LazyChain(commits, directory, body)


class _Commits:
    """The chain's commit ids (oldest first), from 20-byte ids."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def __len__(self) -> int:
        return len(self.raw) // 20

    def __getitem__(self, i: int) -> str:
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self.raw[i * 20:(i + 1) * 20].hex()

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))


class _Positions(Mapping[str, int]):
    """commit id -> position, found in the packed ids (no dict of 10,000 commits built)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._lookups = 0
        self._map: dict[str, int] | None = None

    def __getitem__(self, commit: str) -> int:
        # A CLI run asks once or twice: a search of the packed ids. A service asks for
        # every get: past a few lookups, a dict of every commit is built once (~3 ms).
        if self._map is None:
            self._lookups += 1
            if self._lookups > 8:
                self._map = {self.raw[i:i + 20].hex(): i // 20 for i in range(0, len(self.raw), 20)}
        if self._map is not None:
            return self._map[commit]
        try:
            want = bytes.fromhex(commit)
        except (ValueError, TypeError):
            raise KeyError(commit) from None
        if len(want) != 20:
            raise KeyError(commit)
        at = self.raw.rfind(want)
        while at >= 0 and at % 20:
            at = self.raw.rfind(want, 0, at + 19)
        if at < 0:
            raise KeyError(commit)
        return at // 20

    def __iter__(self) -> Iterator[str]:
        return iter(_Commits(self.raw))

    def __len__(self) -> int:
        return len(self.raw) // 20


class _PerAssistant(Mapping[str, Any]):
    """``timeline`` or ``gone`` of a chain, each assistant's record read when first asked for."""

    def __init__(self, chain: LazyChain, part: int) -> None:
        self.chain = chain
        self.part = part

    def __getitem__(self, assistant_id: str) -> Any:
        record = self.chain.record(assistant_id)
        if record is None or (self.part == 1 and not record[1]):
            raise KeyError(assistant_id)
        return record[self.part]

    def __iter__(self) -> Iterator[str]:
        return iter(self.chain.directory)

    def __len__(self) -> int:
        return len(self.chain.directory)


class LazyChain:
    """A chain read from disk: what ``Chain`` answers about one assistant at a time
    (``commits``, ``pos``, ``cut``, ``timeline``, ``gone``, ``lineage_at``, ``last_lineage``)."""

    def __init__(self, commits: bytes, directory: dict[str, tuple[int, int]], body: memoryview) -> None:
        self.commits = _Commits(commits)
        self.pos = _Positions(commits)
        self.cut = False
        self.directory = directory
        self._body = body
        self._records: dict[str, tuple[list[tuple[int, Lineage | None]], list[Gone]] | None] = {}
        self._lock = threading.Lock()
        self.timeline = _PerAssistant(self, 0)
        self.gone = _PerAssistant(self, 1)

    @property
    def lineages(self) -> list[Lineage]:
        raise TypeError("a chain read per assistant has no list of every lineage; use Resolver.chain(tip, whole=True)")

    def lineage_at(self, assistant_id: str, pos: int) -> Lineage | None:
        """As ``Chain.lineage_at``."""
        record = self.record(assistant_id)
        return lineage_in(record[0] if record else None, pos)

    def last_lineage(self, assistant_id: str, pos: int | None = None) -> Lineage | None:
        """As ``Chain.last_lineage``."""
        record = self.record(assistant_id)
        return last_of(record[0] if record else None, pos)

    def record(self, assistant_id: str) -> tuple[list[tuple[int, Lineage | None]], list[Gone]] | None:
        with self._lock:
            if assistant_id in self._records:
                return self._records[assistant_id]
            where = self.directory.get(assistant_id)
            found = None
            if where is not None:
                offset, length = where
                found = _unpack(marshal.loads(self._body[offset:offset + length]))
            self._records[assistant_id] = found
            return found


AnyChain = Chain | LazyChain


def _unpack(record: Any) -> tuple[list[tuple[int, Lineage | None]], list[Gone]]:
    events, lineage_rows, gone_rows = record
    lineages = []
    for entries, ended in lineage_rows:
        lineage = Lineage()
        lineage.entries = [VersionEntry(*e) for e in entries]
        lineage.ended = ended
        lineages.append(lineage)
    timeline = [(pos, lineages[i] if i >= 0 else None) for pos, i in events]
    gone = [Gone(pos, commit, renamed_to, VersionEntry(*last)) for pos, commit, renamed_to, last in gone_rows]
    return timeline, gone
