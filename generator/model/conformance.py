"""Whether a value the document gives (an example) is valid for its schema's IR type.

An example that fits is test data: the generated tests send it and expect it back, and a mock
server (Prism) answers with it. One that contradicts its schema would make the client's own
tests fail (the client rightly rejects it), so it is reported and left out. The judge follows
the schema, and is lenient only where the client is: a JSON null is accepted for an optional
or nullable property, and 1.0 for an integer (one JSON value).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Iterable

from generator.model import ir
from generator.model.cycles import all_fields
from generator.model.enumvalues import json_equal

_FORMATS = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}\Z"),
    "date-time": re.compile(
        r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?\Z"
    ),
}
_KINDS = {"str": "a string", "int": "an integer", "float": "a number", "bool": "a boolean"}


@dataclass(frozen=True)
class Problem:
    where: tuple[str, ...]  # the pointer's tokens, from the example down to the wrong value
    message: str

    def __str__(self) -> str:
        inside = "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in self.where)
        return f"{self.message} (at {inside})" if inside else self.message

    def within(self, token: object) -> Problem:
        return Problem((str(token), *self.where), self.message)


@dataclass
class Judge:
    models: dict[str, ir.Model]
    enums: dict[str, ir.Enum]
    _fields: dict[str, list[ir.Field]] = field(default_factory=dict)

    def problem(
        self,
        value: object,
        type_: ir.TypeRef,
        limits: ir.Limits = ir.NO_LIMITS,
        nullable: bool = False,
    ) -> Problem | None:
        """What makes value invalid for type_ (None when it is valid)."""
        if value is None:
            return None if nullable or _admits_null(type_) else Problem((), "null is not allowed")
        if isinstance(type_, ir.Primitive):
            return _found(_primitive(value, type_) or _limited(value, limits))
        if isinstance(type_, ir.EnumRef):
            return _found(self._member(value, type_.name))
        if isinstance(type_, (ir.ArrayOf, ir.MapOf, ir.ModelRef)):
            return self._container(value, type_)
        if isinstance(type_, ir.UnionOf):
            problems = [self.problem(value, option) for option in type_.options]
            return None if None in problems else problems[0]
        return Problem((), "no value is allowed") if isinstance(type_, ir.NoneValue) else None

    def _container(
        self, value: object, type_: ir.ArrayOf | ir.MapOf | ir.ModelRef
    ) -> Problem | None:
        if isinstance(type_, ir.ArrayOf):
            if not isinstance(value, list):
                return Problem((), f"{_shown(value)} is not an array")
            return _first((i, self.problem(v, type_.item)) for i, v in enumerate(value))
        if not isinstance(value, dict):
            return Problem((), f"{_shown(value)} is not an object")
        if isinstance(type_, ir.MapOf):
            return _first((k, self.problem(v, type_.value)) for k, v in value.items())
        return self._model(value, type_.name)

    def _model(self, value: dict[str, object], name: str) -> Problem | None:
        model = self.models.get(name)
        if model is None:
            return None
        if name not in self._fields:
            self._fields[name] = all_fields(name, self.models)
        fields = {f.wire_name: f for f in self._fields[name]}
        missing = [w for w, f in fields.items() if f.required and w not in value]
        if missing:
            return Problem((), f"the required property {missing[0]!r} is missing")
        extra = model.extra if model.extra is not None else ir.AnyValue()
        return _first((k, self._property(v, fields.get(k), extra)) for k, v in value.items())

    def _property(
        self, value: object, field_: ir.Field | None, extra: ir.TypeRef
    ) -> Problem | None:
        if field_ is None:
            return self.problem(value, extra)
        # the client accepts null for any property it does not require
        nullable = field_.nullable or not field_.required
        return self.problem(value, field_.type, field_.limits, nullable)

    def _member(self, value: object, name: str) -> str:
        enum = self.enums.get(name)
        if enum is None or any(json_equal(m.value, value) for m in enum.members):
            return ""
        return f"{_shown(value)} is not one of the enum's values"


def names_model(type_: ir.TypeRef) -> bool:
    """Whether type_ is or holds a model (whose fields are known only once every model is)."""
    if isinstance(type_, ir.ModelRef):
        return True
    if isinstance(type_, ir.ArrayOf):
        return names_model(type_.item)
    if isinstance(type_, ir.MapOf):
        return names_model(type_.value)
    if isinstance(type_, ir.UnionOf):
        return any(names_model(option) for option in type_.options)
    return False


def _found(message: str) -> Problem | None:
    return Problem((), message) if message else None


def _first(problems: Iterable[tuple[object, Problem | None]]) -> Problem | None:
    """The first problem found in the parts of a value, with where it is."""
    for token, problem in problems:
        if problem is not None:
            return problem.within(token)
    return None


def _admits_null(type_: ir.TypeRef) -> bool:
    if isinstance(type_, ir.UnionOf):
        return any(_admits_null(option) for option in type_.options)
    return isinstance(type_, (ir.NoneValue, ir.AnyValue))


def _primitive(value: object, type_: ir.Primitive) -> str:
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    fits = {
        "str": isinstance(value, str),
        "int": numeric and integral,
        "float": numeric,
        "bool": isinstance(value, bool),
    }.get(type_.kind, True)
    if not fits:
        return f"{_shown(value)} is not {_KINDS.get(type_.kind, type_.kind)}"
    pattern = _FORMATS.get(type_.format)
    if pattern is not None and isinstance(value, str) and not pattern.match(value):
        return f"{_shown(value)} is not a {type_.format}"
    return ""


def _limited(value: object, limits: ir.Limits) -> str:
    if isinstance(value, str):
        if limits.min_length is not None and len(value) < limits.min_length:
            return f"{_shown(value)} is shorter than minLength {limits.min_length}"
        if limits.max_length is not None and len(value) > limits.max_length:
            return f"{_shown(value)} is longer than maxLength {limits.max_length}"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if limits.minimum is not None and value < limits.minimum:
            return f"{_shown(value)} is below the minimum {limits.minimum:g}"
        if limits.maximum is not None and value > limits.maximum:
            return f"{_shown(value)} is above the maximum {limits.maximum:g}"
    return ""


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."
