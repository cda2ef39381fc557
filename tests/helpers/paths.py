"""Where things are: the project checkout, its schemas, the example projects."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project checkout
SCHEMAS = ROOT / "schemas"
EXAMPLES = ROOT / "tests" / "examples"
