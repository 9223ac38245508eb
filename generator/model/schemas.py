"""Schemas → models, enums and types: definitions, allOf inheritance, discriminators, inline hoisting.

`Schemas.type_of` is what the rest of the normalizer asks: the IR type of a schema. Definitions
keep their natural class names (they are claimed first); inline objects and enums are hoisted
into classes named after where they sit. Models are built lazily: a reference queues its
definition, and `drain` builds what is queued (a parent is built at once, when a child needs it).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from generator.diagnostics import Diagnostic, Severity
from generator.ingest.document import locate, pointer, resolve_pointer, split_pointer
from generator.model import ir
from generator.model.context import Context
from generator.model.conformance import Judge, names_model
from generator.model.cycles import flatten_cyclic_inheritance
from generator.model.enumvalues import EnumValues, enum_values, json_equal
from generator.model.jsonvalues import (
    JSONObject,
    Path_,
    as_list,
    as_object,
    strings,
    text,
)
from generator.model.names import (
    ClassName,
    Identifier,
    Scope,
    field_scope,
    is_identifier,
    pascal,
    snake,
    words,
)
from generator.model.naming import collisions

_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_KIND_WORDS = {"str": "strings", "int": "integers", "float": "numbers", "bool": "booleans"}


@dataclass(frozen=True)
class Example:
    """An example in the document, and what its schema says."""

    value: object
    type: ir.TypeRef
    limits: ir.Limits
    nullable: bool


@dataclass
class Definition:
    name: str
    schema: JSONObject
    kind: str  # model, enum, alias (its type is used in place) or any (unusable: free-form JSON)
    class_name: ClassName | None = None


@dataclass
class Schemas:
    """The schemas of one document. Its own tables are bookkeeping; the models and enums it
    makes go to ctx, in the order they are made."""

    ctx: Context
    definitions: dict[str, Definition] = field(default_factory=dict)
    enum_by_values: dict[tuple[str, tuple[object, ...]], ClassName] = field(default_factory=dict)
    building: set[str] = field(default_factory=set)  # aliases being resolved (to stop cycles)
    queued: set[str] = field(default_factory=set)  # model class names queued or built
    in_progress: set[str] = field(default_factory=set)  # model class names being built right now
    pending: list[Definition] = field(default_factory=list)  # definitions whose models are to build
    field_names: dict[ClassName, dict[str, Identifier]] = field(
        default_factory=dict
    )  # model → wire → name
    examples: dict[Path_, Example] = field(
        default_factory=dict
    )  # where → the example (see example)

    # -- definitions ------------------------------------------------------------------------------

    def declare_definitions(self) -> None:
        """Classify every definition and claim its class name first, so definitions keep natural names."""
        definitions = self.ctx.doc.get("definitions")
        if not isinstance(definitions, dict):
            return
        cyclic = _allof_cycles(definitions)
        for name, raw in definitions.items():
            schema = as_object(raw)
            if name in cyclic:
                self.ctx.warn(
                    ("definitions", name),
                    "allof-cycle",
                    f"definition {name!r} inherits from itself through allOf; it is read as free-form JSON",
                    "break the allOf cycle",
                )
            kind = "any" if name in cyclic else _definition_kind(schema)
            definition = Definition(name, schema, kind)
            if kind in ("model", "enum"):
                definition.class_name = self.ctx.classes.pascal(name)
                self.ctx.report_renames(self.ctx.classes, ("definitions", name), "definition")
            self.definitions[name] = definition

    def build_definitions(self) -> None:
        """The model or enum of every definition that has one, in document order."""
        for definition in self.definitions.values():
            if definition.kind == "model":
                self._definition_model(definition)
                self.drain()
            elif definition.kind == "enum":
                self._definition_enum(definition)

    def _definition_model(self, definition: Definition, now: bool = False) -> ir.ModelRef:
        """A reference to a definition's model; built now (a parent is needed at once) or queued."""
        name = definition.class_name
        assert name is not None
        if name not in self.ctx.models and name not in self.queued:
            self.queued.add(name)
            self.pending.append(definition)
        if (
            now and name not in self.ctx.models and name not in self.in_progress
        ):  # a model that contains its own subtype
            self.in_progress.add(name)
            try:
                self._build_model(
                    name, definition.name, definition.schema, ("definitions", definition.name)
                )
            finally:
                self.in_progress.discard(name)
        return ir.ModelRef(name)

    def drain(self) -> None:
        """Build every queued model (building one may queue more)."""
        while self.pending:
            definition = self.pending.pop(0)
            if definition.class_name not in self.ctx.models:
                self._definition_model(definition, now=True)

    def _definition_enum(self, definition: Definition) -> ir.EnumRef:
        assert definition.class_name is not None
        if definition.class_name not in self.ctx.enums:
            self._add_enum(
                definition.class_name,
                definition.name,
                definition.schema,
                ("definitions", definition.name),
            )
        return ir.EnumRef(definition.class_name, self.ctx.enums[definition.class_name].value_kind)

    def flatten_import_cycles(self) -> None:
        self.ctx.models, removed = flatten_cyclic_inheritance(self.ctx.models)
        for child, parent in removed:
            wire = self.ctx.models[child].wire_name
            path = tuple(split_pointer(wire)) if wire.startswith("/") else ("definitions", wire)
            self.ctx.diagnostics.add(
                Diagnostic(
                    Severity.INFO,
                    "inheritance-flattened",
                    pointer(path),
                    f"{child} has {parent}'s fields instead of inheriting from it: {parent} refers back to {child}, "
                    "and a class cannot be defined before its own base class",
                    "",
                    locate(self.ctx.doc, path),
                )
            )

    # -- models ------------------------------------------------------------------------------------

    def _build_model(self, name: ClassName, wire: str, schema: JSONObject, path: Path_) -> None:
        parents: list[ClassName] = []
        properties: dict[str, tuple[JSONObject, Path_]] = {}
        required: set[str] = set(strings(schema.get("required")))
        for index, part in enumerate(as_list(schema.get("allOf"))):
            self._merge_part(part, path + ("allOf", index), parents, properties, required)
        for prop, prop_schema in as_object(schema.get("properties")).items():
            properties[prop] = (as_object(prop_schema), path + ("properties", prop))
        self.note_examples(schema, ir.ModelRef(name), path)
        inherited = self._inherited_names(parents)
        names = self._field_names(properties, inherited)
        fields = tuple(
            self._field(name, prop, s, p, prop in required, names[prop])
            for prop, (s, p) in properties.items()
        )
        self.field_names[name] = {**inherited, **{f.wire_name: f.name for f in fields}}
        self.ctx.models[name] = ir.Model(
            name=name,
            wire_name=wire,
            fields=fields,
            parents=tuple(parents),
            description=self._described(schema, path),
            extra=self._extra(schema, name, path),
            discriminator=self._discriminator(name, wire, schema, path, self.field_names[name]),
        )

    def _merge_part(
        self,
        part: object,
        path: Path_,
        parents: list[ClassName],
        properties: dict[str, tuple[JSONObject, Path_]],
        required: set[str],
        seen: frozenset[str] = frozenset(),
    ) -> None:
        if not isinstance(part, dict):
            return
        target = self._definition_of_ref(part)
        if target is not None and target.kind == "model":
            parents.append(self._definition_model(target, now=True).name)
            return
        if target is not None and (
            target.kind == "any" or target.name in seen
        ):  # free-form, or an allOf cycle
            return
        source = target.schema if target is not None else part
        seen = seen | {target.name} if target is not None else seen
        for inner_index, inner in enumerate(as_list(source.get("allOf"))):
            self._merge_part(
                inner, path + ("allOf", inner_index), parents, properties, required, seen
            )
        for prop, prop_schema in as_object(source.get("properties")).items():
            properties[prop] = (as_object(prop_schema), path + ("properties", prop))
        required.update(strings(source.get("required")))

    def _inherited_names(self, parents: list[ClassName]) -> dict[str, Identifier]:
        names: dict[str, Identifier] = {}
        for parent in parents:
            names.update(self.field_names.get(parent, {}))
        return names

    def _field_names(
        self, properties: dict[str, tuple[JSONObject, Path_]], inherited: dict[str, Identifier]
    ) -> dict[str, Identifier]:
        """Python names for a model's own properties.

        Fields are built by Python name or by wire name (alias), so no field may be named like
        another field's wire name: properties whose wire name is already their Python name
        claim it first, and the others avoid every wire name.
        """
        scope = field_scope()
        scope.taken.update(inherited.values())
        names: dict[str, Identifier] = {
            wire: inherited[wire] for wire in properties if wire in inherited
        }
        natural = [
            wire for wire in properties if wire not in names and snake(wire, "field") == wire
        ]
        for wire in natural + [w for w in properties if w not in names and w not in natural]:
            if wire not in natural:
                scope.taken.update(w for w in [*properties, *inherited] if is_identifier(w))
            names[wire] = scope.snake(wire, "field")
            self.ctx.report_renames(scope, properties[wire][1], "property")
        return names

    def _field(
        self,
        model: ClassName,
        wire: str,
        schema: JSONObject,
        path: Path_,
        required: bool,
        name: Identifier,
    ) -> ir.Field:
        read_only = schema.get("readOnly") is True
        type_ = self.type_of(schema, model + pascal_words(wire), path)
        default, has_default = self.default(schema, type_, path)
        example, has_example = self.example(schema, type_)
        return ir.Field(
            name=name,
            wire_name=wire,
            type=type_,
            required=required and not read_only,
            nullable=nullable(schema),
            read_only=read_only,
            default=default,
            has_default=has_default,
            description=self._described(schema, path),
            example=example,
            has_example=has_example,
            limits=self.limits_of(schema, path),
        )

    def _described(self, schema: JSONObject, path: Path_) -> str:
        """A schema's description, or else its title."""
        key = "description" if schema.get("description") else "title"
        return self.ctx.prose(schema.get(key), path + (key,))

    def limits_of(self, schema: JSONObject, path: Path_) -> ir.Limits:
        """schema's limits; one that small test data cannot keep to is reported."""
        found = limits(schema)
        key, why = found.unmet()
        if key:
            self.ctx.warn(
                path + (key,),
                "example-constraint",
                f"{why}: the generated tests use a value that breaks it, and skip the contract "
                "test of each operation that sends one",
                "a mock server checks requests against it",
            )
        return found

    def example(self, schema: JSONObject, type_: ir.TypeRef) -> tuple[object, bool]:
        """The spec's example (or x-example) when it fits the type; tests use it as data. One of
        a type that holds a model is not (check_examples still judges it)."""
        judge = Judge({}, self.ctx.enums)
        for key in ("example", "x-example"):
            value = schema.get(key)
            if value is None or names_model(type_):
                continue
            if not judge.problem(value, type_, limits(schema), nullable(schema)):
                return value, True
        return None, False

    def note_examples(self, schema: JSONObject, type_: ir.TypeRef, path: Path_) -> None:
        """Remember schema's examples, to be judged once every model is known."""
        for key in ("example", "x-example"):
            if key in schema:
                self.examples[path + (key,)] = Example(
                    schema[key], type_, limits(schema), nullable(schema)
                )

    def check_examples(self) -> tuple[str, ...]:
        """Report every example that contradicts its schema; their pointers (they are left out
        of the document a mock server answers from)."""
        judge = Judge(self.ctx.models, self.ctx.enums)
        invalid = []
        for path, example in self.examples.items():
            problem = judge.problem(example.value, example.type, example.limits, example.nullable)
            if problem is not None:
                self.ctx.warn(
                    path,
                    "example-invalid",
                    f"the example does not fit its schema: {problem}; it is not used as test "
                    "data, and is left out of openapi.json",
                    "fix the example (or the schema)",
                )
                invalid.append(pointer(path))
        return tuple(invalid)

    def _extra(self, schema: JSONObject, name: str, path: Path_) -> ir.TypeRef | None:
        extra = schema.get("additionalProperties")
        if extra is True or extra == {}:
            return ir.AnyValue()
        if isinstance(extra, dict):
            return self.type_of(extra, name + "Value", path + ("additionalProperties",))
        return None

    def _discriminator(
        self,
        name: ClassName,
        wire: str,
        schema: JSONObject,
        path: Path_,
        names: dict[str, Identifier],
    ) -> ir.Discriminator | None:
        prop = schema.get("discriminator")
        if not isinstance(prop, str):
            return None
        if prop not in names:
            self.ctx.warn(
                path + ("discriminator",),
                "discriminator-unknown",
                f"the discriminator {prop!r} of {wire!r} is not one of its properties; it is ignored",
            )
            return None
        mapping = [(str(schema.get("x-discriminator-value", wire)), name)]
        for sub in self._subtypes(wire):
            assert sub.class_name is not None
            mapping.append((str(sub.schema.get("x-discriminator-value", sub.name)), sub.class_name))
        return ir.Discriminator(prop, names[prop], tuple(mapping))

    def _subtypes(self, base: str) -> list[Definition]:
        """Definitions that inherit from base through allOf, directly or not, in document order."""
        found: list[Definition] = []
        for definition in self.definitions.values():
            if (
                definition.kind == "model"
                and definition.name != base
                and base in _allof_ancestors(self.ctx.doc, definition.name)
            ):
                found.append(definition)
        for definition in found:
            self._definition_model(definition)
        return found

    # -- enums -------------------------------------------------------------------------------------

    def _add_enum(self, name: ClassName, wire: str, schema: JSONObject, path: Path_) -> ir.EnumRef:
        values = self._enum_values(schema, path)
        scope = Scope(suffix="_")
        members = tuple(
            ir.EnumMember(scope.member(named), value) for named, value in values.members
        )
        self.ctx.report_renames(scope, path + ("enum",), "enum value")
        kind = values.kind
        about = self.ctx.prose(schema.get("description"), path + ("description",))
        self.ctx.enums[name] = ir.Enum(name, wire, kind, members, about)
        return ir.EnumRef(name, kind)

    def _enum_values(self, schema: JSONObject, path: Path_) -> EnumValues:
        """The enum's usable values; the ones read otherwise or left out are reported."""
        declared = _schema_type(schema)
        values = enum_values(schema, declared)
        kinds = _KIND_WORDS[_PRIMITIVES.get(declared or "", values.kind)]
        why = f"the type {declared!r} says so" if declared else "the first value is one"
        if values.repaired:
            message = f"the enum values {_listed(values.repaired)} are read as {kinds}: {why}"
            self.ctx.warn(path + ("enum",), "enum-invalid", message, f"write them as {kinds}")
        if values.dropped:
            message = f"the enum values {_listed(values.dropped)} are not {kinds} ({why}); they are left out"
            self.ctx.warn(path + ("enum",), "enum-invalid", message, "remove them, or fix the type")
        return values

    def _inline_enum(self, hint: str, schema: JSONObject, path: Path_) -> ir.EnumRef:
        values = enum_values(schema, _schema_type(schema)).members
        key = (pascal_words(hint), tuple((type(v).__name__, v) for _, v in values))
        if key in self.enum_by_values:
            known = self.enum_by_values[key]
            return ir.EnumRef(known, self.ctx.enums[known].value_kind)
        name = self.ctx.classes.pascal(hint, "Enum")
        self.ctx.report(collisions(self.ctx.classes), path, "the enum made for the inline schema")
        self.enum_by_values[key] = name
        return self._add_enum(name, pointer(path), schema, path)

    # -- types ---------------------------------------------------------------------------------------

    def _definition_of_ref(self, schema: JSONObject) -> Definition | None:
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            return self.definitions.get(_unescape(ref[len("#/definitions/") :]))
        return None

    def type_of(self, schema: object, hint: str, path: Path_) -> ir.TypeRef:
        """The type of a schema; inline objects and enums are hoisted under names made from hint."""
        if not isinstance(schema, dict):
            return ir.AnyValue()
        if "$ref" in schema:  # what sits beside a $ref is ignored (JSON Schema), its example too
            return self._ref_type(schema, hint, path)
        type_ = self._type_of(schema, hint, path)
        self.note_examples(schema, type_, path)
        return type_

    def _type_of(self, schema: JSONObject, hint: str, path: Path_) -> ir.TypeRef:
        if _is_enum(schema):
            return self._inline_enum(hint, schema, path)
        if schema.get("enum"):
            self._enum_values(schema, path)  # none is usable: a plain value, and a warning
        kind = _schema_type(schema)
        if kind == "array":
            return ir.ArrayOf(
                self._item_type(schema.get("items"), hint + "Item", path + ("items",))
            )
        if kind == "file":
            return ir.FileData()
        if kind in _PRIMITIVES:
            return ir.Primitive(_PRIMITIVES[kind], text(schema.get("format")))
        if schema.get("properties") or schema.get("allOf"):
            name = self.ctx.classes.pascal(hint)
            self.ctx.report(
                collisions(self.ctx.classes), path, "the model made for the inline schema"
            )
            self._build_model(name, pointer(path), schema, path)
            return ir.ModelRef(name)
        if kind == "object" or "additionalProperties" in schema:
            extra = schema.get("additionalProperties")
            value = (
                self.type_of(extra, hint + "Value", path + ("additionalProperties",))
                if isinstance(extra, dict) and extra
                else ir.AnyValue()
            )
            return ir.MapOf(value)
        return ir.AnyValue()

    def _item_type(self, schema: object, hint: str, path: Path_) -> ir.TypeRef:
        item = self.type_of(schema, hint, path)
        return (
            ir.UnionOf((item, ir.NoneValue()))
            if isinstance(schema, dict) and nullable(schema)
            else item
        )

    def _ref_type(self, schema: JSONObject, hint: str, path: Path_) -> ir.TypeRef:
        definition = self._definition_of_ref(schema)
        if definition is not None and definition.kind == "model":
            return self._definition_model(definition)
        if definition is not None and definition.kind == "enum":
            return self._definition_enum(definition)
        if definition is not None and definition.kind == "any":
            return ir.AnyValue()
        ref = str(schema["$ref"])
        if ref in self.building:
            self.ctx.warn(
                path,
                "ref-cycle",
                f"{ref!r} refers to itself without an object in between; it is read as free-form JSON",
            )
            return ir.AnyValue()
        found, target = (
            resolve_pointer(self.ctx.doc, split_pointer(ref[1:]))
            if ref.startswith("#/")
            else (False, None)
        )
        if not found:
            return ir.AnyValue()
        self.building.add(ref)
        try:
            target_hint = pascal_words(ref.rsplit("/", 1)[-1]) if definition is not None else hint
            return self.type_of(target, target_hint, tuple(split_pointer(ref[1:])))
        finally:
            self.building.discard(ref)

    def default(self, schema: JSONObject, type_: ir.TypeRef, path: Path_) -> tuple[object, bool]:
        if "default" not in schema:
            return None, False
        value = schema["default"]
        if _fits(value, type_, self.ctx.enums):
            return value, True
        self.ctx.warn(
            path + ("default",),
            "default-invalid",
            f"the default {value!r} does not fit the type; it is ignored",
            "fix the default or the type",
        )
        return None, False


