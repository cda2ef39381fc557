"""Problems: plain data with a location, rendered one per line."""
from __future__ import annotations

from roster.problems import Problem, pointer_of


def test_pointer_of():
    assert pointer_of(()) == ""
    assert pointer_of(("config", "configurable", "temperature")) == "config.configurable.temperature"
    assert pointer_of(("metadata", "tools", 0, "name")) == "metadata.tools[0].name"
    assert pointer_of(("list", 1, 2)) == "list[1][2]"


def test_format_is_one_line_with_file_line_and_column():
    p = Problem("error", "assistants/a.yaml", 6, 18, "config.configurable.temperature", "'hot' is not of type 'number'",
                "a")
    assert p.format() == ("assistants/a.yaml:6:18: error: config.configurable.temperature: "
                          "'hot' is not of type 'number'")
    assert Problem("warning", "x.yaml", 1, 1, "", "m").format() == "x.yaml:1:1: warning: m"


def test_as_json_has_the_fields_of_spec_section_6():
    p = Problem("error", "assistants/a.yaml", 2, 3, "graph_id", "msg", "a")
    assert p.as_json() == {"assistant_id": "a", "path": "assistants/a.yaml", "line": 2, "column": 3,
                           "pointer": "graph_id", "message": "msg"}
