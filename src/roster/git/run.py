"""The one place that runs the ``git`` command, so every run is made safe the same way.

Two kinds of run, each with its own guard:
- on a repository Roster did not write (``cat-file`` for publish): its config is not
  Roster's to trust (it may come from an artifact, a tarball or a restored cache), so
  git runs with no transport allowed, so a promisor remote (``ext::sh -c ...``) cannot
  be lazily fetched from, and with command-valued settings blanked;
- outside any repository (``credential fill``): only the user's own (global and system)
  config is read, from a neutral folder git cannot discover a repository above.
Cheap to import (no pygit2).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

# ``GIT_NO_LAZY_FETCH`` (git >= 2.44) says "no promisor fetch" to newer gits too.
_SAFE_GIT_ENV = {"GIT_ALLOW_PROTOCOL": "roster-none", "GIT_NO_LAZY_FETCH": "1", "GIT_TERMINAL_PROMPT": "0",
                 "GIT_NO_REPLACE_OBJECTS": "1"}
_SAFE_GIT_CONFIG = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.sshCommand=false",
                    "-c", "protocol.allow=never", "-c", "protocol.ext.allow=never", "-c", "protocol.file.allow=never",
                    "-c", "credential.helper=", "-c", "core.askPass=false")


def safe_git_env() -> dict[str, str]:
    """The environment for a git subprocess on a repository Roster did not write."""
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_CONFIG_PARAMETERS",
                                                             "GIT_CONFIG_COUNT", "GIT_ALLOW_PROTOCOL")}
    env.update(_SAFE_GIT_ENV)
    return env


def run_in_repo(git_dir: str, args: list[str], request: bytes, *,
                timeout: float = 600) -> subprocess.CompletedProcess[bytes] | None:
    """``git --git-dir=GIT_DIR ARGS`` fed ``request``, made safe (see the module docstring).

    None when git is not on PATH or could not run; the caller then reads through pygit2.
    """
    git = shutil.which("git")
    if git is None:
        return None
    try:
        return subprocess.run([git, *_SAFE_GIT_CONFIG, f"--git-dir={git_dir}", *args], input=request, cwd=git_dir,
                              env=safe_git_env(), capture_output=True, check=False, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None


def run_outside_repo(args: list[str], request: str, *, timeout: float = 30) -> subprocess.CompletedProcess[str] | None:
    """``git ARGS`` fed ``request`` (text) in a neutral folder, never prompting; None when git cannot run.

    Only the user's own (global and system) config applies: never the config of whatever
    repository the current folder is in, which may be a checkout of someone else's.
    """
    git = shutil.which("git")
    if git is None:
        return None
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR")}
    env.update(GIT_TERMINAL_PROMPT="0", GCM_INTERACTIVE="never", GIT_ASKPASS="", SSH_ASKPASS="")
    try:
        with tempfile.TemporaryDirectory(prefix="roster-credential-") as neutral:
            env["GIT_CEILING_DIRECTORIES"] = os.path.dirname(neutral)
            return subprocess.run([git, *args], input=request, capture_output=True, text=True, env=env,
                                  timeout=timeout, check=False, cwd=neutral)
    except (OSError, subprocess.SubprocessError):
        return None
