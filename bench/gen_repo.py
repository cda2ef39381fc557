"""Generate a synthetic Roster assistants repository for the benchmarks.

The repository follows SPEC section 1: ``assistants/<id>.yaml`` (some in
subfolders such as ``team-3/agent-0042``) and ``schemas/<graph_id>.json`` in
LangGraph's GraphSchema shape. History: the first commits add every assistant,
then each commit changes one to three assistants; now and then an assistant is
renamed (delete + add of the same content, so git sees a 100 % rename) or
deleted and re-added later. A release tag ``v0.N.0`` marks every
``--tag-every`` commits and a few assistants get their own ``<id>@prod`` /
``<id>@staging`` tags.

Speed: the whole history is streamed into ``git fast-import`` (one process, no
per-commit fork) and YAML is rendered by hand from a fixed template instead of
``yaml.dump`` (which alone would take tens of seconds for ~20,000 versions).
Determinism: everything derives from ``random.Random(seed)`` and author dates
start at a fixed instant, so the same arguments give the same commit ids.

A manifest (parameters, ids, tags, renames) is written to
``OUT_DIR/.git/roster-bench.json``: inside ``.git`` so that it is not part of
the working tree that ``roster check`` looks at, and later benchmarks can pick
ids and refs from it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

MANIFEST = "roster-bench.json"
# 2024-01-01T00:00:00Z: a fixed start so commit ids are reproducible.
EPOCH = 1704067200
AUTHORS = [
    ("Ada Lovelace", "ada@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Alan Turing", "alan@example.com"),
    ("Barbara Liskov", "barbara@example.com"),
    ("Ken Thompson", "ken@example.com"),
    ("Margaret Hamilton", "margaret@example.com"),
]
MODELS = [
    "anthropic:claude-sonnet-4-5",
    "anthropic:claude-haiku-4-5",
    "anthropic:claude-opus-4-1",
    "openai:gpt-4.1",
    "openai:gpt-4.1-mini",
    "openai:o4-mini",
    "google_genai:gemini-2.5-pro",
    "google_genai:gemini-2.5-flash",
]
# Assistants changed per commit: 1.2 on average, so 10,000 commits hold ~13,000
# versions, the figure SPEC section 8 is stated for.
PICKS = [1] * 17 + [2] * 2 + [3]
TEAMS = [f"team-{i}" for i in range(1, 9)]
OWNERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]

# ---------------------------------------------------------------------------
# Graph schemas, shaped as pydantic v2 emits them (title, $defs, anyOf-null for
# optionals, additionalProperties false for extra="forbid").

MODEL_PROP = {
    "description": "provider:model identifier, as accepted by init_chat_model",
    "pattern": "^[a-z_]+:[A-Za-z0-9._-]+$",
    "title": "Model",
    "type": "string",
}
PROMPT_PROP = {"minLength": 1, "title": "System Prompt", "type": "string"}
TEMP_PROP = {"default": 0.7, "maximum": 2.0, "minimum": 0.0, "title": "Temperature", "type": "number"}
MAX_TOKENS_PROP = {
    "anyOf": [{"maximum": 200000, "minimum": 1, "type": "integer"}, {"type": "null"}],
    "default": None,
    "title": "Max Tokens",
}
MESSAGES_STATE = {
    "properties": {"messages": {"items": {"type": "object"}, "title": "Messages", "type": "array"}},
    "required": ["messages"],
    "title": "State",
    "type": "object",
}


def _schemas() -> dict[str, dict[str, Any]]:
    """The five graphs' GraphSchema documents, keyed by graph id."""
    tool = {
        "additionalProperties": False,
        "properties": {
            "name": {"pattern": "^[a-z_][a-z0-9_]*$", "title": "Name", "type": "string"},
            "enabled": {"default": True, "title": "Enabled", "type": "boolean"},
            "timeout_s": {"default": 30, "exclusiveMinimum": 0, "maximum": 600, "title": "Timeout S", "type": "number"},
        },
        "required": ["name"],
        "title": "ToolConfig",
        "type": "object",
    }
    chat_cfg = {
        "$defs": {"ToolConfig": tool},
        "additionalProperties": False,
        "properties": {
            "model": MODEL_PROP,
            "system_prompt": PROMPT_PROP,
            "temperature": TEMP_PROP,
            "max_tokens": MAX_TOKENS_PROP,
            "tools": {"default": [], "items": {"$ref": "#/$defs/ToolConfig"}, "title": "Tools", "type": "array"},
        },
        "required": ["model", "system_prompt"],
        "title": "ChatConfig",
        "type": "object",
    }
    research_cfg = {
        "$defs": {
            "SearchProvider": {"enum": ["tavily", "exa", "bing", "duckduckgo"], "title": "SearchProvider",
                               "type": "string"},
            "SearchSettings": {
                "additionalProperties": False,
                "properties": {
                    "provider": {"$ref": "#/$defs/SearchProvider", "default": "tavily"},
                    "max_results": {"default": 5, "maximum": 50, "minimum": 1, "title": "Max Results",
                                    "type": "integer"},
                    "include_domains": {"items": {"type": "string"}, "title": "Include Domains", "type": "array"},
                },
                "title": "SearchSettings",
                "type": "object",
            },
        },
        "additionalProperties": False,
        "properties": {
            "model": MODEL_PROP,
            "system_prompt": PROMPT_PROP,
            "temperature": TEMP_PROP,
            "max_tokens": MAX_TOKENS_PROP,
            "search": {"$ref": "#/$defs/SearchSettings"},
            "max_iterations": {"default": 6, "maximum": 100, "minimum": 1, "title": "Max Iterations",
                               "type": "integer"},
        },
        "required": ["model", "system_prompt", "search"],
        "title": "ResearchConfig",
        "type": "object",
    }
    research_ctx = {
        "properties": {
            "user_id": {"minLength": 1, "title": "User Id", "type": "string"},
            "locale": {"default": "en-US", "pattern": "^[a-z]{2}-[A-Z]{2}$", "title": "Locale", "type": "string"},
        },
        "required": ["user_id"],
        "title": "ResearchContext",
        "type": "object",
    }
    writer_cfg = {
        "$defs": {
            "Style": {"enum": ["formal", "casual", "technical", "playful"], "title": "Style", "type": "string"},
            "Length": {
                "properties": {
                    "min_words": {"minimum": 0, "title": "Min Words", "type": "integer"},
                    "max_words": {"maximum": 20000, "minimum": 1, "title": "Max Words", "type": "integer"},
                },
                "required": ["max_words"],
                "title": "Length",
                "type": "object",
            },
        },
        "properties": {
            "model": MODEL_PROP,
            "system_prompt": PROMPT_PROP,
            "temperature": TEMP_PROP,
            "max_tokens": MAX_TOKENS_PROP,
            "style": {"$ref": "#/$defs/Style", "default": "formal"},
            "length": {"anyOf": [{"$ref": "#/$defs/Length"}, {"type": "null"}], "default": None},
        },
        "required": ["model", "system_prompt"],
        "title": "WriterConfig",
        "type": "object",
    }
    writer_ctx = {
        "additionalProperties": False,
        "properties": {
            "audience": {"default": "general", "title": "Audience", "type": "string"},
            "temperature": {"maximum": 2.0, "minimum": 0.0, "title": "Temperature", "type": "number"},
        },
        "title": "WriterContext",
        "type": "object",
    }
    support_cfg = {
        "$defs": {
            "Escalation": {
                "additionalProperties": False,
                "properties": {
                    "after_turns": {"maximum": 50, "minimum": 1, "title": "After Turns", "type": "integer"},
                    "queue": {"pattern": "^[a-z0-9-]+$", "title": "Queue", "type": "string"},
                },
                "required": ["after_turns", "queue"],
                "title": "Escalation",
                "type": "object",
            },
            "Language": {"enum": ["en", "fr", "de", "es", "it", "ja", "pt"], "title": "Language", "type": "string"},
        },
        "additionalProperties": False,
        "properties": {
            "model": MODEL_PROP,
            "system_prompt": PROMPT_PROP,
            "temperature": TEMP_PROP,
            "max_tokens": MAX_TOKENS_PROP,
            "escalation": {"$ref": "#/$defs/Escalation"},
            "languages": {"items": {"$ref": "#/$defs/Language"}, "minItems": 1, "title": "Languages", "type": "array",
                          "uniqueItems": True},
        },
        "required": ["model", "system_prompt", "escalation"],
        "title": "SupportConfig",
        "type": "object",
    }
    sql_cfg = {
        "$defs": {
            "Database": {
                "additionalProperties": False,
                "properties": {
                    "dialect": {"enum": ["postgresql", "mysql", "sqlite", "duckdb"], "title": "Dialect",
                                "type": "string"},
                    "read_only": {"default": True, "title": "Read Only", "type": "boolean"},
                    "max_rows": {"default": 1000, "maximum": 100000, "minimum": 1, "title": "Max Rows",
                                 "type": "integer"},
                },
                "required": ["dialect"],
                "title": "Database",
                "type": "object",
            },
        },
        "additionalProperties": False,
        "properties": {
            "model": MODEL_PROP,
            "system_prompt": PROMPT_PROP,
            "temperature": TEMP_PROP,
            "max_tokens": MAX_TOKENS_PROP,
            "database": {"$ref": "#/$defs/Database"},
            "allowed_tables": {"items": {"pattern": "^[a-z_][a-z0-9_]*$", "type": "string"}, "title": "Allowed Tables",
                               "type": "array"},
        },
        "required": ["model", "system_prompt", "database"],
        "title": "SqlAgentConfig",
        "type": "object",
    }
    sql_ctx = {
        "additionalProperties": False,
        "properties": {
            "tenant_id": {"pattern": "^t-[0-9]{4}$", "title": "Tenant Id", "type": "string"},
            "read_only": {"default": True, "title": "Read Only", "type": "boolean"},
        },
        "required": ["tenant_id"],
        "title": "SqlContext",
        "type": "object",
    }
    graphs = {
        "chat": (chat_cfg, None),
        "researcher": (research_cfg, research_ctx),
        "writer": (writer_cfg, writer_ctx),
        "support": (support_cfg, None),
        "sql_agent": (sql_cfg, sql_ctx),
    }
    return {
        gid: {
            "graph_id": gid,
            "config_schema": cfg,
            "context_schema": ctx,
            "input_schema": MESSAGES_STATE,
            "output_schema": MESSAGES_STATE,
            "state_schema": MESSAGES_STATE,
        }
        for gid, (cfg, ctx) in graphs.items()
    }


