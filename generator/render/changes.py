"""What a change is, what it implies, and how two types compare (see compare.py for the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping, Sequence

from generator.model.ir import AnyValue, ArrayOf, EnumRef, MapOf, Primitive, TypeRef, UnionOf

BREAKING, FEATURE, DOCS = "breaking", "feature", "docs"


@dataclass(frozen=True)
class Change:
    kind: str  # breaking, feature or docs
    subject: (
        str  # as users see it: client.calls.find_calls(limit=...), Call.batch_id, CallState.READY
    )
    wire: str  # as the document says it: GET /calls query limit
    message: str


def bump(changes: Iterable[Change]) -> str:
    kinds = {c.kind for c in changes}
    if BREAKING in kinds:
        return "major"
    if FEATURE in kinds:
        return "minor"
    return "patch" if DOCS in kinds else "none"


def should_fail(changes: Iterable[Change], fail_on: str) -> bool:
    """`--fail-on`: breaking (a breaking change), any (any change) or never."""
    kinds = {c.kind for c in changes}
    return BREAKING in kinds if fail_on == "breaking" else bool(kinds) and fail_on == "any"


# -- types: the one place that says whether a type widened or narrowed -------------------------------------

SAME, WIDER, NARROWER, INCOMPATIBLE = "same", "wider", "narrower", "incompatible"

# Two different scalar kinds: does the new one accept every old value (wider) or only some of them
# (narrower)? A pair missing here is unrelated (str/int, bool/int, str/date...): incompatible.
_SCALARS = {("int", "float"): WIDER, ("float", "int"): NARROWER}
# Formats that give a string another Python type; any other format change is invisible to users.
_STRING_FORMATS = {"date": "date", "date-time": "datetime"}
_NO_ENUMS: Mapping[str, str] = MappingProxyType({})


def type_change(old: TypeRef, new: TypeRef, enum_kinds: Mapping[str, str] = _NO_ENUMS) -> str:
    """SAME, WIDER (new accepts every old value), NARROWER (old accepts every new value) or INCOMPATIBLE.

    enum_kinds gives an enum's value kind (str, int...) by class name: an enum is narrower
    than the plain values of its kind. Free-form JSON is wider than anything.
    """
    if isinstance(old, ArrayOf) and isinstance(new, ArrayOf):
        return type_change(old.item, new.item, enum_kinds)
    if isinstance(old, MapOf) and isinstance(new, MapOf):
        return type_change(old.value, new.value, enum_kinds)
    if old == new:
        return SAME
    if isinstance(new, AnyValue):
        return WIDER
    if isinstance(old, AnyValue):
        return NARROWER
    if isinstance(old, UnionOf) or isinstance(new, UnionOf):
        return _union_change(old, new, enum_kinds)
    return _scalar_change(_scalar(old, enum_kinds), _scalar(new, enum_kinds))


def _scalar(type_: TypeRef, enum_kinds: Mapping[str, str]) -> tuple[str, bool] | None:
    """(Python kind, is an enum) of a scalar type; None for the others (arrays, models, files...)."""
    if isinstance(type_, Primitive):
        return (
            _STRING_FORMATS.get(type_.format, "str") if type_.kind == "str" else type_.kind
        ), False
    if isinstance(type_, EnumRef):
        return enum_kinds.get(type_.name, "str"), True
    return None


def _scalar_change(old: tuple[str, bool] | None, new: tuple[str, bool] | None) -> str:
    if (
        old is None or new is None or (old[1] and new[1])
    ):  # another model, array vs scalar, another enum...
        return INCOMPATIBLE
    base = SAME if old[0] == new[0] else _SCALARS.get((old[0], new[0]), INCOMPATIBLE)
    if old[1]:  # an enum became plain values: wider, when the plain kind holds the enum's values
        return WIDER if base in (SAME, WIDER) else INCOMPATIBLE
    if new[1]:
        return NARROWER if base in (SAME, NARROWER) else INCOMPATIBLE
    return base


def _union_change(old: TypeRef, new: TypeRef, enum_kinds: Mapping[str, str]) -> str:
    """Unions (nullable values among them) compare option by option."""

    def covered(options: tuple[TypeRef, ...], by: tuple[TypeRef, ...]) -> bool:
        return all(any(type_change(o, b, enum_kinds) in (SAME, WIDER) for b in by) for o in options)

    olds, news = options(old), options(new)
    wider, narrower = covered(olds, news), covered(news, olds)
    if wider and narrower:
        return SAME
    return WIDER if wider else NARROWER if narrower else INCOMPATIBLE


def options(type_: TypeRef) -> tuple[TypeRef, ...]:
    return type_.options if isinstance(type_, UnionOf) else (type_,)


def mentions_any(type_: TypeRef) -> bool:
    if isinstance(type_, AnyValue):
        return True
    return any(mentions_any(t) for t in inner_types(type_))


def inner_types(type_: TypeRef) -> tuple[TypeRef, ...]:
    if isinstance(type_, ArrayOf):
        return (type_.item,)
    if isinstance(type_, MapOf):
        return (type_.value,)
    return options(type_) if isinstance(type_, UnionOf) else ()


def code_span(value: str) -> str:
    """Document text inside a Markdown code span: no backtick or line break can end it early."""
    return "`" + " ".join(value.replace("`", "'").split()) + "`"


_HEADINGS = {BREAKING: "Breaking", FEATURE: "Non-breaking", DOCS: "Documentation"}


def grouped_lines(changes: Sequence[Change], heading: str) -> list[str]:
    """Markdown lines: each kind of change under its own heading (a CHANGELOG entry uses these too)."""
    lines: list[str] = []
    for kind, title in _HEADINGS.items():
        group = [c for c in changes if c.kind == kind]
        if group:
            lines += ["", f"{heading} {title} ({len(group)})", ""]
            lines += [f"- {code_span(c.subject)} ({code_span(c.wire)}): {c.message}" for c in group]
    return lines
