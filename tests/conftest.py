"""Fixtures shared by every test: an isolated environment and example projects."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers.gitcmd import init_repo
from helpers.paths import SCHEMAS


@pytest.fixture(scope="session", autouse=True)
def _pygit2_without_user_config(tmp_path_factory: pytest.TempPathFactory) -> None:
    """libgit2 fixes its config search path when pygit2 is imported; point it at an empty folder."""
    import pygit2
    from pygit2.enums import ConfigLevel

    empty = str(tmp_path_factory.mktemp("empty-git-config"))
    for level in (ConfigLevel.GLOBAL, ConfigLevel.XDG, ConfigLevel.SYSTEM, ConfigLevel.PROGRAMDATA):
        pygit2.settings.search_path[level] = empty


@pytest.fixture(scope="session")
def user_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The user's state folder (``$XDG_STATE_HOME``, which holds Roster's cache key) for the
    whole session: one user on one machine, as a developer or a CI job sees it, so a
    repository's caches written by one test are believed by the next."""
    return tmp_path_factory.mktemp("state")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                  user_state: Path) -> Path:
    """HOME is a fresh folder and git reads no system config: tests never touch the user's git setup."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_STATE_HOME", str(user_state))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    for name in list(os.environ):
        # A test run from a git hook inherits GIT_DIR & co., which would redirect every git call.
        if name.startswith("GIT_") and name != "GIT_CONFIG_NOSYSTEM":
            monkeypatch.delenv(name)
    return home


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A git repository (no commits yet) with a copy of the repo's own schemas/ and an empty assistants/."""
    root = init_repo(tmp_path / "example")
    shutil.copytree(SCHEMAS, root / "schemas")
    (root / "assistants").mkdir()
    return root


@pytest.fixture(scope="module")
def action_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The action as `uses: owner/roster@v0.2.0` sees it: a clean checkout of this project."""
    from helpers.action import copy_action

    return copy_action(tmp_path_factory.mktemp("action") / "roster")


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("runner-temp")  # shared: Roster is installed once per module
