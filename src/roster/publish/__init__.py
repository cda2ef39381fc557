"""The published version history (SPEC section 7): ``index.json``, per-version files, HTML pages."""
from __future__ import annotations

from roster.publish.index import PublishedIndex, build_index, version_json
from roster.publish.output import PublishResult, publish

__all__ = ["PublishedIndex", "PublishResult", "build_index", "publish", "version_json"]
