"""Field-level diff of two assistants (or two versions of one): the one diff engine.

``roster diff``, ``check --base``, a promotion, ``sync``/``pull`` (file against server)
and the site's timelines all list their changes with ``diff_values`` as ``FieldChange``s.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from roster.hygiene import visible_diff_line
from roster.problems import pointer_of

if TYPE_CHECKING:
    from roster.model import Assistant


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
        import difflib  # lazy: ~1 ms of start-up for every command that imports the library; only diff needs it

        return [visible_diff_line(line) for line in difflib.unified_diff(
            str(self.old).splitlines(), str(self.new).splitlines(), fromfile="old", tofile="new", lineterm="",
            n=2)][2:]


def diff_values(old: Any, new: Any, path: tuple[Any, ...] = (), *, sort_keys: bool = False) -> list[FieldChange]:
    """Changes from ``old`` to ``new``: mappings compared key by key, anything else as a whole
    (``same_value``). ``path`` names where both are (``("config", "configurable")``).
    Keys come in document order (``old``'s, then those only ``new`` has), or sorted with
    ``sort_keys`` (sync compares a file with a server, whose order says nothing)."""
    out: list[FieldChange] = []
    _walk(old, new, path, out, sort_keys)
    return out


def same_value(a: Any, b: Any) -> bool:
    """Equal as JSON values, at every depth: 1, 1.0 and true are three different values in
    a config, where Python's ``==`` takes them for one."""
    return bool(a == b) and _same_kinds(a, b)


def _same_kinds(a: Any, b: Any) -> bool:
    # a == b already holds (C speed): only the kinds of numbers can still differ.
    if isinstance(a, dict):
        return isinstance(b, dict) and all(_same_kinds(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return isinstance(b, list) and all(map(_same_kinds, a, b))
    return type(a) is type(b)


def _walk(old: Any, new: Any, path: tuple[Any, ...], out: list[FieldChange], sort_keys: bool) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        keys = list(old) + [k for k in new if k not in old]
        for key in sorted(keys, key=str) if sort_keys else keys:
            if key not in old:
                out.append(FieldChange(pointer_of(path + (key,)), "added", None, new[key]))
            elif key not in new:
                out.append(FieldChange(pointer_of(path + (key,)), "removed", old[key], None))
            else:
                _walk(old[key], new[key], path + (key,), out, sort_keys)
        return
    if old != new or not _same_kinds(old, new):  # same_value, inlined: the site diffs every version
        out.append(FieldChange(pointer_of(path), "changed", old, new))


class Diff(NamedTuple):
    """``roster diff``: two resolved assistants and the field-level changes between them (both backends)."""

    old: Assistant
    new: Assistant
    changes: list[FieldChange]

    def as_json(self) -> dict[str, Any]:
        return {"from": self.old.as_json(), "to": self.new.as_json(),
                "changes": [c.as_json() for c in self.changes]}
