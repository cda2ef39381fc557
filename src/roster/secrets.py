"""Likely secrets in assistant files: assistants are committed, so keys must not be.

Two kinds of evidence, measured on the labelled corpus of ``tests/secret_corpus.py``:
- a credential's own shape (each vendor's documented prefix), anywhere in any value;
- a random-looking value under a secret-looking key name (``api_key``, ``accessToken``,
  ``x-api-key``), that is not a reference to one (an env var, a placeholder, a vault path).
Values are NFKC-normalised and stripped of invisible characters first, so a key with a
zero-width space or in full-width letters is still a key. Every pattern runs in linear
time (no nested quantifiers): a 1 MiB prompt is scanned in one pass per pattern.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import Any, NamedTuple


class _Lazy:
    """A regular expression compiled on first use: every command that prints content
    imports this module, and only the ones that meet a string pay for the ~20 patterns."""

    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def _re(self) -> re.Pattern[str]:
        if self._compiled is None:  # two threads may both compile: the same pattern either way
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self._re().search(text, pos)

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self._re().match(text, pos)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self._re().fullmatch(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._re().finditer(text)

    def sub(self, repl: str, text: str) -> str:
        return self._re().sub(repl, text)


class _Jwt:
    """``\\beyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}``, in linear time.

    As a regex it is quadratic: on a long run of ``eyJ-eyJ-...`` every start fails only
    at the end of the run (minutes on 1 MiB). Here each run of token characters is
    split on dots once; within a segment, the first ``eyJ`` at a word boundary leaves
    the longest tail, so it is the only start worth trying.
    """

    _RUN = _Lazy(r"[A-Za-z0-9_.\-]+")
    _START = _Lazy(r"(?:^|(?<=-))eyJ")
    _AFTER_START = _Lazy(r"(?<=-)eyJ")
    _WORD = _Lazy(r"\w")

    def search(self, text: str) -> bool:
        return next(self.finditer(text), None) is not None

    def finditer(self, text: str) -> Iterator[_Found]:
        """Each token ``header.payload.signature`` found, as the regex would match it."""
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
                    yield _Found(".".join([segments[i][start.start():], segments[i + 1], segments[i + 2]]))


class _Found(NamedTuple):
    text: str

    def group(self) -> str:
        return self.text


_JWT = _Jwt()

# Shapes of real credentials (prefixes documented by each vendor).
_PATTERNS: tuple[tuple[str, _Lazy | _Jwt], ...] = (
    ("private key", _Lazy(r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----")),
    ("Anthropic API key", _Lazy(r"(?<![\w/-])sk-ant-[A-Za-z0-9_\-]{20,}")),
    ("OpenAI API key", _Lazy(r"(?<![\w/-])sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,}|[A-Za-z0-9]{20,})")),
    ("LangSmith API key", _Lazy(r"\b(?:lsv2_(?:pt|sk)_[A-Za-z0-9_]{20,}|ls__[A-Za-z0-9]{20,})")),
    # Real key ids hold digits: a word like ASIAPACIFICMARKETING has none; AWS's own
    # documentation example (AKIAIOSFODNN7EXAMPLE) is refused separately.
    ("AWS access key id", _Lazy(r"\b(?:AKIA|ASIA)(?=[A-Z0-9]{0,15}[0-9])[A-Z0-9]{16}\b")),
    ("GitHub token", _Lazy(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})")),
    ("Slack token", _Lazy(r"\b(?:xox[abposre]-[A-Za-z0-9\-]{10,}|xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{20,})")),
    ("Slack webhook URL", _Lazy(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]+/"
                                     r"[A-Za-z0-9]+/[A-Za-z0-9]{16,}")),
    ("Google API key", _Lazy(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("Hugging Face token", _Lazy(r"\bhf_[A-Za-z0-9]{30,}\b")),
    ("Stripe secret key", _Lazy(r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{20,}")),
    ("JSON web token", _JWT),
)
# Every pattern above starts with one of these literals; a substring test per literal is far
# cheaper than running the regexes over every long prompt.
_LITERALS = ("-----BEGIN ", "sk-", "lsv2_", "ls__", "AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
             "github_pat_", "xox", "xapp-", "hooks.slack.com", "AIza", "hf_", "k_live_", "k_test_", "eyJ")
# One search for all of them: a Python loop of substring tests cost more than the rest of a scan.
_ANY_LITERAL = _Lazy("|".join(re.escape(literal) for literal in _LITERALS))
_DOC_EXAMPLES = ("EXAMPLE",)  # AWS's documented example credentials end so

_BEARER = _Lazy(r"(?i)\bbearer[ \t]+([A-Za-z0-9._~+/\-]{20,}=*)")
_URL_PASSWORD = _Lazy(r"\b[a-z][a-z0-9+.\-]{1,20}://[^\s/:@]{0,64}:([^\s/@]{6,128})@")
_INVISIBLE = _Lazy("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

_SECRET_KEY = _Lazy(r"(?:^|_)(?:api_?key|apikey|secret(?:_key)?|client_secret"
                         r"|(?:access|auth|refresh|bearer)?_?token|password|passwd|pwd|access_?key|private_?key|authorization|credentials?)$")
# A value under a secret-looking key is a secret when it looks random, not like a reference
# to one (an env var name, a placeholder, a secret-manager path).
_TOKEN = _Lazy(r"[A-Za-z0-9+/_\-.~]{16,}={0,2}")
_REFERENCE = _Lazy(r"^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|<[^>]*>|env:.*|vault:.*"
                        r"|(?:aws|gcp|azure|op|doppler|sm)://.*)$")
_UUID = _Lazy(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")  # ids, not keys
_WORDS = _Lazy(r"^[a-z]+(?:[-_.][a-z0-9]+){2,}$|^[0-9a-z]+(?:[-_.][a-z]+){2,}$")
_PLACEHOLDER = _Lazy(r"(?i)^(?:x+|\*+|\.+|changeme|password|secret|token|todo|tbd|redacted|none|null)$")


def find_secrets(data: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Yield (path, what) for each value that looks like a credential."""
    found: list[tuple[tuple[Any, ...], str, str]] = []  # (path, key, normalised text), in walk order
    stack: list[tuple[Any, tuple[Any, ...], str]] = [(data, (), "")]
    while stack:
        node, path, key = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, path + (k,), str(k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, path + (i,), key) for i, v in enumerate(node))
        elif isinstance(node, str):
            found.append((path, key, node if node.isascii() else _normalized(node)))
    # The document's values joined once: no literal below holds a NUL, so a literal found
    # in no value is found in none of them, and most documents skip every per-value search.
    joined = "\x00".join(text for _, _, text in found)
    literal = _any_literal(joined)
    bearer = "earer" in joined or "EARER" in joined
    url = "://" in joined
    for path, key, text in found:
        if not (literal or bearer or url or _secret_name(key)):
            continue  # the one rule left is the key's name, and this key names no secret
        what = _classify(text, key, literal, bearer, url)
        if what:
            yield path, what


