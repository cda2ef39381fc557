"""The one git identity and the one clock of every commit a test makes.

Every repository has a clock of its own: its commits are dated START, START +
STEP, ... in order, whether they are made by the ``git`` command or by pygit2,
so commit ids do not depend on which tests ran before. Author dates run ten
minutes behind committer dates, so a test can tell them apart, and the +0200
offset checks that dates come out in UTC. Git never reads the user's
configuration.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

AUTHOR_NAME, AUTHOR_EMAIL = "Ada Tester", "ada@example.com"
COMMITTER_NAME, COMMITTER_EMAIL = "Cy Committer", "cy@example.com"
AUTHOR = (AUTHOR_NAME, AUTHOR_EMAIL)
COMMITTER = (COMMITTER_NAME, COMMITTER_EMAIL)

START = 1_700_000_000  # 2023-11-14T22:13:20Z
STEP = 3600  # one hour between commits
AUTHOR_LAG = 600  # the author date is ten minutes before the committer date
OFFSET_MINUTES = 120  # +0200


class Clock:
    """The dates of one repository's commits: each ``tick()`` is one STEP after the last."""

    def __init__(self) -> None:
        self.now = START

    def tick(self) -> int:
        self.now += STEP
        return self.now

    def committer_date(self) -> str:
        return _git_date(self.now)

    def author_date(self) -> str:
        return _git_date(self.now - AUTHOR_LAG)


_clocks: dict[Path, Clock] = {}


def clock_for(path: str | os.PathLike[str]) -> Clock:
    """The clock of the repository holding ``path`` (its top folder, or a bare repository's folder)."""
    return _clocks.setdefault(_repository_of(Path(path)), Clock())


def _repository_of(path: Path) -> Path:
    path = path.resolve()
    if path.name == ".git":
        path = path.parent
    for folder in (path, *path.parents):
        if (folder / ".git").exists() or ((folder / "HEAD").is_file() and (folder / "objects").is_dir()):
            return folder
    return path


def _git_date(seconds: int) -> str:
    sign = "+" if OFFSET_MINUTES >= 0 else "-"
    return f"@{seconds} {sign}{abs(OFFSET_MINUTES) // 60:02d}{abs(OFFSET_MINUTES) % 60:02d}"


def iso(seconds: int) -> str:
    """A commit time as Roster shows it (ISO 8601, UTC)."""
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def git_env(home: str | os.PathLike[str] | None = None, *, author_date: str | None = None,
            committer_date: str | None = None) -> dict[str, str]:
    """The environment for ``git``: the fixed identity, no user or system config, no prompt.

    With dates, they are set as given (``@<seconds> <offset>``); ``home`` sets HOME.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME=AUTHOR_NAME, GIT_AUTHOR_EMAIL=AUTHOR_EMAIL,
               GIT_COMMITTER_NAME=COMMITTER_NAME, GIT_COMMITTER_EMAIL=COMMITTER_EMAIL,
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    if author_date is not None:
        env["GIT_AUTHOR_DATE"] = author_date
    if committer_date is not None:
        env["GIT_COMMITTER_DATE"] = committer_date
    if home is not None:
        env["HOME"] = str(home)
    return env
