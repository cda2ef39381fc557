"""Likely secrets in assistant files are refused: assistants are committed to git."""
from __future__ import annotations

import pytest

from roster.secrets import find_secrets


def found(data) -> list[tuple[tuple, str]]:
    return sorted(find_secrets(data))


@pytest.mark.parametrize("value, what", [
    ("sk-proj-Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aE", "OpenAI API key"),
    ("sk-Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aE", "OpenAI API key"),
    ("sk-ant-api03-Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aE", "Anthropic API key"),
    ("lsv2_pt_Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aE", "LangSmith API key"),
    ("AKIAZQ3XT7BN9MK2PL5V", "AWS access key id"),
    ("ASIAZQ3XT7BN9MK2PL5V", "AWS access key id"),
    ("ghp_Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aEAbCd", "GitHub token"),
    ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "GitHub token"),
    ("xoxb-123456789012-abcdefghijkl", "Slack token"),
    ("AIzaSyZq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aEA", "Google API key"),
    ("hf_Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aEAbCd", "Hugging Face token"),
    ("sk_live_Zq3xT7bN9mK2pL5vR8wY1c", "Stripe secret key"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "JSON web token"),
    ("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n", "private key"),
    ("-----BEGIN EC PRIVATE KEY-----", "private key"),
])
def test_credential_shapes_are_found(value, what):
    assert found({"note": value}) == [(("note",), what)]


def test_secrets_inside_prose_are_found():
    prompt = "You are helpful.\nCall the API with key sk-proj-Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aE please."
    assert found({"config": {"configurable": {"system_prompt": prompt}}}) == [
        (("config", "configurable", "system_prompt"), "OpenAI API key")]


def test_paths_through_lists_and_mappings():
    data = {"metadata": {"keys": ["fine", {"x": "AKIAZQ3XT7BN9MK2PL5V"}]}}
    assert found(data) == [(("metadata", "keys", 1, "x"), "AWS access key id")]


@pytest.mark.parametrize("key", ["api_key", "apiKey", "openai_api_key", "SECRET", "client-secret", "token",
                                 "auth_token", "password", "access_key", "private_key"])
def test_random_values_under_secret_looking_keys_are_found(key):
    assert found({key: "9f8e7d6c5b4a39281706f5e4d3c2b1a0"}) == [((key,), f"value of {key!r}")]


@pytest.mark.parametrize("value", [
    "OPENAI_API_KEY",  # the name of an environment variable
    "${OPENAI_API_KEY}", "$OPENAI_API_KEY",
    "<your key here>",
    "env:OPENAI_API_KEY", "vault:secret/data/openai#key",
    "https://vault.example.com/v1/secret/openai",
    "changeme",  # too short to be random
    "abcdefghijklmnopqrstuvwxyz",  # no digits: a word, not a token
    "use the one from the vault 12345678901234567890",  # prose
])
def test_references_to_secrets_are_not_secrets(value):
    assert found({"api_key": value}) == []


@pytest.mark.parametrize("value", [
    "You write long-form posts about risk-management and task-lists for everyone.",
    "anthropic:claude-sonnet-4-5",
    "openai:gpt-4.1-mini",
    "6f1c0c8e-0d8a-4c5e-9d3a-1b2c3d4e5f60",
    "The ask-me-anything session starts at 10:00.",
    "https://example.com/docs/sk-guide",
])
def test_ordinary_text_is_not_a_secret(value):
    assert found({"system_prompt": value, "model": value, "server_id": value}) == []


def test_random_values_under_ordinary_keys_are_not_flagged():
    assert found({"index": "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "commit": "40e4599" * 5}) == []


def test_non_strings_are_ignored():
    assert found({"api_key": 12345678901234567890, "token": None, "secret": True, "n": [1.5]}) == []


def test_the_labelled_corpus_is_classified_without_a_miss_or_a_false_alarm():
    """tests/secret_corpus.py: real-shaped keys of many kinds and ordinary assistant text."""
    from secret_corpus import measure, roster_flags

    precision, recall, missed, wrong = measure(roster_flags)
    assert missed == [] and wrong == [], (missed, wrong)
    assert (precision, recall) == (1.0, 1.0)
