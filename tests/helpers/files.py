"""Projects on disk: folders of real files below a test's tmp_path."""
from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from helpers.paths import SCHEMAS

FileContent = str | bytes | None


def write_files(root: Path, files: Mapping[str, FileContent]) -> None:
    """Write ``{relative path: text or bytes}`` below ``root``; ``None`` deletes the file."""
    for rel, content in files.items():
        target = root / rel
        if content is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def make_project(tmp_path: Path, files: Mapping[str, FileContent], *, schemas: bool = False,
                 name: str = "project") -> Path:
    """A project folder below ``tmp_path`` holding ``files`` (and a copy of the repo's schemas/ if asked)."""
    root = tmp_path / name
    root.mkdir(parents=True, exist_ok=True)
    if schemas:
        shutil.copytree(SCHEMAS, root / "schemas", dirs_exist_ok=True)
    write_files(root, files)
    return root
