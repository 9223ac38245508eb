"""The intermediate model as plain JSON data and back, in parts, for a memo to keep.

A regeneration compares the API it makes with the previous one (the changelog), and making the
previous one again from its document costs as much as making the new one. A run therefore keeps
its API in parts (the API's own fields, each resource, model and enum), each named by the hash
of its `repr` (the IR is frozen dataclasses, whose repr shows every field), and the next run
rebuilds the previous API from them: a part whose hash the new API also has is taken from the
new API, only the others are decoded.

The data is JSON (no pickle: a memo lives in a cache folder anyone may have written), decoded
only into the IR's own classes; anything else in it makes the whole thing unusable (None), and
the caller makes the previous API from its document instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from generator.memo import NO_MEMO, Memo, pack, unpack
from generator.model import ir
from generator.model.names import ClassName, Identifier

_CLASSES: dict[str, type] = {
    name: value
    for name, value in vars(ir).items()
    if isinstance(value, type) and dataclasses.is_dataclass(value)
}
_FIELDS = {name: tuple(f.name for f in dataclasses.fields(cls)) for name, cls in _CLASSES.items()}
_GROUPS = ("resources", "models", "enums")


class _Unusable(Exception):
    """Data this module did not write."""


def digest(part: object) -> str:
    return hashlib.sha256(repr(part).encode("utf-8", "surrogatepass")).hexdigest()


def parts(api: ir.Api) -> dict[str, object]:
    """api's parts: "api" (its own fields) and each resource, model and enum, in order."""
    shell = dataclasses.replace(api, resources=(), models=(), enums=())
    return {"api": shell, **{g: getattr(api, g) for g in _GROUPS}}


Indexed = tuple[dict[str, object], dict[str, Any]]  # what index() gives


def index(api: ir.Api) -> Indexed:
    """Every part of api by digest, and the order that puts them back together."""
    by_digest: dict[str, object] = {}
    order: dict[str, Any] = {}
    for group, value in parts(api).items():
        items = value if isinstance(value, tuple) else (value,)
        names = [digest(item) for item in items]
        by_digest.update(zip(names, items))
        order[group] = names if isinstance(value, tuple) else names[0]
    return by_digest, order


def encode(indexed: Indexed, kept: dict[str, Any]) -> dict[str, Any]:
    """An API as data (given its index): its order and every part, each as JSON text (taken
    from kept when there), so reading the data makes one string per part, and only the parts
    a run needs are decoded."""
    by_digest, order = indexed
    return {
        "order": order,
        "parts": {
            d: kept[d] if isinstance(kept.get(d), str) else _text(part)
            for d, part in by_digest.items()
        },
    }


def decode(data: Any, known: dict[str, object]) -> ir.Api | None:
    """The API data describes (known: parts already at hand, by digest), None when unusable."""
    try:
        order, stored = data["order"], data["parts"]

        def part(name: object, cls: type) -> Any:
            found = known[name] if isinstance(name, str) and name in known else None
            if found is None and isinstance(name, str) and isinstance(stored.get(name), str):
                found = _value(json.loads(stored[name]))
            if not isinstance(found, cls):
                raise _Unusable
            return found

        shell: ir.Api = part(order["api"], ir.Api)
        return dataclasses.replace(
            shell,
            resources=tuple(part(n, ir.Resource) for n in order["resources"]),
            models=tuple(part(n, ir.Model) for n in order["models"]),
            enums=tuple(part(n, ir.Enum) for n in order["enums"]),
        )
    except (_Unusable, KeyError, TypeError, ValueError, AttributeError, RecursionError):
        return None


def _text(part: object) -> str:
    return json.dumps(_data(part), ensure_ascii=False)


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


# -- one value --------------------------------------------------------------------------------------


def _data(value: object) -> Any:
    """value as JSON data: a dataclass, tuple, dict or name is an object with one key."""
    if isinstance(value, Identifier):
        return {"I": str(value)}
    if isinstance(value, ClassName):
        return {"C": str(value)}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, tuple):
        return {"T": [_data(v) for v in value]}
    if isinstance(value, list):
        return [_data(v) for v in value]
    if isinstance(value, dict):
        return {"D": [[_data(k), _data(v)] for k, v in value.items()]}
    name = type(value).__name__
    if _CLASSES.get(name) is not type(value):
        raise TypeError(f"not part of the IR: {type(value)!r}")
    return {"@": name, "f": [_data(getattr(value, f)) for f in _FIELDS[name]]}


def _value(data: Any) -> Any:
    if data is None or isinstance(data, (str, bool, int, float)):
        return data
    if isinstance(data, list):
        return [_value(v) for v in data]
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise _Unusable
    if "@" in data:
        cls = _CLASSES.get(data["@"])
        values = data.get("f")
        if cls is None or not isinstance(values, list) or len(values) != len(_FIELDS[data["@"]]):
            raise _Unusable
        return cls(*[_value(v) for v in values])
    ((kind, inner),) = data.items()
    if kind in ("I", "C") and isinstance(inner, str):
        return Identifier(inner) if kind == "I" else ClassName(inner)
    if kind == "T" and isinstance(inner, list):
        return tuple(_value(v) for v in inner)
    if kind == "D" and isinstance(inner, list):
        return {_value(k): _value(v) for k, v in inner}
    raise _Unusable


# -- kept in a memo ---------------------------------------------------------------------------------


def kept(memo: Memo, scope: str) -> dict[str, Any]:
    """What the memo keeps for scope: {"effective": the document's hash, "order", "parts"}."""
    texts = unpack(memo.read("api", scope)) if memo is not NO_MEMO else {}
    effective, order = texts.pop(_EFFECTIVE, None), _loads(texts.pop(_ORDER, ""))
    if effective is None or not isinstance(order, dict):
        return {}
    return {"effective": effective, "order": order, "parts": texts}


def recall(kept: dict[str, Any], effective_sha256: str, known: dict[str, object]) -> ir.Api | None:
    """The API kept for the document of that hash (None when what is kept is another's)."""
    return decode(kept, known) if kept.get("effective") == effective_sha256 else None


def keep(
    memo: Memo, scope: str, effective_sha256: str, indexed: Indexed, kept: dict[str, Any]
) -> None:
    """Keep an API (its index; made from the document of that hash) as scope's, unless kept is
    it already."""
    if kept.get("effective") == effective_sha256 or memo is NO_MEMO:
        return
    stored = kept.get("parts")
    data = encode(indexed, stored if isinstance(stored, dict) else {})
    head = {_EFFECTIVE: effective_sha256, _ORDER: json.dumps(data["order"])}
    memo.write("api", scope, pack({**head, **data["parts"]}))


_EFFECTIVE, _ORDER = "effective", "order"  # beside the parts, which are named by their digests
