"""The ``ID[@REF]`` grammar (SPEC section 4) and how a ref becomes a commit."""
from __future__ import annotations

from typing import NamedTuple, Protocol

from roster.errors import UnknownRef, UsageError
from roster.ids import check_id


class RefStore(Protocol):
    """The refs a backend knows: a git repository (``git.Repo``), or a published index's
    (``indexed.IndexRefs``). ``resolve_commit`` reads both through this, so a ref means
    the same in each."""

    def has_commits(self) -> bool: ...

    def head(self) -> str: ...

    def ref_target(self, name: str) -> str | None: ...  # a full ref name: refs/heads/x, refs/tags/x, ...

    def commit_from_hex(self, text: str) -> list[str]: ...

    def revparse_commit(self, rev: str) -> str | None: ...


class Spec(NamedTuple):
    assistant_id: str
    ref: str | None  # None: the default ref


def parse_spec(spec: str, ref: str | None = None) -> Spec:
    """``blog-writer@v1.2.0`` -> Spec("blog-writer", "v1.2.0"). Ids never hold '@'."""
    if not isinstance(spec, str) or not spec:
        raise UsageError("empty assistant spec; expected ID[@REF]")
    if spec.startswith("-"):
        raise UsageError(f"invalid assistant spec {spec!r}: it may not start with '-'")
    assistant_id, at, spec_ref = spec.partition("@")
    if at and ref is not None:
        raise UsageError(f"{spec!r} already names a ref; do not pass ref={ref!r} too")
    if at and not spec_ref:
        raise UsageError(f"{spec!r}: nothing after '@'; expected ID@REF")
    check_id(assistant_id)
    chosen = spec_ref if at else ref
    if chosen is not None:
        check_ref_text(chosen)
    return Spec(assistant_id, chosen)


def check_ref_text(ref: str) -> str:
    if not ref or ref.startswith("-") or any(c in ref for c in "\x00\n\r "):
        raise UsageError(f"invalid ref {ref!r}: a ref may not be empty, start with '-' or hold spaces")
    return ref


MAX_VERSION_DIGITS = 9  # a billion versions; longer digit strings are never turned into an int


def is_version_number(ref: str) -> bool:
    """``3`` is version 3. Bounded before any ``int()``: ``9`` * 5000 is not a number Python will
    parse, and no history has that many versions (it is looked up as a ref instead)."""
    return ref.isascii() and ref.isdigit() and len(ref) <= MAX_VERSION_DIGITS


def shown(ref: str) -> str:
    """A ref as messages name it: control characters escaped, so no message can carry one."""
    return ref if ref.isprintable() else "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in ref)


def resolve_commit(repo: RefStore, ref: str) -> str:
    """A repo-wide ref (branch, tag, commit, revision expression) to a commit id.

    Order: local branch, else ``origin/<name>``; a tag; a commit id (7+ hex);
    any other revision expression. A branch and a tag of the same name that
    point at different commits are ambiguous, as in git.
    """
    check_ref_text(ref)
    if not repo.has_commits():
        raise UnknownRef("the repository has no commits yet")
    if ref == "HEAD":
        return repo.head()
    name = shown(ref)
    tried = [f"branch {name}", f"origin/{name}", f"tag {name}"]
    branch = repo.ref_target(f"refs/heads/{ref}") or repo.ref_target(f"refs/remotes/origin/{ref}")
    tag = repo.ref_target(f"refs/tags/{ref}")
    if branch and tag and branch != tag:
        raise UnknownRef(f"ref {ref!r} is ambiguous: both a branch ({branch[:12]}) and a tag ({tag[:12]}); "
                         f"use refs/heads/{name} or refs/tags/{name}")
    if branch:
        return branch
    if tag:
        return tag
    tried.append("commit id")
    hex_matches = repo.commit_from_hex(ref)
    if len(hex_matches) > 1:
        raise UnknownRef(f"ref {ref!r} is ambiguous: more than one object id starts with it")
    if hex_matches:
        return hex_matches[0]
    tried.append("revision expression")
    found = repo.revparse_commit(ref)
    if found:
        return found
    raise UnknownRef(f"unknown ref {ref!r} (tried: {', '.join(tried)})")
