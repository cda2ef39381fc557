"""``roster`` as a user runs it: through click's runner in this process, or ``python -m roster``."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from helpers.paths import ROOT


@contextlib.contextmanager
def chdir(path: Path | str | None) -> Iterator[None]:
    if path is None:
        yield
        return
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_cli(*args: str, cwd: Path | str | None = None) -> tuple[int, str, str]:
    """``roster ARGS`` in this process through click's runner: (exit code, stdout, stderr).

    click >= 8.2 keeps stderr apart from stdout in the runner's result; an
    exception that escapes the CLI's own error handling fails the test.
    """
    from click.testing import CliRunner

    from roster.cli.main import cli

    runner = CliRunner()
    with chdir(cwd):
        result = runner.invoke(cli, list(args), prog_name="roster", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def run_roster_subprocess(*args: str, cwd: Path | str | None = None, timeout: float = 60,
                          input: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m roster ARGS`` in a new process, as a user or CI runs it.

    ``timeout`` is a guard against hangs (the test fails with TimeoutExpired),
    not a performance assertion.
    """
    env = dict(os.environ)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.run([sys.executable, "-m", "roster", *args], cwd=str(cwd) if cwd else None, env=env,
                          capture_output=True, text=True, timeout=timeout, input=input)


# --- reading results ----------------------------------------------------------------

def problem_lines(output: str, path: str) -> list[str]:
    """The lines of a text report that are about ``path`` (they start with ``path:``)."""
    return [line for line in output.splitlines() if line.startswith(f"{path}:")]


def invoke(mode: str, *args: str, cwd: str | os.PathLike[str] | None = None) -> tuple[int, str, str]:
    """``roster ARGS`` through click's runner (``mode="runner"``) or ``python -m roster`` (``"subprocess"``).

    Returns (exit code, stdout, stderr) either way, either way.
    """
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
