"""The one place that maps IR types to Python annotations (and the imports they need).

An annotation is also a valid runtime expression (Python ≥ 3.10), so the same text
serves in signatures, in model fields, and in the routes that parse responses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from . import ir

_FORMATS = {"date": ("datetime", "date"), "date-time": ("datetime", "datetime")}
_PRIMITIVES = {"str": "str", "int": "int", "float": "float", "bool": "bool"}


@dataclass
class Imports:
    """What a module needs to import for the annotations it prints."""

    stdlib: set[tuple[str, str]] = field(default_factory=set)  # (module, name)
    classes: set[str] = field(default_factory=set)  # model and enum class names
    runtime: set[str] = field(default_factory=set)  # names from the package's _runtime
    # base model → the alias of "it or one of its subtypes" (models with a discriminator)
    variants: dict[str, str] = field(default_factory=dict)

    def merge(self, other: Imports) -> None:
        self.stdlib |= other.stdlib
        self.classes |= other.classes
        self.runtime |= other.runtime


def annotation(type_: ir.TypeRef | None, imports: Imports, context: str = "field") -> str:
    """The annotation for type_; context is 'field', 'param' (accepts plain data too) or 'response'."""
    if type_ is None or isinstance(type_, ir.NoneValue):
        return "None"
    if isinstance(type_, ir.Primitive):
        return _primitive(type_, imports)
    if isinstance(type_, ir.ArrayOf):
        item = annotation(type_.item, imports, context)
        return f"Sequence[{item}]" if context == "param" and _add(imports, "collections.abc", "Sequence") else f"list[{item}]"
    if isinstance(type_, ir.MapOf):
        value = annotation(type_.value, imports, context)
        return f"Mapping[str, {value}]" if context == "param" and _add(imports, "collections.abc", "Mapping") else f"dict[str, {value}]"
    if isinstance(type_, ir.ModelRef):
        name = imports.variants.get(type_.name, type_.name) if context != "param" else type_.name
        imports.classes.add(name)
        if context == "param":
            _add(imports, "typing", "Any")
            return f"{name} | dict[str, Any]"
        return str(name)
    if isinstance(type_, ir.EnumRef):
        imports.classes.add(type_.name)
        return f"{type_.name} | {type_.kind}"  # unknown values from a newer server still parse
    if isinstance(type_, ir.FileData):
        if context == "param":
            imports.runtime.add("FileInput")
            return "FileInput"
        return "bytes"
    if isinstance(type_, ir.UnionOf):
        return " | ".join(_unique(annotation(option, imports, context) for option in type_.options))
    _add(imports, "typing", "Any")
    return "Any"


def route_type(type_: ir.TypeRef | None, imports: Imports) -> str:
    """What the runtime parses a response body into: a type expression, "bytes", or None."""
    if type_ is None:
        return "None"
    if isinstance(type_, ir.FileData):
        return '"bytes"'
    return annotation(type_, imports, "response")


def _primitive(type_: ir.Primitive, imports: Imports) -> str:
    if type_.kind == "str" and type_.format in _FORMATS:
        module, name = _FORMATS[type_.format]
        _add(imports, module, name)
        return name
    return _PRIMITIVES.get(type_.kind, "str")


def _add(imports: Imports, module: str, name: str) -> bool:
    imports.stdlib.add((module, name))
    return True


def _unique(items: Iterable[str]) -> list[str]:
    """The members of several unions, flattened at the top level only, without repeats."""
    out: list[str] = []
    for item in items:
        for part in _top_level_members(item):
            if part not in out:
                out.append(part)
    return out


def _top_level_members(union: str) -> list[str]:
    members, depth, start = [], 0, 0
    for index, char in enumerate(union):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth == 0 and union.startswith(" | ", index):
            members.append(union[start:index])
            start = index + 3
    members.append(union[start:])
    return members
