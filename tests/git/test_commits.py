"""What a commit says as text (roster.git.commits): a version's message, decoded leniently."""
from __future__ import annotations

import pytest

from roster.git.commits import decode_text, iso_utc, version_message


@pytest.mark.parametrize(("message", "shown"), [
    ("Sharper prompt\n\nBody text", "Sharper prompt"),
    ("  padded summary  \n", "padded summary"),
    ("Merge pull request #7 from acme/feature\n\nSharper prompt for posts\n", "Sharper prompt for posts (#7)"),
    ("Merge pull request #12 from acme/x\n\n\n  Title after blank lines\nmore", "Title after blank lines (#12)"),
    ("Merge branch 'feature'\n\nWhat the branch did", "What the branch did"),
    ("Merge branch 'feature' of https://host/org/repo into main\n\nTitle", "Title"),
    ("Merge branch 'x' into 'main'\n\nGitLab title", "GitLab title"),
    ("Merge remote-tracking branch 'origin/x'\n\nTracked", "Tracked"),
    ("Merge pull request #7 from acme/feature", "Merge pull request #7 from acme/feature"),  # no title
    ("Merge pull request #7 from acme/feature: extra words\n\nTitle", "Merge pull request #7 from acme/feature: "
                                                                     "extra words"),  # not the generic text
    ("", ""),
])
def test_version_message(message: str, shown: str) -> None:
    assert version_message(message) == shown


def test_decode_text_uses_the_declared_encoding_else_utf8_else_replaces() -> None:
    assert decode_text("Café".encode("latin-1"), "ISO-8859-1") == "Café"
    assert decode_text("Café".encode(), "no-such-codec") == "Café"
    assert decode_text("Café".encode(), None) == "Café"
    assert decode_text(b"Caf\xe9", None) == "Caf\ufffd"


def test_iso_utc() -> None:
    assert iso_utc(0) == "1970-01-01T00:00:00Z"
    assert iso_utc(1_700_000_000) == "2023-11-14T22:13:20Z"
