"""The published site against history and caches that someone else wrote."""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo

XSS = '"><img src=x onerror=alert(1)>'


def _publish(repo: GitRepo, out: Path) -> object:
    from roster import Roster
    from roster.publish import publish

    return publish(Roster(str(repo.path)), str(out))


def _repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write_schema()
    repo.write_assistant("writer")
    repo.commit("writer")
    return repo


def _forge_delta_cache(repo: GitRepo) -> None:
    """Make every change in the git dir's delta index say its new content is a forged blob
    (a real object of the repository, in no commit's tree)."""
    import marshal

    repo.write("forged.yaml", assistant_yaml(prompt="FORGED"))
    blob = repo.git("hash-object", "-w", "forged.yaml")
    (repo.path / "forged.yaml").unlink()
    cache = next((repo.path / ".git" / "roster").glob("deltas-*.marshal"))
    fmt, folder, rows = marshal.loads(cache.read_bytes())
    # (status, old path, new path, old blob, new blob): every new blob becomes the forged one.
    rows = tuple((c, p, tuple((*ch[:4], blob) if ch[4] else tuple(ch) for ch in changes)) for c, p, changes in rows)
    cache.write_bytes(marshal.dumps((fmt, folder, rows)))


def _all_text(site: Path) -> str:
    # Every file of the site proper (the signed manifest beside it is binary and holds no content).
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(site.rglob("*"))
                     if p.is_file() and p.name != ".roster-publish")


def test_a_script_in_an_id_from_history_never_reaches_a_page(tmp_path: Path):
    # What a rebase-merged pull request can leave on main: added, then deleted.
    repo = _repo(tmp_path)
    repo.write(f"assistants/{XSS}.yaml", assistant_yaml())
    repo.commit("add")
    (repo.path / f"assistants/{XSS}.yaml").unlink()
    repo.commit("delete")
    site = tmp_path / "site"
    _publish(repo, site)
    text = _all_text(site)
    assert "<img" not in text
    assert "onerror" not in text.replace("onerror=alert", "") or "<img" not in text
    assert not any("img" in p.name for p in site.rglob("*"))
    assert "writer" in json.loads((site / "index.json").read_text())["assistants"]


def _hash(repo: GitRepo, kind: str, raw: bytes) -> str:
    """Write an object as given, unchecked, as a hostile repository can hold one."""
    return subprocess.run(["git", "hash-object", "-t", kind, "-w", "--literally", "--stdin"], cwd=repo.path,
                          input=raw, capture_output=True, check=True).stdout.decode().strip()


def _commit_with_entry(repo: GitRepo, name: bytes) -> None:
    """A commit whose ``assistants/`` tree holds one more entry, with a raw name git would never write."""
    blob = repo.git("hash-object", "-w", "assistants/writer.yaml")
    old = repo.git("rev-parse", "HEAD:assistants")
    raw = subprocess.run(["git", "cat-file", "tree", old], cwd=repo.path, capture_output=True, check=True).stdout
    assistants = _hash(repo, "tree", raw + b"100644 " + name + b"\0" + bytes.fromhex(blob))
    rows = [line for line in repo.git("ls-tree", "HEAD").splitlines() if not line.endswith("\tassistants")]
    rows.append(f"040000 tree {assistants}\tassistants")
    tree = subprocess.run(["git", "mktree"], cwd=repo.path, input="\n".join(rows) + "\n", capture_output=True,
                          text=True, check=True).stdout.strip()
    commit = repo.git("commit-tree", tree, "-p", "HEAD", "-m", "hostile", tick=True)
    repo.git("update-ref", "refs/heads/main", commit)


@pytest.mark.parametrize("name", [b"..", b"../../escaped/pwn.yaml", b"a/../../../pwn.yaml"])
def test_a_raw_tree_entry_never_names_a_file_outside_the_site(tmp_path: Path, name: bytes):
    repo = _repo(tmp_path)
    _commit_with_entry(repo, name)
    site = tmp_path / "out" / "site"
    _publish(repo, site)
    outside = [p for p in tmp_path.rglob("*") if "escaped" in str(p) or p.name.startswith("pwn")]
    assert outside == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["site"]


