"""Problems found while checking: plain data that reporters render."""
from __future__ import annotations

import re
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f\u2028\u2029]")


class Problem(NamedTuple):
    """One error or warning, located in a file (line and column are 1-based)."""

    severity: Severity
    path: str  # file path relative to the repository root
    line: int
    column: int
    pointer: str  # path inside the document, e.g. config.configurable.temperature
    message: str
    assistant_id: str | None = None

    def format(self) -> str:
        """One line, whatever the file is named: a control character in the path or pointer is escaped."""
        where = f"{_escaped(self.path)}:{self.line}:{self.column}"
        inside = f" {_escaped(self.pointer)}:" if self.pointer else ""
        return f"{where}: {self.severity}:{inside} {self.message}"

    def as_json(self) -> dict[str, object]:
        return {
            "assistant_id": self.assistant_id,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "message": self.message,
        }


def _escaped(text: str) -> str:
    return _LINE_BREAKING.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def pointer_of(parts: tuple[str | int, ...]) -> str:
    """Render a document path as ``config.configurable.tools[0].name``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out
