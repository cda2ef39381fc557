"""A repository's objects read in pure Python: loose objects and packs (``.idx`` v2).

``roster show`` and ``roster history`` read a handful of objects; importing pygit2 to
read them costs more than the whole rest of the command (SPEC section 8). This reader
covers the plain case and says ``NotMine`` for everything else, so that the caller
falls back to pygit2 and its answers and messages:

- every object returned hashes to its id (``sha1(b"<type> <len>\\0" + data)``), so a
  wrong decode, a corrupt pack or a tampered file is never believed, only handed on;
- a missing object, an unknown pack version or object type, a broken delta, an object
  over the caller's size limit: ``NotMine``, never "absent".
"""
from __future__ import annotations

import hashlib
import mmap
import os
import zlib

MAX_BLOB = 8 * 1024 * 1024  # no assistant (1 MiB) or schema file is near this; bigger blobs are never read
_TYPES = {1: b"commit", 2: b"tree", 3: b"blob", 4: b"tag"}
_NUMBERS = {name: number for number, name in _TYPES.items()}
_OFS_DELTA, _REF_DELTA = 6, 7
_MAX_CHAIN = 10_000  # git writes chains of 50 by default (4095 at most); a loop would be endless
_BASE_LIMIT = 4 * MAX_BLOB


def is_hex40(text: str | bytes) -> bool:
    """A full lowercase SHA-1 in hex (``str.strip`` leaves nothing only when every character is a digit)."""
    if isinstance(text, str):
        return len(text) == 40 and not text.strip("0123456789abcdef")
    return len(text) == 40 and not text.strip(b"0123456789abcdef")


class NotMine(Exception):
    """The pure reader does not answer this for sure: pygit2 must (not a RosterError: it never
    leaves ``roster.git``)."""


def hash_object(kind: bytes, data: bytes) -> str:
    return hashlib.sha1(kind + b" " + str(len(data)).encode() + b"\0" + data).hexdigest()


class _Pack:
    """One ``pack-*.pack`` with its ``.idx`` (version 2), mapped read-only."""

    def __init__(self, idx_path: str) -> None:
        with open(idx_path, "rb") as f:
            self.idx = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        idx = self.idx
        if len(idx) < 8 + 1024 + 40 or idx[:8] != b"\xfftOc\x00\x00\x00\x02":
            raise NotMine(f"{idx_path}: not a version 2 pack index")
        self.count = int.from_bytes(idx[8 + 1020:8 + 1024], "big")
        self.names = 8 + 1024
        self.offsets = self.names + 24 * self.count  # names (20 each), then CRCs (4 each)
        self.large = self.offsets + 4 * self.count
        if len(idx) < self.large + 40 or self.count > (len(idx) - self.names) // 28:
            raise NotMine(f"{idx_path}: truncated pack index")
        with open(idx_path[:-4] + ".pack", "rb") as f:
            self.pack = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if len(self.pack) < 32 or self.pack[:4] != b"PACK" or self.pack[4:8] not in (b"\0\0\0\2", b"\0\0\0\3"):
            raise NotMine(f"{idx_path}: not a version 2 or 3 pack")

    def find(self, raw: bytes) -> int | None:
        """The offset of the object ``raw`` (20 bytes) in the pack, None when it is not in it."""
        idx, first = self.idx, raw[0]
        lo = int.from_bytes(idx[8 + 4 * (first - 1):8 + 4 * first], "big") if first else 0
        hi = int.from_bytes(idx[8 + 4 * first:12 + 4 * first], "big")
        names = self.names
        while lo < hi:
            mid = (lo + hi) // 2
            here = idx[names + 20 * mid:names + 20 * mid + 20]
            if here < raw:
                lo = mid + 1
            elif here > raw:
                hi = mid
            else:
                at = self.offsets + 4 * mid
                offset = int.from_bytes(idx[at:at + 4], "big")
                if offset & 0x80000000:
                    at = self.large + 8 * (offset & 0x7FFFFFFF)
                    if at + 8 > len(idx) - 40:
                        raise NotMine("pack index: large offset out of range")
                    offset = int.from_bytes(idx[at:at + 8], "big")
                return offset
        return None