def _forged_site(repo: GitRepo, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    _publish(repo, site)
    data = json.loads((site / "index.json").read_text())
    for v in data["assistants"]["writer"]["versions"]:
        v["content"]["description"] = "FORGED"
    (site / "index.json").write_text(json.dumps(data, separators=(",", ":")))
    page = site / "a" / "writer.html"
    page.write_text(page.read_text().replace("<main", "<script>FORGED()</script><main"))
    vfile = site / "assistants" / "writer" / "v1.json"
    vfile.write_text(vfile.read_text().replace('"writer"', '"FORGED"', 1))
    return site


def test_a_forged_previous_site_is_not_carried_into_the_new_one(tmp_path: Path):
    repo = _repo(tmp_path)
    site = _forged_site(repo, tmp_path)
    repo.write_assistant("other")
    repo.commit("other")
    _publish(repo, site)
    assert "FORGED" not in _all_text(site)


def test_a_site_committed_by_a_pull_request_is_not_trusted(tmp_path: Path):
    # The forged site comes with a manifest of its own: copied from a real publish elsewhere.
    repo = _repo(tmp_path)
    site = _forged_site(repo, tmp_path)
    clone = GitRepo(tmp_path / "clone", init=False)
    subprocess.run(["git", "clone", "-q", str(repo.path), str(clone.path)], check=True)
    import shutil

    shutil.copytree(site, clone.path / "_site")
    _publish(clone, clone.path / "_site")
    assert "FORGED" not in _all_text(clone.path / "_site")


def test_pages_forbid_inline_script(tmp_path: Path):
    repo = _repo(tmp_path)
    site = tmp_path / "site"
    _publish(repo, site)
    import html

    for page in site.rglob("*.html"):
        text = page.read_text()
        assert "Content-Security-Policy" in text and "script-src 'self'" in html.unescape(text)
        assert "<script>" not in text  # every script is a file of the site


def _interrupted_swap(tmp_path: Path) -> tuple[GitRepo, Path, Path]:
    """A published site, then SIGKILL between the two renames: the old site moved aside, the new one not yet
    in place. Returns the repository, the site folder (now absent) and where the old site went."""
    repo = _repo(tmp_path)
    site = tmp_path / "site"
    _publish(repo, site)
    aside = tmp_path / ".site.abc.old"
    os.rename(site, aside)
    return repo, site, aside


def test_an_interrupted_swap_is_recovered(tmp_path: Path):
    from roster.publish import output

    repo, site, _ = _interrupted_swap(tmp_path)
    tmp = tmp_path / ".site.def.tmp"
    tmp.mkdir()
    (tmp / "half.json").write_text("{")
    assert output  # the module is what is under test
    _publish(repo, site)
    assert (site / "index.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []


def test_an_interrupted_swap_leaves_a_site_for_readers(tmp_path: Path):
    from roster.publish.output import recover

    _, site, aside = _interrupted_swap(tmp_path)
    recover(site)
    assert (site / "index.json").is_file() and not aside.exists()


@pytest.mark.parametrize("walk", [False, True])
def test_a_tampered_history_cache_is_not_believed(tmp_path: Path, walk: bool, monkeypatch: pytest.MonkeyPatch):
    """A repository from an artifact can carry a forged delta index in .git/roster/: checked by a tree
    lookup per version, or (many versions) by one walk of the chain's changes (git log --raw)."""

    from roster.errors import RosterError
    from roster.publish import index

    if walk:
        monkeypatch.setattr(index, "_WALK_MIN", 0)
    repo = _repo(tmp_path)
    repo.write_assistant("writer", prompt="second")
    repo.commit("v2")
    _publish(repo, tmp_path / "first")  # builds the delta index in .git/roster/
    _forge_delta_cache(repo)
    site = tmp_path / "second"
    try:
        _publish(repo, site)
    except RosterError as e:
        assert "history cache" in str(e)
        return
    assert "FORGED" not in _all_text(site)


def test_a_republish_checks_every_version_the_previous_site_does_not_vouch_for(tmp_path: Path):
    """Versions the signed previous index holds are not checked again; a new one, forged in the cache, is."""

    import pytest

    from roster import Roster
    from roster.errors import RosterError

    repo = _repo(tmp_path)
    site = tmp_path / "site"
    _publish(repo, site)
    repo.write_assistant("writer", prompt="second")
    repo.commit("v2")
    Roster(str(repo.path)).get("writer@HEAD")  # the delta index now holds v2
    _forge_delta_cache(repo)
    with pytest.raises(RosterError, match="history cache"):
        _publish(repo, site)
    assert "FORGED" not in _all_text(site)


def test_a_slip_in_escaping_still_cannot_run_script(tmp_path: Path):
    """The CSP is the backstop: markup that got into a page by mistake does not execute (real Chromium)."""
    from helpers import tools

    repo = _repo(tmp_path)
    site = tmp_path / "site"
    _publish(repo, site)
    page = site / "index.html"
    slip = ("<script>document.body.setAttribute('data-pwned','script')</script>"
            "<img src=x onerror=\"document.body.setAttribute('data-pwned','handler')\">")
    page.write_text(page.read_text().replace("<main", slip + "<main", 1))
    proc = subprocess.run([str(tools.chromium()), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", "--virtual-time-budget=3000",
                           page.as_uri()], capture_output=True, text=True, timeout=120, check=False)
    assert "filter" in proc.stdout, proc.stderr[-2000:]  # the page rendered, and its own script ran:
    assert re.search(r'<input[^>]*id="filter"(?![^>]*hidden)[^>]*>', proc.stdout)
    assert not re.search(r"<body[^>]*data-pwned", proc.stdout)  # neither the script nor the handler ran


def test_a_planted_old_site_is_not_restored(tmp_path: Path):
    """A folder named like an interrupted publish's leftover, committed by a pull request, is not put in place."""
    from roster import Roster
    from roster.publish.manifest import site_key
    from roster.publish.output import recover

    repo = _repo(tmp_path)
    planted = tmp_path / ".site.abc.old"
    planted.mkdir()
    (planted / "index.json").write_text('{"format":1,"generator":"roster 0","assistants":{}}')
    (planted / "index.html").write_text("<script>FORGED()</script>")
    site = tmp_path / "site"
    recover(site, site_key(Roster(str(repo.path))))
    assert not site.exists() and not planted.exists()


_KILL_BETWEEN_RENAMES = """
import os, signal, sys
from roster import Roster
from roster.publish import publish
real = os.rename
def rename(src, dst, *a, **k):
    real(src, dst, *a, **k)
    if str(src).endswith(os.sep + "site"):  # the old site moved aside: die before the new one moves in
        os.kill(os.getpid(), signal.SIGKILL)
os.rename = rename
publish(Roster(sys.argv[1]), sys.argv[2])
"""


def test_sigkill_between_the_two_renames_is_repaired_by_the_next_run(tmp_path: Path):
    import signal
    import sys

    repo = _repo(tmp_path)
    site = tmp_path / "site"
    _publish(repo, site)
    (site / ".roster-publish").unlink()  # a site this repository did not sign is replaced whole
    repo.write_assistant("other")
    repo.commit("other")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"))
    proc = subprocess.run([sys.executable, "-c", _KILL_BETWEEN_RENAMES, str(repo.path), str(site)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    assert not site.exists()  # what the interrupted run left: no site at --out
    _publish(repo, site)
    assert "other" in json.loads((site / "index.json").read_text())["assistants"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []


def test_the_site_code_builds_no_markup():
    """Every tag comes from a template (Jinja2, autoescape): no string in the publish code holds markup."""
    import ast

    import roster.publish

    folder = Path(roster.publish.__file__).parent
    found = []
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                    and re.search(r"<[a-zA-Z/!]|&[a-z]+;", node.value):
                found.append(f"{path.name}:{node.lineno}: {node.value[:60]!r}")
    assert not found, "\n".join(found)


def test_text_from_history_is_text_on_every_page(tmp_path: Path):
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: set[str] = set()
            self.attrs: set[str] = set()

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.add(tag)
            self.attrs.update(name for name, _ in attrs)

    repo = _repo(tmp_path)
    repo.write_assistant("writer", assistant_yaml(name=f"'{XSS}'", prompt=XSS)
                         + f"description: '{XSS}'\nmetadata:\n  '{XSS}': '{XSS}'\n")
    repo.git("-c", f"user.name={XSS}", "commit", "-qam", XSS)
    repo.write("environments/prod.yaml", f"url: 'https://x.example/{XSS}'\nassistants:\n  writer: 2\n")
    repo.git("add", "-A")
    repo.git("commit", "-qm", XSS)
    site = tmp_path / "site"
    _publish(repo, site)
    pages = sorted(site.rglob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "releases.html", "environments.html", "writer.html"}
    for page in pages:
        parser = Tags()
        parser.feed(page.read_text(encoding="utf-8"))
        assert "img" not in parser.tags and "onerror" not in parser.attrs, page
    assert XSS.replace('"', "&#34;").replace(">", "&gt;").replace("<", "&lt;") in (site / "a/writer.html").read_text()
