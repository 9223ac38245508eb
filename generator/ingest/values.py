"""Values the Swagger 2.0 schema allows but no client can use, left out with a warning
(`value-unusable`), so that no later stage reads them:

- a number JSON cannot hold (YAML's `.inf` and `.nan`, a literal such as `1e999`), anywhere: the
  effective document (`openapi.json`) is JSON, for the generator and every other tool;
- a limit (`maximum`, `minLength`, ...) a float cannot hold (an integer of 310 digits): limits are
  compared as floats;
- an enum value that is an object or an array, where the values are not (a query parameter's, a
  string's): no parameter can send it and no Python enum can hold it. An enum left with no value
  is left out whole.
"""

from __future__ import annotations

import math
from typing import Callable

from generator.ingest.document import remove_paths

Path_ = tuple[str | int, ...]
Warn = Callable[[Path_, str, str, str], None]  # (path, code, message, hint)

_LIMITS = (
    "maximum",
    "minimum",
    "multipleOf",
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "maxProperties",
    "minProperties",
)
_KEYWORDS = frozenset(_LIMITS + ("enum",))
_CODE, _HINT = (
    "value-unusable",
    "write a number JSON and a float can hold, or leave the keyword out",
)


def check_values(document: object, warn: Warn) -> None:
    """Leave out, with a warning each, the values of document no client can use."""
    unusable: list[Path_] = []
    stack: list[tuple[Path_, dict[str, object] | list[object]]] = []
    if isinstance(document, (dict, list)):
        stack.append(((), document))
    while stack:  # one pass over a large document costs a few percent of reading it
        path, node = stack.pop()
        # every mapping, extensions and examples too: a $ref may make a schema of any of them
        if isinstance(node, dict) and not _KEYWORDS.isdisjoint(node):
            unusable += _keywords(path, node, warn)
        for key, child in node.items() if isinstance(node, dict) else enumerate(node):
            if isinstance(child, (dict, list)):
                stack.append((path + (key,), child))
            elif isinstance(child, float) and not math.isfinite(child):
                message = f"{child!r} is not a number JSON can hold; it is left out"
                warn(path + (key,), _CODE, message, _HINT)
                unusable.append(path + (key,))
    remove_paths(document, unusable)


def _keywords(path: Path_, node: dict[str, object], warn: Warn) -> list[Path_]:
    """The unusable limits and enum values of a schema, parameter, header or items object."""
    found = [path + (key,) for key in _LIMITS if _beyond_a_float(node.get(key))]
    for where in found:
        message = f"{where[-1]} is beyond what a float holds (about 1.8e308); it is left out"
        warn(where, _CODE, message, _HINT)
    enum = node.get("enum")
    if isinstance(enum, list) and node.get("type") not in ("object", "array"):
        found += _enum_values(path + ("enum",), enum, warn)
    return found


_LARGEST = int(1.7976931348623157e308)  # the largest float, as an integer


def _beyond_a_float(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > _LARGEST


def _enum_values(path: Path_, enum: list[object], warn: Warn) -> list[Path_]:
    """The enum values that are objects or arrays; the whole enum when no other value is left."""
    found = [path + (index,) for index, value in enumerate(enum) if isinstance(value, (dict, list))]
    if not found:
        return []
    if len(found) == len(enum):
        what = "holds only objects or arrays, which its values cannot be"
        warn(path, _CODE, f"the enum {what}; it is left out", "give it values of its type")
        return [path]
    for where in found:
        kind = "an object" if isinstance(enum[int(where[-1])], dict) else "an array"
        message = f"the enum value is {kind}, which its values cannot be; it is left out"
        warn(where, _CODE, message, "give it values of its type")
    return found
