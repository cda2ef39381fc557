"""Rendering assistants, versions, diffs and promotions as text or JSON."""
from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from roster.hygiene import redacted, shorten
from roster.reporters.changes import safe_fields
from roster.reporters.jsonout import dumps


def _short(commit: str | None) -> str:
    return commit[:7] if commit else "-"


def _yaml(data: Any) -> str:
    """YAML as a person would write it: multi-line prompts as literal blocks."""
    import yaml  # lazy: PyYAML, for the text of show and promote only

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    data = copy.deepcopy(data)  # plain dicts and lists: the dumper knows no subclass (roster.frozen)
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=100).rstrip()


def _indent(text: str, by: str = "  ") -> str:
    # A blank line inside a prompt stays blank: no trailing spaces in text output.
    return "\n".join((by + line).rstrip() for line in text.splitlines())


def _scalar(value: Any) -> str:
    """A name or description on its line: as written, or double-quoted with escapes (as YAML
    would) when it spans lines or starts or ends with blanks, which would otherwise vanish."""
    text = str(value)
    if text != text.strip() or "\n" in text or "\r" in text:
        import json  # lazy: json (~1 ms) is not needed by show and history in text

        return json.dumps(text, ensure_ascii=False)
    return text


def _safe_json(item: Any) -> Any:
    """The JSON form with every flagged value redacted (name, description, config, ...)."""
    return {k: redacted(v, k) for k, v in item.as_json().items()}


def render_assistant(a: Any, fmt: str) -> str:
    if fmt == "json":
        return dumps(_safe_json(a))
    shown = _safe_json(a)
    version = f"version {a.version}" if a.version is not None else "version unknown"
    lines = [f"{a.assistant_id}  ({version}, commit {_short(a.commit)}, updated {a.updated_at or '-'})",
             f"graph:       {a.graph_id}", f"name:        {_scalar(shown['name'])}"]
    if a.description:
        lines.append(f"description: {_scalar(shown['description'])}")
    if a.created_at:
        lines.append(f"created:     {a.created_at}")
    for field in ("config", "context", "metadata"):
        value = shown.get(field)
        if value:
            lines += [f"{field}:", _indent(_yaml(value))]
    return "\n".join(lines)


def render_list(items: Sequence[Any], fmt: str) -> str:
    if fmt == "json":
        return dumps([_safe_json(a) for a in items])
    if not items:
        return "no assistants"
    width = max(len(a.assistant_id) for a in items)
    gwidth = max(len(a.graph_id) for a in items)
    lines = []
    for a in items:
        version = f"v{a.version}" if a.version is not None else "v?"
        name = shorten(redacted(a.name, "name"), 120)
        lines.append(f"{a.assistant_id:<{width}}  {version:>4}  {a.graph_id:<{gwidth}}  {_short(a.commit)}  {name}")
    return "\n".join(lines)


def render_history(versions: Sequence[Any], fmt: str) -> str:
    if fmt == "json":
        return dumps([_safe_json(v) for v in versions])
    lines = []
    for v in versions:
        tags = f"  [{', '.join(v.tags)}]" if v.tags else ""
        renamed = f"  (as {v.assistant_id})" if versions and v.assistant_id != versions[0].assistant_id else ""
        lines.append(f"v{v.version:<3} {_short(v.commit)}  {v.updated_at}  {v.author.name} <{v.author.email}>  "
                     f"{v.message}{renamed}{tags}")
    return "\n".join(lines)


def render_changes_text(changes: Sequence[Any]) -> list[str]:
    import json  # lazy: json (~1 ms) is not needed by show and history in text

    def show(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = []
    for c in changes:
        if c.op == "added":
            lines.append(f"+ {c.path}: {show(c.new)}")
        elif c.op == "removed":
            lines.append(f"- {c.path}: {show(c.old)}")
        elif c.is_multiline():
            lines.append(f"~ {c.path}:")
            lines += [f"    {line}" for line in c.line_diff()]
        else:
            lines.append(f"~ {c.path}: {show(c.old)} -> {show(c.new)}")
    return lines


def render_diff(result: Any, fmt: str) -> str:
    if fmt == "json":
        data = result.as_json()
        data["from"] = _safe_json(result.old)
        data["to"] = _safe_json(result.new)
        data["changes"] = [f.as_json() for f in safe_fields(result.changes)]
        return dumps(data)
    old, new = result.old, result.new
    head = [f"--- {old.assistant_id} v{old.version} ({_short(old.commit)})",
            f"+++ {new.assistant_id} v{new.version} ({_short(new.commit)})"]
    body = render_changes_text(safe_fields(result.changes)) or ["no differences"]
    return "\n".join(head + body)


def render_promotion(p: Any, fmt: str) -> str:
    if fmt == "json":
        return dumps(p.as_json())
    before = f"{_short(p.before)} (v{p.before_version})" if p.before else "nothing (new tag)"
    return f"{p.tag}: {before} -> {_short(p.after)} (v{p.after_version})"


def render_promotions(done: Sequence[Any], fmt: str, *, single: bool = False) -> str:
    """Tag moves (``Promotion``) and environment-file edits (``EnvPromotion``)."""
    if fmt == "json":
        if single:
            return dumps(done[0].as_json())
        return dumps([p.as_json() for p in done])
    blocks = []
    for p in done:
        if not hasattr(p, "file_diff"):
            blocks.append(render_promotion(p, fmt))
            continue
        def version(n: Any, pin: Any) -> str:
            if pin is None:
                return "nothing"
            return f"v{n}" if n is not None and str(pin) == str(n) else f"{pin} (v{n})" if n is not None else str(pin)
        head = f"{p.assistant_id}@{p.environment}: {version(p.before_version, p.before)} -> " \
               f"{version(p.after_version, p.after)}  ({p.path})"
        lines = [head]
        if not p.file_diff:
            lines.append("  already pinned there: file unchanged")
        else:
            lines += [f"  {line}" for line in p.file_diff.splitlines() if not line.startswith(("---", "+++", "@@"))]
        if p.before is not None:
            lines += [f"  {line}" for line in render_changes_text(p.changes) or ["no differences in content"]]
        if p.commit:
            lines.append(f"  committed {_short(p.commit)}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)
