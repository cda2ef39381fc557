"""Likely secrets in assistant files: assistants are committed, so keys must not be."""
from __future__ import annotations

import re
from typing import Any, Iterator

class _Jwt:
    """``\\beyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}``, in linear time.

    As a regex it is quadratic: on a long run of ``eyJeyJ...`` every start fails only
    at the end of the run (minutes on 1 MiB). Here each run of token characters is
    split on dots once; within a segment, the first ``eyJ`` at a word boundary leaves
    the longest tail, so it is the only start worth trying.
    """

    _RUN = re.compile(r"[A-Za-z0-9_.\-]+")
    _START = re.compile(r"(?:^|(?<=-))eyJ")
    _AFTER_START = re.compile(r"(?<=-)eyJ")
    _WORD = re.compile(r"\w")

    def search(self, text: str) -> bool:
        for run in self._RUN.finditer(text):
            if "eyJ" not in run.group():
                continue
            # \b at the start of the run: the character before it (outside the run) is not a word character.
            glued = run.start() > 0 and self._WORD.match(text, run.start() - 1) is not None
            segments = run.group().split(".")
            for i in range(len(segments) - 2):
                start = (self._AFTER_START if i == 0 and glued else self._START).search(segments[i])
                if (start and len(segments[i]) - start.start() >= 13 and segments[i + 1].startswith("eyJ")
                        and len(segments[i + 1]) >= 13 and len(segments[i + 2]) >= 10):
                    return True
        return False


_JWT = _Jwt()

# Shapes of real credentials (prefixes documented by each vendor).
_PATTERNS: tuple[tuple[str, re.Pattern[str] | _Jwt], ...] = (
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    ("Anthropic API key", re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{20,}")),
    ("OpenAI API key", re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}")),
    ("LangSmith API key", re.compile(r"\blsv2_(?:pt|sk)_[A-Za-z0-9_]{20,}")),
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})")),
    ("Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9\-]{10,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{30,}\b")),
    ("Stripe secret key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{20,}")),
    ("JSON web token", _JWT),
)
# Every pattern above starts with one of these literals; a substring test per
# literal is far cheaper than running the regexes over every long prompt.
_LITERALS = ("-----BEGIN ", "sk-", "lsv2_", "AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
             "xox", "AIza", "hf_", "k_live_", "eyJ")
_SECRET_KEY = re.compile(r"(?:^|_|-)(?:api_?key|apikey|secret|token|password|passwd|access_?key|private_?key)$",
                         re.IGNORECASE)
# A value under a secret-looking key is a secret when it looks random, not like a
# reference to one (an env var name, a placeholder, a secret-manager path).
_RANDOM = re.compile(r"[A-Za-z0-9+/_\-]{20,}={0,2}")
_REFERENCE = re.compile(r"^(?:\$\{?[A-Z_][A-Z0-9_]*\}?|[A-Z][A-Z0-9_]*|<.*>|env:.*|vault:.*|.*://.*)$")


def find_secrets(data: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Yield (path, what) for each value that looks like a credential."""
    stack: list[tuple[Any, tuple[Any, ...], str]] = [(data, (), "")]
    while stack:
        node, path, key = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, path + (k,), str(k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, path + (i,), key) for i, v in enumerate(node))
        elif isinstance(node, str):
            what = _classify(node, key)
            if what:
                yield path, what


def _classify(value: str, key: str) -> str | None:
    if any(literal in value for literal in _LITERALS):
        for what, pattern in _PATTERNS:
            if pattern.search(value):
                return what
    if _SECRET_KEY.search(key) and " " not in value.strip() and not _REFERENCE.match(value.strip()):
        if _RANDOM.fullmatch(value.strip()) and _mixed(value):
            return f"value of {key!r}"
    return None


def _mixed(value: str) -> bool:
    """Random tokens mix letters and digits; words and slugs rarely do."""
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
