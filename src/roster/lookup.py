"""``ID[@REF]`` to the (id, commit) it names: the order of SPEC section 4, for every backend.

A version number is always a version; then, for a label, the environment file
``environments/<label>.yaml``, then the assistant's own tag ``ID@label``, then a
repo-wide ref. Each backend says how it finds each of these (``Targets``); the
order, and what an unknown ref is told, live here once.
"""
from __future__ import annotations

from typing import Protocol

from roster.errors import UnknownRef
from roster.refs import is_version_number, parse_spec, shown


class Targets(Protocol):
    """How one backend finds what a spec can name."""

    @property
    def environments_folder(self) -> str: ...

    def version_target(self, assistant_id: str, number: int) -> tuple[str, str]:
        """(the id version ``number`` had, its commit), counted along HEAD's history."""
        ...

    def env_target(self, assistant_id: str, label: str) -> tuple[str, str] | None:
        """What the environment file ``label`` runs for the id; None when there is no such file."""
        ...

    def own_tag(self, assistant_id: str, label: str) -> str | None:
        """The commit of the tag ``ID@label``; None when there is none."""
        ...

    def ref_commit(self, ref: str) -> str:
        """A repo-wide ref's commit (``refs.resolve_commit`` over the backend's refs)."""
        ...


def resolve_target(targets: Targets, spec: str, ref: str | None = None) -> tuple[str, str]:
    """(id, commit) that ``spec`` (or ``spec`` and ``ref``) names."""
    assistant_id, label = parse_spec(spec, ref)
    if label is not None and is_version_number(label):
        return targets.version_target(assistant_id, int(label))
    # ID@HEAD is the default ref: never an environment, never a tag (an older promote accepted the label).
    if label is not None and label != "HEAD":
        found = targets.env_target(assistant_id, label)
        if found is not None:
            return found
        own = targets.own_tag(assistant_id, label)
        if own is not None:
            return assistant_id, own
    try:
        return assistant_id, targets.ref_commit(label or "HEAD")
    except UnknownRef as e:
        text = str(e)
        if label is None or "(tried: " not in text:
            raise
        # Name everything that was tried, the environment file and the own tag first (SPEC 4).
        tried = f"{targets.environments_folder}/{shown(label)}.yaml at HEAD, tag {assistant_id}@{shown(label)}, "
        raise UnknownRef(text.replace("(tried: ", f"(tried: {tried}", 1)) from None
