"""Output hygiene: the one place every reporter and command output goes through.

What a file says can end up in a terminal, a CI log, a job summary or an annotation.
So, whatever the format:
- a value that the secret rules flag is printed as ``[redacted]`` (the library itself
  returns content unchanged; only what is shown is redacted);
- a quoted value is shortened (a 900 KB prompt never becomes a 900 KB line);
- control characters are escaped, and no printed line can start a GitHub workflow
  command (``::add-mask::``, ``::stop-commands::``, ``::error``);
- no printed line ends with whitespace (trailing blanks of a prompt line in a diff are
  escaped so that they still show);
- Markdown is escaped, and code fences are longer than any backtick run they hold;
- the job summary stays under GitHub's 1 MiB, annotations within GitHub's limits.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from roster.problems import pointer_of
from roster.secrets import classify, find_secrets

REDACTED = "[redacted]"
QUOTE_LIMIT = 80
SUMMARY_LIMIT = 1024 * 1024 - 16 * 1024  # GitHub refuses a step summary over 1 MiB; keep a margin
ANNOTATIONS_PER_SEVERITY = 10  # GitHub keeps 10 error and 10 warning annotations per step

# C0 and C1 controls (but tab and newline), DEL, and the invisible characters that reorder or
# hide text in a terminal or a review (bidi overrides and isolates, zero-width, BOM, line separators).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_COMMAND_START = re.compile(r"^(\s*):(?=:)", re.MULTILINE)


# --- secrets ----------------------------------------------------------------------------------

def redacted(data: Any, key: str = "") -> Any:
    """A copy of ``data`` where every value the secret rules flag is ``[redacted]``.

    ``key`` is the name the value sits under (a value under ``api_key`` is judged by it).
    """
    wrapped = {key: _thaw(data)}
    flagged = [path for path, _ in find_secrets(wrapped)]
    if not flagged:
        return data
    out: Any = wrapped
    for path in flagged:
        node = out
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = REDACTED
    return out[key]


def _thaw(data: Any) -> Any:
    """Plain dicts and lists (what ``get`` hands out may be read-only views)."""
    if isinstance(data, Mapping):
        return {k: _thaw(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_thaw(v) for v in data]
    return data


def redacted_places(data: Any, *, marked: bool = False) -> list[str]:
    """Where ``redacted`` would redact: document paths (``metadata.key``), sorted.

    ``marked``: also the places already holding ``[redacted]`` (content an earlier publish redacted).
    """
    plain = _thaw(data)
    found = {pointer_of(path) for path, _ in find_secrets(plain)}
    if marked:
        stack: list[tuple[Any, tuple[Any, ...]]] = [(plain, ())]
        while stack:
            node, path = stack.pop()
            if isinstance(node, dict):
                stack.extend((v, path + (k,)) for k, v in node.items())
            elif isinstance(node, list):
                stack.extend((v, path + (i,)) for i, v in enumerate(node))
            elif node == REDACTED:
                found.add(pointer_of(path))
    return sorted(found)


# The leaves a parsed document holds besides strings: nothing to judge (isinstance of an ABC
# such as Mapping costs far more than this test, and a scan meets every leaf).
_SCALARS = frozenset({int, float, bool, type(None)})


# Consecutive versions repeat most of their values (on the generated repository, 45,000 strings
# of 300 assistants' versions are 3,300 distinct ones): a verdict is a pure function of the
# value and its key, remembered for the short ones (bounded: 4,096 values of up to 8 KiB).
_REMEMBERED_LENGTH = 8 * 1024
_classified = functools.lru_cache(maxsize=4096)(classify)


def scanned(data: Any) -> tuple[Any, list[str]]:
    """``(redacted(data), redacted_places(data, marked=True))`` in one walk of ``data``.

    A publish scans every version it has not published before: one walk, each string
    classified once, and no copy of the data unless a value is flagged (the same values,
    the same places and the same redacted copy as the two functions give).
    """
    flagged: list[tuple[Any, ...]] = []
    marked: list[tuple[Any, ...]] = []
    stack: list[tuple[Any, tuple[Any, ...], str]] = [(data, (), "")]
    while stack:
        node, path, key = stack.pop()
        kind = type(node)
        if kind is dict or kind is list:
            # The string leaves are judged here, without a trip through the stack (most nodes are leaves).
            for k, v in (node.items() if kind is dict else enumerate(node)):
                name = key if kind is list else k if type(k) is str else str(k)
                leaf = type(v)
                if leaf is str:
                    if (_classified(v, name) if len(v) <= _REMEMBERED_LENGTH else classify(v, name)):
                        flagged.append(path + (k,))
                    if v == REDACTED:
                        marked.append(path + (k,))
                elif leaf not in _SCALARS:
                    stack.append((v, path + (k,), name))
        elif kind in _SCALARS:
            pass
        elif isinstance(node, Mapping):  # what _thaw makes a dict
            stack.extend((v, path + (k,), str(k)) for k, v in node.items())
        elif isinstance(node, (list, tuple)):
            stack.extend((v, path + (i,), key) for i, v in enumerate(node))
        elif isinstance(node, str):
            if classify(node, key):
                flagged.append(path)
            if node == REDACTED:
                marked.append(path)
    places = sorted({pointer_of(path) for path in flagged + marked})
    if not flagged:
        return data, places
    if () in flagged:
        return REDACTED, places
    out = _thaw(data)
    for path in flagged:
        node = out
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = REDACTED
    return out, places


def secret_values(data: Any, paths: list[tuple[Any, ...]] | None = None) -> list[str]:
    """The flagged strings of a document, longest first (to scrub them out of messages).

    ``paths``: where ``find_secrets`` flagged values in ``data``, when the caller scanned it already.
    """
    found = set()
    for path in [p for p, _ in find_secrets(data)] if paths is None else paths:
        node = data
        for part in path:
            node = node[part]
        if isinstance(node, str) and node:
            found.add(node)
    return sorted(found, key=len, reverse=True)


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with every given secret (as written, or as Python quotes it) replaced."""
    import json  # lazy: json (~1 ms) is not needed by show and history in text

    for value in secrets:
        text = text.replace(repr(value), REDACTED).replace(value, REDACTED)
        text = text.replace(json.dumps(value, ensure_ascii=False), REDACTED)
    return text


