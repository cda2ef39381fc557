"""Environment files (SPEC section 11): ``environments/<env>.yaml`` says what each deployment runs.

```yaml
url: https://prod.example.com   # optional: the deployment `sync --env prod` targets
default: null                   # optional: a ref for assistants not listed; null: only those listed
assistants:
  blog-writer: 3                # a version number of that assistant
  support/triage: v1.2.0        # or a ref: tag, branch, commit
```

Files are read under the same YAML policy as assistant files (yamlload), and
every problem is located (file:line:col). ``ID@env`` resolves through the file
at the ref looked at; a per-assistant tag ``ID@env`` beside a file is a conflict.
"""
from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any, NamedTuple

from roster.errors import RosterError, UnknownAssistant, UnknownRef
from roster.hints import did_you_mean
from roster.ids import SUFFIXES, checked, id_problem
from roster.problems import Problem, pointer_of
from roster.refs import resolve_commit
from roster.source import FILE, FileEntry, Layout, Source
from roster.yamlload import Document, YamlError, load_bytes

if TYPE_CHECKING:
    from roster.resolve import Resolver

KEYS = ("url", "default", "assistants")
_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*\Z")
_HEX = re.compile(r"[0-9a-fA-F]{4,40}\Z")


class InvalidEnvironment(RosterError):
    """An environment file is malformed; the message names the first problem with its location."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        first = problems[0]
        more = f" (and {len(problems) - 1} more; run roster check)" if len(problems) > 1 else ""
        super().__init__(f"{first.path}:{first.line}:{first.column}: {first.message}{more}")


class Pin(NamedTuple):
    """One line of ``assistants:``: a version number (int) or a ref (str)."""

    assistant_id: str
    value: int | str
    line: int
    column: int  # of the value

    def text(self) -> str:
        return str(self.value)


class EnvFile(NamedTuple):
    name: str
    path: str
    url: str | None
    default: str | None
    pins: dict[str, Pin]
    doc: Document


def label_problem(label: str) -> str | None:
    """Why ``label`` cannot name an environment (ID@label), or None.

    A label that git or the ID@REF grammar would read as something else is refused:
    HEAD, a number (a version), a hex string (a commit), or revision syntax.
    """
    if not label:
        return "an environment name may not be empty"
    if label == "HEAD" or label.upper() in ("HEAD", "FETCH_HEAD", "ORIG_HEAD", "MERGE_HEAD"):
        return f"{label!r} is reserved by git; use a name such as prod or staging"
    if label.isascii() and label.isdigit():
        return f"{label!r} is a number, which ID@{label} reads as a version; use a name such as prod"
    if _HEX.match(label):
        return f"{label!r} looks like a commit id (hex digits); use a name such as prod"
    if not _LABEL.match(label) or ".." in label or label.endswith((".", ".lock")):
        return (f"invalid environment name {label!r}: use letters, digits, '.', '_' and '-' "
                f"(no '@', '/', '~', '^', ':' or spaces)")
    return None


def check_label(label: str) -> str:
    return checked(label, label_problem(label))


# --- reading files --------------------------------------------------------------------

_parsed: dict[Any, tuple[EnvFile | None, list[Problem]]] = {}
_parsed_lock = threading.Lock()


def environment_files(source: Source, layout: Layout) -> tuple[dict[str, FileEntry], list[Problem]]:
    """``environments/*.yaml`` at a source, by environment name; problems for entries that cannot be one."""
    found: dict[str, FileEntry] = {}
    problems: list[Problem] = []
    folder = layout.environments
    for entry in source.list_files(folder):
        rel = entry.path[len(folder) + 1:]
        if "/" in rel or not rel.endswith(SUFFIXES):
            continue
        name = rel.rsplit(".", 1)[0]
        if entry.kind != FILE:
            problems.append(Problem("error", entry.path, 1, 1, "", f"an environment file must be a regular file, "
                                    f"not a {entry.kind}"))
            continue
        bad = label_problem(name)
        if bad:
            problems.append(Problem("error", entry.path, 1, 1, "", f"file name: {bad}"))
            continue
        if name in found:
            problems.append(Problem("error", entry.path, 1, 1, "", f"two files name the environment {name!r}: "
                                    f"{found[name].path} and {entry.path}"))
            continue
        found[name] = entry
    return found, problems


def read_environment(source: Source, entry: FileEntry, name: str) -> tuple[EnvFile | None, list[Problem]]:
    """Parse one environment file (cached by blob id for committed files)."""
    cacheable = isinstance(entry.key, str) and "/" not in entry.key
    key = (entry.path, entry.key)
    if cacheable:
        with _parsed_lock:
            hit = _parsed.get(key)
        if hit is not None:
            return hit
    try:
        raw = source.read(entry)
    except OSError as e:
        return None, [Problem("error", entry.path, 1, 1, "", f"cannot read: {e.strerror or e}")]
    result = parse_environment(raw, path=entry.path, name=name)
    if cacheable:
        with _parsed_lock:
            if len(_parsed) > 1024:
                _parsed.clear()
            _parsed[key] = result
    return result


def parse_environment(raw: bytes, *, path: str, name: str) -> tuple[EnvFile | None, list[Problem]]:
    """The file's own rules (keys, types, ids); pins are checked against the repository elsewhere."""
    try:
        doc = load_bytes(raw)
    except YamlError as e:
        return None, [Problem("error", path, e.line, e.column, e.pointer, e.message)]
    problems: list[Problem] = []

    def add(where: tuple[Any, ...], message: str, *, value: bool = False) -> None:
        line, col = doc.locate_value(where) if value else doc.locate(where)
        problems.append(Problem("error", path, line, col, pointer_of(where), message))

    data = doc.data
    for key in data:
        if key not in KEYS:
            add((key,), f"unknown key {key!r}{did_you_mean(key, KEYS)}; allowed: {', '.join(KEYS)}")
    url = data.get("url")
    if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
        add(("url",), f"url must be an http:// or https:// URL, not {_yamlish(url)}", value=True)
        url = None
    default = data.get("default")
    if default is not None and not isinstance(default, str):
        add(("default",), f"default must be a ref (a branch, tag or commit) or null, not {_yamlish(default)}",
            value=True)
        default = None
    pins: dict[str, Pin] = {}
    listed = data.get("assistants")
    if listed is not None and not isinstance(listed, dict):
        add(("assistants",), f"assistants must be a mapping of assistant id to version or ref, "
            f"not {_yamlish(listed)}", value=True)
        listed = None
    for assistant_id, value in (listed or {}).items():
        where = ("assistants", assistant_id)
        bad = id_problem(assistant_id)
        if bad:
            add(where, bad)
            continue
        line, col = doc.locate_value(where)
        if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
            add(where, f"pin of {assistant_id!r} must be a version number or a ref, not {_yamlish(value)}",
                value=True)
            continue
        if isinstance(value, int) and value < 1:
            add(where, f"version numbers start at 1, not {value}", value=True)
            continue
        if isinstance(value, str) and (value.startswith("-") or any(c in value for c in "\x00\n\r ")):
            add(where, f"invalid ref {value!r}", value=True)
            continue
        pins[assistant_id] = Pin(assistant_id, value, line, col)
    if problems:
        return None, problems
    return EnvFile(name, path, url, default, pins, doc), []


def _yamlish(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


# --- at a commit ------------------------------------------------------------------------


def environments_at(resolver: Resolver, commit: str) -> dict[str, FileEntry]:
    """Environment files at a commit, by name (invalid names left out: check reports them)."""
    # lazy: the git reader (pygit2 only for the reads it leaves), not needed to check a working tree
    from roster.git import TreeSource

    found, _ = environment_files(TreeSource(resolver.repo, commit), resolver.layout)
    return found


def environment_at(resolver: Resolver, commit: str, name: str) -> EnvFile | None:
    """The parsed ``environments/<name>.yaml`` at ``commit``; None when there is none.

    Raises InvalidEnvironment when the file is malformed (resolving through it would guess).
    """
    # lazy: the git reader (pygit2 only for the reads it leaves), not needed to check a working tree
    from roster.git import TreeSource

    source = TreeSource(resolver.repo, commit)
    for suffix in SUFFIXES:
        entry = source.find(f"{resolver.layout.environments}/{name}{suffix}")
        if entry is not None and entry.kind == FILE:
            env, problems = read_environment(source, entry, name)
            if env is None:
                raise InvalidEnvironment(problems)
            return env
    return None


def pin_target(resolver: Resolver, env: EnvFile, assistant_id: str, tip: str) -> tuple[str, str]:
    """(the id the assistant had then, the commit) that ``env`` runs for ``assistant_id``.

    Version numbers count along the first-parent history of ``tip`` (the commit the file was read at).
    """

    pin = env.pins.get(assistant_id)
    if pin is None:
        if env.default is None:
            raise UnknownAssistant(f"environment {env.name!r} ({env.path}) does not list {assistant_id!r} "
                                   f"and sets no default")
        line, col = env.doc.locate_value(("default",))
        return assistant_id, _resolve(resolve_commit, resolver, env.default, f"{env.path}:{line}:{col}: default")
    where = f"{env.path}:{pin.line}:{pin.column}: pin of {assistant_id!r}"
    if isinstance(pin.value, int):
        try:
            entry = version_entry(resolver, assistant_id, pin.value, tip)
        except UnknownRef as e:
            raise UnknownRef(f"{where}: {e}") from None
        return entry.assistant_id, entry.commit
    return assistant_id, _resolve(resolve_commit, resolver, pin.value, where)


def _resolve(resolve_commit: Any, resolver: Resolver, ref: str, where: str) -> str:
    try:
        return str(resolve_commit(resolver.repo, ref))
    except UnknownRef as e:
        raise UnknownRef(f"{where}: {e}") from None


def version_entry(resolver: Resolver, assistant_id: str, number: int, tip: str) -> Any:
    """Version ``number`` of ``assistant_id`` in the history of ``tip`` (the resolver's own check and message)."""
    return resolver.version_entry(assistant_id, number, tip)


def own_tag_labels(resolver: Resolver, assistant_id: str | None = None) -> dict[str, set[str]]:
    """Per-assistant tags ``id@label`` by label (only the given id's when one is named)."""
    out: dict[str, set[str]] = {}
    for name in resolver.tag_names():
        ident, at, label = name.rpartition("@")
        if not at or not ident or label_problem(label) is not None or id_problem(ident) is not None:
            continue
        if assistant_id is None or ident == assistant_id:
            out.setdefault(label, set()).add(ident)
    return out


__all__ = ["EnvFile", "InvalidEnvironment", "Pin", "check_label", "environment_at", "environment_files",
           "environments_at", "label_problem", "parse_environment", "pin_target", "read_environment"]
