"""``roster publish``: write the site, whole into a new folder or as an update of the previous one.

The first publish into a folder writes the site into a temporary folder next to
``DIR`` and renames it over ``DIR`` only when complete (``fresh``), so a failure (or
Ctrl-C) never leaves a half-written site behind; a run killed between the two final
renames is repaired by the next one (``recover``).

A previous site in ``DIR`` is the cache of a re-publish, when its manifest is signed
with the key kept in the repository's git dir (``manifest``; a pull request can
commit a ``_site/``): it is then updated in place, under a journal (``inplace``),
and only what changed is made and written. Everything the manifest does not vouch
for is replaced or removed, so the folder ends as a fresh publish would write it.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from roster.errors import HistoryCut, UsageError
from roster.publish import inplace
from roster.publish.files import IndexFile, KeyFiles, SiteFile, site_files
from roster.publish.fresh import write_all
from roster.publish.index import PublishedIndex, build_index
from roster.publish.manifest import NAME, Manifest, dumps, load, site_key, survey
from roster.publish.previous import Previous
from roster.publish.progress import NoProgress, Progress
from roster.version import __version__

if TYPE_CHECKING:
    from roster.roster import Roster


class PublishResult(NamedTuple):
    out: str
    head: str
    assistants: int
    versions: int
    written: int  # files made and written
    reused: int  # files kept from the previous site
    redacted: tuple[str, ...] = ()  # "id@version path" of every value published as [redacted]
    skipped: tuple[str, ...] = ()  # names in history that are not valid ids: left out of the site


def publish(roster: Roster, out: str, *, ref: str | None = None, title: str | None = None,
            progress: Progress | None = None, allow_cut: bool = False) -> PublishResult:
    """Write the published history of ``ref`` into the folder ``out`` (updating a previous one)."""
    if getattr(roster, "read_only", False):  # Roster.from_index(): a published index, not a repository
        raise UsageError(f"{roster.source} is a published index: publish reads the git repository it came "
                         f"from (a path or a git URL)")
    progress = progress or NoProgress()
    target = Path(out).resolve()
    _guard(target, roster)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"output folder {target}: cannot create its parent folder: {e.strerror or e}") from e
    key = site_key(roster)
    title = title or _default_title(roster)
    with _locked(target):
        recover(target, key)
        manifest = load(target, key) if _is_site(target) else None
        if manifest is not None and manifest.generator != f"roster {__version__}":
            manifest = None  # another version's site: its signatures mean other bytes
        found = survey(target, manifest) if manifest is not None else None
        previous = Previous.open(target, manifest, found.kept) if manifest and found else None
        index = build_index(roster, ref, previous=previous, progress=progress)
        if index.data["cut"] and not allow_cut:
            raise HistoryCut("cannot publish from a shallow clone: version numbers are unknown; fetch the full "
                             "history first (git fetch --unshallow, or actions/checkout with fetch-depth: 0)")
        common, per_key, indexed = site_files(index, title)
        if manifest is not None and found is not None and inplace.can_update(found, common, per_key):
            written, reused = inplace.update(index, target, manifest, found, common, per_key, indexed, key,
                                             progress)
        else:
            written, reused = _write_fresh(target, key, index, common, per_key, indexed, progress), 0
    versions = sum(len(a["versions"]) for a in index.assistants.values() if a["status"] != "renamed")
    active = sum(1 for a in index.assistants.values() if a["status"] == "active")
    redacted = tuple(f"{r['assistant_id']}@{r['version']} {r['path']}" for r in index.data.get("redacted", []))
    return PublishResult(str(target), index.data["head"], active, versions, written, reused, redacted,
                         index.skipped)


def _write_fresh(target: Path, key: bytes, index: PublishedIndex, common: list[SiteFile],
                 per_key: dict[str, KeyFiles], indexed: IndexFile, progress: Progress) -> int:
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        manifest: Manifest = write_all(index, tmp, common, per_key, indexed, progress)
        (tmp / NAME).write_bytes(dumps(manifest, key))
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp made it private; a site is meant to be read
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        progress.close()
    return len(manifest.files)


def _guard(target: Path, roster: Roster) -> None:
    """Refuse to replace anything that is not a site this command wrote."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"output folder {target} exists and is not a folder")
    project = roster.project
    for inside in (project.top, getattr(project.repo, "path", None)):
        if inside and Path(inside).resolve().is_relative_to(target):
            raise UsageError(f"output folder {target} would replace the repository itself; choose a folder of its own "
                             "(such as _site)")
    if target.is_dir() and any(target.iterdir()) and not _is_site(target):
        raise UsageError(f"output folder {target} is not empty and holds no published Roster site "
                         "(no index.json written by roster); empty it or choose another folder")


def _is_site(folder: Path) -> bool:
    try:
        with open(folder / "index.json", "rb") as f:
            start = f.read(200)
    except OSError:
        return False
    return start.startswith(b'{"format":') and b'"generator":"roster' in start


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """One publish at a time beside ``target`` (recovery must not remove another run's files).

    The lock is held on the parent folder itself, so no lock file is left behind.
    """
    try:
        fd = os.open(target.parent, os.O_RDONLY)
    except OSError as e:
        raise UsageError(f"output folder {target}: cannot open {target.parent}: {e.strerror or e}") from e
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def recover(target: Path, key: bytes | None = None) -> None:
    """Repair what an interrupted publish left beside ``target``.

    A run killed between the two renames of ``_swap`` left the old site at
    ``.NAME.*.old`` and nothing at ``target``: put it back, when it is a site this
    repository signed (``key``; a pull request can commit a folder with such a name
    too). Half-written ``.NAME.*.tmp`` folders and anything else are removed. An
    update in place that did not finish is undone (``inplace.rollback``; its journal is
    signed with ``key`` too).
    """
    prefix = f".{target.name}."
    leftovers = [p for p in target.parent.iterdir() if p.name.startswith(prefix)
                 and p.name.endswith((".tmp", ".old")) and p.is_dir() and not p.is_symlink()]
    for path in leftovers:
        if path.name.endswith(".old") and not os.path.lexists(target) and (
                key is None or load(path, key) is not None):
            os.rename(path, target)
        else:
            shutil.rmtree(path, ignore_errors=True)
    if key is not None:
        inplace.rollback(target, key)


def _swap(tmp: Path, target: Path) -> None:
    """Put the finished site in place: two renames, the old site removed only after."""
    if not target.exists():
        os.rename(tmp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(tmp, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _default_title(roster: Roster) -> str:
    project = roster.project
    base = project.folder or getattr(project.repo, "path", "") or "assistants"
    name = Path(str(base).rstrip("/")).name
    if name == ".git":
        name = Path(str(base).rstrip("/")).parent.name
    return f"{name.removesuffix('.git') or 'Roster'} assistants"
