"""JSON output: stable, UTF-8, indented."""
from __future__ import annotations

from typing import Any


def dumps(data: Any) -> str:
    import json  # lazy: json (~1 ms) is not needed by show and history in text

    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
