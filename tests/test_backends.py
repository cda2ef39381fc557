"""The two read backends answer alike: ``Roster(path)`` (git) and ``Roster.from_index(site)``.

Each shape below is one small repository built with the real ``git`` command
(or pygit2) holding one shape of history. It is published with
``roster.publish.publish`` and read back through ``Roster.from_index``; then
every id (live, deleted, renamed away, unknown) is asked at every ref (HEAD,
branches, tags, every commit, ``HEAD~N``, version numbers 1..n+1, environment
names, own tag labels) through ``get``, ``history``, ``list``, ``list(env=)``
and ``diff``. The answers must be equal field by field; a failure must be the
same error class with the same message.

Both answer through one history model (``roster.timeline``), one ref resolver
and one ``ID@REF`` order (``roster.lookup``). The only differences allowed are
what an index cannot hold by construction (``BY_DESIGN``): refs off the
published first-parent chain, validation, and an index published from a
shallow clone; even there, the index's answer is checked.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo, init_repo, short
from helpers.pygit import commit_files
from roster import Roster
from roster.model import Assistant

# --- shapes -------------------------------------------------------------------------------------


@dataclass
class Shape:
    """A built repository and what to ask of it beyond what its refs and files give."""

    path: Path
    root: str | None = None
    extra_ids: list[str] = field(default_factory=list)
    extra_refs: list[str] = field(default_factory=list)
    envs: list[str] = field(default_factory=list)
    allow_cut: bool = False


Builder = Callable[[Path], Shape]
SHAPES: dict[str, Builder] = {}
SHAPE_KINDS: dict[str, tuple[str, ...]] = {}  # the kinds of ref each shape has (see KINDS)


def shape(name: str, *more: str) -> Callable[[Builder], Builder]:
    """Register a builder; ``more`` names the kinds of ref it has beyond chain, version and unknown."""
    def register(build: Builder) -> Builder:
        SHAPES[name] = build
        SHAPE_KINDS[name] = ("chain", "version", "unknown", *more)
        return build
    return register


def _repo(path: Path) -> GitRepo:
    g = GitRepo(path)
    g.write_schema()
    return g


@shape("linear")
def _linear(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="one")
    g.commit("a: one")
    g.write_assistant("a", prompt="two")
    g.write_assistant("b", prompt="b one", name="Bee")
    g.commit("a: two, b: one")
    g.tag("v1.0")
    g.write_assistant("a", prompt="three", temperature=0.3)
    g.commit("a: three")
    g.tag("v2.0", annotated=True)
    g.write("README.md", "# not an assistant\n")
    g.commit("docs only")
    return Shape(path)


@shape("merges", "off-chain")
def _merges(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="one")
    g.write_assistant("b", prompt="b one")
    g.commit("init")
    g.checkout("-b", "pr-1")
    g.write_assistant("a", prompt="pr-1 first")
    g.commit("pr-1: first")
    g.checkout("main")
    g.write_assistant("b", prompt="b two")
    g.commit("b: two on main")
    g.checkout("pr-1")
    g.git("merge", "-q", "--no-ff", "-m", "Merge branch 'main' into pr-1", "main", tick=True)
    g.write_assistant("a", prompt="pr-1 second")
    g.commit("pr-1: second")
    g.checkout("main")
    g.git("merge", "-q", "--no-ff", "-m", "Merge pull request #1 from acme/pr-1\n\nRewrite a's prompt", "pr-1",
          tick=True)
    g.checkout("-b", "pr-2")
    for i in (1, 2, 3):
        g.write_assistant("b", prompt=f"b squash {i}")
        g.commit(f"pr-2: step {i}")
    g.checkout("main")
    g.squash_merge("pr-2", "Tune b (#2)")
    g.checkout("-b", "unmerged")
    g.write_assistant("a", prompt="never merged")
    g.commit("unmerged: a")
    g.checkout("main")
    g.merge_pr("unmerged", "Merge branch 'unmerged'")  # a plain merge message without a body
    g.checkout("-b", "later")
    g.write_assistant("c", prompt="only on a branch")
    g.commit("later: add c")
    g.checkout("main")
    return Shape(path, extra_refs=["HEAD^2", "main^2", "HEAD~1^2"])


@shape("rename")
def _rename(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="one\nline two\nline three")
    g.write_assistant("keep", prompt="keep")
    g.commit("init")
    g.write_assistant("a", prompt="two\nline two\nline three")
    g.commit("a: two")
    g.git("mv", "assistants/a.yaml", "assistants/b.yaml")
    g.commit("rename a to b")
    g.write_assistant("b", prompt="three\nline two\nline three")
    g.commit("b: three")
    return Shape(path)


@shape("rename-edit")
def _rename_edit(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="one\nline two\nline three\nline four\nline five")
    g.commit("init")
    g.git("mv", "assistants/a.yaml", "assistants/b.yaml")
    g.write_assistant("b", prompt="one\nline two\nline three\nline four\nline five, edited")
    g.commit("rename a to b and edit")
    g.write_assistant("b", prompt="two\nline two\nline three\nline four\nline five, edited")
    g.commit("b: two")
    return Shape(path)


@shape("rename-chain")
def _rename_chain(path: Path) -> Shape:
    g = _repo(path)
    body = "\n".join(f"line {i}" for i in range(8))
    g.write_assistant("a", prompt=body)
    g.commit("init a")
    g.git("mv", "assistants/a.yaml", "assistants/b.yaml")
    g.commit("a -> b")
    g.write_assistant("b", prompt=body + "\nmore")
    g.commit("b: more")
    g.git("mv", "assistants/b.yaml", "assistants/c.yaml")
    g.commit("b -> c")
    g.write_assistant("a", prompt="a new a, unrelated\nx\ny")
    g.commit("a fresh a")
    return Shape(path)


@shape("swap")
def _swap(path: Path) -> Shape:
    g = _repo(path)
    a_text = assistant_yaml(prompt="\n".join(f"alpha {i}" for i in range(8)))
    b_text = assistant_yaml(prompt="\n".join(f"beta {i}" for i in range(8)), name="B")
    g.write_assistant("a", a_text)
    g.write_assistant("b", b_text)
    g.commit("init")
    g.write_assistant("a", b_text)
    g.write_assistant("b", a_text)
    g.commit("swap a and b")
    g.git("mv", "assistants/a.yaml", "assistants/tmp.yaml")
    g.git("mv", "assistants/b.yaml", "assistants/a.yaml")
    g.git("mv", "assistants/tmp.yaml", "assistants/b.yaml")
    g.commit("swap back through renames")
    return Shape(path)


@shape("delete")
def _delete(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="one")
    g.write_assistant("b", prompt="b")
    g.commit("init")
    g.write_assistant("a", prompt="two")
    g.commit("a: two")
    g.git("rm", "-q", "assistants/a.yaml")
    g.commit("remove a")
    g.write("README.md", "# after\n")
    g.commit("docs")
    return Shape(path)


@shape("delete-readd")
def _delete_readd(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="one")
    g.write_assistant("b", prompt="b")
    g.commit("init")
    g.git("rm", "-q", "assistants/a.yaml")
    g.commit("remove a")
    g.write("README.md", "# gap\n")
    g.commit("docs")
    g.write_assistant("a", prompt="back again")
    g.commit("bring a back")
    g.write_assistant("a", prompt="back and better")
    g.commit("a: better")
    return Shape(path)


@shape("delete-rename-into")
def _delete_rename_into(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="the first a")
    g.write_assistant("b", prompt="\n".join(f"bee {i}" for i in range(8)))
    g.commit("init")
    g.git("rm", "-q", "assistants/a.yaml")
    g.commit("remove a")
    g.git("mv", "assistants/b.yaml", "assistants/a.yaml")
    g.commit("rename b into a")
    g.write_assistant("a", prompt="\n".join(f"bee {i}" for i in range(8)) + "\nnow a")
    g.commit("a: edit")
    return Shape(path)


@shape("yml-yaml")
def _yml_yaml(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", suffix=".yml", prompt="one")
    g.write_assistant("b", prompt="b")
    g.commit("init")
    g.write_assistant("a", suffix=".yml", prompt="two")
    g.commit("a: two")
    g.git("mv", "assistants/a.yml", "assistants/a.yaml")
    g.commit("a: .yml -> .yaml")
    g.git("mv", "assistants/b.yaml", "assistants/b.yml")
    g.write_assistant("b", suffix=".yml", prompt="b two")
    g.commit("b: .yaml -> .yml with an edit")
    return Shape(path)


@shape("subfolders")
def _subfolders(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("team/x", prompt="\n".join(f"x {i}" for i in range(6)))
    g.write_assistant("team/y", prompt="y")
    g.write_assistant("ops/deep/z", suffix=".yml", prompt="z")
    g.write_assistant("top", prompt="top")
    g.commit("init")
    g.write_assistant("team/y", prompt="y two")
    g.commit("team/y: two")
    g.git("mv", "assistants/team/x.yaml", "assistants/ops/x.yaml")
    g.commit("team/x -> ops/x")
    g.git("rm", "-q", "assistants/ops/deep/z.yml")
    g.commit("remove ops/deep/z")
    return Shape(path, extra_ids=["team", "ops/deep", "team/x/y"])


@shape("mode-only")
def _mode_only(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="one")
    g.commit("init")
    g.git("update-index", "--chmod=+x", "assistants/a.yaml")
    g.git("commit", "-q", "-m", "a: executable bit only", tick=True)
    g.git("checkout", "-q", "--", ".")
    g.write_assistant("a", prompt="two")
    g.git("add", "assistants/a.yaml")
    g.git("update-index", "--chmod=-x", "assistants/a.yaml")
    g.git("commit", "-q", "-m", "a: two, not executable", tick=True)
    return Shape(path)


@shape("invalid")
def _invalid(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="one")
    g.write_assistant("b", prompt="b one")
    g.write_assistant("c", prompt="c one")
    g.commit("init")
    g.write_assistant("a", "graph_id: writer\nconfig: [unclosed\n")
    g.commit("a: broken YAML")
    g.write_assistant("a", prompt="three")
    g.write_assistant("b", prompt="b two", temperature=7)  # the writer schema allows at most 2
    g.commit("a: fixed; b: schema violation")
    g.write_assistant("b", prompt="b three")
    g.write_assistant("c", "graph_id: writer\nnot_a_field: 1\n")
    g.commit("b: fixed; c: unknown field")
    return Shape(path)


@shape("tags", "off-chain", "env")
def _tags(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="one")
    g.write_assistant("b", prompt="b one")
    first = g.commit("init")
    g.tag("v1", annotated=True)
    g.write_assistant("a", prompt="two")
    second = g.commit("a: two")
    g.tag("light")
    g.tag("a@prod", first)
    g.tag("a@staging", second, annotated=True)
    g.tag("b@prod")
    g.write_assistant("b", prompt="b two")
    g.commit("b: two")
    g.checkout("-b", "side")
    g.write_assistant("a", prompt="side")
    side = g.commit("side: a")
    g.tag("v-side", side)
    g.tag("a@canary", side)
    g.checkout("main")
    g.tag("b@old", first)
    return Shape(path, extra_refs=["canary", "old", "a@prod"])


@shape("environments", "env")
def _environments(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="one")
    g.write_assistant("b", prompt="b one")
    g.commit("init")
    g.tag("v1.0")
    g.write_assistant("a", prompt="two")
    g.write_assistant("b", prompt="b two")
    g.write("environments/prod.yaml", "assistants:\n  a: 1\n  b: v1.0\n")
    g.write("environments/staging.yaml", "default: main\nassistants:\n  a: 2\n")
    g.commit("a, b: two; environments")
    g.write_assistant("a", prompt="three")
    g.write("environments/prod.yaml", "assistants:\n  a: 2\n  b: v1.0\n")
    g.commit("a: three; prod runs a@2")
    g.tag("b@prod")  # an own tag beside the file: a conflict check reports
    g.tag("a@dev")
    g.write("environments/empty.yaml", "assistants: {}\n")
    g.commit("an empty environment")
    return Shape(path, envs=["prod", "staging", "empty", "dev"])


@shape("monorepo")
def _monorepo(path: Path) -> Shape:
    g = GitRepo(path)
    g.write("README.md", "# many services\n")
    g.write("svc/schemas/writer.json", _writer_schema())
    g.write("svc/assistants/a.yaml", assistant_yaml(prompt="one"))
    g.write("assistants/outside.yaml", assistant_yaml(prompt="not under the root"))
    g.commit("init")
    g.write("svc/assistants/a.yaml", assistant_yaml(prompt="two"))
    g.write("svc/assistants/team/b.yml", assistant_yaml(prompt="b"))
    g.commit("a: two, b")
    g.write("assistants/outside.yaml", assistant_yaml(prompt="outside two"))
    g.commit("outside only")
    return Shape(path, root="svc", extra_ids=["outside"])


@shape("shallow")
def _shallow(path: Path) -> Shape:
    g = _repo(path.parent / (path.name + "-full"))
    for i in range(1, 5):
        g.write_assistant("a", prompt=f"a {i}")
        if i % 2:
            g.write_assistant("b", prompt=f"b {i}")
        g.commit(f"step {i}")
    g.git("clone", "-q", "--depth", "2", f"file://{g.path}", str(path))
    return Shape(path, allow_cut=True)


@shape("merge-rename", "off-chain")
def _merge_rename(path: Path) -> Shape:
    g = _repo(path)
    body = "\n".join(f"line {i}" for i in range(8))
    g.write_assistant("a", prompt=body)
    g.write_assistant("b", prompt="b")
    g.commit("init")
    g.checkout("-b", "pr")
    g.git("mv", "assistants/a.yaml", "assistants/renamed.yaml")
    g.commit("pr: rename a")
    g.write_assistant("renamed", prompt=body + "\nedited in the PR")
    g.commit("pr: edit it")
    g.checkout("main")
    g.write_assistant("b", prompt="b two")
    g.commit("main: b two")
    g.git("merge", "-q", "--no-ff", "-m", "Merge pull request #3 from acme/pr\n\nRename a", "pr", tick=True)
    g.git("branch", "-q", "-D", "pr")  # merged and deleted, as a forge does
    return Shape(path)


@shape("revert")
def _revert(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="one")
    g.commit("a: one")
    g.write_assistant("a", prompt="two")
    g.commit("a: two")
    g.git("revert", "--no-edit", "HEAD", tick=True)  # back to the bytes of version 1: a new version
    g.write_assistant("a", prompt="one")
    g.write("README.md", "same bytes again\n")
    g.commit("a: unchanged, docs")
    return Shape(path)


@shape("noop-merge", "off-chain")
def _noop_merge(path: Path) -> Shape:
    g = _repo(path)
    g.write_assistant("a", prompt="one")
    g.commit("init")
    g.checkout("-b", "pr")
    g.write_assistant("tmp", prompt="short-lived")
    g.commit("pr: add tmp")
    g.git("rm", "-q", "assistants/tmp.yaml")
    g.write_assistant("a", prompt="one")
    g.commit("pr: remove tmp again")
    g.checkout("main")
    g.merge_pr("pr", "Merge pull request #4 from acme/pr")  # no assistant differs from the first parent
    g.git("branch", "-q", "-D", "pr")
    return Shape(path, extra_ids=["tmp"])


@shape("late-start")
def _late_start(path: Path) -> Shape:
    g = GitRepo(path)
    g.write("README.md", "# nothing yet\n")
    g.commit("a repository without assistants")
    g.write_schema()
    g.commit("schemas first")
    g.write_assistant("a", prompt="one")
    g.commit("a: one")
    return Shape(path)


@shape("many-versions")
def _many_versions(path: Path) -> Shape:
    g = _repo(path)
    for i in range(1, 13):  # two-digit version numbers, and more commits than a short id has digits
        g.write_assistant("a", prompt=f"version {i}")
        g.write_assistant("B", prompt=f"B {i % 3}")
        g.commit(f"a: {i}")
    g.write_assistant("b", prompt="a lower-case b beside B")
    g.commit("add b")
    return Shape(path)


@shape("pygit2", "off-chain")
def _pygit2(path: Path) -> Shape:
    import pygit2

    init_repo(path)
    schema = _writer_schema()
    commit_files(path, {"schemas/writer.json": schema, "assistants/a.yaml": assistant_yaml(prompt="one")}, "init")
    commit_files(path, {"assistants/a.yaml": assistant_yaml(prompt="two"),
                        "assistants/p/q.yml": assistant_yaml(prompt="q")}, "a: two, p/q")
    commit_files(path, {"assistants/a.yaml": None}, "remove a")
    commit_files(path, {"assistants/a.yaml": assistant_yaml(prompt="three")}, "a is back")
    commit_files(path, {"assistants/a.yaml": assistant_yaml(prompt="three")}, "a: executable bit only",
                 executable=frozenset({"assistants/a.yaml"}))
    repo = pygit2.Repository(str(path))
    repo.branches.local.create("side", repo.head.peel(pygit2.Commit))
    commit_files(path, {"assistants/p/q.yml": assistant_yaml(prompt="q on a branch")}, "side: q", branch="side")
    return Shape(path)


def _writer_schema() -> str:
    from helpers.content import WRITER_SCHEMA

    return json.dumps(WRITER_SCHEMA, indent=2) + "\n"


# --- what is asked ---------------------------------------------------------------------------------

# Refs fall in kinds, and each (shape, call, kind) is one test, so that one disagreement
# (say, the wording of an unknown ref) does not hide the others.
KINDS = ("chain", "version", "env", "off-chain", "unknown")


@dataclass
class Built:
    shape: Shape
    git: Any
    index: Any
    ids: list[str]
    refs: dict[str, list[str]]  # kind -> refs


def _git_lines(path: Path, *args: str, check: bool = True) -> list[str]:
    return [line for line in GitRepo(path, init=False).git(*args, check=check).splitlines() if line]


def _ids_ever(path: Path, root: str | None) -> list[str]:
    folder = f"{root}/assistants/" if root else "assistants/"
    names = _git_lines(path, "log", "--all", "--format=", "--name-only", "--no-renames", "--", folder)
    ids = set()
    for name in names:
        stem, dot, suffix = name[len(folder):].rpartition(".")
        if dot and suffix in ("yaml", "yml"):
            ids.add(stem)
    return sorted(ids)


def _refs(path: Path, sh: Shape) -> dict[str, list[str]]:
    branches = _git_lines(path, "for-each-ref", "--format=%(refname:short)", "refs/heads")
    tags = _git_lines(path, "for-each-ref", "--format=%(refname:short)", "refs/tags")
    commits = _git_lines(path, "rev-list", "--all")
    chain = _git_lines(path, "rev-list", "--first-parent", "HEAD")
    labels = {t.rpartition("@")[2] for t in tags if "@" in t} | set(sh.envs)
    # More commits touch the assistants' folder than any one assistant has versions: n+1 is unknown.
    most = len(_git_lines(path, "log", "--all", "--format=%H", "--", f"{sh.root or '.'}/assistants"))
    refs: dict[str, list[str]] = {kind: [] for kind in KINDS}
    refs["version"] = [str(n) for n in range(1, most + 2)]
    refs["env"] = sorted(labels)
    others = (["HEAD", "HEAD^", "nope", "prod", "v9.9.9", f"HEAD~{len(chain)}"] + branches
              + [t for t in tags if "@" not in t] + [f"HEAD~{n}" for n in range(1, len(chain))]
              + [short(c, 10) for c in commits] + sh.extra_refs)
    for ref in dict.fromkeys(others):
        if ref in labels:
            continue
        found = _git_lines(path, "rev-parse", "-q", "--verify", f"{ref}^{{commit}}", check=False)
        refs["unknown" if not found else "chain" if found[0] in chain else "off-chain"].append(ref)
    return refs


def build(name: str, base: Path) -> Built:
    from roster.publish import publish

    sh = SHAPES[name](base / "repo")
    refs = _refs(sh.path, sh)
    # A kind of ref the shape was not declared to have would go untested: say so.
    assert {kind for kind, found in refs.items() if found} == set(SHAPE_KINDS[name]), refs
    git = Roster(str(sh.path), root=sh.root)
    site = base / "site"
    publish(Roster(str(sh.path), root=sh.root), str(site), allow_cut=sh.allow_cut)
    index = Roster.from_index(str(site))
    ids = _ids_ever(sh.path, sh.root) + sh.extra_ids + ["nope"]
    return Built(sh, git, index, ids, refs)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Built]:
    cache: dict[str, Built] = {}

    def get(name: str) -> Built:
        if name not in cache:
            cache[name] = build(name, tmp_path_factory.mktemp(name))
        return cache[name]
    return get


# --- comparing ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value as plain data, so that ``==`` compares every field and a mismatch shows which."""
    if isinstance(value, Assistant):
        return {"type": type(value).__name__, **value.model_dump()}
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return [_plain(v) for v in value]
    if hasattr(value, "_asdict"):
        return {"type": type(value).__name__, **{k: _plain(v) for k, v in value._asdict().items()}}
    return value


