"""``find_secrets`` searches a document's values joined once: the same findings as value by value."""
from __future__ import annotations

import pytest

from roster import secrets
from roster.secrets import classify, find_secrets

DOC = {
    "graph_id": "writer",
    "config": {"configurable": {
        "system_prompt": "Be brief. Call the API at https://api.example.com with care; never print keys.",
        "api_key": "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0" * 2,
        "auth": "Bearer Zx81Qw7Rt5Ya3Ub2Ic0Op9As",
        "db": "postgres://app:Hunter2Hunter2x@db.internal/app",
        "tags": ["ghp_" + "a1B2c3D4e5" * 4, "plain words", "AKIAIOSFODNN7EXAMPLE"],
        "ｓｋ-ａｎｔ": "ｓｋ-ａｎｔ-" + "Q" * 24,  # full-width: a secret once normalised
        "note": "nothing\x00here sk-",  # a NUL inside a value never joins two values into a literal
    }},
    "metadata": {"owner": "sk", "team": "-proj"},
}


def by_value(data):
    """The scan done value by value, in find_secrets' walk order."""
    out, stack = [], [(data, (), "")]
    while stack:
        node, path, key = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, path + (k,), str(k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, path + (i,), key) for i, v in enumerate(node))
        elif isinstance(node, str) and (what := classify(node, key)):
            out.append((path, what))
    return out


def test_joined_scan_finds_what_the_value_by_value_scan_finds():
    found = list(find_secrets(DOC))
    assert found == by_value(DOC)
    kinds = {what for _, what in found}
    assert {"OpenAI API key", "GitHub token", "Anthropic API key"} <= kinds
    assert not any(path[-1] in ("owner", "team") for path, _ in found)  # 'sk' + '-proj' in two values: no key


def test_a_document_without_any_literal_finds_nothing():
    assert list(find_secrets({"a": "plain text " * 200, "b": ["more", "words"]})) == []


def test_without_re2_the_scan_finds_the_same(monkeypatch: pytest.MonkeyPatch):
    with_re2 = list(find_secrets(DOC))
    monkeypatch.setattr(secrets, "_literal_re2", lambda: None)
    assert list(find_secrets(DOC)) == with_re2
