"""The document as the model stage reads it: JSON values, and the helpers that narrow them.

The loaded document (ingest/document.py's SpecDict) is a dict of JSON values. Validation
leaves out a value of the wrong shape where the Swagger 2.0 schema says what belongs, but a
`$ref` may point at anything (an extension's value), so the normalizer narrows every value it
reads: a missing or misshapen object reads as an empty one, a missing or misshapen list as an
empty list.
"""

from __future__ import annotations

JSONObject = dict[str, object]  # a schema, parameter, operation, response... or the document
Path_ = tuple[str | int, ...]  # where a value sits in the document: a JSON pointer's tokens
Scalar = str | int | float | bool  # a JSON value that is not null, an object or an array


def as_object(value: object) -> JSONObject:
    """value when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[object]:
    """value when it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def iterated(value: object) -> list[object]:
    """What `for item in value or []` goes through: an array's items, and also an object's keys
    or a string's characters (a misshapen value is read so, as it always was); nothing for a
    number, a boolean or null."""
    return list(value) if isinstance(value, (list, dict, str)) else []


def text(value: object) -> str:
    """value as text, empty when it is missing or empty (or 0, or false)."""
    return str(value) if value else ""


def strings(value: object) -> tuple[str, ...]:
    """Each item of a JSON array as text; nothing when value is not an array."""
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def info(document: JSONObject) -> JSONObject:
    return as_object(document.get("info"))
