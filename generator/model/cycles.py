"""Inheritance that would close an import cycle is flattened into copied fields.

Each model has its own module. A module imports its parents at the top (the class statement
needs them) and the models its fields use at the bottom (so field references may form cycles).
A cycle that contains a parent edge fails for some import order: when the child's module is
imported first, its parent's module imports the child's module back before the child exists.
This happens when a model has a field whose type inherits from it (a tree node with a
specialised child, written as `allOf: [{$ref: Node}, {...}]`). Such a child keeps the
parent's fields as its own instead of inheriting them.
"""

from __future__ import annotations

from dataclasses import replace

from generator.model import ir
from generator.model.names import field_scope, is_identifier


def flatten_cyclic_inheritance(
    models: dict[str, ir.Model],
) -> tuple[dict[str, ir.Model], list[tuple[str, str]]]:
    """The models with no parent edge on an import cycle, and the (child, parent) edges removed."""
    removed: list[tuple[str, str]] = []
    result = dict(models)
    for name in sorted(
        result
    ):  # sorted: the same edges go, whatever the order models were built in
        model = result[name]
        cyclic = [p for p in model.parents if name in _reachable(p, result)]
        if cyclic:
            inherited = [f for parent in cyclic for f in all_fields(parent, result)]
            own = {f.wire_name for f in model.fields}
            copied = _renamed_apart(
                tuple(f for f in _unique(inherited) if f.wire_name not in own), model.fields
            )
            parents = tuple(p for p in model.parents if p not in cyclic)
            result[name] = replace(model, parents=parents, fields=copied + model.fields)
            removed += [(name, parent) for parent in cyclic]
    return result, removed


def _renamed_apart(copied: tuple[ir.Field, ...], own: tuple[ir.Field, ...]) -> tuple[ir.Field, ...]:
    """The copied fields, each under a Python name no other field has (the own ones were named
    before the parent's fields were known, and a class cannot have one name twice) and that is
    no other field's wire name (a field is built by either)."""
    named: list[ir.Field] = []
    for field in copied:
        scope = field_scope()
        scope.taken.update(f.name for f in (*own, *named))
        scope.taken.update(
            f.wire_name for f in (*own, *copied) if f is not field and is_identifier(f.wire_name)
        )
        named.append(replace(field, name=scope.snake(field.name, "field")))
    return tuple(named)


def _reachable(start: str, models: dict[str, ir.Model]) -> set[str]:
    """Every model start's module imports, directly or not (parents and field types)."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        current = models.get(stack.pop())
        if current is None:
            continue
        types: list[ir.TypeRef | None] = [f.type for f in current.fields]
        for name in [*current.parents, *_model_names([*types, current.extra])]:
            if name not in seen:
                seen.add(name)
                stack.append(name)
    return seen


def _model_names(types: list[ir.TypeRef | None]) -> list[str]:
    names: list[str] = []
    stack = [t for t in types if t is not None]
    while stack:
        type_ = stack.pop()
        if isinstance(type_, ir.ModelRef):
            names.append(type_.name)
        elif isinstance(type_, ir.ArrayOf):
            stack.append(type_.item)
        elif isinstance(type_, ir.MapOf):
            stack.append(type_.value)
        elif isinstance(type_, ir.UnionOf):
            stack.extend(type_.options)
    return names


def all_fields(name: str, models: dict[str, ir.Model]) -> list[ir.Field]:
    """A model's fields, inherited ones first (an own field overrides an inherited one).

    Each model's are found once: a model reached again through another parent (an allOf
    diamond) adds nothing new, and 30 levels of diamonds would otherwise be 2**30 walks.
    """
    return _all_fields(name, models, {})


def _all_fields(
    name: str, models: dict[str, ir.Model], memo: dict[str, list[ir.Field]]
) -> list[ir.Field]:
    if name not in memo:
        model = models.get(name)
        memo[name] = [] if model is None else _inherited_then_own(model, models, memo)
    return memo[name]


def _inherited_then_own(
    model: ir.Model, models: dict[str, ir.Model], memo: dict[str, list[ir.Field]]
) -> list[ir.Field]:
    own = {f.wire_name for f in model.fields}
    inherited: dict[int, ir.Field] = {}  # by identity: one declaration reached twice is one field
    for parent in model.parents:
        for f in _all_fields(parent, models, memo):
            if f.wire_name not in own:
                inherited.setdefault(id(f), f)
    return [*inherited.values(), *model.fields]


def _unique(fields: list[ir.Field]) -> list[ir.Field]:
    by_wire_name: dict[str, ir.Field] = {}
    for f in fields:
        by_wire_name.setdefault(f.wire_name, f)
    return list(by_wire_name.values())
