"""'Did you mean' hints, with their cost bounded whatever the input.

Both sides can come from a pull request: the unknown keys of a document and the
properties of a graph schema. Unbounded, one document of 100,000 unknown keys
against a schema of 10,000 properties costs a billion string comparisons. So a
hint compares a key of at most ``MAX_LENGTH`` characters with at most
``MAX_CANDIDATES`` candidates (those whose length could match at all), and a
document gets at most ``MAX_HINTS`` of them (``HintBudget``); past that, the
errors are the same, only without the suggestion.
"""
from __future__ import annotations

from collections.abc import Iterable

MAX_CANDIDATES = 1_000
MAX_LENGTH = 200
MAX_HINTS = 100  # per document
CUTOFF = 0.6


def close_matches(word: str, choices: Iterable[object], n: int = 1, *, limit: int = MAX_CANDIDATES) -> list[str]:
    """Up to ``n`` strings of ``choices`` close to ``word`` (difflib's ratio >= 0.6), best first.

    ``limit``: how many candidates are compared at most; a caller that asks once per
    command (not once per key of a document) may allow more.
    """
    if not isinstance(word, str) or len(word) > MAX_LENGTH:
        return []
    if isinstance(choices, (set, frozenset)):
        choices = sorted(choices, key=str)  # the same candidates, and the same hint, on every run
    size = len(word)
    candidates: list[str] = []
    for choice in choices:
        # difflib's ratio is 2*M/(len(a)+len(b)) with M <= the shorter length: a choice whose
        # length is off by more than that allows can never reach the cutoff, so it is not counted.
        if isinstance(choice, str) and _could_match(size, len(choice)):
            candidates.append(choice)
            if len(candidates) >= limit:
                break
    import difflib  # lazy: ~1 ms of start-up for every command, needed only when a name is not found

    return difflib.get_close_matches(word, candidates, n=n, cutoff=CUTOFF)


def _could_match(a: int, b: int) -> bool:
    return b <= MAX_LENGTH and 2 * min(a, b) >= CUTOFF * (a + b) and a + b > 0


def did_you_mean(word: str, choices: Iterable[object]) -> str:
    """``" (did you mean 'model'?)"`` or ""."""
    close = close_matches(word, choices)
    return f" (did you mean {close[0]!r}?)" if close else ""


class HintBudget:
    """At most ``limit`` hints for one document; then none (the error stays, without its hint)."""

    def __init__(self, limit: int = MAX_HINTS) -> None:
        self.left = limit

    def did_you_mean(self, word: str, choices: Iterable[object]) -> str:
        if self.left <= 0:
            return ""
        self.left -= 1
        return did_you_mean(word, choices)
