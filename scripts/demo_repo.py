#!/usr/bin/env python3
"""Build a throwaway assistants repository with a real history, for ``make demo`` and the README.

    python scripts/demo_repo.py [DEST]      # default: .demo/repo (replaced if it exists)

The content is this project's own ``assistants/`` and ``schemas/``; the history is
scripted so that every quick-start line of the README has something to show:

- blog-writer has three versions: v1 and v2 on main, v3 from a merged pull request
  (``git merge --no-ff``, message "Merge pull request #7 from acme/blog-tone", title in the body);
- a release tag ``v1.0.0`` (annotated, on v2) and ``v1.1.0`` (on the merge);
- two environments: ``environments/staging.yaml`` runs v3, ``environments/prod.yaml`` runs v2.

Commits have fixed authors and dates, so two runs give the same commit ids. The user's
git configuration is not read (no global or system config, no hooks).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = 1_767_600_000  # 2026-01-05T08:00:00Z; each commit one day later
PEOPLE = {"ana": ("Ana Writer", "ana@acme.example"), "bo": ("Bo Reviewer", "bo@acme.example"),
          "cy": ("Cy Release", "cy@acme.example")}

STAGING = """\
# What the staging deployment runs. Promote with: roster promote ID VERSION --to staging
url: http://127.0.0.1:2024
assistants:
  blog-writer: 3
  tweet-writer: 1
  support/triage: 1
  support/billing: 1
"""

PROD = """\
# What production runs. A change here is a pull request that a code owner reviews.
url: https://prod.acme.example
assistants:
  blog-writer: 2            # v3 waits for the launch review
  tweet-writer: 1
  support/triage: v1.0.0    # a release tag works as a pin too
  support/billing: 1
"""


class Demo:
    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.clock = START

    def env(self, who: str) -> dict[str, str]:
        name, email = PEOPLE[who]
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email,
                   GIT_AUTHOR_DATE=f"@{self.clock} +0000", GIT_COMMITTER_DATE=f"@{self.clock} +0000",
                   GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
        return env

    def git(self, *args: str, who: str = "ana") -> None:
        subprocess.run(["git", "-c", "core.hooksPath=/dev/null", *args], cwd=self.dest, env=self.env(who),
                       check=True, stdout=subprocess.DEVNULL)

    def write(self, rel: str, text: str) -> None:
        path = self.dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def commit(self, message: str, who: str = "ana") -> None:
        self.clock += 86_400
        self.git("add", "-A", who=who)
        self.git("commit", "-q", "-m", message, who=who)


def blog_writer_versions() -> list[str]:
    """v1, v2, v3 of blog-writer: v3 is the file in this repository, the others are its past."""
    v3 = (ROOT / "assistants" / "blog-writer.yaml").read_text(encoding="utf-8")
    v2 = (v3.replace("    max_words: 2000\n", "    max_words: 1500\n")
            .replace("    tone: friendly\n", "    tone: neutral\n")
            .replace("      End with a summary of three bullet points.\n", ""))
    v1 = (v2.replace("    temperature: 0.7\n", "    temperature: 0.9\n")
            .replace("1,200 to 2,000 words", "about 1,000 words"))
    assert v1 != v2 != v3, "assistants/blog-writer.yaml changed: update scripts/demo_repo.py"
    return [v1, v2, v3]


def build(dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    demo = Demo(dest)
    demo.git("init", "-q", "-b", "main")
    demo.git("config", "user.name", "Demo User")  # for `roster promote --commit` in the demo
    demo.git("config", "user.email", "demo@acme.example")
    v1, v2, v3 = blog_writer_versions()
    shutil.copytree(ROOT / "schemas", dest / "schemas")
    shutil.copytree(ROOT / "assistants", dest / "assistants")
    demo.write("assistants/blog-writer.yaml", v1)
    demo.write("README.md", "# Acme assistants\n\nLangGraph assistants as code, managed with Roster.\n")
    demo.commit("Add the writer and support assistants")
    demo.write("assistants/blog-writer.yaml", v2)
    demo.commit("blog-writer: calmer temperature, 1,500 words")
    demo.git("tag", "-a", "v1.0.0", "-m", "First release", who="cy")
    # A pull request: a branch with its own commit, merged the way GitHub merges.
    demo.git("checkout", "-q", "-b", "blog-tone")
    demo.write("assistants/blog-writer.yaml", v3)
    demo.commit("blog-writer: friendly tone, 2,000 words, summary bullets", who="bo")
    demo.git("checkout", "-q", "main")
    demo.clock += 86_400
    demo.git("merge", "-q", "--no-ff", "-m", "Merge pull request #7 from acme/blog-tone",
             "-m", "Friendlier, longer blog posts", "blog-tone", who="cy")
    demo.git("tag", "-a", "v1.1.0", "-m", "Blog tone release", who="cy")
    demo.write("environments/staging.yaml", STAGING)
    demo.write("environments/prod.yaml", PROD)
    demo.commit("Add staging and prod environments", who="cy")
    return dest


def main(argv: list[str]) -> int:
    dest = Path(argv[1]) if len(argv) > 1 else ROOT / ".demo" / "repo"
    build(dest.resolve())
    print(f"demo repository: {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