def classify(value: str, key: str = "") -> str | None:
    """What kind of credential ``value`` (under ``key``) looks like, or None."""
    return _classify(_normalized(value), key, True, True, True)


def _any_literal(text: str) -> bool:
    """Whether ``text`` holds one of ``_LITERALS``: RE2 (a DFA, ~2 ns a character) where it
    is installed, as it is with Roster; Python's ``re`` takes ~20 ns a character here,
    since the literals start with common letters."""
    compiled = _literal_re2()
    if compiled is None:
        return _ANY_LITERAL.search(text) is not None
    return compiled.search(text.encode("ascii") if text.isascii() else text) is not None


@functools.lru_cache(maxsize=1)
def _literal_re2() -> Any:
    try:
        import re2  # lazy: RE2 loads only where a document is scanned
    except ImportError:
        return None
    return re2.compile("|".join(re2.escape(literal) for literal in _LITERALS))


def _classify(text: str, key: str, literal: bool, bearer_word: bool, url: bool) -> str | None:
    """``classify`` of a normalised value; False flags skip searches known to find nothing."""
    if literal and _ANY_LITERAL.search(text):
        for what, pattern in _PATTERNS:
            for match in pattern.finditer(text):
                if not any(example in match.group() for example in _DOC_EXAMPLES):
                    return what
    bearer = _BEARER.search(text) if bearer_word and ("earer" in text or "EARER" in text) else None
    if bearer and _random(bearer.group(1)):
        return "bearer token"
    if url and "://" in text:
        password = _URL_PASSWORD.search(text)
        if password and not _REFERENCE.match(password.group(1)) and not _PLACEHOLDER.match(password.group(1)):
            return "password in a URL"
    if _secret_name(key):
        candidate = text.strip()
        if candidate.lower().startswith(("bearer ", "token ", "basic ")):
            candidate = candidate.split(None, 1)[1].strip()
        if _TOKEN.fullmatch(candidate) and _random(candidate) and not _REFERENCE.match(candidate):
            return f"value of {key!r}"
    return None


def _normalized(value: str) -> str:
    if value.isascii():
        return value
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", value))


def _secret_name(key: str) -> bool:
    """``accessToken``, ``x-api-key`` and ``SEARCH_API_KEY`` all name a secret."""
    if not key:
        return False
    if len(key) <= _NAME_CACHE_KEY_LIMIT:  # the same few key names occur in every file
        return _short_secret_name(key)
    return _is_secret_name(key)


_NAME_CACHE_KEY_LIMIT = 200


@functools.lru_cache(maxsize=4096)
def _short_secret_name(key: str) -> bool:
    return _is_secret_name(key)


def _is_secret_name(key: str) -> bool:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).lower().replace("-", "_").replace(" ", "_")
    return bool(_SECRET_KEY.search(snake))


def _random(token: str) -> bool:
    """Random tokens: long, varied characters, not a UUID, a slug of words or a placeholder."""
    if len(token) < 16 or _UUID.match(token) or _WORDS.match(token) or _PLACEHOLDER.match(token):
        return False
    if any(example in token for example in _DOC_EXAMPLES):
        return False
    if not any(c.isdigit() for c in token) and token.lower() == token:
        return False  # lower-case letters alone: words, not a key (all-caps random tokens are keys)
    return _entropy(token) >= 3.0


def _entropy(token: str) -> float:
    counts = Counter(token)
    n = len(token)
    return -sum(c / n * math.log2(c / n) for c in counts.values())
