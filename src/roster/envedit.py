"""``promote`` through an environment file: the smallest edit of one pin (SPEC section 11).

The edit is located with the marks yamlload keeps for every node: only the
characters of the pin's value change (or one line is added for a new pin), so
comments, key order, quoting of other lines and the other pins stay as they
were and the pull request's diff is one line. The edited text is parsed again
before it is written: an edit that would not read back as intended is refused.
"""
from __future__ import annotations

import difflib
import json
import os
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.content import diffable
from roster.diff import FieldChange, diff_values
from roster.environments import (
    EnvFile,
    InvalidEnvironment,
    check_label,
    parse_environment,
    pin_target,
)
from roster.errors import RosterError, UsageError
from roster.ids import SUFFIXES, check_id
from roster.model import Assistant
from roster.refs import check_ref_text, is_version_number
from roster.yamlcore import plain_means_string

if TYPE_CHECKING:
    from roster.roster import Roster


class EnvPromotion(NamedTuple):
    """One pin edited in ``environments/<env>.yaml``."""

    environment: str
    path: str
    assistant_id: str
    before: str | None  # the pin's text before (None: not listed)
    after: str
    before_version: int | None
    after_version: int | None
    changes: list[FieldChange]  # field-level diff of the assistant, before -> after
    file_diff: str  # unified diff of the file
    commit: str | None = None  # with --commit

    def as_json(self) -> dict[str, Any]:
        return {"environment": self.environment, "path": self.path, "assistant_id": self.assistant_id,
                "before": {"pin": self.before, "version": self.before_version},
                "after": {"pin": self.after, "version": self.after_version},
                "changes": [c.as_json() for c in self.changes], "file_diff": self.file_diff, "commit": self.commit}


def env_file_path(roster: Roster, env: str) -> str | None:
    """The environment file in the working tree (repository-relative), None when there is none."""
    top = roster.project.top
    if top is None:
        return None
    for suffix in SUFFIXES:
        rel = f"{roster.project.layout.environments}/{env}{suffix}"
        if os.path.isfile(os.path.join(top, *rel.split("/"))):
            return rel
    return None


