"""``roster publish``: write the site into a temporary folder, then swap it in.

The new site is written next to ``DIR`` and renamed over it only when
complete, so a failure (or Ctrl-C) never leaves a half-written site behind; a
run killed between the two final renames is repaired by the next one (``recover``).

A previous site in ``DIR`` is also the cache of a re-publish: its index gives
the versions already parsed, and a file whose inputs did not change is
hard-linked from it instead of being rendered and written again. That folder is
not trusted (a pull request can commit a ``_site/``): its manifest lists the
SHA-256 of every file and is signed with a key kept in the repository's git dir,
which no commit can write. Without a valid signature nothing is reused, and a
file is reused only when its bytes still hash to what the manifest recorded.
"""
from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import multiprocessing
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.cachetrust import usable
from roster.errors import HistoryCut, RosterError, UsageError
from roster.publish.index import PublishedIndex, build_index, version_json
from roster.publish.progress import NoProgress, Progress
from roster.publish.site import SCRIPT, Page, pages, script

if TYPE_CHECKING:
    from roster.roster import Roster

MANIFEST = ".roster-publish.json"  # page signatures of the last publish; not part of the site proper
MANIFEST_FORMAT = 2


class PublishResult(NamedTuple):
    out: str
    head: str
    assistants: int
    versions: int
    written: int  # files rendered and written
    reused: int  # files kept from the previous site (hard links)
    redacted: tuple[str, ...] = ()  # "id@version path" of every value published as [redacted]
    skipped: tuple[str, ...] = ()  # names in history that are not valid ids: left out of the site


def publish(roster: Roster, out: str, *, ref: str | None = None, title: str | None = None,
            progress: Progress | None = None, allow_cut: bool = False) -> PublishResult:
    """Write the published history of ``ref`` into the folder ``out`` (replacing a previous one)."""
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
    key = _site_key(roster)
    with _locked(target):
        recover(target, key)
        previous, manifest, digests = _previous(target, key)
        index = build_index(roster, ref, previous=previous, progress=progress)
        if index.data["cut"] and not allow_cut:
            raise HistoryCut("cannot publish from a shallow clone: version numbers are unknown; fetch the full "
                             "history first (git fetch --unshallow, or actions/checkout with fetch-depth: 0)")
        written, reused = _write_site(roster, target, index, previous, manifest, digests, key, title, progress)
    versions = sum(len(a["versions"]) for a in index.assistants.values() if a["status"] != "renamed")
    active = sum(1 for a in index.assistants.values() if a["status"] == "active")
    redacted = tuple(f"{r['assistant_id']}@{r['version']} {r['path']}" for r in index.data.get("redacted", []))
    return PublishResult(str(target), index.data["head"], active, versions, written, reused, redacted,
                         index.skipped)


def _write_site(roster: Roster, target: Path, index: PublishedIndex, previous: dict[str, Any] | None,
                manifest: dict[str, str], digests: dict[str, str], key: bytes, title: str | None,
                progress: Progress) -> tuple[int, int]:
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        old = target if previous is not None else None
        same = previous is not None and previous.get("generator") == index.data["generator"]
        all_pages = pages(index, title=title or _default_title(roster))
        job = _Job(tmp, old, index, previous.get("assistants", {}) if same and previous else {},
                   _tags_by_commit(previous.get("tags", {})) if same and previous else {}, manifest, digests,
                   {k: p for k, p in zip(index.assistants, all_pages[2:], strict=True)})
        writer = _Writer(tmp, None, {})

        def site_wide() -> None:
            for page in all_pages[:2]:
                writer.text(page.path, page.render())
            writer.text(SCRIPT, script())
            writer.text("index.json", json.dumps(index.data, ensure_ascii=False, separators=(",", ":")))
            if index.data.get("environments"):
                # lazy: loads multiprocessing (via roster.publish.index)
                from roster.publish.envpage import environments_page

                writer.text("environments.html", environments_page(index, title=title or _default_title(roster)))
            writer.text(".nojekyll", "")  # GitHub Pages served from a branch must not drop files named _x

        written, reused, signatures, files = _write_assistants(job, progress, meanwhile=site_wide)
        files.update(writer.digests)
        body = {"format": MANIFEST_FORMAT, "generator": index.data["generator"],
                "pages": dict(sorted(signatures.items())), "files": dict(sorted(files.items()))}
        writer.text(MANIFEST, json.dumps({**body, "mac": _mac(key, body)}))
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp made it private; a site is meant to be read
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        progress.close()
    return written + writer.written, reused


