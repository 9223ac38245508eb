"""What changes for the generated client's users between two versions of an API description.

`diff_apis(old, new)` compares two intermediate models, not the raw documents, so every name
in the report is one users type (`client.calls.find_calls(limit=...)`, `Call.batch_id`), and
a document change that makes no difference to the client (a definition inlined instead of
referenced, an int32 that became an int64) makes no noise. Each change is of one kind:

- breaking: code written against the old client may stop working or type-checking;
- feature: the client gains something (or accepts more) and old code keeps working;
- docs: only the documentation changes.

The rules are conservative: a change that could break someone is breaking.

- Parameters are written by users: narrowing their type or requiring more of them is
  breaking, widening or relaxing them is not. Path parameters are positional, so their
  order matters; the others are keyword-only.
- Success responses are read by users: widening them is breaking, narrowing is not, except
  that free-form JSON becoming typed is breaking (readers held plain JSON, now objects).
- Models are used both ways (parsed from responses, built for requests), so any change to a
  field's type, requiredness, nullability or default breaks someone: readers when it widens,
  writers when it narrows. Only adding an optional field is safe.
- A removed model or enum is breaking when an operation used it (directly or through other
  models); one that no operation used is reported as non-breaking.
- Operations are matched by operationId (by Python name when there is none), so a new path
  or method is reported as a change, not as a removal plus an addition. Parameters and fields
  are matched by Python name: a new wire name under the same Python name is invisible to users.
- An operation that needs authentication where it did not, or that drops an accepted way to
  authenticate, is breaking; so is a removed security scheme (the client takes its credentials).
- A new default base URL is breaking: code that relied on the default now calls another server.
- Deprecation is non-breaking (a minor release, as semver advises); descriptions, summaries,
  titles and a parameter's server-side default are documentation.

`bump(changes)` (changes.py) is the implied semver bump of the generated package: major for a
breaking change, minor for a feature, patch for documentation only, none when nothing changed.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Mapping

from generator.model.cycles import all_fields
from generator.model.ir import (
    Api,
    Enum,
    EnumRef,
    Field,
    Model,
    ModelRef,
    Operation,
    Parameter,
    Resource,
    TypeRef,
)
from generator.render.changes import (
    BREAKING,
    DOCS,
    FEATURE,
    NARROWER,
    SAME,
    WIDER,
    Change,
    code_span,
    inner_types,
    mentions_any,
    type_change,
)
from generator.render.types import Imports, annotation


def diff_apis(old: Api, new: Api) -> list[Change]:
    """Every change from old to new, in document order: the API, operations, models, enums."""
    kinds: dict[str, str] = {e.name: e.value_kind for e in (*old.enums, *new.enums)}
    return [
        *_api_changes(old, new),
        *_operation_changes(old, new, kinds),
        *_model_changes(old, new, kinds),
        *_enum_changes(old, new),
    ]


def _shown(type_: TypeRef | None, context: str = "field") -> str:
    """The annotation users see in the client."""
    return annotation(type_, Imports(), context)


def _type_message(verdict: str, old: TypeRef | None, new: TypeRef | None, context: str) -> str:
    word = {WIDER: "widened", NARROWER: "narrowed"}.get(verdict, "changed")
    return f"type {word}: `{_shown(old, context)}` → `{_shown(new, context)}`"


# -- the API as a whole ------------------------------------------------------------------------------------


def _api_changes(old: Api, new: Api) -> Iterator[Change]:
    if old.base_url != new.base_url:
        kind = (
            FEATURE if not old.base_url else BREAKING
        )  # no default before: every caller passed base_url
        yield Change(
            kind,
            "client",
            "host, basePath, schemes",
            f"default base URL changed from {code_span(old.base_url or '(none)')} to {code_span(new.base_url or '(none)')}",
        )
    if old.title != new.title:  # names derive from the title only where the target leaves them out
        yield Change(
            DOCS,
            "client",
            "info.title",
            f"API title changed from {code_span(old.title)} to {code_span(new.title)}",
        )
    if old.description != new.description:
        yield Change(DOCS, "client", "info.description", "API description changed")
    yield from _scheme_changes(old, new)
    yield from _resource_changes(old, new)


def _scheme_changes(old: Api, new: Api) -> Iterator[Change]:
    """The client takes one set of credentials per kind of security scheme."""
    olds, news = {s.name: s for s in old.security_schemes}, {
        s.name: s for s in new.security_schemes
    }
    for name, scheme in olds.items():
        wire = f"securityDefinitions {name}"
        if name not in news:
            yield Change(BREAKING, "client", wire, f"{scheme.kind} security scheme removed")
        elif news[name].kind != scheme.kind:
            yield Change(
                BREAKING,
                "client",
                wire,
                f"security scheme changed from {scheme.kind} to {news[name].kind}",
            )
    for name, scheme in news.items():
        if name not in olds:
            yield Change(
                FEATURE,
                "client",
                f"securityDefinitions {name}",
                f"{scheme.kind} security scheme added",
            )


def _resource_changes(old: Api, new: Api) -> Iterator[Change]:
    news = {r.name: r for r in new.resources}
    for resource in old.resources:
        other = news.get(resource.name)
        if other is not None and other.description != resource.description:
            yield Change(DOCS, f"client.{resource.name}", f"tag {other.tag}", "description changed")


# -- operations ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Located:
    resource: str
    op: Operation

    @property
    def key(self) -> str:
        return self.op.operation_id or f"{self.resource}.{self.op.name}"

    @property
    def subject(self) -> str:
        return f"client.{self.resource}.{self.op.name}()"

    @property
    def wire(self) -> str:
        return f"{self.op.method} {self.op.path}" + (
            f" ({self.op.operation_id})" if self.op.operation_id else ""
        )

    def parameter(self, p: Parameter) -> tuple[str, str]:
        """(subject, wire) of one of the operation's parameters."""
        argument = p.name if p.location == "path" else f"{p.name}=..."
        return (
            f"client.{self.resource}.{self.op.name}({argument})",
            f"{self.op.method} {self.op.path} {p.location} {p.wire_name}",
        )


