"""Freeze once or copy on every access? The cost of a deeply immutable Assistant (issue 9).

    PYTHONPATH=src python bench/immutability.py

A resolved assistant is cached, so ``get`` on a warm cache is a dict lookup. Two
ways keep callers from changing the cached object: freeze its containers once when
it is built (what roster.model does), or hand out a deep copy on every attribute
access. This measures both on a realistic assistant (a prompt of ~2 KB, a dozen
configurable values, tags, metadata).
"""
from __future__ import annotations

import copy
import timeit

from roster.frozen import freeze
from roster.model import Assistant

CONFIG = {
    "tags": ["blog", "social", "marketing"],
    "recursion_limit": 25,
    "configurable": {
        "model": "anthropic:claude-sonnet-4-5",
        "system_prompt": "You write long-form blog posts. " * 64,
        "temperature": 0.7,
        "max_tokens": 4096,
        "tools": ["search", "fetch", "summarise"],
        "style": {"tone": "friendly", "length": "long", "headings": True},
        **{f"option_{i}": i for i in range(6)},
    },
}
CONTEXT = {"user_tier": "pro", "locale": "en-GB"}
METADATA = {"owner": "marketing", "team": "content", "reviewers": ["ana", "bo"]}


def per_call(stmt, number: int) -> float:
    return min(timeit.repeat(stmt, number=number, repeat=5)) / number * 1e6


def main() -> None:
    build = per_call(lambda: Assistant(assistant_id="blog-writer", graph_id="writer", name="Blog writer",
                                       config=CONFIG, context=CONTEXT, metadata=METADATA), 2000)
    frozen = freeze(CONFIG)
    freeze_only = per_call(lambda: (freeze(CONFIG), freeze(CONTEXT), freeze(METADATA)), 5000)
    access_frozen = per_call(lambda: frozen["configurable"]["model"], 200_000)
    access_copy = per_call(lambda: copy.deepcopy(CONFIG)["configurable"]["model"], 5000)
    plain_copy = per_call(lambda: copy.deepcopy(frozen), 5000)
    print(f"build an Assistant (validation + freezing), once per cache miss: {build:8.2f} us")
    print(f"  of which freezing config, context, metadata:                  {freeze_only:8.2f} us")
    print(f"read a.config['configurable']['model'], frozen:                 {access_frozen:8.3f} us")
    print(f"read it when every access hands out a deep copy:                {access_copy:8.2f} us")
    print(f"runnable_config()'s deep copy of the frozen config:              {plain_copy:8.2f} us")


if __name__ == "__main__":
    main()
