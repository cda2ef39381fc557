"""The story repository, published once per test module."""
from __future__ import annotations

import pytest

from publish.story import Published, build_repo


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    from roster import Roster
    from roster.publish import publish

    base = tmp_path_factory.mktemp("published")
    story, extra = build_repo(base / "repo")
    site = base / "site"
    publish(Roster(str(story.path)), str(site), title="Story assistants")
    return Published(story, story.g, site, extra)