def unique_operations(resources: Iterable[Resource]) -> bool:
    """Whether every operation has a key of its own: then each is compared with its namesake only,
    and leaving out resources that did not change leaves the other comparisons as they were."""
    keys = [_Located(r.name, op).key for r in resources for op in r.operations]
    return len(keys) == len(set(keys))


def _operations(api: Api) -> dict[str, _Located]:
    found: dict[str, _Located] = {}
    for entry in (_Located(r.name, op) for r in api.resources for op in r.operations):
        # a duplicated operationId (a warning, not an error) falls back to the unique Python name
        found[entry.key if entry.key not in found else f"{entry.resource}.{entry.op.name}"] = entry
    return found


def _operation_changes(old: Api, new: Api, kinds: Mapping[str, str]) -> Iterator[Change]:
    olds, news = _operations(old), _operations(new)
    for key, before in olds.items():
        after = news.get(key)
        if after is None:
            yield Change(BREAKING, before.subject, before.wire, "operation removed")
        elif after.op is not before.op or after.subject != before.subject:
            # the previous API shares the parts that did not change (model/irdata.py)
            yield from _operation_change(before, after, kinds)
    for key, after in news.items():
        if key not in olds:
            yield Change(FEATURE, after.subject, after.wire, "operation added")


def _operation_change(
    before: _Located, after: _Located, kinds: Mapping[str, str]
) -> Iterator[Change]:
    old, new = before.op, after.op
    if before.subject != after.subject:
        yield Change(BREAKING, after.subject, after.wire, f"renamed: it was `{before.subject}`")
    if (old.method, old.path) != (new.method, new.path):
        yield Change(
            BREAKING,
            after.subject,
            after.wire,
            f"now `{new.method} {new.path}`, was `{old.method} {old.path}`",
        )
    if old.deprecated != new.deprecated:
        yield Change(
            FEATURE,
            after.subject,
            after.wire,
            "deprecated" if new.deprecated else "no longer deprecated",
        )
    for attribute in ("summary", "description"):
        if getattr(old, attribute) != getattr(new, attribute):
            yield Change(DOCS, after.subject, after.wire, f"{attribute} changed")
    yield from _parameter_changes(before, after, kinds)
    yield from _success_changes(after, old, new, kinds)
    yield from _iterator_changes(before, after)
    yield from _security_changes(after, old, new)


