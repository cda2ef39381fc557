"""'Did you mean' hints: still helpful on ordinary input, bounded on hostile input."""
from __future__ import annotations

from roster.hints import MAX_CANDIDATES, MAX_HINTS, MAX_LENGTH, HintBudget, close_matches, did_you_mean


def test_a_typo_gets_its_hint():
    assert did_you_mean("modle", ["temperature", "model", "system_prompt"]) == " (did you mean 'model'?)"
    assert did_you_mean("zzz", ["model"]) == ""


def test_a_set_of_choices_gives_the_same_hint_every_time():
    choices = {f"field{i}" for i in range(50)} | {"fieldx"}
    assert close_matches("fieldxx", choices, n=3) == close_matches("fieldxx", sorted(choices), n=3)


def test_a_key_longer_than_the_limit_is_not_compared():
    long = "m" * (MAX_LENGTH + 1)
    assert close_matches(long, [long[:-1]]) == []
    assert close_matches(long[:-1], [long[:-2]]) == [long[:-2]]


def test_choices_whose_length_cannot_match_do_not_use_up_the_candidates():
    # Thousands of far-off names first, then the right one: the length filter lets it through.
    choices = [f"x{i}" for i in range(3 * MAX_CANDIDATES)] + ["system_prompt"]
    assert close_matches("system_promt", choices) == ["system_prompt"]


def test_at_most_so_many_candidates_are_compared():
    choices = [f"k{i:05d}" for i in range(2 * MAX_CANDIDATES)]
    assert close_matches("k01999", choices) != ["k01999"]
    assert close_matches("k01999", choices, limit=len(choices)) == ["k01999"]


def test_a_document_gets_at_most_so_many_hints():
    budget = HintBudget()
    hints = [budget.did_you_mean("modle", ["model"]) for _ in range(MAX_HINTS + 5)]
    assert hints[:MAX_HINTS] == [" (did you mean 'model'?)"] * MAX_HINTS
    assert hints[MAX_HINTS:] == [""] * 5
