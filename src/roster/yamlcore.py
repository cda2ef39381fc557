"""YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1023-core-schema): what an untagged
plain scalar means (null, a boolean, an int, a float or a string), and which tags a file
may use. PyYAML resolves YAML 1.1 (``yes`` is true, ``010`` is octal); Roster resolves 1.2
here, for the loader and for writers of YAML that must know how their text reads back."""
from __future__ import annotations

import math
import re
from typing import Any

from roster.yamldoc import MAX_INT_BITS, MAX_INT_DIGITS, YamlError

STD = "tag:yaml.org,2002:"
ALLOWED_TAGS = {f"{STD}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")} | {"!"}

_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"[-+]?[0-9]+\Z")
_INT8 = re.compile(r"0o[0-7]+\Z")
_INT16 = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")

# What each standard scalar tag must resolve to (YAML 1.2 core schema).
STD_TYPES: dict[str, type | tuple[type, ...]] = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}


def tag_message(tag: str) -> str:
    """The error text for a tag outside ``ALLOWED_TAGS``."""
    short = "!!" + tag[len(STD):] if tag.startswith(STD) else tag
    return f"tag {short} is not allowed: only plain strings, numbers, booleans, null, mappings and lists"


def resolve_plain(value: str, mark: tuple[int, int]) -> Any:
    """Resolve an untagged plain scalar under the YAML 1.2 core schema."""
    if not value:
        return None
    first = value[0]
    if first in "~nN" and _NULL.match(value):
        return None
    if first in "tTfF" and value in _BOOL:
        return _BOOL[value]
    if first in "+-.0123456789":
        if _INT10.match(value):
            if len(value.lstrip("+-")) > MAX_INT_DIGITS:
                raise YamlError(f"integer with more than {MAX_INT_DIGITS:,} digits; JSON cannot carry it", *mark)
            return int(value)
        if _INT8.match(value) or _INT16.match(value):
            whole = int(value[2:], 8 if value[1] == "o" else 16)  # linear time for these bases
            if whole.bit_length() > MAX_INT_BITS:
                raise YamlError(f"integer with more than {MAX_INT_DIGITS:,} digits; JSON cannot carry it", *mark)
            return whole
        if _FLOAT.match(value):
            number = float(value)
            if math.isinf(number):
                raise YamlError(f"{value!r} is too large to be a JSON number", *mark)
            return number
        if _SPECIAL_FLOAT.match(value):
            raise YamlError(f"{value!r} (infinity or NaN) is not a JSON number; quote it for a string", *mark)
    return value


def plain_means_string(value: str) -> bool:
    """Whether ``value`` written as an untagged plain scalar reads back as this same string
    under ``resolve_plain`` (not null, a boolean or a number); for writers of YAML."""
    try:
        return isinstance(resolve_plain(value, (1, 1)), str)
    except YamlError:  # infinity, NaN or a too large number: not a string either
        return False
