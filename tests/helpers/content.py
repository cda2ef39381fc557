"""Assistant and schema texts the tests share (real YAML and JSON, as a user writes them)."""
from __future__ import annotations

from typing import Any

GOOD_WRITER = """\
graph_id: writer
name: Good writer
config:
  tags: [blog]
  recursion_limit: 25
  configurable:
    model: anthropic:claude-sonnet-4-5
    system_prompt: |
      You write posts.
"""

GOOD_SUPPORT = """\
graph_id: support
config:
  tags: [support]
context:
  model: anthropic:claude-haiku-4-5
  product: Acme Cloud
  knowledge_base:
    index: docs
"""

BLOG_PROMPT = "You write long-form blog posts.\nOpen with the reader's problem.\nUse short paragraphs."


WRITER_SCHEMA: dict[str, Any] = {
    "graph_id": "writer",
    "config_schema": {
        "type": "object",
        "title": "WriterConfig",
        "properties": {
            "model": {"type": "string"},
            "system_prompt": {"type": "string"},
            "temperature": {"type": "number", "minimum": 0, "maximum": 2},
        },
        "required": ["model"],
        "additionalProperties": False,
    },
    "context_schema": {
        "type": "object",
        "properties": {"max_words": {"type": "integer", "minimum": 1}},
        "additionalProperties": False,
    },
}


def assistant_yaml(graph_id: str = "writer", *, model: str = "anthropic:claude-sonnet-4-5",
                   prompt: str = "You write posts.", temperature: float | None = None,
                   name: str | None = None, extra: str = "") -> str:
    lines = [f"graph_id: {graph_id}"]
    if name:
        lines.append(f"name: {name}")
    lines += ["config:", "  tags: [blog]", "  recursion_limit: 25", "  configurable:", f"    model: {model}"]
    if temperature is not None:
        lines.append(f"    temperature: {temperature}")
    lines.append("    system_prompt: |")
    lines += [f"      {line}" for line in prompt.splitlines()]
    text = "\n".join(lines) + "\n"
    return text + extra
