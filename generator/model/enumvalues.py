"""An enum's values as a Python enum can hold them: each of one kind, the declared type's, once.

Swagger 2.0 takes `enum` from JSON Schema: a value is valid when it equals one of the listed
values as JSON (1 and 1.0 are one number) and fits the schema's `type` (true is a boolean, never
a number, and 1.5 is no integer). A value of another type can never be valid, so it is left
out. Two kinds of slip are read as what they plainly mean instead: a number or boolean listed
for a string (`enum: [1, 2]` in YAML) is its JSON text, and a number written as text for an
integer or number (`enum: ["0", "1"]`) is that number. Without a `type`, the first value's
type is the enum's.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from generator.model.jsonvalues import Scalar, iterated

# What each Swagger type's values are in Python.
_KINDS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?\Z")


@dataclass(frozen=True)
class EnumValues:
    kind: str  # str, int, float or bool: the Python type of every member's value
    members: tuple[tuple[Scalar, Scalar], ...]  # (what the member is named after, its value)
    repaired: tuple[object, ...] = ()  # values read as the declared type (see the module)
    dropped: tuple[object, ...] = ()  # values that cannot be of the declared type: left out


def enum_values(schema: dict[str, object], declared: str | None) -> EnumValues:
    """The usable values of schema's enum; declared is its Swagger type (None when it has none)."""
    listed = [v for v in iterated(schema.get("enum")) if v is not None]  # null: x-nullable's
    kind = _KINDS.get(declared or "", "") or _inferred(listed)
    kept: dict[tuple[str, object], Scalar] = {}  # by JSON value: the first of equal ones
    repaired: list[object] = []
    dropped: list[object] = []
    for value in listed:
        fitted, how = _fitted(value, kind)
        if fitted is None:
            dropped.append(value)
            continue
        if how == "repaired":
            repaired.append(value)
        kept.setdefault(_json_key(fitted), fitted)
    values = list(kept.values())
    if kind == "float":
        dropped += [v for v in values if _widened(v) is None]
        return EnumValues(kind, _floats(values), tuple(repaired), tuple(dropped))
    return EnumValues(kind, tuple((v, v) for v in values), tuple(repaired), tuple(dropped))


def json_equal(a: object, b: object) -> bool:
    """Equal as JSON values: 1 and 1.0 are, true and 1 are not."""
    return _json_key(a) == _json_key(b)


def _json_key(value: object) -> tuple[str, object]:
    """A value's key for JSON equality (Python's 1 == 1.0 has one hash, and so does True == 1)."""
    if isinstance(value, bool):
        return "boolean", value
    if isinstance(value, (int, float)):
        return "number", value
    return type(value).__name__, value


def _floats(values: list[Scalar]) -> tuple[tuple[Scalar, Scalar], ...]:
    """The members of a float enum: each named after its value as written, 1 as VALUE_1."""
    return tuple((v, f) for v in values for f in [_widened(v)] if f is not None)


def _widened(value: Scalar) -> float | None:
    """A number as a float (a member of a float enum); None for an integer no float can hold."""
    try:
        return float(value)
    except OverflowError:
        return None


def _inferred(values: list[object]) -> str:
    """No declared type: the first value's (a number enum with a fraction anywhere is float)."""
    first = next((v for v in values if isinstance(v, (str, int, float, bool))), None)
    if first is None or isinstance(first, str):
        return "str"
    if isinstance(first, bool):
        return "bool"
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return "float" if any(isinstance(v, float) for v in numbers) else "int"


def _fitted(value: object, kind: str) -> tuple[Scalar | None, str]:
    """value as a value of kind, and whether it was already ("ok") or is read so ("repaired");
    None when it cannot be one."""
    if kind == "str":
        return _as_text(value)
    if kind == "bool":
        return (value, "ok") if isinstance(value, bool) else (None, "")
    if isinstance(value, str):
        return _as_number(value, kind)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, ""
    if kind == "int" and isinstance(value, float):
        return (int(value), "ok") if value.is_integer() else (None, "")
    return value, "ok"


def _as_text(value: object) -> tuple[Scalar | None, str]:
    if isinstance(value, str):
        return value, "ok"
    if isinstance(value, (int, float, bool)):
        return json.dumps(value), "repaired"
    return None, ""


def _as_number(text: str, kind: str) -> tuple[Scalar | None, str]:
    if _INTEGER.match(text):
        return int(text), "repaired"
    if kind == "float" and _NUMBER.match(text):
        return float(text), "repaired"
    return None, ""
