"""Synthesize JSON data that is valid for an IR type: the data the generated tests send and expect.

Deterministic (no randomness, no clock); the spec's examples are used where they fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from generator.model import ir

_STRINGS = {
    "date": "2024-01-02",
    "date-time": "2024-01-02T03:04:05Z",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "byte": "YWJj",
    "email": "user@example.com",
    "uri": "https://example.com/x",
    "url": "https://example.com/x",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "password": "secret-value",
}
MAX_DEPTH = 4  # below this, only required fields are filled in (recursive models end)
HARD_DEPTH = 12  # a model that requires itself can never be complete: stop with an empty object
# The values in one datum (a body, a response): past the first, optional fields and array and
# map entries are left out (a 5 KB document of wide models made megabytes of tests); past the
# second, required fields are too: the datum is incomplete, and no test may use it.
SOFT_BUDGET = 500
HARD_BUDGET = 5000


@dataclass(frozen=True)
class Sample:
    """A synthesized datum, and what keeps it from being valid test data."""

    value: object
    unmet: tuple[str, ...] = ()  # limits it breaks (ir.Limits.unmet): a mock server refuses it
    incomplete: bool = False  # required fields were left out (HARD_BUDGET): the client refuses it


@dataclass
class Synthesizer:
    api: ir.Api
    sending: bool = False  # request bodies leave readOnly fields out

    def __post_init__(self) -> None:
        self.models: dict[str, ir.Model] = {m.name: m for m in self.api.models}
        self.enums: dict[str, ir.Enum] = {e.name: e for e in self.api.enums}
        self._fields: dict[str, list[ir.Field]] = {}  # model name -> its fields (see fields)
        # model name -> (discriminator property, value) of each base that names it, in the api's order
        self.tags: dict[str, list[tuple[str, object]]] = {}
        for model in self.api.models:
            if model.discriminator is not None:
                for value, sub in model.discriminator.mapping:
                    self.tags.setdefault(sub, []).append((model.discriminator.property, value))
        self._start()

    def _start(self) -> None:
        """Counters of the datum being made (see SOFT_BUDGET)."""
        self._count = 0
        self._unmet: list[str] = []
        self._incomplete = False

    def sample(self, type_: ir.TypeRef | None, limits: ir.Limits = ir.NO_LIMITS) -> Sample:
        """A value of type_ within limits, with what keeps it from being valid."""
        self._start()
        value = self._limited(type_, limits, 0) if type_ is not None else None
        return Sample(value, tuple(dict.fromkeys(self._unmet)), self._incomplete)

    def value(self, type_: ir.TypeRef | None) -> object:
        return self.sample(type_).value

    def limited(self, type_: ir.TypeRef, limits: ir.Limits) -> object:
        return self.sample(type_, limits).value

    def _value(self, type_: ir.TypeRef | None, depth: int) -> object:
        self._count += 1
        if type_ is None or isinstance(type_, ir.NoneValue):
            return None
        if isinstance(type_, ir.Primitive):
            return _primitive(type_)
        if isinstance(type_, ir.EnumRef):
            enum = self.enums.get(type_.name)
            return enum.members[0].value if enum and enum.members else "value"
        if isinstance(type_, ir.ArrayOf):
            return self.array(type_.item, depth + 1)
        if isinstance(type_, ir.MapOf):
            return {} if self._spent() else {"key": self._value(type_.value, depth + 1)}
        if isinstance(type_, ir.ModelRef):
            return self.model(type_.name, depth + 1)
        if isinstance(type_, ir.UnionOf):
            return self._value(
                next((o for o in type_.options if not isinstance(o, ir.NoneValue)), None), depth
            )
        if isinstance(type_, ir.FileData):
            return "file-content"
        return {"any": "value"}

    def _spent(self) -> bool:
        """Whether the datum has grown past SOFT_BUDGET: nothing optional is added any more."""
        return self._count > SOFT_BUDGET

    def _limited(self, type_: ir.TypeRef, limits: ir.Limits, depth: int) -> object:
        """A value of type_ within limits (minimum/maximum, minLength/maxLength) where a small
        value can be; one that cannot is noted."""
        value = self._value(type_, depth)
        if isinstance(value, bool) or limits == ir.NO_LIMITS:
            return value
        _, unmet = limits.unmet()
        if unmet:
            self._unmet.append(unmet)
        if isinstance(value, (int, float)):
            return _within(value, limits, integral=isinstance(value, int))
        if isinstance(value, str) and isinstance(type_, ir.Primitive) and not type_.format:
            return _sized(value, limits)
        return value

    def array(self, item: ir.TypeRef, depth: int) -> list[object]:
        """Two distinct items where the item type allows it, so csv and multi serializations differ.

        Deep down, or once the datum is large, an array is empty: that ends recursion through
        arrays and is still valid."""
        if (depth > MAX_DEPTH and isinstance(item, ir.ModelRef)) or self._spent():
            return []
        first = self._value(item, depth)
        second = _another(item, first, self.enums)
        return [first] if second is None else [first, second]

    def model(self, name: str, depth: int) -> dict[str, object]:
        data: dict[str, object] = {}
        if depth > HARD_DEPTH:
            return data
        if self._count > HARD_BUDGET:
            self._incomplete = True
            return data
        for field in self.fields(name):
            if self.sending and field.read_only:
                continue
            if field.required or (depth <= MAX_DEPTH and not self._spent()):
                use_example = field.has_example and not _reformatted(field.type)
                data[field.wire_name] = (
                    field.example if use_example else self._limited(field.type, field.limits, depth)
                )
        return self.discriminated(name, data)

    def fields(self, name: str) -> list[ir.Field]:
        """A model's fields, inherited ones first; a redeclared field keeps its latest declaration.

        Found once per model: through allOf diamonds a model is reached again and again."""
        if name not in self._fields:
            self._fields[name] = self._declared(name)
        return self._fields[name]

    def _declared(self, name: str) -> list[ir.Field]:
        model = self.models.get(name)
        if model is None:
            return []
        found: dict[str, ir.Field] = {}
        for parent in model.parents:
            for field in self.fields(parent):
                found[field.wire_name] = field
        for field in model.fields:
            found[field.wire_name] = field
        return list(found.values())

    def discriminated(self, name: str, data: dict[str, object]) -> dict[str, object]:
        """A model's data with its discriminator set to the model's own value."""
        for prop, value in self.tags.get(name, ()):
            if prop in data:
                data[prop] = value
        return data


def _another(item: ir.TypeRef, first: object, enums: dict[str, ir.Enum]) -> object:
    if isinstance(item, ir.Primitive) and item.kind == "int":
        return 2
    if isinstance(item, ir.Primitive) and item.kind == "str" and not item.format:
        return "other"
    if isinstance(item, ir.EnumRef) and item.name in enums and len(enums[item.name].members) > 1:
        return enums[item.name].members[1].value
    return None


def _reformatted(type_: ir.TypeRef) -> bool:
    """Dates parse and print back in their own form ('.001Z' becomes '.001000Z'): examples of them are not reused."""
    return isinstance(type_, ir.Primitive) and type_.format in ("date", "date-time")


def _within(value: float, limits: ir.Limits, integral: bool) -> float:
    """value moved within the bounds (a bound no float holds is left alone)."""
    low, high = (
        b if b is not None and math.isfinite(b) else None for b in (limits.minimum, limits.maximum)
    )
    if low is not None and value < low:
        value = math.ceil(low) if integral else low
    if high is not None and value > high:
        value = math.floor(high) if integral else high
    return int(value) if integral else float(value)


def _sized(value: str, limits: ir.Limits) -> str:
    """value padded to minLength (at most ir.TEST_STRING_LENGTH characters), cut to maxLength."""
    if limits.min_length is not None and len(value) < limits.min_length:
        value = value + "x" * (min(limits.min_length, ir.TEST_STRING_LENGTH) - len(value))
    if limits.max_length is not None and len(value) > limits.max_length:
        value = value[: limits.max_length]
    return value


def _primitive(type_: ir.Primitive) -> object:
    if type_.kind == "int":
        return 1
    if type_.kind == "float":
        return 1.5
    if type_.kind == "bool":
        return True
    return _STRINGS.get(type_.format, "string")
