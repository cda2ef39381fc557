"""Field-level diff of two assistants (or two versions of one)."""
from __future__ import annotations

import difflib
from typing import Any, NamedTuple

from roster.problems import pointer_of

_MISSING = object()


class FieldChange(NamedTuple):
    path: str  # config.configurable.system_prompt
    op: str  # added, removed, changed
    old: Any
    new: Any

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "op": self.op, "old": self.old, "new": self.new}

    def is_multiline(self) -> bool:
        return self.op == "changed" and isinstance(self.old, str) and isinstance(self.new, str) and (
            "\n" in self.old.rstrip("\n") or "\n" in self.new.rstrip("\n"))

    def line_diff(self) -> list[str]:
        """A unified line diff of a multi-line string change (prompts), for display: trailing
        blanks of a line are escaped (``hygiene.visible_diff_line``)."""
        from roster.hygiene import visible_diff_line

        return [visible_diff_line(line) for line in difflib.unified_diff(
            str(self.old).splitlines(), str(self.new).splitlines(), fromfile="old", tofile="new", lineterm="",
            n=2)][2:]


def diff_values(old: Any, new: Any) -> list[FieldChange]:
    """Changes from ``old`` to ``new``: mappings compared key by key, anything else as a whole."""
    out: list[FieldChange] = []
    _walk(old, new, (), out)
    return out


def _walk(old: Any, new: Any, path: tuple[Any, ...], out: list[FieldChange]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            a, b = old.get(key, _MISSING), new.get(key, _MISSING)
            if a is _MISSING:
                out.append(FieldChange(pointer_of(path + (key,)), "added", None, b))
            elif b is _MISSING:
                out.append(FieldChange(pointer_of(path + (key,)), "removed", a, None))
            else:
                _walk(a, b, path + (key,), out)
        return
    if old != new or type(old) is not type(new):
        out.append(FieldChange(pointer_of(path), "changed", old, new))
