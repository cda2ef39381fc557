"""Remote repositories through mirrors, against real servers on 127.0.0.1.

``git daemon`` serves a bare repository (git://), a small WSGI-free HTTP
server runs ``git http-backend`` behind basic auth (http://, credentials), and a
truncating TCP proxy cuts a transfer half-way. Nothing is mocked: every fetch
is libgit2 talking to a real server through a real socket.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from helpers.gitcmd import GitRepo, run_git
from helpers.githttp import GitHttp
from helpers.identity import git_env
from helpers.servers import free_port, wait_for_port
from roster import RemoteError, Roster, UnknownRef, UsageError
from roster.git import Mirror, cache_root, mirror_name

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parents[2]


# --- servers ---------------------------------------------------------------------------------


class GitDaemon:
    """``git daemon`` on 127.0.0.1 serving every repository below ``base`` (push enabled)."""

    def __init__(self, base: Path, port: int | None = None) -> None:
        self.base = base
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, name: str = "assistants.git") -> str:
        return f"git://127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["git", "daemon", "--reuseaddr", f"--base-path={self.base}", "--export-all", "--enable=receive-pack",
             "--informative-errors", f"--port={self.port}", "--listen=127.0.0.1", str(self.base)],
            env=git_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.proc is None:
            return
        try:  # the daemon and the upload-pack children it forked: its own process group
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self.proc = None
        wait_for_port(self.port, up=False)


class Upstream:
    """A bare repository served by git daemon, and a working clone that pushes to it over git://."""

    def __init__(self, tmp: Path) -> None:
        self.base = tmp / "srv"
        self.bare = self.base / "assistants.git"
        GitRepo(self.bare, bare=True)
        self.daemon = GitDaemon(self.base)
        self.daemon.start()
        self.url = self.daemon.url()
        self.work = GitRepo(tmp / "work")
        self.work.write_schema("writer")
        self.work.write_assistant("blog-writer", name="Blog writer", prompt="v1")
        self.v1 = self.work.commit("Add blog-writer")
        self.push("main")

    def push(self, *refs: str, force: bool = False) -> None:
        self.work.git("push", "-q", *(["--force"] if force else []), self.url, *refs)

    def change(self, prompt: str, message: str) -> str:
        self.work.write_assistant("blog-writer", name="Blog writer", prompt=prompt)
        commit = self.work.commit(message)
        self.push("main")
        return commit


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[Upstream]:
    up = Upstream(tmp_path)
    yield up
    up.daemon.stop()


class TruncatingProxy:
    """A TCP proxy that passes the request on but forwards only ``limit`` bytes of the answer,
    then cuts both connections: a transfer that dies half-way."""

    def __init__(self, target_port: int, limit: int) -> None:
        self.target_port = target_port
        self.limit = limit
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port = int(self.server.getsockname()[1])
        self.cut = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pipe_up, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe_down, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pipe_up(client: socket.socket, upstream: socket.socket) -> None:
        try:
            while data := client.recv(65536):
                upstream.sendall(data)
        except OSError:
            pass

    def _pipe_down(self, upstream: socket.socket, client: socket.socket) -> None:
        sent = 0
        try:
            while data := upstream.recv(65536):
                data = data[: self.limit - sent]
                client.sendall(data)
                sent += len(data)
                if sent >= self.limit:
                    self.cut.set()
                    break
        except OSError:
            pass
        for s in (client, upstream):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self) -> None:
        self.server.close()


def refs_of(git_dir: str | Path) -> str:
    return run_git(git_dir, "for-each-ref", "--format=%(refname) %(objectname)").stdout


def fsck(git_dir: str | Path) -> subprocess.CompletedProcess[str]:
    return run_git(git_dir, "fsck", "--strict", "--no-dangling", check=False)


def mirror_of(roster: Roster) -> Mirror:
    assert roster.remote is not None
    return roster.remote


def test_mirror_name_is_readable_unique_and_free_of_credentials() -> None:
    plain = mirror_name("https://github.com/acme/assistants.git")
    assert plain.startswith("github.com-acme-assistants-") and plain.endswith(".git")
    assert mirror_name("https://user:SECRET@github.com/acme/assistants.git") == plain
    assert "SECRET" not in mirror_name("https://user:SECRET@github.com/acme/assistants.git")
    assert mirror_name("https://github.com/acme/other.git") != plain
    assert mirror_name("git@github.com:acme/assistants.git").startswith("github.com-acme-assistants-")
    assert mirror_name("git://127.0.0.1:9418/a.git").startswith("127.0.0.1-9418-a-")


