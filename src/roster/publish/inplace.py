"""A re-publish: the previous site updated in place, under a journal that can undo it.

Only what changed is made and written: the files whose signature changed, and the
ones made every time whose bytes differ. Files the manifest does not vouch for are
replaced or removed, so the result is the site a fresh publish would write.

Nothing is half-done after a failure or a kill: every new file is first written to
a staging folder; a signed journal then lists every path that will change; each
old file is hard-linked into the journal before its replacement is renamed over
it (readers never see a missing file); the journal is dropped, in one rename, only
after the new manifest is in place. ``rollback`` (run by the next publish, under the
same lock) puts every old file back when a journal is left.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from roster.errors import RosterError
from roster.publish.files import IndexFile, KeyFiles, SiteFile
from roster.publish.fresh import Records, describe
from roster.publish.index import PublishedIndex
from roster.publish.manifest import NAME, Found, Manifest, dumps, sign, signed_body, stamp
from roster.publish.progress import Progress

JOURNAL = "journal.json"


def journal_dir(target: Path) -> Path:
    return target.parent / f".{target.name}.journal"


def can_update(found: Found, common: list[SiteFile], per_key: dict[str, KeyFiles]) -> bool:
    """False when a folder the new site needs is something else in the old one (write it fresh)."""
    blocked = set(found.other) | set(found.kept)
    return not blocked & _folders([f.path for f in common] + [p for files in per_key.values() for p in files.paths()])


def update(index: PublishedIndex, target: Path, manifest: Manifest, found: Found, common: list[SiteFile],
           per_key: dict[str, KeyFiles], indexed: IndexFile, key: bytes,
           progress: Progress) -> tuple[int, int]:
    """Bring the site in ``target`` to these files; (files written, files kept)."""
    progress.stage("writing assistants", len(per_key))
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        records: Records = {}
        sigs: dict[str, str] = {}
        staged: list[tuple[str, str]] = []  # (path in the site, staged file)

        def consider(f: SiteFile) -> None:
            old = found.kept.get(f.path)
            if f.signature is not None:
                sigs[f.path] = f.signature
            if old is not None and f.signature is not None and manifest.sigs.get(f.path) == f.signature:
                records[f.path] = old
                return
            data = f.make()
            digest = hashlib.sha256(data).hexdigest()
            if old is not None and old[0] == digest:
                records[f.path] = old
                return
            tmp = f"{stage}/{len(staged)}"
            with open(tmp, "wb") as out:
                out.write(data)
            staged.append((f.path, tmp))
            records[f.path] = [digest]  # its stamp once it is in place

        def keep_all(paths: list[str]) -> bool:
            olds = [found.kept.get(p) for p in paths]
            if any(old is None or p not in manifest.sigs for p, old in zip(paths, olds, strict=True)):
                return False
            for p, old in zip(paths, olds, strict=True):
                records[p] = old  # type: ignore[assignment]
                sigs[p] = manifest.sigs[p]
            return True

        for f in common:
            consider(f)
        for n, files in enumerate(per_key.values()):
            if files.same and manifest.sigs.get(files.page.path) == files.page.signature and keep_all(files.paths()):
                continue  # every file of this assistant is the previous publish's, unchanged
            for f in files.files():
                consider(f)
            if n % 64 == 0:
                progress.update(n)
        wanted = set(records)
        removed = [rel for rel in [*found.other, *found.kept] if rel not in wanted]
        needed = _folders(wanted)
        stale_dirs = [d for d in found.dirs if d not in needed]
        try:
            _apply(target, stage, staged, removed, stale_dirs, records, sigs, index, indexed, key)
        except BaseException:
            rollback(target, key)  # a failure (disk full, Ctrl-C) leaves the previous site as it was
            raise
        return len(staged), len(records) - len(staged)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        progress.close()


def _folders(paths: Iterable[str]) -> set[str]:
    """Every folder that holds one of ``paths``, at any depth ("" is the site itself)."""
    out = set()
    for folder in {p.rpartition("/")[0] for p in paths}:
        while folder not in out:
            out.add(folder)
            folder = folder.rpartition("/")[0]
    return out


def _apply(target: Path, stage: Path, staged: list[tuple[str, str]], removed: list[str], stale_dirs: list[str],
           records: Records, sigs: dict[str, str], index: PublishedIndex, indexed: IndexFile, key: bytes) -> None:
    journal = journal_dir(target)
    if os.path.lexists(journal):
        raise RosterError(f"cannot publish: {journal} is left from another run; it was not rolled back")
    os.mkdir(journal)
    # Every path that changes, and where its old file goes: written (signed) before anything changes.
    ops: list[list[Any]] = []
    for i, (rel, _) in enumerate(staged):
        ops.append([rel, f"b{i}" if os.path.lexists(target / rel) else None])
    for i, rel in enumerate(removed):
        ops.append([rel, f"r{i}"])
    ops.append([NAME, "m" if os.path.lexists(target / NAME) else None])
    _write_signed(journal / JOURNAL, key, json.dumps({"ops": ops}).encode())

    for i, (rel, tmp) in enumerate(staged):
        dst = target / rel
        backup = ops[i][1]
        if backup is not None:
            _set_aside(dst, journal / backup)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, dst)
        records[rel] = [records[rel][0], *stamp(os.lstat(dst))]
    for i, rel in enumerate(removed):
        if os.path.lexists(target / rel):
            os.rename(target / rel, journal / f"r{i}")
    for folder in reversed(stale_dirs):
        try:
            os.rmdir(target / folder)
        except OSError:
            pass  # not empty: something the walk did not see; left as it is
    manifest = describe(index, records, sigs, indexed)
    staged_manifest = stage / NAME
    staged_manifest.write_bytes(dumps(manifest, key))
    if os.path.lexists(target / NAME):
        _set_aside(target / NAME, journal / "m")
    os.replace(staged_manifest, target / NAME)
    # Done: the journal goes in one rename, then its contents.
    done = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    os.rename(journal, done / "journal")
    shutil.rmtree(done, ignore_errors=True)


def _set_aside(path: Path, backup: Path) -> None:
    """Keep the old ``path`` in the journal while it stays in place (readers still see it)."""
    if path.is_dir() and not path.is_symlink():
        os.rename(path, backup)  # a folder where the new site has a file: moved away whole
        return
    try:
        os.link(path, backup, follow_symlinks=False)
    except OSError:
        # A file system without hard links (some network and FUSE mounts): a copy serves as well.
        if path.is_symlink():
            os.symlink(os.readlink(path), backup)
        else:
            shutil.copyfile(path, backup)


def _write_signed(path: Path, key: bytes, body: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(sign(key, body))
    os.replace(tmp, path)


def rollback(target: Path, key: bytes) -> None:
    """Undo a re-publish that did not finish: every old file back in place, every new one gone."""
    journal = journal_dir(target)
    if not os.path.lexists(journal):
        return
    if journal.is_symlink() or not journal.is_dir():
        os.unlink(journal)
        return
    try:
        body = signed_body(key, (journal / JOURNAL).read_bytes())
        ops = json.loads(body)["ops"] if body is not None else []
    except (OSError, ValueError, KeyError, TypeError):
        ops = []  # no journal written: nothing in the site had changed yet
    for rel, backup in reversed(ops if isinstance(ops, list) else []):
        if not isinstance(rel, str) or not _inside(rel) or not (backup is None or isinstance(backup, str)):
            continue
        dst = target / rel
        saved = journal / backup if backup else None
        if saved is not None and os.path.lexists(saved):
            _remove(dst)
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.rename(saved, dst)
        elif saved is None:
            _remove(dst)  # a file this run added
    shutil.rmtree(journal, ignore_errors=True)


def _inside(rel: str) -> bool:
    return bool(rel) and not rel.startswith("/") and not any(p in ("", ".", "..") for p in rel.split("/"))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.unlink(path)
