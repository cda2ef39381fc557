"""Text and JSON for the summary ``roster publish`` prints at the end."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roster.publish.output import PublishResult

SKIPPED_SHOWN = 10


def render_publish(result: PublishResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result._asdict(), indent=2)
    lines = [f"published {result.assistants} assistants, {result.versions} versions "
             f"({result.head[:12]}) to {result.out} ({result.written} files written, {result.reused} kept)"]
    lines += [f"redacted (looks like a secret): {place}" for place in result.redacted]
    if result.skipped:
        # repr(): a name from history may hold markup or terminal control characters.
        names = ", ".join(repr(n) for n in result.skipped[:SKIPPED_SHOWN])
        more = " ..." if len(result.skipped) > SKIPPED_SHOWN else ""
        lines.append(f"left out {len(result.skipped)} name(s) found in history that are not valid ids: {names}{more}")
    return "\n".join(lines)
