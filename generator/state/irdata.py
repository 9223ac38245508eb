"""The IR and the planned tests as JSON data, and back: what the cache keeps of them.

Only the dataclasses named in `_KINDS` are ever made from data, so an entry can describe nothing
else (no pickle: reading data never runs code). A dataclass becomes an object with its class name
under "~"; a tuple becomes {"~t": [...]}, so that what comes back equals what went in (the IR's
frozen dataclasses compare tuples, which JSON would turn into lists).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from generator.model import ir
from generator.render import testgen
from generator.model.names import ClassName, Identifier

_KINDS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        ir.Primitive,
        ir.ArrayOf,
        ir.MapOf,
        ir.ModelRef,
        ir.EnumRef,
        ir.AnyValue,
        ir.FileData,
        ir.UnionOf,
        ir.NoneValue,
        ir.Limits,
        ir.EnumMember,
        ir.Enum,
        ir.Field,
        ir.Discriminator,
        ir.Model,
        ir.Parameter,
        ir.Response,
        ir.Pagination,
        ir.Operation,
        ir.Resource,
        ir.SecurityScheme,
        ir.Credential,
        ir.PackageNames,
        ir.Api,
        testgen.Call,
        testgen.ErrorCase,
    )
}
_NAME_TYPES = {"ClassName": ClassName, "Identifier": Identifier}


class DataError(ValueError):
    """Data that does not describe a value of the IR."""


def dumps(value: object) -> str:
    """value as JSON text; equal values give equal text (a key for what a file is made from)."""
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":"), allow_nan=True)


def loads(text: str | bytes) -> Any:
    """The value dumps made text from; DataError when the text describes anything else."""
    try:
        return _decode(json.loads(text))
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise DataError(str(exc)) from exc


def _encode(value: object) -> object:
    if isinstance(value, (Identifier, ClassName)):
        return {"~n": type(value).__name__, "v": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # any dataclass can be written (a key may hold settings); only _KINDS are read back
        fields = {
            f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init
        }
        return {"~": type(value).__name__, **fields}
    if isinstance(value, tuple):
        return {"~t": [_encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {
            "~s": sorted((_encode(v) for v in value), key=json.dumps)
        }  # for keys; never read back
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"~d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{type(value).__name__} is not kept as data")


def _decode(data: object) -> object:
    if isinstance(data, list):
        return [_decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "~t" in data:
        return tuple(_decode(v) for v in _list(data["~t"]))
    if "~d" in data:
        return {_decode(k): _decode(v) for k, v in (_pair(p) for p in _list(data["~d"]))}
    if "~n" in data:
        return _NAME_TYPES[str(data["~n"])](str(data["v"]))
    kind = _KINDS.get(str(data.get("~")))
    if kind is None:
        raise DataError(f"not a kind kept as data: {data.get('~')!r}")
    return kind(**{name: _decode(v) for name, v in data.items() if name != "~"})


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise DataError("expected a list")
    return value


def _pair(value: object) -> tuple[Any, object]:
    if not isinstance(value, list) or len(value) != 2:
        raise DataError("expected a pair")
    return value[0], value[1]