GRAPH_IDS = ["chat", "researcher", "writer", "support", "sql_agent"]

# ---------------------------------------------------------------------------
# Assistant content. Kept as a small dict-like record and rendered by a fixed
# template: faster than yaml.dump and the output looks hand-written.

VERBS = ["Always", "Prefer to", "Try to", "Remember to", "Make sure to", "Where it helps,", "Be careful to"]
ACTIONS = [
    "cite the sources you rely on", "answer in the user's language", "keep answers under 300 words",
    "ask a clarifying question when the request is ambiguous", "summarise long threads before replying",
    "use bullet points for lists of steps", "double-check numbers and units", "mention known limitations",
    "refuse requests that break the usage policy", "escalate billing disputes to a human",
    "write SQL that only reads data", "explain the query plan when asked", "quote error messages exactly",
    "avoid speculation about unreleased products", "link to the relevant documentation page",
    "state assumptions explicitly", "keep a friendly and professional tone", "use metric units",
    "format code with fenced blocks", "give one example per concept", "prefer primary sources",
    "stop after three failed tool calls", "confirm destructive actions before running them",
]
TAILS = [
    "", " whenever possible", " in every reply", " unless the user asks otherwise", " (this matters for audits)",
    " for enterprise customers", " when a tool returns an error", " at the start of a conversation",
]
ROLES = {
    "chat": "a helpful general-purpose assistant",
    "researcher": "a meticulous research assistant that searches the web",
    "writer": "a writer of long-form articles and release notes",
    "support": "a customer support agent for the ACME platform",
    "sql_agent": "an analyst that answers questions with SQL",
}
TOOL_NAMES = ["web_search", "calculator", "calendar", "send_email", "read_file", "code_runner", "weather"]
TABLES = ["orders", "customers", "invoices", "events", "products", "sessions", "refunds", "plans"]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)} {rng.choice(ACTIONS)}{rng.choice(TAILS)}."