def _success_changes(
    where: _Located, old: Operation, new: Operation, kinds: Mapping[str, str]
) -> Iterator[Change]:
    before, after = old.success_type, new.success_type
    if before == after:
        return
    if before is None or after is None:  # a result appears (harmless to callers) or disappears
        kind = FEATURE if before is None else BREAKING
        yield Change(
            kind,
            where.subject,
            where.wire,
            f"success response: now returns `{_shown(after, 'response')}`, "
            f"was `{_shown(before, 'response')}`",
        )
        return
    verdict = type_change(before, after, kinds)
    if verdict == SAME:
        return
    # readers cope with a narrower result, but not with plain JSON turning into objects
    safe = verdict == NARROWER and not mentions_any(before)
    yield Change(
        FEATURE if safe else BREAKING,
        where.subject,
        where.wire,
        "success response " + _type_message(verdict, before, after, "response"),
    )


def _iterator_changes(before: _Located, after: _Located) -> Iterator[Change]:
    old, new = before.op.iterator_name, after.op.iterator_name
    if old == new:
        return
    if old is not None:
        yield Change(
            BREAKING, f"client.{before.resource}.{old}()", before.wire, "page iterator removed"
        )
    if new is not None:
        yield Change(FEATURE, f"client.{after.resource}.{new}()", after.wire, "page iterator added")


def _needs_auth(op: Operation) -> bool:
    """An empty requirement among the alternatives means anonymous calls are allowed."""
    return bool(op.security) and () not in op.security


def _security_changes(where: _Located, old: Operation, new: Operation) -> Iterator[Change]:
    """Requirements are alternatives: losing one breaks the callers who used it, gaining one breaks nobody."""
    before, after = _needs_auth(old), _needs_auth(new)
    if after and not before:
        yield Change(BREAKING, where.subject, where.wire, "now requires authentication")
    elif before and not after:
        yield Change(FEATURE, where.subject, where.wire, "no longer requires authentication")
    elif after and set(old.security) - set(new.security):
        yield Change(
            BREAKING,
            where.subject,
            where.wire,
            "security requirements changed: an accepted way to authenticate was dropped",
        )
    elif after and set(new.security) - set(old.security):
        yield Change(FEATURE, where.subject, where.wire, "accepts another way to authenticate")


# -- parameters ----------------------------------------------------------------------------------------------


def _parameter_changes(
    before: _Located, after: _Located, kinds: Mapping[str, str]
) -> Iterator[Change]:
    olds, news = {p.name: p for p in before.op.parameters}, {p.name: p for p in after.op.parameters}
    for name, old in olds.items():
        if name not in news:
            yield Change(BREAKING, *before.parameter(old), "parameter removed")
        else:
            yield from _parameter_change(after, old, news[name], kinds)
    for name, new in news.items():
        if name not in olds:
            kind, what = (
                (BREAKING, "new required parameter")
                if new.required
                else (FEATURE, "new optional parameter")
            )
            yield Change(kind, *after.parameter(new), what)
    yield from _positional_order(before, after)


def _parameter_change(
    where: _Located, old: Parameter, new: Parameter, kinds: Mapping[str, str]
) -> Iterator[Change]:
    subject, wire = where.parameter(new)
    if (old.location == "path") != (new.location == "path"):
        yield Change(
            BREAKING,
            subject,
            wire,
            "now positional" if new.location == "path" else "now keyword-only",
        )
    if old.required != new.required:
        yield (
            Change(BREAKING, subject, wire, "now required")
            if new.required
            else Change(FEATURE, subject, wire, "now optional")
        )
    verdict = type_change(old.type, new.type, kinds)
    if verdict != SAME:  # users write parameters: accepting more is safe, accepting less is not
        yield Change(
            FEATURE if verdict == WIDER else BREAKING,
            subject,
            wire,
            _type_message(verdict, old.type, new.type, "param"),
        )
    if old.description != new.description:
        yield Change(DOCS, subject, wire, "description changed")
    if (old.has_default, old.default) != (
        new.has_default,
        new.default,
    ):  # the client never sends it: the server applies it
        yield Change(
            DOCS,
            subject,
            wire,
            f"server default now {_value(new.default, new.has_default)}, was {_value(old.default, old.has_default)}",
        )