class _Writer:
    # Plain strings and os calls: pathlib's parsing was a third of a re-publish's per-file cost.
    def __init__(self, root: Path, old: Path | None, old_digests: dict[str, str]) -> None:
        self.root = str(root)
        self._real_root = os.path.realpath(self.root)
        self.old = None if old is None else str(old)
        self.old_digests = old_digests
        self.written = 0
        self.reused = 0
        self.digests: dict[str, str] = {}
        self._dirs: set[str] = set()

    def _path(self, rel: str) -> str:
        # Names come from history: refuse anything that would land outside the new site.
        if not rel or rel.startswith("/") or any(part in ("", ".", "..") for part in rel.split("/")):
            raise RosterError(f"cannot publish: refusing the output path {rel!r}")
        path = f"{self.root}/{rel}"
        parent = os.path.dirname(path)
        if parent not in self._dirs:
            os.makedirs(parent, exist_ok=True)
            real = os.path.realpath(parent)
            if real != self._real_root and not real.startswith(self._real_root + os.sep):
                raise RosterError(f"cannot publish: {rel!r} resolves outside the site folder")
            self._dirs.add(parent)
        return path

    def text(self, rel: str, text: str) -> None:
        data = text.encode("utf-8")
        with open(self._path(rel), "wb") as f:
            f.write(data)
        self.digests[rel] = hashlib.sha256(data).hexdigest()
        self.written += 1

    def reuse(self, rel: str) -> bool:
        """Hard-link ``rel`` from the previous site when its bytes are the ones recorded; else False."""
        want = self.old_digests.get(rel)
        if self.old is None or want is None:
            return False
        source = f"{self.old}/{rel}"
        try:
            with open(source, "rb") as f:
                if hashlib.sha256(f.read()).hexdigest() != want:
                    return False
            os.link(source, self._path(rel), follow_symlinks=False)
        except OSError:
            return False  # no old file, or a file system without hard links: write it again
        self.digests[rel] = want
        self.reused += 1
        return True


class _Job(NamedTuple):
    """Everything the per-assistant work reads; inherited by forked workers, never pickled."""

    root: Path
    old: Path | None
    published: PublishedIndex
    old_assistants: dict[str, Any]
    old_tags: dict[str, list[str]]
    manifest: dict[str, str]
    digests: dict[str, str]  # file -> SHA-256 of the previous site's files, from its signed manifest
    pages: dict[str, Page]


_JOB: _Job | None = None
_PARALLEL_MIN = 200  # assistants; below this, forking costs more than it saves
_CHUNK = 50


def _write_assistants(job: _Job, progress: Progress, *,
                      meanwhile: Callable[[], None]) -> tuple[int, int, dict[str, str], dict[str, str]]:
    """Each assistant's version files and page; on every core when there are many.

    Rendering diffs and writing ~14,000 small files is most of a publish; the
    work splits cleanly by assistant, so forked workers (which inherit the
    index, nothing is pickled) each take a share of the keys.
    """
    global _JOB
    keys = list(job.published.assistants)
    progress.stage("writing assistants", len(keys))
    workers = min(os.cpu_count() or 1, 8)
    if len(keys) >= _PARALLEL_MIN and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        chunks = [keys[i:i + _CHUNK] for i in range(0, len(keys), _CHUNK)]
        _JOB = job
        started = False
        try:
            written = reused = done = 0
            signatures: dict[str, str] = {}
            files: dict[str, str] = {}
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.imap_unordered(_work_chunk, chunks)
                started = True
                meanwhile()  # the site-wide pages and index.json, while the workers run
                for w, r, sig, dig, n in results:
                    written, reused, done = written + w, reused + r, done + n
                    signatures.update(sig)
                    files.update(dig)
                    progress.update(done)
            return written, reused, signatures, files
        except (OSError, multiprocessing.ProcessError):
            if started:
                raise
            # cannot fork here (limits, sandbox): do it in this process
        finally:
            _JOB = None
    meanwhile()
    written = reused = 0
    signatures = {}
    files = {}
    for i in range(0, len(keys), _CHUNK):
        w, r, sig, dig, _ = _work(job, keys[i:i + _CHUNK])
        written, reused = written + w, reused + r
        signatures.update(sig)
        files.update(dig)
        progress.update(min(i + _CHUNK, len(keys)))
    return written, reused, signatures, files


