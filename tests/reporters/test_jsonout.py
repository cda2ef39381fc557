"""reporters/jsonout.py: JSON output keeps key order and non-ASCII text as written."""
from __future__ import annotations

import json

from roster.reporters.jsonout import dumps


def test_order_and_unicode_are_kept() -> None:
    data = {"z": "Grüße ✅", "a": [1, None, True]}
    text = dumps(data)
    assert text == '{\n  "z": "Grüße ✅",\n  "a": [\n    1,\n    null,\n    true\n  ]\n}'
    assert json.loads(text) == data