def _positional_order(before: _Located, after: _Located) -> Iterator[Change]:
    olds = [p.name for p in before.op.parameters if p.location == "path"]
    news = [p.name for p in after.op.parameters if p.location == "path"]
    if olds != news and sorted(olds) == sorted(news):
        yield Change(
            BREAKING,
            after.subject,
            after.wire,
            f"positional parameters reordered: ({', '.join(news)}), " f"was ({', '.join(olds)})",
        )


# -- models and their fields ---------------------------------------------------------------------------------


def _used_classes(api: Api) -> set[str]:
    """Class names that an operation uses, directly or through other models (fields, parents, subtypes)."""
    models: dict[str, Model] = {m.name: m for m in api.models}
    stack: list[TypeRef] = []
    for op in (op for r in api.resources for op in r.operations):
        stack.extend(p.type for p in op.parameters)
        stack.extend(r.type for r in op.responses if r.type is not None)
    used: set[str] = set()
    while stack:
        for name in _class_names(stack.pop()):
            if name not in used:
                used.add(name)
                stack.extend(_model_types(models.get(name)))
    return used


def _class_names(type_: TypeRef) -> Iterator[str]:
    if isinstance(type_, (ModelRef, EnumRef)):
        yield type_.name
    for inner in inner_types(type_):
        yield from _class_names(inner)


def _model_types(model: Model | None) -> list[TypeRef]:
    if model is None:
        return []
    types: list[TypeRef] = [f.type for f in model.fields] + [ModelRef(p) for p in model.parents]
    if model.discriminator is not None:
        types.extend(ModelRef(name) for _, name in model.discriminator.mapping)
    return types + ([model.extra] if model.extra is not None else [])


def _all_fields(model: Model, models: Mapping[str, Model]) -> dict[str, Field]:
    """Own and inherited fields by Python name: a field that moves to a parent has not changed for users."""
    return {
        f.name: f for f in all_fields(model.name, dict(models))
    }  # later (nearer) declarations win


def _removed_class(kind: str, name: str, wire: str, used: Callable[[], set[str]]) -> Change:
    if name in used():
        return Change(BREAKING, name, wire, f"{kind} removed")
    return Change(FEATURE, name, wire, f"{kind} removed (no operation used it)")


def _model_changes(old: Api, new: Api, kinds: Mapping[str, str]) -> Iterator[Change]:
    olds: dict[str, Model] = {m.name: m for m in old.models}
    news: dict[str, Model] = {m.name: m for m in new.models}
    used = functools.cache(lambda: _used_classes(old))  # only when a class is removed
    for name, model in olds.items():
        if name not in news:
            yield _removed_class("model", name, model.wire_name, used)
        else:
            yield from _model_change(model, news[name], olds, news, kinds)
    for name, model in news.items():
        if name not in olds:
            yield Change(FEATURE, name, model.wire_name, "model added")


def _model_change(
    old: Model,
    new: Model,
    olds: Mapping[str, Model],
    news: Mapping[str, Model],
    kinds: Mapping[str, str],
) -> Iterator[Change]:
    if old.description != new.description:
        yield Change(DOCS, new.name, new.wire_name, "description changed")
    for parent in old.parents:
        if parent not in new.parents:
            yield Change(BREAKING, new.name, new.wire_name, f"no longer a subclass of `{parent}`")
    for parent in new.parents:
        if parent not in old.parents:
            yield Change(FEATURE, new.name, new.wire_name, f"now a subclass of `{parent}`")
    if old.extra != new.extra:  # additionalProperties: code that sets or reads extra keys may break
        kind = FEATURE if old.extra is None else BREAKING
        yield Change(
            kind,
            new.name,
            new.wire_name,
            f"additional properties: `{_shown(new.extra)}`, were `{_shown(old.extra)}`",
        )
    # a field inherited on both sides is reported once, on the parent that declares it
    own = {f.name for f in (*old.fields, *new.fields)}
    before = {k: f for k, f in _all_fields(old, olds).items() if k in own}
    after = {k: f for k, f in _all_fields(new, news).items() if k in own}
    yield from _field_changes(new, before, after, kinds)