def outcome(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return _plain(call(*args, **kwargs))
    except Exception as e:  # any error: its class and its whole message are part of the answer
        return {"error": type(e).__name__, "message": str(e)}


def compare(b: Built, method: str, cases: Iterable[tuple[tuple[Any, ...], dict[str, Any]]],
            accepted: Callable[[Any, Any], bool] | None = None) -> None:
    """Every case asked of both backends; fails listing each answer that differs
    (unless it is the index's documented answer, ``accepted``)."""
    problems, asked = [], 0
    for args, kwargs in cases:
        asked += 1
        want = outcome(getattr(b.git, method), *args, **kwargs)
        got = outcome(getattr(b.index, method), *args, **kwargs)
        if got != want and not (accepted is not None and accepted(want, got)):
            call = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
            problems.append(f"{method}({call}):\n    git:   {_short(want)}\n    index: {_short(got)}")
    assert asked, "no case of this kind in this shape"
    assert not problems, f"{len(problems)} of {asked} answers differ:\n" + "\n".join(problems)


def _short(answer: Any) -> str:
    text = repr(answer)
    return text if len(text) < 900 else text[:900] + "..."


def cases(b: Built, call: str, kind: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    refs = b.refs[kind]
    if call == "get":
        plain = [((i,), {}) for i in b.ids] if kind == "chain" else []
        return plain + [((f"{i}@{r}",), {}) for i in b.ids for r in refs]
    if call == "history":
        return ([((i,), {}) for i in b.ids] if kind == "chain" else []) + [((i, r), {}) for i in b.ids for r in refs]
    if call == "list":
        filters = [((None, "writer"), {}), ((None, "nope"), {}), ((), {})] if kind == "chain" else []
        return filters + [((r,), {}) for r in refs]
    if call == "list-env":
        return [((), {"env": e}) for e in refs if kind == "env" or e in ("nope", "prod")]
    if call == "diff":
        if kind == "version":
            return [((f"{i}@1", f"{i}@{r}"), {}) for i in b.ids for r in refs]
        return [((f"{i}@{r}", i), {}) for i in b.ids for r in refs]
    raise AssertionError(call)


CALLS = {"get": KINDS, "history": KINDS, "list": ("chain", "off-chain", "unknown"), "list-env": ("env", "unknown"),
         "diff": KINDS}

# Where a published index cannot hold what git has, by construction (docs/index-format.md):
# the answer the index gives instead. Every other answer must be equal.
def _off_chain(want: Any, got: Any) -> bool:
    """The index holds the published first-parent chain only: a ref off it is named as such,
    and a commit id it never saw is an unknown ref (it cannot tell it from a typo)."""
    if not (isinstance(got, dict) and got.get("error") == "UnknownRef"):
        return False
    message = got["message"]
    return "which is not on the published history" in message or bool(
        re.match(r"unknown ref '[0-9a-f]{7,40}' \(tried: ", message))


def _unvalidated(want: Any, got: Any) -> bool:
    """The index records what each commit wrote; validating is the publisher's check's job."""
    return isinstance(want, dict) and want.get("error") == "InvalidAssistant" and not (
        isinstance(got, dict) and "error" in got)


def _cut(want: Any, got: Any) -> bool:
    """An index published from a shallow clone holds no versions, so no content either."""
    return (isinstance(got, dict) and got.get("error") == "HistoryCut"
            and "published from a shallow clone" in got["message"])


BY_DESIGN: dict[tuple[str, str], Callable[[Any, Any], bool]] = {
    **{(shape_, kind_): _off_chain for shape_ in ("merges", "tags", "pygit2", "merge-rename", "noop-merge")
       for kind_ in ("off-chain", "env", "unknown")},
    ("invalid", "chain"): _unvalidated,
    ("invalid", "version"): _unvalidated,
    ("shallow", "chain"): _cut,
    ("shallow", "version"): _cut,
}


def params() -> list[Any]:
    out = []
    for name in SHAPES:
        for call, kinds in CALLS.items():
            for kind in kinds:
                if kind not in SHAPE_KINDS[name]:
                    continue
                out.append(pytest.param(name, call, kind, id=f"{name}-{call}-{kind}"))
    return out


@pytest.mark.parametrize(("name", "call", "kind"), params())
def test_backends_answer_alike(name: str, call: str, kind: str, built: Callable[[str], Built]) -> None:
    b = built(name)
    compare(b, "list" if call == "list-env" else call, cases(b, call, kind), BY_DESIGN.get((name, kind)))


def test_both_backends_are_one_interface(tmp_path: Path) -> None:
    from roster.backend import Backend

    b = build("linear", tmp_path)  # its own copy: this test moves the repository on
    for backend in (b.git, b.index):
        assert isinstance(backend, Backend)
        assert backend.refresh() is False  # nothing moved since it was opened
    assert (b.git.read_only, b.index.read_only) == (False, True)
    g = GitRepo(b.shape.path, init=False)
    g.write_assistant("a", prompt="after the publish")
    g.commit("a: after")
    assert b.git.refresh() is True  # a new commit is seen, and said
    assert b.git.refresh() is False
