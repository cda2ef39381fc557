"""cli/main.py: ``roster --help`` loads click and the command modules, and nothing else of Roster's
(SPEC section 8: start-up time; each command loads what it renders and reads when it runs)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PROBE = """
import json, sys
from roster.cli.main import main
try:
    main(["--help"])
except SystemExit as e:
    code = e.code
print(json.dumps({"code": code, "modules": sorted(m for m in sys.modules if m.startswith("roster"))}))
"""


def test_help_loads_only_the_command_line() -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=str(SRC)))
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["code"] == 0 and "Commands:" in proc.stdout
    beyond = [m for m in result["modules"] if not m.startswith("roster.cli")]
    assert beyond == ["roster", "roster.errors", "roster.version"]  # version.py: one constant, no imports
