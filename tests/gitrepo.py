"""Git repositories for tests, built with the real ``git`` command.

Every repository gets a fixed identity and strictly increasing author and
committer dates, so commit ids and dates are reproducible and ordered, and the
user's own git configuration never leaks in.
"""
from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

START = 1_700_000_000  # 2023-11-14T22:13:20Z
STEP = 3600
AUTHOR = ("Ada Tester", "ada@example.com")
COMMITTER = ("Cy Committer", "cy@example.com")

BLOG_PROMPT = "You write long-form blog posts.\nOpen with the reader's problem.\nUse short paragraphs."


def git_env(home: str | os.PathLike[str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME=AUTHOR[0], GIT_AUTHOR_EMAIL=AUTHOR[1],
               GIT_COMMITTER_NAME=COMMITTER[0], GIT_COMMITTER_EMAIL=COMMITTER[1],
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0",
               LC_ALL="C")
    if home is not None:
        env["HOME"] = str(home)
    return env


def run_git(cwd: str | os.PathLike[str], *args: str, env: dict[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(["git", *args], cwd=str(cwd), env=env or git_env(), text=True,
                          capture_output=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


WRITER_SCHEMA: dict[str, Any] = {
    "graph_id": "writer",
    "config_schema": {
        "type": "object",
        "title": "WriterConfig",
        "properties": {
            "model": {"type": "string"},
            "system_prompt": {"type": "string"},
            "temperature": {"type": "number", "minimum": 0, "maximum": 2},
        },
        "required": ["model"],
        "additionalProperties": False,
    },
    "context_schema": {
        "type": "object",
        "properties": {"max_words": {"type": "integer", "minimum": 1}},
        "additionalProperties": False,
    },
}


def assistant_yaml(graph_id: str = "writer", *, model: str = "anthropic:claude-sonnet-4-5",
                   prompt: str = "You write posts.", temperature: float | None = None,
                   name: str | None = None, extra: str = "") -> str:
    lines = [f"graph_id: {graph_id}"]
    if name:
        lines.append(f"name: {name}")
    lines += ["config:", "  tags: [blog]", "  recursion_limit: 25", "  configurable:", f"    model: {model}"]
    if temperature is not None:
        lines.append(f"    temperature: {temperature}")
    lines.append("    system_prompt: |")
    lines += [f"      {line}" for line in prompt.splitlines()]
    text = "\n".join(lines) + "\n"
    return text + extra


class GitRepo:
    """A repository in a tmp folder, driven by the real ``git``; every commit is one hour after the last."""

    def __init__(self, path: str | os.PathLike[str], *, bare: bool = False, init: bool = True,
                 home: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path)
        self.clock = START
        self.home = Path(home) if home else self.path.parent / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        if init:
            self.path.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", "-b", "main", *(["--bare"] if bare else []))

    # --- running git -------------------------------------------------------

    def env(self, tick: bool = False) -> dict[str, str]:
        env = git_env(self.home)
        if tick:
            self.clock += STEP
        # Author dates run ten minutes behind committer dates, so a test can tell them apart;
        # the +0200 offset checks that dates come out in UTC.
        env["GIT_AUTHOR_DATE"] = f"@{self.clock - 600} +0200"
        env["GIT_COMMITTER_DATE"] = f"@{self.clock} +0200"
        return env

    def git(self, *args: str, tick: bool = False, check: bool = True) -> str:
        return run_git(self.path, *args, env=self.env(tick), check=check).stdout.strip()

    def rev(self, ref: str = "HEAD") -> str:
        return self.git("rev-parse", "--verify", "-q", f"{ref}^{{commit}}")

    # --- files ---------------------------------------------------------------

    def write(self, rel: str, text: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def write_schema(self, graph_id: str = "writer", schema: dict[str, Any] | None = None) -> None:
        data = dict(schema or WRITER_SCHEMA)
        data["graph_id"] = graph_id
        self.write(f"schemas/{graph_id}.json", json.dumps(data, indent=2) + "\n")

    def write_assistant(self, assistant_id: str, text: str | None = None, *, suffix: str = ".yaml",
                        **kwargs: Any) -> Path:
        return self.write(f"assistants/{assistant_id}{suffix}", text if text is not None else assistant_yaml(**kwargs))

    def commit(self, message: str, *, allow_empty: bool = False) -> str:
        """Stage everything and commit; returns the new commit id."""
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, *(["--allow-empty"] if allow_empty else []), tick=True)
        return self.rev()

    def commit_time(self, commit: str) -> str:
        return iso(int(self.git("show", "-s", "--format=%ct", commit)))

    def first_parent_log(self, path: str, ref: str = "HEAD") -> list[str]:
        out = self.git("log", "--first-parent", "--format=%H", ref, "--", path)
        return out.split() if out else []

    # --- branches and merges -------------------------------------------------

    def checkout(self, *args: str) -> None:
        self.git("checkout", "-q", *args)

    def merge_pr(self, branch: str, message: str | None = None) -> str:
        """Merge a pull-request branch into the current branch with a merge commit."""
        self.git("merge", "-q", "--no-ff", "-m", message or f"Merge pull request from {branch}", branch, tick=True)
        return self.rev()

    def squash_merge(self, branch: str, message: str) -> str:
        self.git("merge", "-q", "--squash", branch, tick=True)
        self.git("commit", "-q", "-m", message, tick=True)
        return self.rev()

    def tag(self, name: str, target: str = "HEAD", *, annotated: bool = False, force: bool = False) -> None:
        args = ["tag"] + (["-f"] if force else []) + (["-a", "-m", f"release {name}"] if annotated else [])
        self.git(*args, name, target, tick=annotated)



def invoke(mode: str, *args: str, cwd: str | os.PathLike[str] | None = None) -> tuple[int, str, str]:
    """``roster ARGS`` through click's runner (``mode="runner"``) or ``python -m roster`` (``"subprocess"``).

    Returns (exit code, stdout, stderr) either way, using the shared helpers of testing.py.
    """
    from testing import run_cli, run_roster_subprocess

    if mode == "runner":
        return run_cli(*args, cwd=cwd)
    proc = run_roster_subprocess(*args, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr


def assert_clean_error(code: int, err: str, expected_code: int = 2) -> str:
    """A lookup or usage error: the expected exit code and one clear message, no traceback."""
    assert code == expected_code, err
    assert "Traceback" not in err
    assert err.startswith("roster: error:"), err
    return err



def one_version(path: Path) -> tuple[GitRepo, str]:
    """A repository with the writer schema and assistant ``a`` at one version (commit "one")."""
    g = GitRepo(path)
    g.write_schema()
    g.write_assistant("a", prompt="one")
    return g, g.commit("one")


def two_versions(path: Path) -> tuple[GitRepo, str, str]:
    """A repository with the writer schema and assistant ``a`` at two versions (commits "one", "two")."""
    g, first = one_version(path)
    g.write_assistant("a", prompt="two")
    second = g.commit("two")
    return g, first, second


def three_versions(path: Path, ids: tuple[str, str] = ("blog-writer", "team/helper"), *,
                   prompts: tuple[str, str] = ("prompt {i}", "helper {i}"), message: str = "change {i}",
                   release: str | None = "v1.0.0") -> tuple[GitRepo, list[str]]:
    """Two assistants at versions 1..3 (one commit each, ``{i}`` in prompts and message is 1..3).

    With ``release``, an annotated tag of that name on the second commit; returns the repo and the three commits.
    """
    g = GitRepo(path)
    g.write_schema()
    commits = []
    for i in (1, 2, 3):
        for assistant_id, prompt in zip(ids, prompts, strict=True):
            g.write_assistant(assistant_id, prompt=prompt.format(i=i))
        commits.append(g.commit(message.format(i=i)))
    if release:
        g.tag(release, commits[1], annotated=True)
    return g, commits


class Story:
    """One repository whose history has every shape SPEC section 3 talks about.

    main:  init ── tweet ──────────────── merge1 ── squash ── rename ── improve ── delete ── docs ── readd ── blog4
                \\                      /   (v1.0.0, annotated)  (v1.1.0, lightweight)
    pr-1:        pr1_a ── sync(main) ── pr1_b
    pr-2:  (from merge1) pr2_a ── pr2_b ── pr2_c   (squash-merged as ``squash``)

    blog-writer:  v1 init, v2 merge1, v3 squash, v4 blog4
    tweet-writer: v1 tweet, deleted at ``delete``, v2 readd (numbering continues)
    team/writer.yml (v1 init) renamed to team/author.yml: v2 rename, v3 improve
    """

    BLOG = "assistants/blog-writer.yaml"
    TWEET = "assistants/tweet-writer.yaml"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        g = self.g = GitRepo(path)
        g.write_schema("writer")
        g.write_assistant("blog-writer", name="Blog writer", temperature=0.5,
                          prompt=BLOG_PROMPT)
        g.write_assistant("team/writer", suffix=".yml", name="Team writer", model="openai:gpt-4.1",
                          prompt="You write internal notes for the team.\nBe brief.")
        self.init = g.commit("Add blog-writer and team/writer")

        g.checkout("-b", "pr-1")
        g.write_assistant("blog-writer", name="Blog writer", temperature=0.5,
                          prompt=BLOG_PROMPT + "\n"
                                 "Add one code sample.")
        self.pr1_a = g.commit("pr-1: add a code sample")
        g.checkout("main")
        g.write_assistant("tweet-writer", text=assistant_yaml(name="Tweet writer", model="openai:gpt-4.1-mini",
                                              prompt="One post of at most 280 characters.\nAt most two hashtags.",
                                              extra="metadata:\n  owner: social\n"))
        self.tweet = g.commit("Add tweet-writer")
        g.checkout("pr-1")
        g.git("merge", "-q", "--no-ff", "-m", "Merge branch 'main' into pr-1", "main", tick=True)
        self.pr1_sync = g.rev()
        g.write_assistant("blog-writer", name="Blog writer", temperature=0.5,
                          prompt=BLOG_PROMPT + "\n"
                                 "Add one code sample.\nEnd with three bullet points.")
        self.pr1_b = g.commit("pr-1: end with a summary")
        g.checkout("main")
        self.merge1 = g.merge_pr("pr-1", "Merge pull request #1 from acme/pr-1")
        g.tag("v1.0.0", annotated=True)

        g.checkout("-b", "pr-2")
        for i, temp in enumerate((0.6, 0.7, 0.8)):
            g.write_assistant("blog-writer", name="Blog writer", temperature=temp,
                              prompt="You write long-form blog posts.\nOpen with the reader's problem.\n"
                                     "Use short paragraphs.\nAdd one code sample.\nEnd with three bullet points.")
            setattr(self, f"pr2_{'abc'[i]}", g.commit(f"pr-2: temperature {temp}"))
        g.checkout("main")
        self.squash = g.squash_merge("pr-2", "Tune blog-writer temperature (#2)")
        g.tag("v1.1.0")

        g.git("mv", "assistants/team/writer.yml", "assistants/team/author.yml")
        self.rename = g.commit("Rename team/writer to team/author")
        g.write_assistant("team/author", suffix=".yml", name="Team writer", model="openai:gpt-4.1",
                          prompt="You write internal notes for the team.\nBe brief.\nSign with the team name.")
        self.improve = g.commit("Improve team/author")

        g.git("rm", "-q", self.TWEET)
        self.delete = g.commit("Remove tweet-writer")
        g.write("README.md", "# Assistants\n")
        self.docs = g.commit("Docs")
        g.write_assistant("tweet-writer", text=assistant_yaml(
            name="Tweet writer", model="openai:gpt-4.1-mini",
            prompt="One post of at most 280 characters.\nNo hashtags.", extra="metadata:\n  owner: social\n"))
        self.readd = g.commit("Bring back tweet-writer")
        g.write_assistant("blog-writer", name="Blog writer", temperature=0.8,
                          prompt="You write long-form blog posts.\nOpen with the reader's problem.\n"
                                 "Use short paragraphs.\nAdd one code sample.\nEnd with three bullet points.\n"
                                 "Link two related posts.")
        self.blog4 = g.commit("blog-writer: link related posts")
        self.head = self.blog4
        self.path = g.path


def short(commit: str, length: int = 7) -> str:
    """An abbreviated commit id usable as a ref: all-digit prefixes read as version numbers (SPEC section 4)."""
    while commit[:length].isdigit():
        length += 1
    return commit[:length]
