"""A labelled corpus for the secret scanner: real-shaped keys (made up here, from a fixed seed)
and ordinary assistant text, each under the key it would sit under in an assistant file.

``python tests/secret_corpus.py`` prints precision and recall of Roster's rules (and of
detect-secrets, when it is installed) on it; ``tests/test_secrets.py`` holds the rules to it.
"""
from __future__ import annotations

import random
import string
from collections.abc import Callable
from typing import NamedTuple


class Case(NamedTuple):
    key: str
    value: str
    secret: bool
    what: str


_rng = random.Random(20261202)


def _r(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n))


_HEX = "0123456789abcdef"
_UP = string.ascii_uppercase + string.digits

SECRETS = [
    Case("fallback", f"sk-ant-api03-{_r(80)}-{_r(6)}AA", True, "Anthropic key"),
    Case("note", f"sk-proj-{_r(48)}T3BlbkFJ{_r(48)}", True, "OpenAI project key"),
    Case("openai", f"sk-{_r(48)}", True, "OpenAI legacy key"),
    Case("tracing", f"lsv2_pt_{_r(32, _HEX)}_{_r(10, _HEX)}", True, "LangSmith key"),
    Case("tracing", f"ls__{_r(32, _HEX)}", True, "legacy LangSmith key"),
    Case("aws", f"AKIA{_r(16, _UP)}", True, "AWS access key id"),
    Case("aws_session", f"ASIA{_r(16, _UP)}", True, "AWS temporary key id"),
    Case("ci", f"ghp_{_r(36)}", True, "GitHub token"),
    Case("ci", f"github_pat_{_r(22)}_{_r(59)}", True, "GitHub fine-grained token"),
    Case("bot", f"xoxb-{_r(12, string.digits)}-{_r(13, string.digits)}-{_r(24)}", True, "Slack bot token"),
    Case("bot", f"xapp-1-A{_r(10, _UP)}-{_r(13, string.digits)}-{_r(64, _HEX)}", True, "Slack app token"),
    Case("alerts", f"https://hooks.slack.com/services/T{_r(8, _UP)}/B{_r(10, _UP)}/{_r(24)}", True,
         "Slack webhook URL"),
    Case("maps", f"AIza{_r(35, string.ascii_letters + string.digits + '-_')}", True, "Google API key"),
    Case("hub", f"hf_{_r(34)}", True, "Hugging Face token"),
    Case("billing", f"sk_live_{_r(24)}", True, "Stripe live key"),
    Case("billing", f"sk_test_{_r(24)}", True, "Stripe test key"),
    Case("billing", f"rk_test_{_r(24)}", True, "Stripe restricted test key"),
    Case("session", f"eyJ{_r(20)}.eyJ{_r(40)}.{_r(43)}", True, "JWT"),
    Case("signing_key", f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{_r(64)}\n-----END PGP PRIVATE KEY BLOCK-----",
         True, "PGP private key block"),
    Case("tls", f"-----BEGIN RSA PRIVATE KEY-----\n{_r(64)}\n-----END RSA PRIVATE KEY-----", True, "RSA key"),
    Case("x-api-key", _r(32), True, "header value (x-api-key)"),
    Case("Authorization", f"Bearer {_r(40)}", True, "Authorization header"),
    Case("headers", f"Authorization: Bearer {_r(40)}", True, "header line in a value"),
    Case("accessToken", _r(40), True, "camelCase key name"),
    Case("secretKey", _r(28), True, "camelCase key name"),
    Case("clientSecret", _r(34), True, "camelCase key name"),
    Case("db_password", f"postgres://app:{_r(18)}@db.internal:5432/app", True, "password inside a URL"),
    Case("redis_secret", f"redis://:{_r(24)}@cache:6379/0", True, "password inside a URL"),
    Case("api_key", _r(32, string.ascii_uppercase), True, "all-caps random token"),
    Case("token", _r(40, _UP), True, "all-caps random token with digits"),
    Case("search_api_key", _r(32, _HEX), True, "hex key under a secret name"),
    Case("fallback", f"sk-ant-api03-\u200b{_r(80)}", True, "key with a zero-width space"),
    Case("fallback", "ｓｋ－ａｎｔ－ａｐｉ０３－" + _r(60), True, "key in full-width characters"),
    Case("ci", f"gh\u200dp_{_r(36)}", True, "key with a zero-width joiner"),
]