def promote_in_file(roster: Roster, rel: str, assistant_id: str, target: str, env: str) -> EnvPromotion:
    """Edit the pin of ``assistant_id`` in the working-tree file ``rel`` to ``target`` (version or ref)."""
    check_id(assistant_id)
    check_ref_text(target)
    check_label(env)
    top = roster.project.top
    if top is None:  # env_file_path found no file: a bare repository or a URL has no working tree
        raise UsageError(f"{rel}: editing an environment file needs a working tree")
    full = os.path.join(top, *rel.split("/"))
    with open(full, "rb") as f:
        raw = f.read()
    parsed, problems = parse_environment(raw, path=rel, name=env)
    if parsed is None:
        raise InvalidEnvironment(problems)
    after_assistant = roster.get(f"{assistant_id}@{target}")  # exists and is valid there, or raises
    before_pin = parsed.pins.get(assistant_id)
    before_text = before_pin.text() if before_pin is not None else None
    before_assistant = _pinned(roster, parsed, assistant_id)
    text = raw.decode("utf-8-sig")
    bom = raw.startswith(b"\xef\xbb\xbf")
    new_text = set_pin(text, parsed, assistant_id, target)
    again, problems = parse_environment(new_text.encode("utf-8"), path=rel, name=env)
    if again is None or again.pins.get(assistant_id) is None or again.pins[assistant_id].text() != target:
        raise UsageError(f"{rel}: cannot edit the pin of {assistant_id!r} safely; edit the file by hand")
    if new_text != text:
        _write(full, (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8"))
    file_diff = "".join(difflib.unified_diff(text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                             f"a/{rel}", f"b/{rel}", n=0))
    changes = diff_values(diffable(before_assistant), diffable(after_assistant)) if before_assistant else []
    after_version = int(target) if is_version_number(target) else after_assistant.version
    return EnvPromotion(env, rel, assistant_id, before_text, target,
                        before_assistant.version if before_assistant else None, after_version, changes, file_diff)


def _pinned(roster: Roster, env: EnvFile, assistant_id: str) -> Assistant | None:
    """What the file runs now for the id (the pin, else the default), unvalidated; None when nothing."""
    if assistant_id not in env.pins and env.default is None:
        return None
    resolver = roster.resolver
    try:
        ident, commit = pin_target(resolver, env, assistant_id, resolver.head())
        found: Assistant = resolver.get(ident, commit, validate=False)
        return found
    except RosterError:
        return None  # the old pin no longer resolves: nothing to compare with


def _write(full: str, data: bytes) -> None:
    """Replace the file atomically, keeping its mode."""
    tmp = f"{full}.roster-tmp"
    mode = os.stat(full).st_mode & 0o7777
    with open(tmp, "wb") as f:
        f.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, full)


# --- the located edit ---------------------------------------------------------------------


# Characters that give a plain scalar at its start another meaning (YAML 1.2, 5.3).
_INDICATORS = ("!", "&", "*", "'", '"', "{", "[", "|", ">", "%", "@", "`", "#", "?", ":", ",")


def scalar_text(value: str) -> str:
    """``value`` as a YAML scalar that reads back as that string (or as a version number)."""
    if is_version_number(value):
        return str(int(value))
    if plain_means_string(value) and not value.startswith(_INDICATORS) and ": " not in value and " #" not in value:
        return value
    return json.dumps(value)


def set_pin(text: str, env: EnvFile, assistant_id: str, target: str) -> str:
    """``text`` with the pin of ``assistant_id`` set to ``target``: one value replaced or one line added."""
    lines = text.splitlines(keepends=True)
    new_value = scalar_text(target)
    doc = env.doc
    where = ("assistants", assistant_id)
    if assistant_id in env.pins:
        line, col = doc.value_marks[where]
        row = lines[line - 1]
        start = _offset(row, col)
        end = _scalar_end(row, start)
        if end is None:
            raise UsageError(f"{env.path}:{line}:{col}: the pin of {assistant_id!r} is not a one-line value; "
                             f"edit the file by hand")
        lines[line - 1] = row[:start] + new_value + row[end:]
        return "".join(lines)
    entry = f"{scalar_text(assistant_id) if assistant_id != scalar_text(assistant_id) else assistant_id}: {new_value}"
    listed = doc.data.get("assistants")
    if "assistants" not in doc.data:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        return "".join(lines) + f"assistants:\n  {entry}\n"
    if isinstance(listed, dict) and listed:
        last = list(listed)[-1]
        key_line, key_col = doc.key_marks[("assistants", last)]
        first_line, first_col = doc.key_marks[("assistants", next(iter(listed)))]
        if first_line == doc.key_marks[("assistants",)][0]:
            raise UsageError(f"{env.path}:{first_line}: assistants is written in flow style ({{...}}); "
                             f"write one pin per line to promote with roster")
        value_line = doc.value_marks.get(("assistants", last), (key_line, key_col))[0]
        indent = lines[first_line - 1][:_offset(lines[first_line - 1], first_col)]
        return _insert(lines, value_line, f"{indent}{entry}\n")
    # `assistants:` with nothing (null) or `{}` after it: the first pin goes on the next line.
    key_line = doc.key_marks[("assistants",)][0]
    row = lines[key_line - 1]
    body = row.rstrip("\r\n")
    ending = row[len(body):] or "\n"
    colon = body.find(":")
    rest = body[colon + 1:].split("#", 1)[0].strip() if colon >= 0 else ""
    if rest not in ("", "{}", "null", "~"):
        raise UsageError(f"{env.path}:{key_line}: cannot add a pin to `assistants: {rest}`; edit the file by hand")
    if rest:
        cut = body.index(rest, colon)
        body = body[:cut].rstrip() + body[cut + len(rest):]
    lines[key_line - 1] = body + ending
    return _insert(lines, key_line, f"  {entry}\n")


def _insert(lines: list[str], after_line: int, new: str) -> str:
    if after_line - 1 < len(lines) and not lines[after_line - 1].endswith("\n"):
        lines[after_line - 1] += "\n"
    lines.insert(after_line, new)
    return "".join(lines)


def _offset(row: str, column: int) -> int:
    # yamlload columns count characters (1-based), as Python strings do.
    return column - 1


def _scalar_end(row: str, start: int) -> int | None:
    """Where the scalar starting at ``start`` ends on its line; None when it is not a one-line scalar."""
    if start >= len(row):
        return None
    quote = row[start]
    if quote == '"':
        i = start + 1
        while i < len(row):
            if row[i] == "\\":
                i += 2
                continue
            if row[i] == '"':
                return i + 1
            i += 1
        return None
    if quote == "'":
        i = start + 1
        while i < len(row):
            if row[i] == "'":
                if row[i + 1:i + 2] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        return None
    if quote in "|>{[&*!":
        return None
    body = row.rstrip("\r\n")
    hash_at = body.find(" #", start)
    end = hash_at if hash_at >= 0 else len(body)
    while end > start and body[end - 1] in " \t":
        end -= 1
    return end