# -- helpers without state


def pascal_words(text: str) -> str:
    return pascal(text) if words(text) else ""


def nullable(schema: JSONObject) -> bool:
    kind = schema.get("type")
    return schema.get("x-nullable") is True or (isinstance(kind, list) and "null" in kind)


def limits(schema: JSONObject) -> ir.Limits:
    def number(key: str) -> float | None:
        value = schema.get(key)
        return (
            _float(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            else None
        )

    def length(key: str) -> int | None:
        value = schema.get(key)
        return (
            value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
        )

    minimum, maximum = number("minimum"), number("maximum")
    if minimum is not None and schema.get("exclusiveMinimum") is True:
        minimum += 1
    if maximum is not None and schema.get("exclusiveMaximum") is True:
        maximum -= 1
    return ir.Limits(minimum, maximum, length("minLength"), length("maxLength"))


def _float(value: int | float) -> float:
    """value as a float; ±inf for an integer no float holds (10**400)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _schema_type(schema: JSONObject) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):  # not Swagger 2.0, but seen: ["string", "null"]
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def _definition_kind(schema: JSONObject) -> str:
    if "$ref" in schema:
        return "alias"
    kind = _schema_type(schema)
    if _is_enum(schema):
        return "enum"
    if schema.get("properties") or schema.get("allOf") or schema.get("discriminator"):
        return "model"
    if kind == "object" and "additionalProperties" not in schema:
        return "model"
    return "alias"


def _is_enum(schema: JSONObject) -> bool:
    """An enum of scalars with at least one value of its type (see enumvalues.py)."""
    kind = _schema_type(schema)
    return (
        bool(schema.get("enum"))
        and kind in ("string", "integer", "number", "boolean", None)
        and bool(enum_values(schema, kind).members)
    )


def _listed(values: tuple[object, ...]) -> str:
    """Values as the document has them (JSON), the first few."""
    shown = ", ".join(json.dumps(v, default=str) for v in values[:5])
    return shown + (f" and {len(values) - 5} more" if len(values) > 5 else "")


def _allof_parents(definitions: JSONObject, name: str) -> list[str]:
    parents = []
    for part in as_list(as_object(definitions.get(name)).get("allOf")):
        ref = part.get("$ref") if isinstance(part, dict) else None
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            parents.append(_unescape(ref[len("#/definitions/") :]))
    return parents


def _allof_ancestors(doc: JSONObject, name: str) -> set[str]:
    definitions = as_object(doc.get("definitions"))
    seen: set[str] = set()
    stack = list(_allof_parents(definitions, name))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(_allof_parents(definitions, current))
    return seen


def _allof_cycles(definitions: JSONObject) -> set[str]:
    """Definitions that inherit from themselves through allOf (directly or not)."""
    doc: JSONObject = {"definitions": definitions}
    return {name for name in definitions if name in _allof_ancestors(doc, name)}


def _fits(value: object, type_: ir.TypeRef, enums: dict[str, ir.Enum]) -> bool:
    if isinstance(type_, ir.Primitive):
        return {
            "str": lambda v: isinstance(v, str),
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "bool": lambda v: isinstance(v, bool),
        }[type_.kind](value)
    if isinstance(type_, ir.EnumRef):
        enum = enums.get(type_.name)
        return enum is not None and any(json_equal(m.value, value) for m in enum.members)
    if isinstance(type_, ir.ArrayOf):
        return isinstance(value, list) and all(_fits(v, type_.item, enums) for v in value)
    if isinstance(type_, ir.MapOf):
        return isinstance(value, dict)
    return isinstance(type_, ir.AnyValue)
