"""What the site shows of values (roster/publish/shown.py): YAML-looking text that reads back as what was written."""
from __future__ import annotations

from roster.publish.shown import yamlish


def test_scalars_that_would_read_as_something_else_are_quoted():
    text = yamlish({"n": 3, "f": 1.5, "s": "1.5", "sign": "-x", "dot": ".5", "word": "yes", "empty": "",
                    "tail": "a ", "plain": "gpt-4.1 mini", "path": "/a/b@c", "u": "é", "q": 'say "hi"',
                    "none": None, "t": True, 7: "seven", "a key": "v"})
    assert text.split("\n") == [
        "n: 3", "f: 1.5", 's: "1.5"', 'sign: "-x"', 'dot: ".5"', 'word: "yes"', 'empty: ""', 'tail: "a "',
        "plain: gpt-4.1 mini", "path: /a/b@c", 'u: "é"', 'q: "say \\"hi\\""', "none: null", "t: true",
        "7: seven", "a key: v"]


def test_blocks_nesting_and_empty_collections():
    text = yamlish({"config": {"configurable": {"system_prompt": "One.\nTwo.\n", "tools": [], "opts": {}},
                               "tags": ["a", {"k": [1, "x\ny"]}]}})
    assert text.split("\n") == [
        "config:", "  configurable:", "    system_prompt: |", "      One.", "      Two.", "    tools: []",
        "    opts: {}", "  tags:", "    - a", "    -", "      k:", "        - 1", "        - |", "          x",
        "          y"]
    assert yamlish({}) == "{}" and yamlish([]) == "[]" and yamlish("plain") == "plain"
