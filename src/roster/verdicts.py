"""Validation verdicts kept beside the version index: known-valid content skips validation.

A verdict says whether an assistant file is valid against its graph's schema. It
is a pure function of the file's blob id, the schema's blob id and Roster's
version (SPEC section 8), so it is stored under a key made of exactly those: a
verdict can never go stale, only be missing. A command reading committed content
whose verdict is known needs neither jsonschema nor pydantic.

The file, ``<git dir>/roster/verdicts.bin``, is a magic header and fixed-size
records, each ``key (16) + verdict (1) + zeros (3) + crc32 (4)``. Writers only
append whole records (``O_APPEND``), so concurrent processes never lose each
other's records on a local disk, and readers never believe a record whose
checksum fails, a file without the magic, or two records that disagree.
A cache: any failure to read or write it only costs speed.
"""
from __future__ import annotations

import os
import threading
import weakref
import zlib

from roster.cachetrust import usable
from roster.version import __version__

try:  # hashlib's blake2b without loading OpenSSL's half of hashlib (~3 ms of every CLI start)
    from _blake2 import blake2b
except ImportError:  # another Python implementation
    from hashlib import blake2b

MAGIC = b"RSTRVRD1"
RECORD = 24
MAX_FILE_BYTES = 64 * 1024 * 1024  # ~2.8 million verdicts; past that the file is started afresh
VALID, INVALID = 1, 0
_PAD = b"\0\0\0"
_MAP_AFTER = 16  # single lookups search the bytes; past this many, a dict is built once
_FLUSH_AT = 256  # new verdicts kept in memory before they are appended (and at exit)


def verdict_key(assistant_blob: str, schema_key: str, purpose: str = "check") -> bytes:
    """The 16-byte key of a verdict; ``schema_key`` names the schema content (a blob id
    with what kind of file it is), ``purpose`` the rules applied (strict or not)."""
    text = f"{__version__}\0{purpose}\0{assistant_blob}\0{schema_key}"
    return blake2b(text.encode(), digest_size=16).digest()


def _record(key: bytes, verdict: int) -> bytes:
    body = key + bytes((verdict,)) + _PAD
    return body + zlib.crc32(body).to_bytes(4, "big")


def _good(record: bytes) -> bool:
    return (len(record) == RECORD and record[17:20] == _PAD and record[16] in (VALID, INVALID)
            and zlib.crc32(record[:20]).to_bytes(4, "big") == record[20:])


class VerdictStore:
    """The verdicts of one repository; safe to share between threads and processes."""

    def __init__(self, git_dir: str) -> None:
        self.git_dir = git_dir
        self.path = os.path.join(git_dir, "roster", "verdicts.bin")
        self._lock = threading.Lock()
        self._data: bytes | None = None
        self._map: dict[bytes, int] | None = None
        self._lookups = 0
        self._new: dict[bytes, int] = {}
        # New verdicts are written when the store goes away, or at exit at the latest.
        weakref.finalize(self, _append, git_dir, self.path, self._new)

    def _bytes(self) -> bytes:
        if self._data is None and not usable(self.git_dir):
            self._data = b""  # a folder not written here by this user is never believed
        if self._data is None:
            try:
                with open(self.path, "rb") as f:
                    data = f.read(MAX_FILE_BYTES + 1)
            except OSError:
                data = b""
            self._data = data if data.startswith(MAGIC) and len(data) <= MAX_FILE_BYTES else b""
        return self._data

    def get(self, key: bytes) -> int | None:
        """VALID, INVALID, or None when unknown (or when the file cannot be believed)."""
        with self._lock:
            if key in self._new:
                return self._new[key]
            self._lookups += 1
            if self._map is None and self._lookups > _MAP_AFTER:
                self._map = self._build_map()
            if self._map is not None:
                return self._map.get(key)
            return self._search(key)

    def _search(self, key: bytes) -> int | None:
        data = self._bytes()
        found: int | None = None
        start = len(MAGIC)
        while True:
            at = data.find(key, start)
            if at < 0:
                return found
            start = at + 1
            record = data[at:at + RECORD]
            if not _good(record):
                continue  # not a record boundary, or a damaged record: never believed
            if found is not None and found != record[16]:
                return None  # two records disagree: something wrote garbage, believe neither
            found = record[16]

    def _build_map(self) -> dict[bytes, int]:
        data = self._bytes()
        out: dict[bytes, int] = {}
        conflicts: set[bytes] = set()
        at, end = len(MAGIC), len(data)
        while at + RECORD <= end:
            record = data[at:at + RECORD]
            if not _good(record):
                at += 1  # resynchronise after a torn or damaged record
                continue
            key, verdict = record[:16], record[16]
            if out.get(key, verdict) != verdict:
                conflicts.add(key)
            out[key] = verdict
            at += RECORD
        for key in conflicts:
            del out[key]
        return out

    def put(self, key: bytes, verdict: int) -> None:
        """Remember a verdict; ``flush`` writes the new ones."""
        with self._lock:
            if self._map is not None and key in self._map:
                return
            self._new[key] = verdict
            full = len(self._new) >= _FLUSH_AT
        if full:
            self.flush()

    def flush(self) -> None:
        """Append the new verdicts in one write (whole records, O_APPEND)."""
        with self._lock:
            if _append(self.git_dir, self.path, self._new):
                self._data = None
                self._map = None


def _append(git_dir: str, path: str, new: dict[bytes, int]) -> bool:
    if not new or not usable(git_dir):
        return False
    payload = b"".join(_record(k, v) for k, v in new.items())
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _start_if_needed(path, len(payload))
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, payload)
        finally:
            os.close(fd)
    except OSError:
        return False  # a read-only repository: the verdicts stay in memory
    new.clear()
    return True


def _start_if_needed(path: str, adding: int) -> None:
    # A missing file is created with its header in one step (a temp file hard-linked
    # into place, which fails if another process got there first). A foreign or
    # oversized file is replaced; an appender still holding it loses only cache records.
    try:
        size = os.path.getsize(path)
    except OSError:
        size = -1
    if size >= 0 and _has_magic(path) and size + adding <= MAX_FILE_BYTES:
        return
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(MAGIC)
        if size < 0:
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        else:
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _has_magic(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False
