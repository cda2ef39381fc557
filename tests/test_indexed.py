"""``Roster.from_index``: the published ``index.json`` as a read source.

A hand-written index (docs/index-format.md) pins the reader's rules; a real
``roster publish`` of the Story repository, served by ``python -m http.server``
on 127.0.0.1, must answer exactly as the git-backed Roster does.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from helpers.gitcmd import GitRepo
from helpers.identity import git_env
from helpers.servers import free_port, wait_for_port
from helpers.stories import Story
from roster import HistoryCut, RemoteError, Roster, UnknownAssistant, UnknownRef, UsageError
from roster.indexed import IndexRoster
from roster.model import Assistant, Version

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parents[1]


# --- servers ---------------------------------------------------------------------------------


class StaticServer:
    """``python -m http.server`` on 127.0.0.1 serving ``folder``; its request log goes to a file."""

    def __init__(self, folder: Path, log: Path) -> None:
        self.folder = folder
        self.log = log
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([PYTHON, "-m", "http.server", "--bind", "127.0.0.1", str(self.port),
                                          "--directory", str(self.folder)],
                                         stdout=subprocess.DEVNULL, stderr=log)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None
            wait_for_port(self.port, up=False)

    def requests(self) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if '"GET ' in line]


# --- a hand-written index (docs/index-format.md) ----------------------------------------------


def cid(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()


C = [cid(f"c{i}") for i in range(6)]
DATES = [f"2024-01-0{i + 1}T10:00:00Z" for i in range(6)]


def content(name: str, prompt: str, **extra: Any) -> dict[str, Any]:
    return {"graph_id": "writer", "name": name, "description": None,
            "config": {"configurable": {"model": "m", "system_prompt": prompt}}, "context": {},
            "metadata": extra.get("metadata", {}), "server_id": None}


def version(n: int, pos: int, assistant_id: str, kind: str, body: dict[str, Any], key: str,
            suffix: str = ".yaml") -> dict[str, Any]:
    return {"version": n, "commit": C[pos], "pos": pos, "assistant_id": assistant_id, "kind": kind,
            "content": body, "file": f"assistants/{key}/v{n}.json", "path": f"assistants/{assistant_id}{suffix}"}


def fixture_index() -> dict[str, Any]:
    """c0: add a, b (v1.0.0) · c1: change a · c2: delete b · c3: rename a -> team/a2 ·
    c4: re-add b (b@prod) · c5: docs."""
    a1, a2 = content("a", "a one"), content("a", "a two")
    a3 = content("team/a2", "a two", metadata={"team": "x"})
    b1, b2 = content("b", "b one"), content("b", "b two")
    return {
        "format": 1, "generator": "hand", "generated_at": "2024-01-06T11:00:00Z", "ref": "HEAD",
        "head": C[5], "chain": C, "cut": False,
        "branches": {"main": C[5], "side": cid("side")},
        "tags": {"v1.0.0": C[0], "b@prod": C[4], "off": cid("side")},
        "commits": {c: {"date": DATES[i], "author": {"name": f"A{i}", "email": f"a{i}@x"}, "message": f"m{i}"}
                    for i, c in enumerate(C)},
        "assistants": {
            "a": {"assistant_id": "a", "status": "renamed", "renamed_to": "team/a2", "ended_at": C[3],
                  "versions": [version(1, 0, "a", "added", a1, "a"), version(2, 1, "a", "changed", a2, "a")]},
            "b": {"assistant_id": "b", "status": "active", "renamed_to": None, "ended_at": None, "deletions": [2],
                  "versions": [version(1, 0, "b", "added", b1, "b"), version(2, 4, "b", "re-added", b2, "b")]},
            "team/a2": {"assistant_id": "team/a2", "status": "active", "renamed_to": None, "ended_at": None,
                        "versions": [version(1, 0, "a", "added", a1, "team/a2"),
                                     version(2, 1, "a", "changed", a2, "team/a2"),
                                     version(3, 3, "team/a2", "renamed", a3, "team/a2", ".yml")]},
        },
    }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.json").write_text(json.dumps(fixture_index()))
    return folder


def test_get_follows_the_format_rules(site: Path) -> None:
    r = Roster.from_index(str(site))
    b = r.get("b")
    assert isinstance(b, Assistant) and not isinstance(b, Version)
    assert (b.version, b.commit, b.created_at, b.updated_at) == (2, C[4], DATES[0], DATES[4])
    assert b.config["configurable"]["system_prompt"] == "b two" and b.path == "assistants/b.yaml"
    assert r.get("b@prod").commit == C[4]  # the per-assistant tag
    assert r.get("b@v1.0.0").version == 1
    assert r.get("b@1").commit == C[0] and r.get("b", ref="2").commit == C[4]
    assert r.get(f"b@{C[1][:7]}").version == 1  # a commit between two versions
    assert r.get("team/a2").version == 3 and r.get("team/a2").path == "assistants/team/a2.yml"
    assert r.get("team/a2").metadata == {"team": "x"}
    old = r.get("team/a2@1")  # a version from before the rename has the id it had then
    assert (old.assistant_id, old.version, old.commit) == ("a", 1, C[0])
    assert r.get("a@2").config["configurable"]["system_prompt"] == "a two"
    assert r.get("a@3").assistant_id == "team/a2"  # the renamed id's numbering continues
    assert r.get("a@HEAD~3").version == 2  # c2: a still exists
    assert r.get("b@main~1").version == 2 and r.get("b@HEAD~4^").version == 1  # c4; c0
    assert r.head == C[5] and r.generated_at == "2024-01-06T11:00:00Z"


def test_lookup_errors_say_what_happened(site: Path) -> None:
    r = Roster.from_index(str(site / "index.json"))
    with pytest.raises(UnknownAssistant) as info:
        r.get("a")
    assert str(info.value) == (f"no assistant 'a' at commit {C[5][:12]}: it was renamed to 'team/a2' in commit "
                               f"{C[3][:12]} ({DATES[3]}) (last version 2, commit {C[1][:12]})")
    with pytest.raises(UnknownAssistant) as info:
        r.get("b@HEAD~3")  # c2: deleted there, re-added later
    assert str(info.value) == (f"no assistant 'b' at commit {C[2][:12]}: it was deleted in commit {C[2][:12]} "
                               f"({DATES[2]}) (last version 1, commit {C[0][:12]})")
    with pytest.raises(UnknownAssistant):
        r.get("team/a2@v1.0.0")
    with pytest.raises(UnknownAssistant, match="no assistant 'nope'"):
        r.get("nope")
    with pytest.raises(UnknownRef, match=r"has 2 version\(s\); there is no version 3"):
        r.get("b@3")
    with pytest.raises(UnknownRef, match="unknown ref 'nowhere'"):
        r.get("b@nowhere")
    with pytest.raises(UnknownRef, match="not on the published history"):
        r.get("b@side")  # a branch whose tip is not on the published chain
    with pytest.raises(UnknownRef, match="not on the published history"):
        r.get("b@off")
    # Past the root: what git says of it too (one ref resolver for both backends).
    with pytest.raises(UnknownRef, match=r"unknown ref 'HEAD~6' \(tried: .*revision expression\)"):
        r.get("b@HEAD~6")
    with pytest.raises(UsageError):
        r.get("b@-x")


def test_list_and_history(site: Path) -> None:
    r = Roster.from_index(site.as_uri())  # file:// URL of the folder
    assert [a.assistant_id for a in r.list()] == ["b", "team/a2"]
    assert [a.assistant_id for a in r.list("v1.0.0")] == ["a", "b"]
    assert [a.assistant_id for a in r.list(C[2][:8])] == ["a"]
    assert [a.assistant_id for a in r.list(metadata={"team": "x"})] == ["team/a2"]
    assert r.list(graph_id="other") == []

    history = r.history("team/a2")
    assert [(v.version, v.assistant_id, v.commit) for v in history] == [(3, "team/a2", C[3]), (2, "a", C[1]),
                                                                        (1, "a", C[0])]
    assert all(isinstance(v, Version) for v in history)
    assert history[0].message == "m3" and history[0].author.name == "A3" and history[0].tags == ()
    assert history[2].tags == ("v1.0.0",) and history[2].created_at == DATES[0]
    assert history[0].path == ""  # as the git-backed history: a version is content, not a file
    assert [v.version for v in r.history("b")] == [2, 1] and r.history("b")[0].tags == ("b@prod",)
    assert [v.version for v in r.history("a", ref="v1.0.0")] == [1]
    with pytest.raises(UnknownAssistant):
        r.history("team/a2", ref="v1.0.0")  # that id did not exist yet
    assert [v.version for v in r.history("a")] == [3, 2, 1]  # the renamed id: its whole lineage
    with pytest.raises(UnknownAssistant, match="in the history of"):
        r.history("nope")

    d = r.diff("b@1", "b@2")
    assert [(c.path, c.op) for c in d.changes] == [("config.configurable.system_prompt", "changed")]
    with pytest.raises(UsageError, match="read-only"):
        r.check()
    with pytest.raises(UsageError, match="read-only"):
        r.promote("b", "1", to="prod")


def test_cached_answers_are_the_same_objects(site: Path) -> None:
    r = Roster.from_index(str(site))
    assert r.get("b@prod") is r.get("b@prod")
    assert r.get("b") == Roster.from_index(str(site)).get("b")


def test_bad_index_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(RemoteError, match="cannot read"):
        Roster.from_index(str(tmp_path / "missing.json"))
    (tmp_path / "a.json").write_text("{not json")
    with pytest.raises(RemoteError, match="not valid JSON"):
        Roster.from_index(str(tmp_path / "a.json"))
    (tmp_path / "b.json").write_text(json.dumps({"format": 2}))
    with pytest.raises(RemoteError, match="format 1"):
        Roster.from_index(str(tmp_path / "b.json"))
    broken = fixture_index()
    del broken["chain"]
    (tmp_path / "c.json").write_text(json.dumps(broken))
    with pytest.raises(RemoteError, match="malformed"):
        Roster.from_index(str(tmp_path / "c.json"))
    cut = fixture_index()
    cut["cut"] = True
    (tmp_path / "d.json").write_text(json.dumps(cut))
    with pytest.raises(HistoryCut):
        Roster.from_index(str(tmp_path / "d.json")).get("b")


# --- a real publish, compared with the git-backed Roster ------------------------------------


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    return Story(tmp_path_factory.mktemp("indexed") / "repo")


@pytest.fixture(scope="module")
def published(story: Story, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from roster.publish import publish

    g = story.g
    g.tag("blog-writer@prod", story.squash)
    g.tag("tweet-writer@prod", story.readd)
    out = tmp_path_factory.mktemp("published") / "site"
    publish(Roster(story.path), str(out))
    return out


@pytest.fixture
def served(published: Path, tmp_path: Path) -> Iterator[StaticServer]:
    server = StaticServer(published, tmp_path / "http.log")
    server.start()
    yield server
    server.stop()


def _entry_fields(index: dict[str, Any]) -> tuple[bool, bool]:
    versions = [v for a in index["assistants"].values() for v in a["versions"]]
    return all("path" in v for v in versions), any("deletions" in a for a in index["assistants"].values())


def test_from_index_answers_as_the_git_backed_roster(story: Story, published: Path, served: StaticServer) -> None:
    git = Roster(story.path)
    ix = Roster.from_index(served.url)  # a folder URL: index.json is added
    assert ix.source == served.url + "index.json"
    index = json.loads((published / "index.json").read_text())
    has_paths, has_deletions = _entry_fields(index)
    # Optional fields proposed for the format: the file path of each version (with its
    # suffix) and the positions where a lineage was deleted. Without them, two answers
    # cannot match: the path of a .yml file, and an id asked for between its deletion
    # and its re-add. Everything else must match field by field.
    deleted_window = {story.delete, story.docs}
    ids = ["blog-writer", "tweet-writer", "team/author", "team/writer", "nope"]
    refs = (["HEAD", "main", "v1.0.0", "v1.1.0", "HEAD~2", "main^", "prod", "1", "2", "3", "4", "5"]
            + [c[:10] for c in index["chain"]])
    compared = 0
    for assistant_id in ids:
        for ref in refs:
            spec = f"{assistant_id}@{ref}"
            expected = _outcome(git.get, spec)
            got = _outcome(ix.get, spec)
            commit = _commit_of(git, ref)
            if not has_deletions and assistant_id == "tweet-writer" and commit in deleted_window:
                assert isinstance(expected, UnknownAssistant) and isinstance(got, Assistant)
                continue
            if isinstance(expected, Assistant) and not has_paths:
                assert isinstance(got, Assistant), spec
                assert got.model_dump(exclude={"path"}) == expected.model_dump(exclude={"path"}), spec
                assert got.path == f"assistants/{got.assistant_id}.yaml"
            else:
                assert type(got) is type(expected), f"{spec}: {got!r} != {expected!r}"
                if isinstance(expected, Exception):
                    assert str(got).split(":")[0] == str(expected).split(":")[0], spec
                else:
                    assert got == expected, spec
            compared += 1
        for ref in [None, "v1.0.0", "v1.1.0", "HEAD~3", story.rename[:9]]:
            expected_h = _outcome(git.history, assistant_id, ref)
            got_h = _outcome(ix.history, assistant_id, ref)
            if isinstance(expected_h, Exception):
                assert type(got_h) is type(expected_h) and str(got_h) == str(expected_h)
            else:
                assert got_h == expected_h, (assistant_id, ref)  # Version objects, field by field
            compared += 1
    def dump(a: Assistant) -> dict[str, Any]:
        return a.model_dump() if has_paths else a.model_dump(exclude={"path"})

    for ref in [None, "v1.0.0", "v1.1.0"] + [c[:10] for c in index["chain"]]:
        if not has_deletions and _commit_of(git, ref or "HEAD") in deleted_window:
            continue
        assert [dump(a) for a in ix.list(ref)] == [dump(a) for a in git.list(ref)], ref
        compared += 1
    assert [dump(a) for a in ix.list(graph_id="writer")] == [dump(a) for a in git.list(graph_id="writer")]
    assert ix.diff("blog-writer@1", "blog-writer@4").changes == git.diff("blog-writer@1", "blog-writer@4").changes
    assert compared > 120
    # Refs that the index cannot answer say so: a branch that was never merged.
    with pytest.raises(UnknownRef, match="not on the published history"):
        ix.get("blog-writer@pr-2")
    assert git.get("blog-writer@pr-2").commit == story.pr2_c


def _outcome(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except (UnknownAssistant, UnknownRef, HistoryCut) as e:
        return e


def _commit_of(git: Roster, ref: str) -> str | None:
    from roster.refs import resolve_commit

    try:
        return resolve_commit(git.repository, ref)
    except UnknownRef:
        return None


def test_refresh_uses_if_modified_since_and_sees_a_republish(story: Story, published: Path,
                                                            tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(published, site)
    server = StaticServer(site, tmp_path / "http.log")
    server.start()
    try:
        r = Roster.from_index(server.url + "index.json")
        before = r.get("blog-writer")
        assert r.refresh() is False  # unchanged: a 304, nothing parsed
        log = server.requests()
        assert len(log) == 2 and '" 200 ' in log[0] and '" 304 ' in log[1]
        stale = r.staleness()
        assert stale.ok and stale.seconds is not None and stale.seconds < 60

        # A new commit, published again (over the served folder, a second later: HTTP dates are in seconds).
        work = GitRepo(tmp_path / "clone", init=False)
        subprocess.run(["git", "clone", "-q", str(story.path), str(work.path)], check=True, env=git_env())
        work.write_assistant("blog-writer", name="Blog writer", prompt="Republished.")
        new = work.commit("blog-writer: republished")
        time.sleep(1.1)
        from roster.publish import publish

        publish(Roster(work.path), str(site))
        assert r.get("blog-writer") == before  # no refresh interval: nothing changes by itself
        assert r.refresh() is True
        after = r.get("blog-writer")
        assert (after.version, after.commit) == (before.version + 1, new)
        assert after.config["configurable"]["system_prompt"] == "Republished.\n"
    finally:
        server.stop()


def test_server_stopped_keeps_serving_the_last_copy(published: Path, tmp_path: Path) -> None:
    server = StaticServer(published, tmp_path / "http.log")
    server.start()
    r = Roster.from_index(server.url)
    before = r.get("blog-writer@prod")
    last = r.staleness().last_success
    server.stop()
    with pytest.raises(RemoteError, match="cannot download"):
        r.refresh()
    assert r.get("blog-writer@prod") == before
    assert r.history("blog-writer")[0].version == 4
    stale = r.staleness()
    assert not stale.ok and "cannot download" in (stale.error or "")
    assert stale.last_success == last and stale.failed_at is not None
    with pytest.raises(RemoteError, match="cannot download"):
        Roster.from_index(server.url)  # a first start without the server: a clear error


def test_not_found_is_a_clear_error(published: Path, tmp_path: Path) -> None:
    server = StaticServer(published, tmp_path / "http.log")
    server.start()
    try:
        with pytest.raises(RemoteError, match="HTTP 404"):
            Roster.from_index(server.url + "nothing/index.json")
    finally:
        server.stop()


class _ETagServer(BaseHTTPRequestHandler):
    """Serves one body with an ETag, answers If-None-Match with 304, and counts what it sent."""

    body = b""
    sent: list[int] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        import gzip

        tag = '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == tag:
            self.sent.append(304)
            self.send_response(304)
            self.send_header("ETag", tag)
            self.end_headers()
            return
        payload = gzip.compress(self.body) if "gzip" in (self.headers.get("Accept-Encoding") or "") else self.body
        self.sent.append(200)
        self.send_response(200)
        self.send_header("ETag", tag)
        self.send_header("Content-Type", "application/json")
        if payload is not self.body:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def etag_server() -> Iterator[tuple[str, type[_ETagServer]]]:
    handler = type("Handler", (_ETagServer,), {"body": json.dumps(fixture_index()).encode(), "sent": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/site/index.json", handler
    finally:
        server.shutdown()
        server.server_close()


def test_etag_and_gzip(etag_server: tuple[str, type[_ETagServer]]) -> None:
    url, handler = etag_server
    r = Roster.from_index(url)
    assert r.get("b").version == 2
    assert r.refresh() is False and r.refresh() is False
    assert handler.sent == [200, 304, 304]
    changed = fixture_index()
    changed["assistants"]["b"]["versions"][1]["content"]["name"] = "B renamed"
    handler.body = json.dumps(changed).encode()
    assert r.refresh() is True
    assert handler.sent[-1] == 200 and r.get("b").name == "B renamed"


def test_refresh_interval_downloads_in_the_background(etag_server: tuple[str, type[_ETagServer]]) -> None:
    url, handler = etag_server
    r = Roster.from_index(url, refresh_interval=0.1)
    assert r.get("b@prod").commit == C[4]
    moved = fixture_index()
    moved["tags"]["b@prod"] = C[0]
    handler.body = json.dumps(moved).encode()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and r.get("b@prod").commit != C[0]:
        time.sleep(0.02)
    assert r.get("b@prod").commit == C[0], "the moved tag was not picked up within 15 s"
    assert isinstance(r, IndexRoster)
    r.wait(10)


def test_threads_read_while_the_index_is_swapped(etag_server: tuple[str, type[_ETagServer]]) -> None:
    url, handler = etag_server
    r = Roster.from_index(url)
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                a = r.get("b")
                assert a.name in ("b", "B2") and len(r.history("team/a2")) == 3
                assert [x.assistant_id for x in r.list()] == ["b", "team/a2"]
            except BaseException as e:  # collected, then asserted on
                errors.append(e)
                return

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for i in range(10):
            body = fixture_index()
            body["assistants"]["b"]["versions"][1]["content"]["name"] = "B2" if i % 2 == 0 else "b"
            handler.body = json.dumps(body).encode()
            assert r.refresh() is True
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert errors == []
    assert r.get("b").name == "b"


# --- CLI -------------------------------------------------------------------------------------


def test_cli_repo_accepts_a_published_index(published: Path, served: StaticServer, story: Story) -> None:
    env = git_env(os.environ.get("HOME"))
    env["PYTHONPATH"] = str(ROOT / "src")

    def roster(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([PYTHON, "-m", "roster", "--repo", served.url + "index.json", *args],
                              capture_output=True, text=True, env=env, timeout=60)

    shown = roster("show", "blog-writer@prod", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["commit"] == story.squash
    history = roster("history", "tweet-writer", "--format", "json")
    assert [v["version"] for v in json.loads(history.stdout)] == [2, 1]
    local = subprocess.run([PYTHON, "-m", "roster", "--repo", str(published / "index.json"), "list", "--format",
                            "json"], capture_output=True, text=True, env=env, timeout=60)
    assert [a["assistant_id"] for a in json.loads(local.stdout)] == ["blog-writer", "team/author", "tweet-writer"]
    check = roster("check")
    assert check.returncode == 2 and "read-only" in check.stderr and "Traceback" not in check.stderr
    missing = roster("show", "nope")
    assert missing.returncode == 2 and "no assistant 'nope'" in missing.stderr


def test_refresh_sees_a_local_rewrite_with_the_same_size_and_mtime(tmp_path: Path) -> None:
    # An mtime can repeat within one clock tick: the file's content decides, not stat().
    path = tmp_path / "index.json"
    index = fixture_index()
    index["assistants"]["b"]["versions"][1]["content"]["name"] = "B original"
    path.write_text(json.dumps(index))
    st = path.stat()
    r = Roster.from_index(str(path))
    assert r.get("b").name == "B original"
    assert r.refresh() is False
    index["assistants"]["b"]["versions"][1]["content"]["name"] = "B renamed!"  # the same length
    path.write_text(json.dumps(index))
    assert path.stat().st_size == st.st_size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert r.refresh() is True
    assert r.get("b").name == "B renamed!"


def test_publishing_from_a_published_index_is_a_usage_error(published: Path, tmp_path: Path) -> None:
    from roster.publish import publish

    with pytest.raises(UsageError, match="is a published index: publish reads the git repository"):
        publish(Roster.from_index(str(published)), str(tmp_path / "out"))
    env = git_env(os.environ.get("HOME"))
    env["PYTHONPATH"] = str(ROOT / "src")
    done = subprocess.run([PYTHON, "-m", "roster", "--repo", str(published / "index.json"), "publish", "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "published index" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_an_unknown_id_in_a_published_index_suggests_the_nearest(published: Path) -> None:
    r = Roster.from_index(str(published))
    with pytest.raises(UnknownAssistant, match="did you mean 'blog-writer'"):
        r.get("blog-writr")
    with pytest.raises(UnknownAssistant, match="did you mean 'tweet-writer'"):
        r.history("tweet-writr")


def test_reading_a_published_index_needs_no_git_library(published: Path) -> None:
    import roster

    code = ("import sys; from roster import Roster; r = Roster.from_index(sys.argv[1]); r.get('blog-writer'); "
            "r.history('blog-writer'); print('pygit2' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(published)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(roster.__file__).parents[1])}, check=True)
    assert done.stdout.strip() == "False"
