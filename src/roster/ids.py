"""Assistant ids: the file path below ``assistants/`` without its extension."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from roster.errors import UsageError
from roster.hints import close_matches

SUFFIXES = (".yaml", ".yml")
_SEGMENT = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9._\-]*\Z")
# The published page of an id is one file named after the whole id ('/' -> '~'), and a
# file name holds at most 255 bytes on common file systems: leave room for suffixes.
MAX_ID = 200


def is_assistant_file(name: str) -> bool:
    return name.endswith(SUFFIXES)


@lru_cache(maxsize=65536)  # called for every change of every commit when a chain is built
def id_from_relpath(relpath: str) -> str:
    """``team/writer.yaml`` -> ``team/writer`` (the path is relative to ``assistants/``)."""
    for suffix in SUFFIXES:
        if relpath.endswith(suffix):
            return relpath[: -len(suffix)]
    return relpath


def id_problem(assistant_id: str) -> str | None:
    """Why an id is not allowed, or None when it is."""
    if not assistant_id:
        return "empty assistant id"
    if len(assistant_id) > MAX_ID:
        return f"id {assistant_id[:40]!r}... is longer than {MAX_ID} characters"
    for segment in assistant_id.split("/"):
        if segment in ("", ".", ".."):
            return f"id {assistant_id!r} has an empty, '.' or '..' segment"
        if segment.startswith("."):
            return f"id {assistant_id!r}: a segment may not start with '.'"
        if not _SEGMENT.match(segment):
            return f"id {assistant_id!r}: only letters, digits, '.', '_', '-' and '/' between segments are allowed"
    return None


def checked(value: str, problem: str | None) -> str:
    """``value`` when ``problem`` (what a ``*_problem`` function said of it) is None; else a UsageError."""
    if problem:
        raise UsageError(problem)
    return value


def check_id(assistant_id: str) -> str:
    """Validate an id given by a user (a spec); raise UsageError when it is not one."""
    return checked(assistant_id, id_problem(assistant_id))


def version_tags(tag_names: Iterable[str], assistant_id: str) -> list[str]:
    """The tags a version of ``assistant_id`` shows (SPEC section 3): repo-wide tags
    (no ``@``) and its own ``<id>@<label>`` tags, never another assistant's."""
    own = assistant_id + "@"
    return [name for name in tag_names if "@" not in name or (name.startswith(own) and "@" not in name[len(own):])]


def nearest_hint(wanted: str, known: Iterable[str]) -> str:
    """``"; did you mean 'blog-writer'?"`` naming up to three ids close to ``wanted``, or ""."""

    known = sorted(set(known) - {wanted})
    close = close_matches(wanted, known, n=3, limit=50_000)  # once per lookup: a large repo still gets hints
    if not close:  # a folder forgotten or added: compare the last segments too
        tail = wanted.rsplit("/", 1)[-1]
        close = [k for k in known if k.rsplit("/", 1)[-1] == tail][:3]
    if not close:
        return ""
    names = [repr(c) for c in close]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"; did you mean {listed}?"
