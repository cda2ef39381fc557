"""The YAML policy (SPEC section 2): YAML 1.2 core on PyYAML's C parser, strict and bounded."""
from __future__ import annotations

import pytest

from roster.yamlload import MAX_BYTES, MAX_DEPTH, MAX_NODES, YamlError, decode, load_bytes, load_text


def value_of(scalar: str):
    """How a plain scalar resolves, as the value of a key."""
    return load_text(f"k: {scalar}\n").data["k"]


def error_of(text: str | bytes) -> YamlError:
    with pytest.raises(YamlError) as info:
        load_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return info.value


# --- YAML 1.2 core schema ---------------------------------------------------------------

@pytest.mark.parametrize("scalar, expected", [
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False), ("FALSE", False),
    ("null", None), ("Null", None), ("NULL", None), ("~", None), ("", None),
    ("0", 0), ("-17", -17), ("+4", 4), ("012", 12), ("0o17", 15), ("0x1F", 31),
    ("1.5", 1.5), ("-.5", -0.5), ("1.", 1.0), ("1e3", 1000.0), ("2.5E-1", 0.25),
])
def test_core_schema_values(scalar, expected):
    value = value_of(scalar)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("scalar", [
    # YAML 1.1 booleans stay strings
    "yes", "no", "Yes", "NO", "on", "off", "On", "OFF", "y", "n",
    # case variants the core schema does not name
    "tRue", "nUll", "FaLsE",
    # dates, times and sexagesimal numbers stay strings
    "2024-01-01", "2001-12-14t21:59:43.10-05:00", "2002-12-14", "12:30", "190:20:30",
    # YAML 1.1 number forms that 1.2 dropped
    "1_000", "0b101", "0x", "+.5.5", "1__0",
])
def test_yaml11_surprises_stay_strings(scalar):
    assert value_of(scalar) == scalar


def test_quoted_scalars_are_always_strings():
    data = load_text('a: "true"\nb: \'12\'\nc: "null"\nd: "2024-01-01"\n').data
    assert data == {"a": "true", "b": "12", "c": "null", "d": "2024-01-01"}


@pytest.mark.parametrize("scalar, message", [
    (".inf", "'.inf' (infinity or NaN) is not a JSON number"),
    ("-.Inf", "is not a JSON number"),
    (".nan", "is not a JSON number"),
    ("1e400", "'1e400' is too large to be a JSON number"),
])
def test_numbers_json_cannot_hold_are_errors(scalar, message):
    error = error_of(f"k: {scalar}\n")
    assert message in error.message
    assert (error.line, error.column, error.pointer) == (1, 4, "k")


@pytest.mark.parametrize("text, expected", [
    ("k: !!str 12", "12"),
    ("k: !!int 12", 12),
    ("k: !!float 12", 12.0),
    ("k: !!bool true", True),
    ("k: !!null null", None),
    ("k: ! 12", "12"),  # the non-specific tag: a string
    ("k: !!seq [a]", ["a"]),
    ("k: !!map {a: 1}", {"a": 1}),
])
def test_standard_tags_are_allowed(text, expected):
    value = load_text(text + "\n").data["k"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text, message", [
    ("k: !!int abc", "'abc' is not a valid !!int"),
    ("k: !!bool yes", "'yes' is not a valid !!bool"),
    ("k: !!float x", "'x' is not a valid !!float"),
    ("k: !!int true", "'true' is not a valid !!int"),
])
def test_standard_tags_with_wrong_values_are_errors(text, message):
    assert message in error_of(text + "\n").message


@pytest.mark.parametrize("text, tag", [
    ("k: !!python/object:os.system x", "!!python/object:os.system"),
    ("k: !!python/name:os.system ''", "!!python/name:os.system"),
    ("k: !!binary aGVsbG8=", "!!binary"),
    ("k: !!timestamp 2024-01-01", "!!timestamp"),
    ("k: !!set {a, b}", "!!set"),
    ("k: !!omap [a: 1]", "!!omap"),
    ("k: !Ref Something", "!Ref"),
    ("k: !!python/tuple [1, 2]", "!!python/tuple"),
    ("k: !<tag:example.com,2024:x> y", "tag:example.com,2024:x"),
])
def test_other_tags_are_refused(text, tag):
    error = error_of(text + "\n")
    assert error.message.startswith(f"tag {tag} is not allowed")
    assert (error.line, error.column, error.pointer) == (1, 4, "k")


def test_python_tags_execute_nothing(tmp_path):
    marker = tmp_path / "pwned"
    for text in (f'k: !!python/object/apply:os.system ["touch {marker}"]\n',
                 f'k: !!python/object/new:subprocess.check_call [["touch", "{marker}"]]\n',
                 f'k: !!python/object/apply:builtins.exec ["open(\'{marker}\', \'w\')"]\n'):
        error = error_of(text)
        assert "is not allowed" in error.message
    assert not marker.exists()