class ObjectStore:
    """The objects of one ``objects/`` folder (no alternates: the caller refuses those)."""

    def __init__(self, objects_dir: str) -> None:
        self.dir = objects_dir
        self._packs: list[_Pack] | None = None
        self._names: list[str] = []
        self._bases: dict[tuple[int, int], tuple[int, bytes]] = {}  # (pack, offset) -> (type, data)
        self.inflated = 0  # zlib streams inflated so far: the work done, in Python, by this reader

    @property
    def packs(self) -> list[_Pack]:
        if self._packs is None:
            self._packs = self._load(self._pack_names())
        return self._packs

    def _pack_names(self) -> list[str]:
        try:
            return sorted(n for n in os.listdir(os.path.join(self.dir, "pack")) if n.endswith(".idx"))
        except FileNotFoundError:
            return []
        except OSError as e:
            raise NotMine(str(e)) from e

    def _load(self, names: list[str]) -> list[_Pack]:
        self._names, self._bases = names, {}  # bases are keyed by a pack's place in the list
        packs = []
        for name in names:
            try:
                packs.append(_Pack(os.path.join(self.dir, "pack", name)))
            except (OSError, ValueError) as e:  # an .idx without its .pack (being written), an empty file
                raise NotMine(f"{name}: {e}") from e
        return packs

    def read(self, object_id: str, max_size: int = MAX_BLOB, depth: int = 0) -> tuple[bytes, bytes]:
        """(type, data) of an object, hash-verified; NotMine when absent, unreadable or over ``max_size``."""
        try:
            raw = bytes.fromhex(object_id)
        except ValueError as e:
            raise NotMine(str(e)) from e
        if len(raw) != 20:
            raise NotMine("not a full SHA-1 id")
        kind, data = self._loose(object_id, max_size) or self._packed(raw, max_size, depth)
        if hash_object(kind, data) != object_id:
            raise NotMine(f"object {object_id} does not hash to its id")
        return kind, data

    def has(self, object_id: str) -> bool:
        """True when the object is stored here and reads back whole; NotMine rather than False
        (libgit2 reports a corrupt object as an error, not as absent: let it)."""
        self.read(object_id)
        return True

    def _loose(self, object_id: str, max_size: int) -> tuple[bytes, bytes] | None:
        try:
            with open(os.path.join(self.dir, object_id[:2], object_id[2:]), "rb") as f:
                # Enough for any object up to max_size (zlib adds ~0.03%); a bigger one is refused unread.
                packed = f.read(max_size + max_size // 100 + 1024)
        except FileNotFoundError:
            return None
        except OSError as e:
            raise NotMine(str(e)) from e
        try:
            self.inflated += 1
            inflate = zlib.decompressobj()
            head = inflate.decompress(packed, 64)
            nul = head.find(b"\0")
            kind, _, size_text = head[:nul].partition(b" ")
            if nul < 0 or kind not in _TYPES.values() or not size_text.isdigit():
                raise NotMine(f"loose object {object_id}: bad header")
            size = int(size_text)
            if size > max_size:
                raise NotMine(f"object {object_id} is over {max_size} bytes")
            data = head[nul + 1:] + inflate.decompress(inflate.unconsumed_tail, size + 1)
        except zlib.error as e:
            raise NotMine(f"loose object {object_id}: {e}") from e
        if len(data) != size or not inflate.eof:
            raise NotMine(f"loose object {object_id}: truncated or longer than its header says")
        return kind, data

    def _packed(self, raw: bytes, max_size: int, depth: int) -> tuple[bytes, bytes]:
        for attempt in range(2):
            for n, pack in enumerate(self.packs):
                offset = pack.find(raw)
                if offset is not None:
                    kind, data = self._at(n, pack, offset, max_size, depth)
                    return _TYPES[kind], data
            # Not there: a repack or a fetch since the packs were listed (a long-lived service) may have
            # moved it into a new pack. Look again once; an old pack stays readable while it is mapped.
            names = self._pack_names()
            if attempt or names == self._names:
                break
            self._packs = self._load(names)
        raise NotMine(f"object {raw.hex()} not found")

    def _at(self, n: int, pack: _Pack, offset: int, max_size: int, depth: int) -> tuple[int, bytes]:
        """(type number, data) of the pack entry at ``offset``, its delta chain applied."""
        data, end = pack.pack, len(pack.pack) - 20
        chain: list[tuple[int, bytes]] = []  # (offset, delta), from the entry asked for down to its base
        limit = max_size
        while True:
            hit = self._bases.get((n, offset)) if chain else None
            if hit is not None:
                kind, base = hit
                break
            if len(chain) > _MAX_CHAIN or not 12 <= offset < end:
                raise NotMine("pack offset out of range, or a delta chain that loops")
            byte = data[offset]
            kind, size, shift, pos = (byte >> 4) & 7, byte & 15, 4, offset + 1
            while byte & 0x80:
                if pos >= end or shift > 60:
                    raise NotMine("bad pack entry header")
                byte = data[pos]
                size |= (byte & 0x7F) << shift
                shift, pos = shift + 7, pos + 1
            if size > limit:
                raise NotMine("object over the size limit")
            limit = _BASE_LIMIT  # a base may be bigger than what is built from it
            if kind in _TYPES:
                base = _inflate(data, pos, end, size)
                break
            if kind == _OFS_DELTA:
                byte = data[pos]
                back, pos = byte & 0x7F, pos + 1
                while byte & 0x80:
                    if pos >= end or back > offset:
                        raise NotMine("bad delta offset")
                    byte = data[pos]
                    back, pos = ((back + 1) << 7) | (byte & 0x7F), pos + 1
                chain.append((offset, _inflate(data, pos, end, size)))
                offset -= back
            elif kind == _REF_DELTA:  # (thin packs completed by a fetch; git itself writes OFS_DELTA)
                chain.append((offset, _inflate(data, pos + 20, end, size)))
                if depth > 64:
                    raise NotMine("REF_DELTA chain too deep")
                name, base = self.read(bytes(data[pos:pos + 20]).hex(), _BASE_LIMIT, depth + 1)
                kind = _NUMBERS[name]
                break
            else:
                raise NotMine(f"unknown pack entry type {kind}")
        self.inflated += len(chain) + 1
        for i in range(len(chain) - 1, -1, -1):
            at, delta = chain[i]
            base = _apply(base, delta, max_size if i == 0 else _BASE_LIMIT)
            if i:  # a base: the versions of one file share most of their chain
                if len(self._bases) > 256:
                    self._bases.clear()
                self._bases[(n, at)] = (kind, base)
        return kind, base


def _inflate(data: mmap.mmap, pos: int, end: int, size: int) -> bytes:
    """``size`` bytes inflated from the zlib stream at ``pos``; NotMine when it is not exactly that."""
    inflate = zlib.decompressobj()
    chunk = max(4096, size + size // 2 + 64)
    out = b""
    try:
        while not inflate.eof and pos < end:
            out += inflate.decompress(data[pos:min(end, pos + chunk)], size + 1 - len(out))
            if inflate.unconsumed_tail or len(out) > size:
                break  # more output than the header said
            pos += chunk
    except zlib.error as e:
        raise NotMine(f"pack entry: {e}") from e
    if not inflate.eof or len(out) != size:
        raise NotMine("pack entry: truncated or longer than its header says")
    return out


def _varint(delta: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(delta):
            raise NotMine("truncated delta header")
        byte = delta[pos]
        value |= (byte & 0x7F) << shift
        shift, pos = shift + 7, pos + 1
        if not byte & 0x80:
            return value, pos


def _apply(base: bytes, delta: bytes, max_size: int) -> bytes:
    """Git's delta format: source size, target size, then copy and insert instructions."""
    source_size, pos = _varint(delta, 0)
    target_size, pos = _varint(delta, pos)
    if source_size != len(base):
        raise NotMine("delta does not fit its base")
    if target_size > max_size:
        raise NotMine("object over the size limit")
    try:
        out = _run(base, delta, pos)
    except IndexError as e:  # an instruction cut short
        raise NotMine("truncated delta") from e
    if len(out) != target_size:
        raise NotMine("delta result is not the size it declares")
    return out


def _run(base: bytes, delta: bytes, pos: int) -> bytes:
    out = bytearray()
    source = memoryview(base)  # slices without copies
    end, limit = len(delta), len(base)
    while pos < end:
        op = delta[pos]
        pos += 1
        if op & 0x80:  # copy from the base: offset and size bytes present as the flags say (unrolled: hot)
            start = size = 0
            if op & 1:
                start, pos = delta[pos], pos + 1
            if op & 2:
                start, pos = start | delta[pos] << 8, pos + 1
            if op & 4:
                start, pos = start | delta[pos] << 16, pos + 1
            if op & 8:
                start, pos = start | delta[pos] << 24, pos + 1
            if op & 16:
                size, pos = delta[pos], pos + 1
            if op & 32:
                size, pos = size | delta[pos] << 8, pos + 1
            if op & 64:
                size, pos = size | delta[pos] << 16, pos + 1
            size = size or 0x10000
            if start + size > limit or pos > end:
                raise NotMine("delta copies outside its base")
            out += source[start:start + size]
        elif op:  # insert the next ``op`` bytes
            if pos + op > end:
                raise NotMine("truncated delta")
            out += delta[pos:pos + op]
            pos += op
        else:
            raise NotMine("delta opcode 0 is reserved")
    return bytes(out)