def test_cache_folder_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    monkeypatch.delenv("ROSTER_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache_root() == str(isolated_home / ".cache" / "roster")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == str(tmp_path / "xdg" / "roster")
    monkeypatch.setenv("ROSTER_CACHE_DIR", str(tmp_path / "env"))
    assert cache_root() == str(tmp_path / "env")
    assert cache_root(tmp_path / "arg") == str(tmp_path / "arg")


# --- clone, fetch, refresh -------------------------------------------------------------------


def test_clone_over_git_daemon_then_see_a_pushed_change_and_tag_after_refresh(upstream: Upstream,
                                                                                 tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    r = Roster(upstream.url, cache_dir=str(cache))
    first = r.get("blog-writer")
    assert (first.version, first.commit) == (1, upstream.v1)
    assert "v1" in first.config["configurable"]["system_prompt"]

    # The mirror: one bare repository per remote, fetching every ref.
    mirror = mirror_of(r)
    assert [p.name for p in cache.iterdir() if p.suffix == ".git"] == [os.path.basename(mirror.path)]
    assert run_git(mirror.path, "rev-parse", "--is-bare-repository").stdout.strip() == "true"
    assert run_git(mirror.path, "config", "remote.origin.fetch").stdout.strip() == "+refs/*:refs/*"
    assert run_git(mirror.path, "config", "remote.origin.url").stdout.strip() == upstream.url
    assert run_git(mirror.path, "symbolic-ref", "HEAD").stdout.strip() == "refs/heads/main"

    v2 = upstream.change("v2", "blog-writer: v2")
    upstream.work.tag("blog-writer@prod", v2)
    upstream.work.tag("v1.0.0", v2, annotated=True)
    upstream.push("refs/tags/blog-writer@prod", "refs/tags/v1.0.0")
    # No refresh interval: nothing is fetched behind the caller's back.
    assert r.get("blog-writer").commit == upstream.v1
    with pytest.raises(UnknownRef):
        r.get("blog-writer@v1.0.0")

    r.refresh()
    now = r.get("blog-writer")
    assert (now.version, now.commit) == (2, v2)
    assert r.get("blog-writer@prod").commit == v2
    assert r.get("blog-writer@v1.0.0").version == 2
    assert [v.version for v in r.history("blog-writer")] == [2, 1]
    assert r.history("blog-writer")[0].tags == ("blog-writer@prod", "v1.0.0")
    assert r.get("blog-writer@1").commit == upstream.v1
    staleness = r.staleness()
    assert staleness is not None and staleness.ok and staleness.seconds is not None and staleness.seconds < 60
    assert fsck(mirror.path).returncode == 0


def test_moved_and_deleted_refs_follow_the_remote(upstream: Upstream, tmp_path: Path) -> None:
    upstream.work.git("branch", "feature")
    upstream.work.tag("blog-writer@prod", upstream.v1)
    upstream.push("feature", "refs/tags/blog-writer@prod")
    r = Roster(upstream.url, cache_dir=str(tmp_path / "cache"))
    assert r.get("blog-writer@feature").commit == upstream.v1

    v2 = upstream.change("v2", "v2")
    upstream.work.tag("blog-writer@prod", v2, force=True)  # promote
    upstream.push("refs/tags/blog-writer@prod", force=True)
    upstream.work.git("push", "-q", upstream.url, ":feature")  # delete the branch upstream
    r.refresh()
    assert r.get("blog-writer@prod").commit == v2
    with pytest.raises(UnknownRef):
        r.get("blog-writer@feature")  # pruned, as a mirror does

    # The remote's default branch changes: HEAD follows it without another round trip.
    upstream.work.git("checkout", "-q", "-b", "stable", upstream.v1)
    upstream.push("stable")
    run_git(upstream.bare, "symbolic-ref", "HEAD", "refs/heads/stable")
    r.refresh()
    assert r.get("blog-writer").commit == upstream.v1
    assert r.get("blog-writer@main").commit == v2


def test_file_url_and_a_second_roster_reuses_the_mirror(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "origin")
    g.write_schema("writer")
    g.write_assistant("blog-writer", prompt="v1")
    v1 = g.commit("v1")
    url = (tmp_path / "origin").as_uri()
    assert url.startswith("file:///")
    cache = tmp_path / "cache"
    r1 = Roster(url, cache_dir=str(cache))
    assert r1.get("blog-writer").commit == v1
    mirror = Path(mirror_of(r1).path)
    inode = mirror.stat().st_ino

    g.write_assistant("blog-writer", prompt="v2")
    v2 = g.commit("v2")
    r2 = Roster(url, cache_dir=str(cache))  # opening an existing mirror fetches it once
    assert mirror.stat().st_ino == inode  # the same folder, not a new clone
    assert r2.get("blog-writer").commit == v2
    assert r1.get("blog-writer").commit == v1  # r1 has not refreshed (and caches its answer)
    r1.refresh()
    assert r1.get("blog-writer").commit == v2


def test_refresh_interval_fetches_in_the_background(upstream: Upstream, tmp_path: Path) -> None:
    r = Roster(upstream.url, cache_dir=str(tmp_path / "cache"), refresh_interval=0.2)
    upstream.work.tag("blog-writer@prod", upstream.v1)
    upstream.push("refs/tags/blog-writer@prod")
    v2 = upstream.change("v2", "v2")
    upstream.work.tag("blog-writer@prod", v2, force=True)
    upstream.push("refs/tags/blog-writer@prod", force=True)
    deadline = time.monotonic() + 20
    seen = None
    calls = 0
    while time.monotonic() < deadline:
        try:
            seen = r.get("blog-writer@prod").commit
        except UnknownRef:
            seen = None  # the first fetch has not brought the tag yet
        calls += 1
        if seen == v2:
            break
        time.sleep(0.05)
    assert seen == v2, "the moved prod tag was not picked up within 20 s"
    assert calls > 1  # the answer came later, from the background fetch, not from get() itself
    mirror_of(r).wait(10)


def test_threads_keep_resolving_while_refreshes_run(upstream: Upstream, tmp_path: Path) -> None:
    r = Roster(upstream.url, cache_dir=str(tmp_path / "cache"))
    commits = [upstream.v1]
    errors: list[BaseException] = []
    seen: set[str] = set()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                a = r.get("blog-writer")
                assert a.commit in commits and a.version == commits.index(a.commit) + 1
                seen.add(a.commit)
                assert len(r.history("blog-writer")) >= 1
            except BaseException as e:  # collected, then asserted on
                errors.append(e)
                return

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for i in range(2, 6):
            commits.append(upstream.change(f"v{i}", f"v{i}"))
            r.refresh()
            assert r.get("blog-writer").commit == commits[-1]
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert errors == []
    assert commits[-1] in seen or r.get("blog-writer").commit == commits[-1]
    assert fsck(mirror_of(r).path).returncode == 0


# --- failures and offline ----------------------------------------------------------------------


def test_daemon_stopped_mid_way_keeps_serving_and_reports_staleness(upstream: Upstream, tmp_path: Path) -> None:
    r = Roster(upstream.url, cache_dir=str(tmp_path / "cache"))
    before = r.staleness()
    assert before is not None and before.ok and before.last_success is not None
    upstream.daemon.stop()
    # The remote moves on while we cannot reach it.
    upstream.work.write_assistant("blog-writer", name="Blog writer", prompt="v2")
    v2 = upstream.work.commit("v2")
    upstream.work.git("push", "-q", str(upstream.bare), "main")

    with pytest.raises(RemoteError) as info:
        r.refresh()
    message = str(info.value)
    assert upstream.url in message and "still serving the mirror" in message
    a = r.get("blog-writer")
    assert (a.version, a.commit) == (1, upstream.v1)  # the last good state keeps serving
    assert r.history("blog-writer")[0].commit == upstream.v1
    stale = r.staleness()
    assert stale is not None and not stale.ok and stale.error
    assert stale.last_success == before.last_success  # no success since
    assert stale.seconds is not None and stale.seconds >= 0
    assert stale.failed_at is not None and stale.failed_at >= before.last_success

    # A new Roster on the same cache starts offline too: it serves the mirror, it does not fail.
    offline = Roster(upstream.url, cache_dir=str(tmp_path / "cache"))
    assert offline.get("blog-writer").commit == upstream.v1
    assert offline.staleness().error

    upstream.daemon.start()  # same port: the remote is back
    r.refresh()
    assert r.get("blog-writer").commit == v2
    after = r.staleness()
    assert after is not None and after.ok and after.last_success > before.last_success


def test_a_transfer_cut_half_way_changes_no_ref(upstream: Upstream, tmp_path: Path) -> None:
    # Enough incompressible data that the pack cannot arrive in one piece before the cut.
    proxy = TruncatingProxy(upstream.daemon.port, limit=64 * 1024)
    try:
        url = f"git://127.0.0.1:{proxy.port}/assistants.git"
        cache = tmp_path / "cache"
        # The first clone goes through the real daemon, into the folder the proxy URL maps to.
        mirror = Mirror(url, cache_dir=str(cache))
        proxy.limit = 10**9
        mirror.create()
        proxy.limit = 64 * 1024
        r = Roster(url, cache_dir=str(cache))
        assert r.get("blog-writer").commit == upstream.v1
        before = refs_of(mirror.path)
        packs = sorted(os.listdir(os.path.join(mirror.path, "objects", "pack")))

        upstream.work.write("assistants/big.bin", os.urandom(2 * 1024 * 1024))
        upstream.work.write_assistant("blog-writer", name="Blog writer", prompt="v2")
        v2 = upstream.work.commit("v2 with a large file")
        upstream.work.tag("v2.0.0", v2)
        upstream.push("main", "refs/tags/v2.0.0")

        with pytest.raises(RemoteError):
            r.refresh()
        assert proxy.cut.is_set()  # the failure was the cut, not something else
        assert refs_of(mirror.path) == before
        assert sorted(os.listdir(os.path.join(mirror.path, "objects", "pack"))) == packs  # no partial pack
        assert r.get("blog-writer").commit == upstream.v1
        assert fsck(mirror.path).returncode == 0

        proxy.limit = 10**9  # the connection is good again
        r.refresh()
        assert r.get("blog-writer").commit == v2 and r.get("blog-writer@v2.0.0").commit == v2
        assert fsck(mirror.path).returncode == 0
    finally:
        proxy.close()


def test_first_start_without_network_is_a_clear_error(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    url = f"git://127.0.0.1:{port}/assistants.git"
    cache = tmp_path / "cache"
    with pytest.raises(RemoteError) as info:
        Roster(url, cache_dir=str(cache))
    message = str(info.value)
    assert message.startswith(f"cannot clone {url}:") and "no mirror" in message
    assert [p.name for p in cache.iterdir() if not p.name.endswith(".lock")] == []  # no half-made mirror

    cli = subprocess.run([PYTHON, "-m", "roster", "--repo", url, "--cache-dir", str(cache), "show", "blog-writer"],
                         capture_output=True, text=True, env=_cli_env(), timeout=60)
    assert cli.returncode == 2
    assert cli.stderr.startswith("roster: error: cannot clone") and "Traceback" not in cli.stderr
    assert len(cli.stderr.strip().splitlines()) == 1


def _cli_env() -> dict[str, str]:
    env = git_env(os.environ.get("HOME"))
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def test_cli_repo_accepts_a_url_and_warns_when_offline(upstream: Upstream, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    upstream.work.tag("blog-writer@prod", upstream.v1)
    upstream.push("refs/tags/blog-writer@prod")

    def roster(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([PYTHON, "-m", "roster", "--repo", upstream.url, "--cache-dir", cache, *args],
                              capture_output=True, text=True, env=_cli_env(), timeout=60)

    shown = roster("show", "blog-writer@prod", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["commit"] == upstream.v1 and shown.stderr == ""
    listed = roster("list", "--format", "json")
    assert [a["assistant_id"] for a in json.loads(listed.stdout)] == ["blog-writer"]
    checked = roster("check", "--ref", "main")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    upstream.daemon.stop()
    offline = roster("show", "blog-writer@prod", "--format", "json")
    assert offline.returncode == 0
    assert json.loads(offline.stdout)["commit"] == upstream.v1
    assert offline.stderr.startswith(f"roster: warning: {upstream.url}:") and "serving" in offline.stderr
    promote = roster("promote", "blog-writer", "1", "--to", "staging")
    assert promote.returncode == 2 and "push the tag" in promote.stderr


def test_promote_on_a_mirror_is_refused(upstream: Upstream, tmp_path: Path) -> None:
    r = Roster(upstream.url, cache_dir=str(tmp_path / "cache"))
    with pytest.raises(UsageError, match="push the tag"):
        r.promote("blog-writer", "1", to="prod")
    assert "refs/tags/blog-writer@prod" not in refs_of(mirror_of(r).path)


# --- processes sharing one cache -------------------------------------------------------------

_WORKER = r"""
import json, os, sys, time
from roster import Roster
url, cache, go = sys.argv[1], sys.argv[2], sys.argv[3]
deadline = time.monotonic() + 30
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.001)
r = Roster(url, cache_dir=cache)
r.refresh()
a = r.get("blog-writer")
print(json.dumps({"commit": a.commit, "version": a.version, "mirror": r.remote.path}))
"""


def _race(url: str, cache: Path, tmp_path: Path, n: int, tag: str) -> list[dict[str, object]]:
    go = tmp_path / f"go-{tag}"
    procs = [subprocess.Popen([PYTHON, "-c", _WORKER, url, str(cache), str(go)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=_cli_env()) for _ in range(n)]
    time.sleep(0.3)  # let every process import and wait at the line
    go.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        results.append(json.loads(out))
    return results


def test_processes_sharing_a_cache_clone_and_fetch_at_the_same_time(upstream: Upstream, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    results = _race(upstream.url, cache, tmp_path, 4, "clone")
    assert {r["commit"] for r in results} == {upstream.v1}
    mirrors = {r["mirror"] for r in results}
    assert len(mirrors) == 1
    mirror = mirrors.pop()
    assert sorted(p.name for p in cache.iterdir()) == sorted([os.path.basename(mirror),
                                                              os.path.basename(mirror) + ".lock"])
    assert fsck(mirror).returncode == 0

    for i in range(2, 5):
        v = upstream.change(f"v{i}", f"v{i}")
    results = _race(upstream.url, cache, tmp_path, 4, "fetch")
    assert {(r["commit"], r["version"]) for r in results} == {(v, 4)}
    check = fsck(mirror)
    assert check.returncode == 0, check.stdout + check.stderr
    assert refs_of(mirror) == refs_of(upstream.bare)


# --- credentials over http ---------------------------------------------------------------------


@pytest.fixture
def http_git(tmp_path: Path) -> Iterator[tuple[str, GitRepo, type[GitHttp]]]:
    bare = tmp_path / "http" / "assistants.git"
    GitRepo(bare, bare=True)
    work = GitRepo(tmp_path / "work-http")
    work.write_schema("writer")
    work.write_assistant("blog-writer", prompt="over http")
    work.commit("v1")
    work.git("push", "-q", str(bare), "main")
    handler = type("Handler", (GitHttp,), {"project_root": str(bare.parent), "password": "s3cret-T0KEN",
                                             "log": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/assistants.git", work, handler
    finally:
        server.shutdown()
        server.server_close()


def _no_secret_under(folder: Path, secret: str) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), f"the secret was written to {path}"


def test_http_token_from_the_environment(http_git: tuple[str, GitRepo, type[GitHttp]], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    url, work, handler = http_git
    cache = tmp_path / "cache"
    monkeypatch.delenv("ROSTER_GIT_TOKEN", raising=False)
    with pytest.raises(RemoteError) as info:
        Roster(url, cache_dir=str(cache))
    assert "authentication failed" in str(info.value) and "ROSTER_GIT_TOKEN" in str(info.value)

    monkeypatch.setenv("ROSTER_GIT_USERNAME", "ci")
    monkeypatch.setenv("ROSTER_GIT_TOKEN", "wrong")
    with pytest.raises(RemoteError) as info:
        Roster(url, cache_dir=str(cache))
    assert "wrong" not in str(info.value) and "refused" in str(info.value)

    monkeypatch.setenv("ROSTER_GIT_TOKEN", handler.password)
    r = Roster(url, cache_dir=str(cache))
    assert "over http" in r.get("blog-writer").config["configurable"]["system_prompt"]
    assert any("Basic" in line for line in handler.log)  # it did authenticate
    r.refresh()
    assert run_git(mirror_of(r).path, "config", "remote.origin.url").stdout.strip() == url
    _no_secret_under(cache, handler.password)


def test_http_credentials_in_the_url_stay_in_memory(http_git: tuple[str, GitRepo, type[GitHttp]],
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url, work, handler = http_git
    monkeypatch.delenv("ROSTER_GIT_TOKEN", raising=False)
    cache = tmp_path / "cache"
    secret_url = url.replace("http://", f"http://ci:{handler.password}@")
    r = Roster(secret_url, cache_dir=str(cache))
    assert r.get("blog-writer").version == 1
    assert r.remote is not None and handler.password not in repr(r.remote)
    assert r.staleness().source == url
    _no_secret_under(cache, handler.password)

    bad = url.replace("http://", "http://ci:nope@")
    with pytest.raises(RemoteError) as info:
        Roster(bad, cache_dir=str(cache)).refresh()
    assert "nope" not in str(info.value) and url in str(info.value)


def test_http_credentials_from_a_git_credential_helper(http_git: tuple[str, GitRepo, type[GitHttp]],
                                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       isolated_home: Path) -> None:
    url, work, handler = http_git
    monkeypatch.delenv("ROSTER_GIT_TOKEN", raising=False)
    store = tmp_path / "git-credentials"
    host = url.split("/")[2]
    store.write_text(f"http://ci:{handler.password}@{host}\n")
    (isolated_home / ".gitconfig").write_text(f"[credential]\n\thelper = store --file={store}\n")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    cache = tmp_path / "cache"
    r = Roster(url, cache_dir=str(cache))
    assert r.get("blog-writer").version == 1
    _no_secret_under(cache, handler.password)
