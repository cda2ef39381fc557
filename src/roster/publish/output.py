"""``roster publish``: write the site into a temporary folder, then swap it in.

The new site is written next to ``DIR`` and renamed over it only when
complete, so a failure (or Ctrl-C) never leaves a half-written site behind.
A previous site in ``DIR`` is also the cache of a re-publish: its index gives
the versions already parsed, and a file whose inputs did not change is
hard-linked from it instead of being rendered and written again.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, NamedTuple

from roster.errors import HistoryCut, UsageError
from roster.publish.index import PublishedIndex, build_index, version_json
from roster.publish.progress import NoProgress, Progress
from roster.publish.site import Page, pages

MANIFEST = ".roster-publish.json"  # page signatures of the last publish; not part of the site proper


class PublishResult(NamedTuple):
    out: str
    head: str
    assistants: int
    versions: int
    written: int  # files rendered and written
    reused: int  # files kept from the previous site (hard links)
    redacted: tuple[str, ...] = ()  # "id@version path" of every value published as [redacted]


def publish(roster: Any, out: str, *, ref: str | None = None, title: str | None = None,
            progress: Progress | None = None, allow_cut: bool = False) -> PublishResult:
    """Write the published history of ``ref`` into the folder ``out`` (replacing a previous one)."""
    if getattr(roster, "read_only", False):  # Roster.from_index(): a published index, not a repository
        raise UsageError(f"{roster.source} is a published index: publish reads the git repository it came "
                         f"from (--repo PATH or git URL)")
    progress = progress or NoProgress()
    target = Path(out).resolve()
    _guard(target, roster)
    previous, manifest = _previous(target)
    index = build_index(roster, ref, previous=previous, progress=progress)
    if index.data["cut"] and not allow_cut:
        raise HistoryCut("cannot publish from a shallow clone: version numbers are unknown; fetch the full "
                         "history first (git fetch --unshallow, or actions/checkout with fetch-depth: 0)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        old = target if previous is not None else None
        same = previous is not None and previous.get("generator") == index.data["generator"]
        all_pages = pages(index, title=title or _default_title(roster))
        job = _Job(tmp, old, index, previous.get("assistants", {}) if same and previous else {},
                   _tags_by_commit(previous.get("tags", {})) if same and previous else {}, manifest,
                   {k: p for k, p in zip(index.assistants, all_pages[2:])})
        writer = _Writer(tmp, None)

        def site_wide() -> None:
            for page in all_pages[:2]:
                writer.text(page.path, page.render())
            writer.text("index.json", json.dumps(index.data, ensure_ascii=False, separators=(",", ":")))
            if index.data.get("environments"):
                from roster.publish.envpage import environments_page

                writer.text("environments.html", environments_page(index, title=title or _default_title(roster)))
            writer.text(".nojekyll", "")  # GitHub Pages served from a branch must not drop files named _x

        written, reused, signatures = _write_assistants(job, progress, meanwhile=site_wide)
        manifest_data = {"format": 1, "generator": index.data["generator"], "pages": dict(sorted(signatures.items()))}
        writer.text(MANIFEST, json.dumps(manifest_data))
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp made it private; a site is meant to be read
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        progress.close()
    versions = sum(len(a["versions"]) for a in index.assistants.values() if a["status"] != "renamed")
    active = sum(1 for a in index.assistants.values() if a["status"] == "active")
    redacted = tuple(f"{r['assistant_id']}@{r['version']} {r['path']}" for r in index.data.get("redacted", []))
    return PublishResult(str(target), index.data["head"], active, versions, written + writer.written, reused,
                         redacted)


class _Writer:
    def __init__(self, root: Path, old: Path | None) -> None:
        self.root = root
        self.old = old
        self.written = 0
        self.reused = 0
        self._dirs: set[Path] = set()

    def _path(self, rel: str) -> Path:
        path = self.root / rel
        parent = path.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        return path

    def text(self, rel: str, text: str) -> None:
        with open(self._path(rel), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        self.written += 1

    def reuse(self, rel: str) -> bool:
        """Hard-link ``rel`` from the previous site; False when that is not possible."""
        if self.old is None:
            return False
        try:
            os.link(self.old / rel, self._path(rel))
        except OSError:
            return False  # no old file, or a file system without hard links: write it again
        self.reused += 1
        return True


class _Job(NamedTuple):
    """Everything the per-assistant work reads; inherited by forked workers, never pickled."""

    root: Path
    old: Path | None
    index: PublishedIndex
    old_assistants: dict[str, Any]
    old_tags: dict[str, list[str]]
    manifest: dict[str, str]
    pages: dict[str, Page]


_JOB: _Job | None = None
_PARALLEL_MIN = 200  # assistants; below this, forking costs more than it saves
_CHUNK = 50


def _write_assistants(job: _Job, progress: Progress, *,
                      meanwhile: Callable[[], None]) -> tuple[int, int, dict[str, str]]:
    """Each assistant's version files and page; on every core when there are many.

    Rendering diffs and writing ~14,000 small files is most of a publish; the
    work splits cleanly by assistant, so forked workers (which inherit the
    index, nothing is pickled) each take a share of the keys.
    """
    global _JOB
    keys = list(job.index.assistants)
    progress.stage("writing assistants", len(keys))
    workers = min(os.cpu_count() or 1, 8)
    if len(keys) >= _PARALLEL_MIN and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        chunks = [keys[i:i + _CHUNK] for i in range(0, len(keys), _CHUNK)]
        _JOB = job
        started = False
        try:
            written = reused = done = 0
            signatures: dict[str, str] = {}
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.imap_unordered(_work_chunk, chunks)
                started = True
                meanwhile()  # the site-wide pages and index.json, while the workers run
                for w, r, sig, n in results:
                    written, reused, done = written + w, reused + r, done + n
                    signatures.update(sig)
                    progress.update(done)
            return written, reused, signatures
        except (OSError, multiprocessing.ProcessError):
            if started:
                raise
            # cannot fork here (limits, sandbox): do it in this process
        finally:
            _JOB = None
    meanwhile()
    written = reused = 0
    signatures = {}
    for i in range(0, len(keys), _CHUNK):
        w, r, sig, _ = _work(job, keys[i:i + _CHUNK])
        written, reused = written + w, reused + r
        signatures.update(sig)
        progress.update(min(i + _CHUNK, len(keys)))
    return written, reused, signatures


def _work_chunk(keys: list[str]) -> tuple[int, int, dict[str, str], int]:
    assert _JOB is not None
    return _work(_JOB, keys)


def _work(job: _Job, keys: list[str]) -> tuple[int, int, dict[str, str], int]:
    writer = _Writer(job.root, job.old)
    signatures: dict[str, str] = {}
    index = job.index
    for key in keys:
        entry = index.assistants[key]
        versions = entry["versions"]
        old_versions = (job.old_assistants.get(key) or {}).get("versions") or []
        first = versions[0] if versions else None
        for v in versions:
            n = v["version"]
            old = old_versions[n - 1] if len(old_versions) >= n else None
            # Same commit, id, number, first version and tags: the file's bytes are the same.
            if (old is not None and old.get("commit") == v["commit"] and old.get("assistant_id") == v["assistant_id"]
                    and old.get("file") == v["file"] and old_versions[0].get("commit") == first["commit"]
                    and job.old_tags.get(v["commit"], []) == index.tags_at.get(v["commit"], [])
                    and writer.reuse(v["file"])):
                continue
            writer.text(v["file"], json.dumps(version_json(index, v, first), ensure_ascii=False) + "\n")
        page = job.pages[key]
        signatures[page.path] = page.signature
        if job.manifest.get(page.path) == page.signature and writer.reuse(page.path):
            continue
        writer.text(page.path, page.render())
    return writer.written, writer.reused, signatures, len(keys)


def _tags_by_commit(tags: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, commit in tags.items():
        out.setdefault(commit, []).append(name)
    for names in out.values():
        names.sort()
    return out


def _guard(target: Path, roster: Any) -> None:
    """Refuse to replace anything that is not a site this command wrote."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"--out {target}: exists and is not a folder")
    project = roster.project
    for inside in (project.top, getattr(project.repo, "path", None)):
        if inside and Path(inside).resolve().is_relative_to(target):
            raise UsageError(f"--out {target}: would replace the repository itself; choose a folder of its own "
                             "(such as _site)")
    if target.is_dir() and any(target.iterdir()) and not _is_site(target):
        raise UsageError(f"--out {target}: the folder is not empty and holds no published Roster site "
                         "(no index.json written by roster); empty it or choose another folder")


def _is_site(folder: Path) -> bool:
    try:
        with open(folder / "index.json", "rb") as f:
            start = f.read(200)
    except OSError:
        return False
    return start.startswith(b'{"format":') and b'"generator":"roster' in start


def _previous(target: Path) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The previous site's index and page signatures (None and {} when there is none usable)."""
    if not _is_site(target):
        return None, {}
    try:
        with open(target / "index.json", encoding="utf-8") as f:
            previous = json.load(f)
    except (OSError, ValueError):
        return None, {}
    manifest: dict[str, str] = {}
    try:
        with open(target / MANIFEST, encoding="utf-8") as f:
            data = json.load(f)
        if data.get("generator") == previous.get("generator") and isinstance(data.get("pages"), dict):
            manifest = data["pages"]
    except (OSError, ValueError, AttributeError):
        pass
    return previous, manifest


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


def _default_title(roster: Any) -> str:
    project = roster.project
    base = project.folder or getattr(project.repo, "path", "") or "assistants"
    name = Path(str(base).rstrip("/")).name
    if name == ".git":
        name = Path(str(base).rstrip("/")).parent.name
    return f"{name.removesuffix('.git') or 'Roster'} assistants"
