"""The ID@REF order of SPEC section 4 (roster.lookup), for any backend's Targets."""
from __future__ import annotations

import pytest

from roster.errors import UnknownRef, UsageError
from roster.lookup import resolve_target


class Targets:
    """A backend with one environment file, one own tag and two refs, recording what was asked."""

    environments_folder = "sub/environments"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def version_target(self, assistant_id: str, number: int) -> tuple[str, str]:
        self.asked.append(f"version {number}")
        return f"{assistant_id}-then", f"v{number}"

    def env_target(self, assistant_id: str, label: str) -> tuple[str, str] | None:
        self.asked.append(f"env {label}")
        return (assistant_id, "pinned") if label == "prod" else None

    def own_tag(self, assistant_id: str, label: str) -> str | None:
        self.asked.append(f"tag {assistant_id}@{label}")
        return "tagged" if label in ("prod", "beta") else None

    def ref_commit(self, ref: str) -> str:
        self.asked.append(f"ref {ref}")
        if ref in ("HEAD", "main", "beta"):
            return f"commit-of-{ref}"
        raise UnknownRef(f"unknown ref {ref!r} (tried: branch {ref}, tag {ref})")


@pytest.mark.parametrize(("spec", "ref", "expected", "asked"), [
    ("a", None, ("a", "commit-of-HEAD"), ["ref HEAD"]),
    ("a@3", None, ("a-then", "v3"), ["version 3"]),
    ("a", "3", ("a-then", "v3"), ["version 3"]),
    ("a@prod", None, ("a", "pinned"), ["env prod"]),  # the file wins over the own tag
    ("a@beta", None, ("a", "tagged"), ["env beta", "tag a@beta"]),  # then the own tag, over a branch
    ("a@main", None, ("a", "commit-of-main"), ["env main", "tag a@main", "ref main"]),
    ("a@HEAD", None, ("a", "commit-of-HEAD"), ["ref HEAD"]),  # HEAD is never an environment or a tag
])
def test_the_order_of_section_4(spec: str, ref: str | None, expected: tuple[str, str], asked: list[str]) -> None:
    targets = Targets()
    assert resolve_target(targets, spec, ref) == expected
    assert targets.asked == asked


def test_an_unknown_label_names_everything_tried() -> None:
    with pytest.raises(UnknownRef) as info:
        resolve_target(Targets(), "a@nope")
    assert str(info.value) == ("unknown ref 'nope' (tried: sub/environments/nope.yaml at HEAD, tag a@nope, "
                               "branch nope, tag nope)")


def test_bad_specs_are_usage_errors() -> None:
    for spec in ("", "-a", "a@", "a@-x"):
        with pytest.raises(UsageError):
            resolve_target(Targets(), spec)