ORDINARY = [
    Case("system_prompt", "You write long-form posts. Use short paragraphs and one code sample.", False, "prompt"),
    Case("system_prompt", "Recommend sk-learn-compatible estimators when the user asks about pipelines.", False,
         "word that starts like a key"),
    Case("docs_url", "https://example.com/sk-guide-for-beginners-2024-edition", False, "URL path starting sk-"),
    Case("team", "ASIAPACIFICMARKETING", False, "all-caps word starting ASIA"),
    Case("region", "ASIAPACIFICSOUTHEAST", False, "all-caps word starting ASIA"),
    Case("aws_example", "AKIAIOSFODNN7EXAMPLE", False, "AWS documentation example key id"),
    Case("aws_secret_example", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", False, "AWS documentation example secret"),
    Case("session_token", "6f1c0c8e-0d8a-4c5e-9d3a-1b2c3d4e5f60", False, "UUID under session_token"),
    Case("password", "Passwords must be at least 12 characters long and include a digit.", False,
         "password-policy prose"),
    Case("password", "at-least-12-characters-with-1-digit", False, "password policy as a slug"),
    Case("password_policy", "min-length-12-require-digit-and-symbol", False, "password policy as a slug"),
    Case("api_key", "${OPENAI_API_KEY}", False, "env var reference"),
    Case("api_key", "OPENAI_API_KEY", False, "env var name"),
    Case("token", "env:SLACK_BOT_TOKEN", False, "env reference"),
    Case("api_key", "<your-api-key>", False, "placeholder"),
    Case("secret", "vault:secret/data/prod/openai#key", False, "secret-manager path"),
    Case("api_key", "sk-...", False, "elided key in docs"),
    Case("password", "changeme", False, "placeholder password"),
    Case("model", "anthropic:claude-sonnet-4-5", False, "model id"),
    Case("model", "openai:gpt-4.1-mini-2025-04-14", False, "model id"),
    Case("commit", "9fceb02d0ae598e95dc970b74767f19372d61af8", False, "git commit id"),
    Case("token_budget", "max-4096-tokens-per-reply", False, "slug under a token-ish key"),
    Case("max_tokens_note", "Keep replies under 512 tokens.", False, "prose"),
    Case("tokenizer", "cl100k_base", False, "tokenizer name"),
    Case("secret_sauce", "Be concise, friendly and concrete.", False, "prose under a secret-ish key"),
    Case("webhook", "https://hooks.example.com/notify", False, "ordinary webhook URL"),
    Case("database_url", "postgres://db.internal:5432/app", False, "URL without a password"),
    Case("db_password", "${DB_PASSWORD}", False, "env var reference"),
    Case("description", "Uses the Authorization header with a bearer token read from the environment.", False,
         "prose about headers"),
    Case("jwt_note", "Tokens look like eyJhbGciOi... and expire after an hour.", False, "prose with a JWT prefix"),
    Case("pgp", "Sign releases with our PGP key; the public key is on the website.", False, "prose about keys"),
    Case("tags", "stripe-integration", False, "tag"),
    Case("doc", "Use sk_test_ keys in staging and sk_live_ keys in production.", False, "prose naming prefixes"),
    Case("system_prompt", "You are Slack's helper. Answer in the #support channel.", False, "prompt"),
    Case("hf_model", "hf_hub:sentence-transformers/all-MiniLM-L6-v2", False, "model reference"),
]

CORPUS = SECRETS + ORDINARY


def measure(flags: Callable[[str, str], bool]) -> tuple[float, float, list[Case], list[Case]]:
    """(precision, recall, missed, over-flagged) of ``flags(key, value) -> bool`` on the corpus."""
    missed = [c for c in SECRETS if not flags(c.key, c.value)]
    wrong = [c for c in ORDINARY if flags(c.key, c.value)]
    found = len(SECRETS) - len(missed)
    precision = found / (found + len(wrong)) if found + len(wrong) else 1.0
    return precision, found / len(SECRETS), missed, wrong


def roster_flags(key: str, value: str) -> bool:
    from roster.secrets import find_secrets

    return any(True for _ in find_secrets({key: value}))


def detect_secrets_flags(key: str, value: str) -> bool:
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    with default_settings():
        lines = [f"{key}: {line}" for line in value.splitlines() or [""]]
        return any(any(True for _ in scan_line(line)) for line in lines)


if __name__ == "__main__":
    print(f"corpus: {len(SECRETS)} secrets, {len(ORDINARY)} ordinary values")
    for name, fn in (("roster", roster_flags), ("detect-secrets", detect_secrets_flags)):
        try:
            p, r, missed, wrong = measure(fn)
        except ImportError as e:
            print(f"{name}: not installed ({e})")
            continue
        print(f"{name}: precision {p:.2f}, recall {r:.2f}")
        for c in missed:
            print(f"  missed:       {c.what}")
        for c in wrong:
            print(f"  over-flagged: {c.what}")