# --- structure ---------------------------------------------------------------------------

def test_duplicate_keys_are_errors_with_both_lines():
    error = error_of("a: 1\nconfig:\n  tags: [x]\n  run_name: r\n  tags: [y]\n")
    assert error.message == "duplicate key 'tags' (first defined at line 3)"
    assert (error.line, error.column, error.pointer) == (5, 3, "config.tags")


def test_duplicate_keys_in_flow_mappings_are_errors():
    error = error_of("k: {a: 1, b: 2, a: 3}\n")
    assert "duplicate key 'a'" in error.message
    assert (error.line, error.column) == (1, 17)


def test_same_key_in_different_mappings_is_fine():
    assert load_text("a: {x: 1}\nb: {x: 2}\n").data == {"a": {"x": 1}, "b": {"x": 2}}


@pytest.mark.parametrize("text, message", [
    ("1: x\n", "keys must be strings; quote '1' to use it as a key"),
    ("true: x\n", "keys must be strings; quote 'true' to use it as a key"),
    ("null: x\n", "keys must be strings; quote 'null' to use it as a key"),
    ("? [a, b]\n: x\n", "keys must be plain strings, not a mapping or a list"),
    ("? {a: 1}\n: x\n", "keys must be plain strings, not a mapping or a list"),
    ("a: &k name\n*k : x\n", "an alias cannot be used as a key"),
    ("a: *nowhere\n", "unknown alias *nowhere"),
    ("base: &b {x: 1}\nother:\n  <<: *b\n", "merge keys (<<) are not part of YAML 1.2"),
])
def test_key_rules(text, message):
    assert message in error_of(text).message


def test_quoted_keys_are_strings_even_when_they_look_like_other_things():
    data = load_text('"1": a\n"true": b\n"<<": c\n"null": d\n').data
    assert data == {"1": "a", "true": "b", "<<": "c", "null": "d"}


@pytest.mark.parametrize("text, kind, line", [
    ("- a\n- b\n", "a list", 1),
    ("\n\njust text\n", "a str scalar", 3),
    ("42\n", "a int scalar", 1),
    ("", "an empty document", 1),
    ("# only a comment\n", "an empty document", 1),
    ("---\n...\n", "an empty document", 2),
])
def test_top_level_must_be_a_mapping(text, kind, line):
    error = error_of(text)
    assert error.message == f"the top level must be a mapping, not {kind}"
    assert error.line == line


def test_one_document_per_file():
    assert load_text("---\na: 1\n...\n").data == {"a": 1}
    error = error_of("a: 1\n---\nb: 2\n")
    assert "more than one YAML document" in error.message
    assert error.line == 2


# --- bounds ------------------------------------------------------------------------------

def test_aliases_are_expanded():
    data = load_text("a: &x {k: [1, 2]}\nb: *x\nc: [*x, *x]\n").data
    assert data["b"] == {"k": [1, 2]}
    assert data["c"] == [{"k": [1, 2]}, {"k": [1, 2]}]


def billion_laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_an_error_not_a_hang():
    error = error_of(billion_laughs())
    assert f"document expands to more than {MAX_NODES:,} nodes (alias bomb?)" == error.message
    assert error.line <= 6  # stopped while counting, long before the 10**9 nodes
    assert error.pointer.startswith("l")


def test_expansion_below_the_bound_loads():
    # 9**4 strings plus the lists: well under MAX_NODES
    assert len(load_text(billion_laughs(3)).data["l3"]) == 9


@pytest.mark.parametrize("opener, closer", [("[", "]"), ("{a: ", "}")])
def test_nesting_is_bounded(opener, closer):
    ok = "k: " + opener * (MAX_DEPTH - 1) + "1" * (opener == "{a: ") + closer * (MAX_DEPTH - 1) + "\n"
    load_text(ok)  # the root mapping plus 63 levels
    deep = "k: " + opener * 10_000 + "1" * (opener == "{a: ") + closer * 10_000 + "\n"
    error = error_of(deep)
    assert error.message == f"nesting deeper than {MAX_DEPTH} levels"
    assert error.line == 1


def test_deep_block_nesting_is_bounded():
    text = "".join(" " * i + f"k{i}:\n" for i in range(200))
    error = error_of(text)
    assert error.message == f"nesting deeper than {MAX_DEPTH} levels"
    assert error.line == MAX_DEPTH + 1
    assert error.pointer.startswith("k0.k1.k2.")


