"""Where assistant and schema files are read from: a folder on disk or a git tree.

Both kinds of source list files the same way, so that checking the working
tree and checking a commit run exactly the same rules.
"""
from __future__ import annotations

import os
from typing import Any, NamedTuple, Protocol

from roster.yamlload import MAX_BYTES

FILE, SYMLINK, SUBMODULE, OTHER = "file", "symlink", "submodule", "other"


class FileEntry(NamedTuple):
    path: str  # relative to the repository (or project folder), with '/'
    kind: str  # FILE, SYMLINK, SUBMODULE or OTHER
    key: Any  # what ``read`` needs: an absolute path or a blob id


class Source(Protocol):
    label: str

    def list_files(self, folder: str) -> list[FileEntry]:
        """Every entry below ``folder`` (recursive); empty when it does not exist."""

    def read(self, entry: FileEntry) -> bytes:
        """The bytes of a FILE entry."""

    def find(self, path: str) -> FileEntry | None:
        """The entry at ``path``, if any."""


class Layout(NamedTuple):
    """Where the two folders are: at the top of the repo, or below a prefix (monorepo)."""

    prefix: str = ""  # "" or "sub/dir/"

    @property
    def assistants(self) -> str:
        return f"{self.prefix}assistants"

    @property
    def schemas(self) -> str:
        return f"{self.prefix}schemas"

    @property
    def environments(self) -> str:
        return f"{self.prefix}environments"

    @property
    def langgraph_json(self) -> str:
        return f"{self.prefix}langgraph.json"

    def schema_path(self, graph_id: str) -> str:
        return f"{self.schemas}/{graph_id}.json"

    def assistant_relpath(self, path: str) -> str:
        """``assistants/team/x.yaml`` -> ``team/x.yaml``."""
        return path[len(self.assistants) + 1:]


class FolderSource:
    """Files on disk below ``root`` (a working tree or any project folder)."""

    def __init__(self, root: str, label: str = "working tree") -> None:
        self.root = os.path.abspath(root)
        self.label = label

    def _abs(self, path: str) -> str:
        return os.path.join(self.root, *path.split("/"))

    def list_files(self, folder: str) -> list[FileEntry]:
        top = self._abs(folder)
        if not os.path.isdir(top) or os.path.islink(top):
            return []
        out: list[FileEntry] = []
        for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
            rel_dir = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
            for name in list(dirnames):
                full = os.path.join(dirpath, name)
                if os.path.islink(full):
                    out.append(FileEntry(f"{rel_dir}/{name}", SYMLINK, full))
                    dirnames.remove(name)
                elif os.path.exists(os.path.join(full, ".git")):
                    out.append(FileEntry(f"{rel_dir}/{name}", SUBMODULE, full))
                    dirnames.remove(name)
            for name in filenames:
                full = os.path.join(dirpath, name)
                out.append(FileEntry(f"{rel_dir}/{name}", _kind_on_disk(full), full))
        out.sort()
        return out

    def read(self, entry: FileEntry) -> bytes:
        # Read one byte past the limit so a huge file is refused without loading it whole.
        with open(entry.key, "rb") as f:
            return f.read(MAX_BYTES * 8 + 1)

    def find(self, path: str) -> FileEntry | None:
        full = self._abs(path)
        if os.path.islink(full):
            return FileEntry(path, SYMLINK, full)
        if os.path.isfile(full):
            return FileEntry(path, _kind_on_disk(full), full)
        return None


def _kind_on_disk(full: str) -> str:
    if os.path.islink(full):
        return SYMLINK
    return FILE if os.path.isfile(full) else OTHER