_WorkResult = tuple[int, int, dict[str, str], dict[str, str], int]


def _work_chunk(keys: list[str]) -> _WorkResult:
    assert _JOB is not None
    return _work(_JOB, keys)


def _work(job: _Job, keys: list[str]) -> _WorkResult:
    writer = _Writer(job.root, job.old, job.digests)
    signatures: dict[str, str] = {}
    index = job.published
    for key in keys:
        entry = index.assistants[key]
        versions = entry["versions"]
        old_versions = (job.old_assistants.get(key) or {}).get("versions") or []
        first: dict[str, Any] = versions[0] if versions else {}  # read only inside the loop
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
    return writer.written, writer.reused, signatures, writer.digests, len(keys)


def _tags_by_commit(tags: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, commit in tags.items():
        out.setdefault(commit, []).append(name)
    for names in out.values():
        names.sort()
    return out


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


def _previous(target: Path, key: bytes) -> tuple[dict[str, Any] | None, dict[str, str], dict[str, str]]:
    """The previous site's index, page signatures and file digests; (None, {}, {}) unless signed by us."""
    nothing: tuple[None, dict[str, str], dict[str, str]] = (None, {}, {})
    if not _is_site(target):
        return nothing
    try:
        with open(target / MANIFEST, "rb") as f:
            data = json.loads(f.read(64 << 20))
        with open(target / "index.json", "rb") as f:
            raw = f.read()
    except (OSError, ValueError):
        return nothing
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return nothing
    body = {k: v for k, v in data.items() if k != "mac"}
    mac = data.get("mac")
    if not isinstance(mac, str) or not hmac.compare_digest(mac, _mac(key, body)):
        return nothing  # not written by a publish of this repository: a cache nobody vouches for
    files, signatures = data.get("files"), data.get("pages")
    if not isinstance(files, dict) or not isinstance(signatures, dict):
        return nothing
    if files.get("index.json") != hashlib.sha256(raw).hexdigest():
        return nothing
    try:
        previous = json.loads(raw)
    except ValueError:
        return nothing
    if not isinstance(previous, dict) or previous.get("generator") != data.get("generator"):
        return nothing
    return previous, signatures, files


def _mac(key: bytes, body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _site_key(roster: Roster) -> bytes:
    """The key that signs a site's manifest: in the git dir, which no commit or pull request can write."""
    if not usable(roster.repository.path):  # a key that came with a restored repository signs nothing here
        return secrets.token_bytes(32)
    folder = Path(roster.repository.path) / "roster"
    path = folder / "site.key"
    try:
        with open(path, "rb") as f:
            key = f.read(64)
        if len(key) >= 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".site.key.")
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only git dir: this run reuses nothing, and the next one neither
    return key


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
    too). Half-written ``.NAME.*.tmp`` folders and anything else are removed.
    """
    prefix = f".{target.name}."
    leftovers = [p for p in target.parent.iterdir() if p.name.startswith(prefix)
                 and p.name.endswith((".tmp", ".old")) and p.is_dir() and not p.is_symlink()]
    for path in leftovers:
        if path.name.endswith(".old") and not os.path.lexists(target) and (
                key is None or _previous(path, key)[0] is not None):
            os.rename(path, target)
        else:
            shutil.rmtree(path, ignore_errors=True)


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
