"""``roster list`` at a commit, kept on disk: the second listing of a tag reads one file.

Everything ``list`` shows about the assistants at a commit (their fields, version
numbers and dates) is a function of that commit alone, given Roster's version:
the files and schemas are the commit's tree, and the numbering is along the
commit's own first-parent chain. So a listing whose every assistant was known
valid is written to ``<git dir>/roster/`` under the commit id and Roster's
version, with a checksum; a damaged or foreign file is ignored. Listings of
shallow clones (their numbering may change on unshallow) are not kept.
"""
from __future__ import annotations

import marshal
import os
import threading
import zlib
from typing import Any

from roster.cachetrust import read_kept, usable
from roster.version import __version__

MAGIC = b"RSTRLST1"
KEEP = 8


def _path(git_dir: str, slug: str, commit: str) -> str:
    return os.path.join(git_dir, "roster", f"list-{slug}-{commit}.bin")


def load(git_dir: str, slug: str, folder: str, commit: str) -> list[dict[str, Any]] | None:
    """The kept listing at ``commit``: each assistant's fields, in listing order; None when absent or unsound."""
    data = read_kept(git_dir, _path(git_dir, slug, commit))  # a folder not written here by this user: None
    if data is None:
        return None
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        return None
    body = data[len(MAGIC) + 4:]
    if zlib.crc32(body) != int.from_bytes(data[len(MAGIC):len(MAGIC) + 4], "big"):
        return None
    try:
        version, kept_folder, kept_commit, rows = marshal.loads(body)
    except (ValueError, TypeError, EOFError):
        return None
    if (version, kept_folder, kept_commit) != (__version__, folder, commit) or not isinstance(rows, list):
        return None
    return rows


def write(git_dir: str, slug: str, folder: str, commit: str, rows: list[dict[str, Any]]) -> None:
    """Keep a listing (failures only cost speed)."""
    if not usable(git_dir):
        return
    try:
        body = marshal.dumps((__version__, folder, commit, rows))
    except ValueError:  # a value marshal cannot hold: not kept
        return
    path = _path(git_dir, slug, commit)
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(MAGIC + zlib.crc32(body).to_bytes(4, "big") + body)
        os.replace(tmp, path)
        folder_path = os.path.dirname(path)
        found = [os.path.join(folder_path, n) for n in os.listdir(folder_path)
                 if n.startswith(f"list-{slug}-") and n.endswith(".bin")]
        found.sort(key=lambda p: os.stat(p).st_mtime, reverse=True)
        for old in found[KEEP:]:
            os.unlink(old)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