def _field_changes(
    model: Model, olds: Mapping[str, Field], news: Mapping[str, Field], kinds: Mapping[str, str]
) -> Iterator[Change]:
    def change(kind: str, f: Field, message: str) -> Change:
        return Change(
            kind, f"{model.name}.{f.name}", f"{model.wire_name} property {f.wire_name}", message
        )

    for name, old in olds.items():
        if name not in news:
            yield change(BREAKING, old, "field removed")
        else:
            yield from (
                change(kind, news[name], message)
                for kind, message in _field_change(old, news[name], kinds)
            )
    for name, new in news.items():
        if name not in olds:
            # a new required field breaks code that builds the model; readers only gain an attribute
            yield (
                change(BREAKING, new, "new required field")
                if new.required
                else change(FEATURE, new, "new optional field")
            )


def _field_change(old: Field, new: Field, kinds: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """(kind, message) pairs; every change but the description breaks readers or writers."""
    verdict = type_change(old.type, new.type, kinds)
    if verdict != SAME:
        who = {WIDER: "readers", NARROWER: "writers"}.get(verdict, "readers and writers")
        yield BREAKING, _type_message(verdict, old.type, new.type, "field") + f" (breaks {who})"
    if old.required != new.required:
        yield BREAKING, (
            "now required (breaks writers)"
            if new.required
            else "now optional: readers may get None"
        )
    if old.nullable != new.nullable:
        yield BREAKING, (
            "now nullable: readers may get None"
            if new.nullable
            else "no longer nullable (breaks writers passing None)"
        )
    if (old.has_default, old.default) != (new.has_default, new.default):
        yield BREAKING, f"default now {_value(new.default, new.has_default)}, was {_value(old.default, old.has_default)}"
    if old.description != new.description:
        yield DOCS, "description changed"


# -- enums ---------------------------------------------------------------------------------------------------


def _enum_changes(old: Api, new: Api) -> Iterator[Change]:
    olds, news = {e.name: e for e in old.enums}, {e.name: e for e in new.enums}
    used = functools.cache(lambda: _used_classes(old))  # only when a class is removed
    for name, enum in olds.items():
        if name not in news:
            yield _removed_class("enum", name, enum.wire_name, used)
        else:
            yield from _enum_change(enum, news[name])
    for name, enum in news.items():
        if name not in olds:
            yield Change(FEATURE, name, enum.wire_name, "enum added")


def _enum_change(old: Enum, new: Enum) -> Iterator[Change]:
    if old.value_kind != new.value_kind:
        yield Change(
            BREAKING,
            new.name,
            new.wire_name,
            f"values are now {new.value_kind}, were {old.value_kind}",
        )
    if old.description != new.description:
        yield Change(DOCS, new.name, new.wire_name, "description changed")
    # members are matched by value (json text, so 1 and "1" differ): the value is what travels
    olds, news = {_json(m.value): m for m in old.members}, {_json(m.value): m for m in new.members}
    for value, member in olds.items():
        other = news.get(value)
        if other is None:
            yield Change(
                BREAKING, f"{new.name}.{member.name}", f"{new.wire_name} {value}", "value removed"
            )
        elif other.name != member.name:
            yield Change(
                BREAKING,
                f"{new.name}.{other.name}",
                f"{new.wire_name} {value}",
                f"renamed: it was `{new.name}.{member.name}`",
            )
    for value, member in news.items():
        if value not in olds:
            yield Change(
                FEATURE, f"{new.name}.{member.name}", f"{new.wire_name} {value}", "value added"
            )


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _value(value: object, present: bool) -> str:
    return f"`{_json(value)}`" if present else "none"
