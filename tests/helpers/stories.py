"""Ready-made histories: one assistant at one or two versions, two at three, and the Story of SPEC 3."""
from __future__ import annotations

import os
from pathlib import Path

from helpers.content import BLOG_PROMPT, assistant_yaml
from helpers.gitcmd import GitRepo


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
