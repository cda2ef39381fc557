"""Assistant ids: the path below assistants/ without the extension (SPEC section 1)."""
from __future__ import annotations

import pytest

from roster.errors import RosterError, UsageError
from roster.ids import check_id, id_from_relpath, id_problem, is_assistant_file


@pytest.mark.parametrize("relpath, assistant_id", [
    ("blog-writer.yaml", "blog-writer"),
    ("blog-writer.yml", "blog-writer"),
    ("marketing/blog-writer.yaml", "marketing/blog-writer"),
    ("a/b/c.v2.yaml", "a/b/c.v2"),
])
def test_id_from_relpath(relpath, assistant_id):
    assert id_from_relpath(relpath) == assistant_id


@pytest.mark.parametrize("name, expected", [
    ("x.yaml", True), ("x.yml", True), ("x.YAML", False), ("x.json", False), ("x.yaml.bak", False),
    ("README.md", False),
])
def test_is_assistant_file(name, expected):
    assert is_assistant_file(name) is expected


@pytest.mark.parametrize("assistant_id", [
    "blog-writer", "Blog_Writer", "team/blog-writer", "a/b/c", "v1.2", "x", "0", "a-b_c.d",
])
def test_valid_ids(assistant_id):
    assert id_problem(assistant_id) is None
    assert check_id(assistant_id) == assistant_id


@pytest.mark.parametrize("assistant_id, fragment", [
    ("", "empty assistant id"),
    ("../etc/passwd", "has an empty, '.' or '..' segment"),
    ("team/../../x", "has an empty, '.' or '..' segment"),
    ("/abs", "has an empty, '.' or '..' segment"),
    ("team//x", "has an empty, '.' or '..' segment"),
    ("trailing/", "has an empty, '.' or '..' segment"),
    (".hidden", "a segment may not start with '.'"),
    ("team/.hidden", "a segment may not start with '.'"),
    ("with space", "only letters, digits"),
    ("semi;colon", "only letters, digits"),
    ("at@sign", "only letters, digits"),
    ("back\\slash", "only letters, digits"),
    ("café", "only letters, digits"),
    ("nul\x00byte", "only letters, digits"),
    ("new\nline", "only letters, digits"),
])
def test_invalid_ids(assistant_id, fragment):
    problem = id_problem(assistant_id)
    assert problem is not None and fragment in problem
    with pytest.raises(UsageError) as info:
        check_id(assistant_id)
    assert isinstance(info.value, RosterError)


def test_ids_are_case_sensitive():
    assert id_from_relpath("Writer.yaml") != id_from_relpath("writer.yaml")