def test_deep_block_sequences_are_bounded():
    error = error_of("k:\n  " + "- " * 10_000 + "x\n")
    assert error.message == f"nesting deeper than {MAX_DEPTH} levels"


def test_size_limit():
    filler = "# " + "x" * 98 + "\n"
    head = b"a: 1\n"
    body = head + filler.encode() * ((MAX_BYTES - len(head)) // len(filler))
    exact = body + b"#" * (MAX_BYTES - len(body) - 1) + b"\n"
    assert len(exact) == MAX_BYTES
    assert load_bytes(exact).data == {"a": 1}
    error = error_of(exact + b"\n")
    assert error.message == f"file is larger than 1 MiB; the limit is {MAX_BYTES:,} bytes"
    assert (error.line, error.column) == (1, 1)


# --- encoding ----------------------------------------------------------------------------

def test_utf8_bom_is_accepted():
    assert load_bytes(b"\xef\xbb\xbfname: caf\xc3\xa9\n").data == {"name": "café"}


def test_invalid_utf8_is_located_by_character():
    error = error_of(b"a: 1\nname: \xc3\xa9\xff\n")
    assert error.message == "invalid UTF-8 (byte 0xff); files must be UTF-8"
    assert (error.line, error.column) == (2, 8)


def test_latin1_file_is_refused():
    error = error_of("graph_id: writer\nname: Café\n".encode("latin-1"))
    assert "invalid UTF-8 (byte 0xe9)" in error.message
    assert (error.line, error.column) == (2, 10)


def test_nul_byte_is_refused():
    error = error_of(b"a: 1\nb: x\x00y\n")
    assert error.message == "NUL byte found: this is not a text file"
    assert (error.line, error.column) == (2, 5)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_is_refused(encoding):
    raw = "a: 1\n".encode(encoding)
    if not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raw = b"\xfe\xff" + raw
    assert error_of(raw).message == "file is UTF-16; only UTF-8 is accepted"


def test_binary_garbage_is_an_error():
    error = error_of(bytes(range(1, 256)) * 4)
    assert error.message.startswith(("invalid UTF-8", "invalid YAML"))


def test_decode_returns_text():
    assert decode(b"\xef\xbb\xbfa: 1") == "a: 1"


# --- locations -----------------------------------------------------------------------------

DOC = """\
graph_id: writer
config:
  tags: [blog, social]
  configurable:
    temperature: 0.7
    prompt: |
      hello
items:
  - name: a
  - name: b
shared: &s {x: 1}
again: *s
"""


def test_every_node_keeps_its_position():
    doc = load_text(DOC)
    assert doc.locate(("graph_id",)) == (1, 1)  # a mapping entry points at its key
    assert doc.locate_value(("graph_id",)) == (1, 11)  # a wrong value points at the value
    assert doc.locate(("config", "configurable", "temperature")) == (5, 5)
    assert doc.locate_value(("config", "configurable", "temperature")) == (5, 18)
    assert doc.locate_value(("config", "tags", 1)) == (3, 16)
    assert doc.locate_value(("config", "configurable", "prompt")) == (6, 13)
    assert doc.locate(("items", 1, "name")) == (10, 5)
    assert doc.locate_value(("config",)) == (2, 1)  # a collection: its key
    assert doc.locate(()) == (1, 1)


def test_unknown_paths_fall_back_to_the_nearest_ancestor():
    doc = load_text(DOC)
    assert doc.locate(("config", "configurable", "missing")) == (4, 3)
    assert doc.locate(("again", "x")) == (12, 1)  # inside an alias: where the alias is used
    assert doc.locate(("nothing", "here")) == (1, 1)


def test_document_get():
    doc = load_text(DOC)
    assert doc.get(("items", 0, "name")) == "a"
    assert doc.get(("items", 5, "name"), "default") == "default"
    assert doc.get(("graph_id", "x")) is None


def test_syntax_errors_have_locations_and_one_line():
    error = error_of("a: 1\nb: [1, 2\nc: 3\n")
    assert error.message.startswith("invalid YAML: ")
    assert "\n" not in error.message
    assert error.line == 3
    assert str(error) == f"{error.line}:{error.column}: {error.message}"


@pytest.mark.parametrize("text", [
    "a: 'unclosed\n",
    'a: "bad escape \\q"\n',
    "a: b: c\n",
    "\tkey: tab-indented\n",
    "a: @reserved\n",
    "a:\n  - x\n  y: 1\n",
    "%YAML 9.9\n---\na: 1\n",
    "[a, b\n",
])
def test_malformed_yaml_is_an_error_with_a_location(text):
    error = error_of(text)
    assert error.message.startswith("invalid YAML")
    assert error.line >= 1 and error.column >= 1
    assert "\n" not in error.message


# --- Roster's own words for libyaml's failures ---------------------------------------------

@pytest.mark.parametrize("text, message, where", [
    ("a: 'unclosed\n", "invalid YAML: a quoted string is never closed", (2, 1)),
    ('a: "bad escape \\q"\n', ("invalid YAML: unknown escape sequence in a double-quoted string;"
     " write \\\\ for a backslash or use single quotes"), (1, 16)),
    ("a: b: c\n", ("invalid YAML: unexpected ':'; a value that contains ': ' must be quoted,"
     " and a nested mapping starts on its own line"), (1, 5)),
    ("a:\n  - x\n  y: 1\n", "invalid YAML: expected a '-' list item at this indentation; check the indentation",
     (3, 3)),
    ("%YAML 9.9\n---\na: 1\n", ("invalid YAML: unsupported %YAML version; Roster reads YAML 1.2"
     " (write no %YAML line)"), (1, 1)),
    ("a: 1\nb: [1, 2\nc: 3\n", "invalid YAML: a [ ] list is not closed; expected ',' or ']'", (3, 2)),
    ("a: {b: 1\n", "invalid YAML: a { } mapping is not closed; expected ',' or '}'", (2, 1)),
    ("a: [", "invalid YAML: a value is missing here", (2, 1)),
    ("a: \"\\u12\"\n", "invalid YAML: an escape (\\x, \\u, \\U) needs hexadecimal digits", (1, 7)),
    ("a: *\n", "invalid YAML: an alias (*name) needs a name of letters, digits, '-' or '_'", (1, 5)),
    ("a: |0\n  x\n", "invalid YAML: a block scalar's indentation indicator must be 1 to 9", (1, 5)),
    ("a: -\n", "invalid YAML: a '-' list item cannot start here; put the list on the next line, indented", (1, 4)),
    ("  a: 1\nb: 2\n", ("invalid YAML: content after the top-level mapping ended; check the indentation"
     " of this line"), (2, 1)),
    ("a: x\x07\n", "invalid YAML: character U+0007 is not allowed; write it as an escape inside double quotes",
     (1, 5)),
])
def test_libyaml_failures_get_rosters_words(text, message, where):
    error = error_of(text)
    assert error.message == message
    assert (error.line, error.column) == where


@pytest.mark.parametrize("text", [
    "a: 'unclosed\n", "a: b: c\n", "\tkey: tab\n", "a: @x\n", "[a, b\n", "a: !x!y 1\n", "%FOO\n---\na: 1\n",
    "a: 1\n---x\n", "a: |x\n", "%TAG !x! a\n%TAG !x! b\n---\na: 1\n", "a: \"\\ud800\"\n", "a: !<x\n",
])
def test_no_libyaml_wording_reaches_the_user(text):
    message = error_of(text).message
    for libyaml_words in ("while ", "did not find", "could not find", "found ", "not allowed in this context",
                          "cannot start any token", "hexdecimal"):
        assert libyaml_words not in message


@pytest.mark.parametrize("prefix, column", [
    ("k: ", 67),  # the root mapping and the list hold 2 levels: the 63rd '[' is the 65th level
    ("k: ['[[[[', \"[[\\\"[\", ", 84),  # brackets inside quotes do not count
])
def test_deep_flow_nesting_points_where_the_bound_is_crossed(prefix, column):
    # libyaml (>= 6.0.4) stops 10_000 levels itself, before Roster's builder sees level 65
    error = error_of(prefix + "[" * 10_000 + "]" * 10_000 + ("]" if "'" in prefix else "") + "\n")
    assert error.message == f"nesting deeper than {MAX_DEPTH} levels"
    assert (error.line, error.column) == (1, column)


def test_deep_flow_nesting_after_a_comment():
    error = error_of("k: [ # [[[[\n " + "[" * 10_000 + "]" * 10_000 + "]\n")
    assert (error.line, error.column, error.message) == (2, 64, f"nesting deeper than {MAX_DEPTH} levels")


def test_the_loader_keeps_every_name_its_callers_import():
    # The policy is split (yamldoc, yamlcore, yamlbuild); callers still import from yamlload.
    import roster.yamlload as loader
    from roster import yamlcore, yamldoc

    assert loader.YamlError is yamldoc.YamlError and loader.Document is yamldoc.Document
    assert loader.plain_means_string is yamlcore.plain_means_string
    assert (loader.MAX_BYTES, loader.MAX_INT_DIGITS) == (yamldoc.MAX_BYTES, yamldoc.MAX_INT_DIGITS)
    assert all(hasattr(loader, name) for name in loader.__all__)
