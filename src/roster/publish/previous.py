"""The previous publish, as far as its signed manifest vouches for it: a cache of ``index.json``.

Only the parts a re-publish needs are parsed: the entries of the assistants that
changed, the commits and the redacted places. The rest of the old file is copied
by byte span (``indexfile``). Everything here was written by a publish of this
repository with this same generator (``manifest``), and the file was checked
against the manifest's stamp or digest before it is opened.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeGuard

from roster.publish.manifest import Manifest


class Previous:
    def __init__(self, manifest: Manifest, raw: bytes, folder: Path, kept: dict[str, list[Any]]) -> None:
        self.manifest = manifest
        self.raw = raw
        self.folder = folder
        self.kept = kept  # the files of the site that are the ones the manifest describes
        self._redacted: dict[str, list[dict[str, Any]]] | None = None
        self._entries: dict[str, dict[str, Any] | None] = {}

    @classmethod
    def open(cls, folder: Path, manifest: Manifest, kept: dict[str, list[Any]]) -> Previous | None:
        """The previous index of the site in ``folder``; None unless it is the file the manifest describes."""
        raw = _read_kept(folder, kept, "index.json")
        return cls(manifest, raw, folder, kept) if raw is not None else None

    def read(self, name: str) -> bytes | None:
        """A file of the previous site, when it is the one the manifest describes."""
        return _read_kept(self.folder, self.kept, name)

    def has(self, key: str) -> bool:
        return key in self.manifest.keys

    def fragment(self, key: str, signature: str) -> bytes | None:
        """The serialised entry of ``key`` when it was made from the same rows (``signature``)."""
        record = self.manifest.keys.get(key)
        if not _record(record) or record[0] != signature or record[2] > len(self.raw):
            return None
        return self.raw[record[1]:record[2]]

    def summary(self, key: str) -> tuple[str, str]:
        record = self.manifest.keys[key]
        return str(record[3]), str(record[4])

    def entry(self, key: str) -> dict[str, Any] | None:
        if key not in self._entries:
            record = self.manifest.keys.get(key)
            value = _parse(self.raw[record[1]:record[2]]) if _record(record) else None
            self._entries[key] = value if isinstance(value, dict) and isinstance(value.get("versions"), list) \
                else None
        return self._entries[key]

    def contents(self, keys: list[str]) -> dict[tuple[str, str, str | None], dict[str, Any]]:
        """(commit, id, path) -> content of every version the entries of ``keys`` held."""
        out: dict[tuple[str, str, str | None], dict[str, Any]] = {}
        for key in keys:
            entry = self.entry(key)
            if entry is None:
                continue
            rows = entry["versions"] + [v for lineage in entry.get("earlier") or () if isinstance(lineage, dict)
                                        for v in lineage.get("versions") or ()]
            for v in rows:
                if isinstance(v, dict) and isinstance(v.get("content"), dict) and isinstance(v.get("commit"), str) \
                        and isinstance(v.get("assistant_id"), str):
                    out[(v["commit"], v["assistant_id"], v.get("path"))] = v["content"]
        return out

    def tags(self) -> dict[str, Any] | None:
        value = self._member("tags")
        return value if isinstance(value, dict) else None

    def commits(self) -> dict[str, Any]:
        value = self._member("commits")
        return value if isinstance(value, dict) else {}

    def redacted(self) -> dict[str, list[dict[str, Any]]]:
        """key -> its rows of the previous ``redacted`` list, in order."""
        if self._redacted is None:
            rows = self._member("redacted")
            self._redacted = {}
            for row in rows if isinstance(rows, list) else ():
                if isinstance(row, dict) and isinstance(row.get("assistant_id"), str):
                    self._redacted.setdefault(row["assistant_id"], []).append(row)
        return self._redacted

    def _member(self, name: str) -> Any:
        span = self.manifest.members.get(name)
        if not (isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)):
            return None
        return _parse(self.raw[span[0]:span[1]])


def _read_kept(folder: Path, kept: dict[str, list[Any]], name: str) -> bytes | None:
    """``name``'s bytes, when the survey kept it and it still has the recorded size (never more read)."""
    record = kept.get(name)
    if record is None:
        return None
    try:
        with open(folder / name, "rb") as f:
            data = f.read(record[1] + 1)
    except OSError:
        return None
    return data if len(data) == record[1] else None


def _record(record: Any) -> TypeGuard[list[Any]]:
    return (isinstance(record, list) and len(record) == 5 and isinstance(record[0], str)
            and isinstance(record[1], int) and isinstance(record[2], int) and 0 <= record[1] <= record[2])


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None