# --- values in messages -----------------------------------------------------------------------

def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit - 1]}…(+{len(text) - limit + 1} chars)"


def yaml_value(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """A value as a YAML author writes it (``true``, ``null``, ``'text'``), shortened."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return repr(shorten(value, limit))
    import json  # lazy: json (~1 ms) is not needed by show and history in text

    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return shorten(text, limit)


def schema_message(message: str, instance: Any) -> str:
    """A jsonschema message with its Python spelling of the value made YAML and short."""
    spelled = _python_repr(instance)
    if spelled and spelled in message:
        message = message.replace(spelled, yaml_value(instance), 1)
    return shorten_quotes(message)


def _python_repr(value: Any) -> str | None:
    try:
        return repr(value) if len(str(value)) < 4 * 1024 * 1024 else None
    except RecursionError:
        return None


_QUOTED = re.compile(r"'((?:[^'\\]|\\.){" + str(QUOTE_LIMIT + 1) + r",})'")


def shorten_quotes(text: str) -> str:
    """Every quoted run longer than the limit, shortened; then the whole line bounded."""
    text = _QUOTED.sub(lambda m: repr(shorten(m.group(1))), text) if "'" in text else text
    return shorten(text, 2000)


# --- text -------------------------------------------------------------------------------------

def clean_text(text: str, *, workflow_commands: bool = False) -> str:
    """Printable text: controls escaped as ``\\uXXXX`` (also a valid JSON escape, so JSON
    output keeps its meaning), CR never bare, and no line that starts a workflow command
    (``workflow_commands``: the caller wrote those lines on purpose and escaped their fields)."""
    text = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if workflow_commands:
        return text
    return _COMMAND_START.sub(lambda m: f"{m.group(1)}\\u003a", text)


def end_lines(text: str) -> str:
    """``text`` with no line ending in whitespace (the indentation of a blank line, the
    space marking an empty context line of a diff). Content whose trailing whitespace
    matters is made visible first by ``visible_diff_line``."""
    if not text:
        return text
    return "\n".join(line.rstrip() for line in text.split("\n"))


def visible_diff_line(line: str) -> str:
    """A line of a unified diff with the trailing spaces and tabs of its content escaped
    (``\\u0020``, ``\\u0009``, as ``clean_text`` escapes controls): output never ends a line
    with whitespace, and a change that only adds or removes trailing blanks still shows."""
    if line[:1] not in (" ", "+", "-"):  # "@@" hunk lines (and file headers, whose names end the line)
        return line
    content = line[1:]
    kept = content.rstrip()
    if kept == content:
        return line
    return line[:1] + kept + "".join(f"\\u{ord(c):04x}" for c in content[len(kept):])


def one_line(text: str) -> str:
    return " ".join(clean_text(text).split())


# --- Markdown ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def md_text(text: str) -> str:
    """Inline Markdown text: every character Markdown or HTML gives meaning to is escaped,
    and CR/LF cannot end a table row or open a block."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(clean_text(text).splitlines()).replace("@", "@\u200b"))


# html.escape(text, quote=True), without importing html (its entity table is ~1 ms of
# every command's start; only the Markdown summary writes HTML).
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def html_text(text: str) -> str:
    """Text inside an HTML element of the summary (``<summary>``)."""
    return " ".join(clean_text(text).splitlines()).translate(_HTML_ESCAPES)


def md_code(text: str) -> str:
    """Inline code for a table cell: a backtick fence longer than any run inside, pipes escaped."""
    flat = " ".join(clean_text(text).splitlines())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else ""
    return f"{fence}{pad}{flat.replace('|', chr(92) + '|')}{pad}{fence}"


def md_fence(lines: list[str], info: str = "") -> list[str]:
    """A fenced code block no content line can close (fence longer than any backtick run)."""
    body = [clean_text(line) for line in lines]
    longest = max((len(run) for line in body for run in re.findall(r"`{3,}|~{3,}", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{info}", *body, fence]


def cap_summary(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """At most ``limit`` bytes of UTF-8, cut at a line, with a note saying what was left out."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    cut = raw[:limit - 200].decode("utf-8", "ignore")
    cut = cut[:cut.rfind("\n")] if "\n" in cut else cut
    dropped = text[len(cut):].count("\n")
    return f"{cut}\n\n_… {dropped} more lines left out: GitHub keeps 1 MiB of step summary; " \
           "run `roster check` for the whole report._\n"


# --- GitHub workflow commands -----------------------------------------------------------------

def gh_data(text: str) -> str:
    return clean_text(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gh_property(text: str) -> str:
    return gh_data(text).replace(":", "%3A").replace(",", "%2C")