@dataclass
class Assistant:
    """One assistant's mutable state while the history is generated."""

    graph_id: str
    name: str
    description: str
    team: str
    owner: str
    tags: list[str]
    recursion_limit: int
    model: str
    prompt: list[str]
    temperature: float
    max_tokens: int
    extra: dict[str, Any] = field(default_factory=dict)  # graph-specific configurable keys
    context: dict[str, Any] | None = None

    def render(self) -> str:
        """YAML text of the assistant (valid YAML 1.1 and 1.2 alike)."""
        q = json.dumps  # JSON double-quoted strings are valid YAML scalars
        out = [
            f"graph_id: {self.graph_id}",
            f"name: {q(self.name)}",
            f"description: {q(self.description)}",
            "config:",
            f"  tags: [{', '.join(self.tags)}]",
            f"  recursion_limit: {self.recursion_limit}",
            "  configurable:",
            f"    model: {q(self.model)}",
            "    system_prompt: |",
        ]
        out += [f"      {line}" if line else "" for line in self.prompt]
        out.append(f"    temperature: {self.temperature}")
        out.append(f"    max_tokens: {self.max_tokens}")
        out += _render_map(self.extra, 4)
        if self.context is not None:
            out.append("context:")
            out += _render_map(self.context, 2)
        out += ["metadata:", f"  owner: {self.owner}", f"  team: {self.team}", ""]
        return "\n".join(out)


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(v)


