"""``index.json`` as bytes, with where each assistant's part lies in them.

The file is exactly ``json.dumps(data, ensure_ascii=False, separators=(",", ":"))``,
assembled piece by piece so that the byte span of every assistant's entry (and of the
``commits`` and ``redacted`` members) is known. The next publish copies the spans of
the assistants that did not change instead of parsing and re-serialising ~30 MB of JSON
(docs/index-format.md; the manifest that records the spans is signed, see ``manifest``).
"""
from __future__ import annotations

import json
from typing import Any

Span = tuple[int, int]


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def dump(data: dict[str, Any], fragments: dict[str, bytes]) -> tuple[bytes, dict[str, Span], dict[str, Span]]:
    """(the file, the span of each assistant entry, the span of each other top-level member).

    ``fragments`` holds the serialised entry of assistants kept from the previous
    publish; their entries in ``data`` are not serialised again.
    """
    parts: list[bytes] = [b"{"]
    size = 1
    keys: dict[str, Span] = {}
    members: dict[str, Span] = {}
    first = True
    for name, value in data.items():
        head = (b"" if first else b",") + _dumps(name) + b":"
        first = False
        parts.append(head)
        size += len(head)
        start = size
        if name == "assistants":
            parts.append(b"{")
            size += 1
            inner_first = True
            for key, entry in value.items():
                lead = (b"" if inner_first else b",") + _dumps(key) + b":"
                inner_first = False
                body = fragments.get(key)
                if body is None:
                    body = _dumps(entry)
                parts.append(lead)
                parts.append(body)
                size += len(lead)
                keys[key] = (size, size + len(body))
                size += len(body)
            parts.append(b"}")
            size += 1
        else:
            body = _dumps(value)
            parts.append(body)
            size += len(body)
        members[name] = (start, size)
    parts.append(b"}")
    return b"".join(parts), keys, members
