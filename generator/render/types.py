"""The one place that maps IR types to Python annotations (and the imports they need).

An annotation is also a valid runtime expression (Python ≥ 3.10), so the same text
serves in signatures, in model fields, and (naming classes through the models package,
inside a LazyType) in the routes that parse responses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from generator.model import ir

_FORMATS = {"date": ("datetime", "date"), "date-time": ("datetime", "datetime")}
_PRIMITIVES = {"str": "str", "int": "int", "float": "float", "bool": "bool"}


@dataclass
class Imports:
    """What a module needs to import for the annotations it prints."""

    stdlib: set[tuple[str, str]] = field(default_factory=set)  # (module, name)
    classes: set[str] = field(default_factory=set)  # model and enum class names
    lazy: set[str] = field(
        default_factory=set
    )  # class names reached through the models package (route types)
    runtime: set[str] = field(default_factory=set)  # names from the package's _runtime
    # base model → the alias of "it or one of its subtypes" (models with a discriminator)
    variants: dict[str, str] = field(default_factory=dict)
    # model → the TypedDict of its fields by Python name (what a body may be given as)
    dicts: dict[str, str] = field(default_factory=dict)

    def merge(self, other: Imports) -> None:
        self.stdlib |= other.stdlib
        self.classes |= other.classes
        self.lazy |= other.lazy
        self.runtime |= other.runtime


def annotation(
    type_: ir.TypeRef | None, imports: Imports, context: str = "field", package: str = ""
) -> str:
    """The annotation for type_; context is 'field', 'param' (accepts plain data too: a model's
    TypedDict, any sequence or mapping), 'dict' (as 'param', in a TypedDict) or 'response'.

    With package (a module alias such as "_models"), classes are named as its attributes and not imported.
    """
    if type_ is None or isinstance(type_, ir.NoneValue):
        return "None"
    if isinstance(type_, ir.Primitive):
        return _primitive(type_, imports)
    data = context in ("param", "dict")
    if isinstance(type_, ir.ArrayOf):
        item = annotation(type_.item, imports, context, package)
        return (
            f"Sequence[{item}]"
            if data and _add(imports, "collections.abc", "Sequence")
            else f"list[{item}]"
        )
    if isinstance(type_, ir.MapOf):
        value = annotation(type_.value, imports, context, package)
        return (
            f"Mapping[str, {value}]"
            if data and _add(imports, "collections.abc", "Mapping")
            else f"dict[str, {value}]"
        )
    if isinstance(type_, ir.ModelRef):
        if not data:
            return _class(imports, imports.variants.get(type_.name, type_.name), package)
        name = _class(imports, type_.name, package)
        typed = imports.dicts.get(type_.name)
        if typed:
            return f"{name} | {_class(imports, typed, package)}"
        _add(imports, "typing", "Any")
        return f"{name} | dict[str, Any]"
    if isinstance(type_, ir.EnumRef):
        # unknown values from a newer server still parse
        return f"{_class(imports, type_.name, package)} | {type_.kind}"
    if isinstance(type_, ir.FileData):
        if context == "param":
            imports.runtime.add("FileInput")
            return "FileInput"
        return "bytes"
    if isinstance(type_, ir.UnionOf):
        return " | ".join(
            _unique(annotation(option, imports, context, package) for option in type_.options)
        )
    _add(imports, "typing", "Any")
    return "Any"


def _class(imports: Imports, name: str, package: str) -> str:
    if package:
        imports.lazy.add(name)
        return f"{package}.{name}"
    imports.classes.add(name)
    return str(name)


def route_type(type_: ir.TypeRef | None, imports: Imports) -> str:
    """What the runtime parses a response body into: a type expression, "bytes", or None.

    A type that names models is a ``LazyType`` reaching them through the models package when a
    response first needs them: importing a resource module imports none of its models (Kubernetes'
    Core v1 would import 246 model modules).
    """
    if type_ is None:
        return "None"
    if isinstance(type_, ir.FileData):
        return '"bytes"'
    text = annotation(type_, imports, "response", MODELS_ALIAS)
    if not _names_models(type_):
        return text
    imports.runtime.add("LazyType")
    return f"LazyType(lambda: {text})"


MODELS_ALIAS = "_models"  # the resource modules' name for the models package


def body_type(type_: ir.TypeRef | None, imports: Imports) -> str:
    """What the runtime makes the dicts of a JSON body into (a ``LazyType``, as for responses),
    or "" when the body names no model."""
    if type_ is None or not _names_models(type_):
        return ""
    return route_type(type_, imports)


def _names_models(type_: ir.TypeRef) -> bool:
    if isinstance(type_, (ir.ModelRef, ir.EnumRef)):
        return True
    if isinstance(type_, ir.ArrayOf):
        return _names_models(type_.item)
    if isinstance(type_, ir.MapOf):
        return _names_models(type_.value)
    if isinstance(type_, ir.UnionOf):
        return any(_names_models(option) for option in type_.options)
    return False


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