def _render_map(d: dict[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for k, v in d.items():
        if isinstance(v, dict):
            out.append(f"{pad}{k}:")
            out += _render_map(v, indent + 2)
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            out.append(f"{pad}{k}:")
            for item in v:
                first = True
                for ik, iv in item.items():
                    lead = "- " if first else "  "
                    out.append(f"{pad}  {lead}{ik}: {_scalar(iv)}")
                    first = False
        elif isinstance(v, list):
            out.append(f"{pad}{k}: [{', '.join(_scalar(x) for x in v)}]")
        else:
            out.append(f"{pad}{k}: {_scalar(v)}")
    return out


def _prompt(rng: random.Random, graph_id: str, name: str) -> list[str]:
    lines = [f"You are {name}, {ROLES[graph_id]}.", ""]
    lines += [f"- {_sentence(rng)}" for _ in range(rng.randint(8, 26))]
    lines += ["", "If you are unsure, say so and explain what would help you answer."]
    return lines


def _extra(rng: random.Random, graph_id: str) -> dict[str, Any]:
    if graph_id == "chat":
        tools = rng.sample(TOOL_NAMES, rng.randint(0, 3))
        return {"tools": [{"name": t, "timeout_s": rng.choice([10, 30, 60])} for t in tools]} if tools else {}
    if graph_id == "researcher":
        return {
            "search": {"provider": rng.choice(["tavily", "exa", "bing", "duckduckgo"]), "max_results": rng.randint(3,
                                                                                                                   20)},
            "max_iterations": rng.randint(2, 12),
        }
    if graph_id == "writer":
        return {"style": rng.choice(["formal", "casual", "technical", "playful"]),
                "length": {"min_words": 200, "max_words": rng.choice([800, 1200, 2000, 4000])}}
    if graph_id == "support":
        return {
            "escalation": {"after_turns": rng.randint(2, 10), "queue": rng.choice(["billing", "tier-2", "security",
                                                                                   "sales"])},
            "languages": rng.sample(["en", "fr", "de", "es", "it", "ja", "pt"], rng.randint(1, 3)),
        }
    return {
        "database": {"dialect": rng.choice(["postgresql", "mysql", "sqlite", "duckdb"]), "read_only": True,
                     "max_rows": rng.choice([100, 500, 1000, 5000])},
        "allowed_tables": sorted(rng.sample(TABLES, rng.randint(2, 5))),
    }


def _context(rng: random.Random, graph_id: str, n: int) -> dict[str, Any] | None:
    if graph_id == "researcher":
        return {"user_id": f"svc-{n:04d}", "locale": rng.choice(["en-US", "en-GB", "fr-FR", "de-DE"])}
    if graph_id == "writer":
        return {"audience": rng.choice(["developers", "executives", "general"]),
                "temperature": round(rng.uniform(0.2, 1.2), 1)}
    if graph_id == "sql_agent":
        return {"tenant_id": f"t-{rng.randint(0, 9999):04d}", "read_only": True}
    return None


def new_assistant(rng: random.Random, n: int, team: str) -> Assistant:
    graph_id = GRAPH_IDS[n % len(GRAPH_IDS)]
    name = f"Agent {n:04d}"
    return Assistant(
        graph_id=graph_id,
        name=name,
        description=f"{graph_id.replace('_', ' ').capitalize()} assistant #{n} owned by {team}",
        team=team,
        owner=rng.choice(OWNERS),
        tags=[graph_id, team],
        recursion_limit=rng.choice([10, 25, 50]),
        model=rng.choice(MODELS),
        prompt=_prompt(rng, graph_id, name),
        temperature=round(rng.uniform(0.0, 1.2), 1),
        max_tokens=rng.choice([1024, 2048, 4096, 8192]),
        extra=_extra(rng, graph_id),
        context=_context(rng, graph_id, n),
    )


def mutate(rng: random.Random, a: Assistant) -> str:
    """Apply one small, schema-valid change; returns a commit-message fragment."""
    kind = rng.random()
    body = [i for i, line in enumerate(a.prompt) if line.startswith("- ")]
    if kind < 0.45:
        a.prompt[rng.choice(body)] = f"- {_sentence(rng)}"
        return "reword a prompt line"
    if kind < 0.55 and len(body) < 28:
        a.prompt.insert(body[-1] + 1, f"- {_sentence(rng)}")
        return "add a prompt rule"
    if kind < 0.62 and len(body) > 8:
        del a.prompt[rng.choice(body)]
        return "drop a prompt rule"
    if kind < 0.75:
        a.model = rng.choice([m for m in MODELS if m != a.model])
        return f"switch to {a.model}"
    if kind < 0.85:
        a.temperature = round(min(1.9, max(0.0, a.temperature + rng.choice([-0.2, -0.1, 0.1, 0.2]))), 1)
        return f"temperature {a.temperature}"
    if kind < 0.93:
        a.max_tokens = rng.choice([m for m in (1024, 2048, 4096, 8192, 16384) if m != a.max_tokens])
        return f"max_tokens {a.max_tokens}"
    a.recursion_limit = rng.choice([r for r in (10, 25, 50, 100) if r != a.recursion_limit])
    return f"recursion_limit {a.recursion_limit}"


# ---------------------------------------------------------------------------
# fast-import stream


class Stream:
    """Writes git fast-import commands to a pipe."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.buf: list[bytes] = []
        self.size = 0

    def raw(self, text: str) -> None:
        b = text.encode()
        self.buf.append(b)
        self.size += len(b)
        if self.size > 1 << 20:  # flush by ~1 MiB: bounded memory, few syscalls
            self.flush()

    def data(self, payload: str) -> None:
        b = payload.encode()
        self.raw(f"data {len(b)}\n")
        self.buf.append(b)
        self.buf.append(b"\n")
        self.size += len(b) + 1

    def flush(self) -> None:
        self.out.write(b"".join(self.buf))
        self.buf.clear()
        self.size = 0


@dataclass
class Params:
    assistants: int = 1000
    commits: int = 10000
    tag_every: int = 100
    seed: int = 1

    def as_dict(self) -> dict[str, int]:
        return {"assistants": self.assistants, "commits": self.commits, "tag_every": self.tag_every, "seed": self.seed}


def generate(out_dir: Path, p: Params) -> dict[str, Any]:
    """Create the repository at out_dir (must not exist or be empty); returns the manifest."""
    if p.commits < 5 or p.assistants < 10:
        raise SystemExit("need at least 5 commits and 10 assistants")
    rng = random.Random(p.seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise SystemExit(f"{out_dir} is not empty")
    subprocess.run(["git", "init", "-q", "-b", "main", str(out_dir)], check=True)

    live: dict[str, Assistant] = {}
    nested = set(rng.sample(range(p.assistants), p.assistants * 3 // 10))  # ~30 % in team subfolders
    order: list[str] = []
    for n in range(p.assistants):
        team = TEAMS[n % len(TEAMS)]
        aid = f"{team}/agent-{n:04d}" if n in nested else f"agent-{n:04d}"
        live[aid] = new_assistant(rng, n, team)
        order.append(aid)
    used_ids = set(live)
    # Tagged assistants are never renamed or deleted, so their tags stay meaningful.
    stable = sorted(rng.sample(order, min(10, len(order))))
    stable_set = set(stable)

    n_initial = min(4, p.commits // 2)
    state = {"t": EPOCH, "mark": 0}
    manifest: dict[str, Any] = {
        "params": p.as_dict(), "stable_ids": stable, "release_tags": [], "assistant_tags": [],
        "renames": [], "deletes": [], "readds": [], "schema_changes": [],
    }

    proc = subprocess.Popen(
        ["git", "-C", str(out_dir), "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE,
    )
    assert proc.stdin is not None
    s = Stream(proc.stdin)

    def commit(message: str, changes: list[tuple[str, str | None]]) -> int:
        state["mark"] += 1
        state["t"] += rng.randint(2, 20) * 60  # a few minutes between commits
        name, email = AUTHORS[state["mark"] % len(AUTHORS)] if state["mark"] > n_initial else AUTHORS[0]
        who = f"{name} <{email}> {state['t']} +0000"
        s.raw(f"commit refs/heads/main\nmark :{state['mark']}\nauthor {who}\ncommitter {who}\n")
        s.data(message)
        for path, content in changes:
            if content is None:
                s.raw(f"D {path}\n")
            else:
                s.raw(f"M 100644 inline {path}\n")
                s.data(content)
        s.raw("\n")
        return state["mark"]

    def path_of(aid: str) -> str:
        return f"assistants/{aid}.yaml"

    schemas = _schemas()
    first: list[tuple[str, str | None]] = [
        (f"schemas/{gid}.json", json.dumps(doc, indent=2) + "\n") for gid, doc in schemas.items()
    ]
    first.append(("README.md", "# Assistants\n\nSynthetic repository generated by Roster's bench/gen_repo.py.\n"))
    chunk = -(-len(order) // n_initial)
    for i in range(n_initial):
        part = order[i * chunk:(i + 1) * chunk]
        changes = (first if i == 0 else []) + [(path_of(a), live[a].render()) for a in part]
        commit(f"Add assistants {i * chunk}-{i * chunk + len(part) - 1}", changes)

    deleted: dict[str, tuple[Assistant, int]] = {}  # id -> (content, commit number to re-add at)
    last_delete = p.commits - 200  # leave time for every deleted assistant to come back
    tag_points = {int(p.commits * 0.5): "staging", int(p.commits * 0.8): "prod", int(p.commits * 0.95): "staging"}

    def emit_tags(num: int) -> None:
        if num % p.tag_every == 0:
            tag = f"v0.{num // p.tag_every}.0"
            if (num // p.tag_every) % 2:  # alternate annotated and lightweight release tags
                s.raw(f"tag {tag}\nfrom :{num}\ntagger {AUTHORS[1][0]} <{AUTHORS[1][1]}> {state['t']} +0000\n")
                s.data(f"Release {tag}")
            else:
                s.raw(f"reset refs/tags/{tag}\nfrom :{num}\n\n")
            manifest["release_tags"].append(tag)
        if num in tag_points:
            label = tag_points[num]
            for aid in stable:
                # fast-import keeps the last "reset" of a ref: a later label moves the tag (promotion).
                s.raw(f"reset refs/tags/{aid}@{label}\nfrom :{num}\n\n")
                manifest["assistant_tags"].append({"tag": f"{aid}@{label}", "commit_number": num})

    for num in range(1, n_initial + 1):
        emit_tags(num)

    for num in range(n_initial + 1, p.commits + 1):
        due = [aid for aid, (_, at) in deleted.items() if at <= num]
        if due:
            aid = due[0]
            a, _ = deleted.pop(aid)
            msg = mutate(rng, a)
            live[aid] = a
            commit(f"Restore {aid} ({msg})", [(path_of(aid), a.render())])
            manifest["readds"].append({"id": aid, "commit_number": num})
            emit_tags(num)
            continue
        roll = rng.random()
        candidates = [a for a in order if a in live and a not in stable_set] if roll < 0.010 else []
        if roll < 0.006 and candidates:
            old = rng.choice(candidates)
            base = re.sub(r"-v[0-9]+$", "", old.rsplit("/", 1)[-1])
            k = 2
            while True:
                new = f"{rng.choice(TEAMS)}/{base}-v{k}"
                if new not in used_ids:
                    break
                k += 1
            used_ids.add(new)
            a = live.pop(old)
            live[new] = a
            order[order.index(old)] = new
            commit(f"Move {old} to {new}", [(path_of(old), None), (path_of(new), a.render())])
            manifest["renames"].append({"from": old, "to": new, "commit_number": num})
        elif roll < 0.010 and candidates and num < last_delete:
            aid = rng.choice(candidates)
            deleted[aid] = (live.pop(aid), num + rng.randint(20, 150))
            commit(f"Retire {aid}", [(path_of(aid), None)])
            manifest["deletes"].append({"id": aid, "commit_number": num})
        elif roll < 0.0105:
            # A compatible schema change (new optional property): exercises "schema changed"
            # paths of `check --base` without invalidating any assistant.
            gid = rng.choice(GRAPH_IDS)
            prop = f"feature_{num}"
            schemas[gid]["config_schema"]["properties"][prop] = {
                "default": False, "title": prop.replace("_", " ").title(), "type": "boolean"}
            commit(f"{gid}: add optional {prop}", [(f"schemas/{gid}.json", json.dumps(schemas[gid], indent=2) + "\n")])
            manifest["schema_changes"].append({"graph_id": gid, "commit_number": num})
        else:
            picks = rng.sample([a for a in order if a in live], rng.choice(PICKS))
            notes = [f"{aid}: {mutate(rng, live[aid])}" for aid in picks]
            title = notes[0] if len(notes) == 1 else f"Update {len(notes)} assistants"
            body = "" if len(notes) == 1 else "\n\n" + "\n".join(f"- {n}" for n in notes)
            commit(title + body, [(path_of(aid), live[aid].render()) for aid in picks])
        emit_tags(num)

    s.raw("done\n")
    s.flush()
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    assert not deleted, "every deleted assistant should have been re-added"
    # Populate the index and working tree from main (HEAD already points at it).
    subprocess.run(["git", "-C", str(out_dir), "reset", "-q", "--hard"], check=True)
    manifest["head_ids"] = sorted(live)
    manifest["graph_ids"] = GRAPH_IDS
    (out_dir / ".git" / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Generate a synthetic Roster assistants repository (git fast-import, deterministic).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        epilog=(
            "Layout: assistants/<id>.yaml (about 30% in team-N/ subfolders), schemas/<graph>.json "
            "for 5 graphs. History on branch main: the first 4 commits add every assistant, then each "
            "commit changes 1-3 assistants, with occasional renames, deletes (re-added later) and "
            "compatible schema changes. Tags: v0.N.0 every --tag-every commits (odd N annotated, even N "
            "lightweight) and <id>@staging / <id>@prod for 10 assistants. A manifest is written to "
            "OUT_DIR/.git/roster-bench.json."
        ),
    )
    ap.add_argument("out_dir", type=Path, help="directory to create (must be missing or empty)")
    ap.add_argument("--assistants", type=int, default=1000, help="assistants at HEAD")
    ap.add_argument("--commits", type=int, default=10000, help="commits on main, the initial ones included")
    ap.add_argument("--tag-every", type=int, default=100, help="a release tag v0.N.0 every this many commits")
    ap.add_argument("--seed", type=int, default=1, help="random seed: same seed, same repository")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    m = generate(args.out_dir, Params(args.assistants, args.commits, args.tag_every, args.seed))
    print(
        f"{args.out_dir}: {args.commits} commits, {len(m['head_ids'])} assistants at HEAD, "
        f"{len(m['release_tags'])} release tags, {len(m['renames'])} renames, {len(m['deletes'])} deletes, "
        f"in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
