"""Normalize a validated Swagger 2.0 document into the intermediate model (ir.Api).

All decisions are made here: names, types, hoisted inline schemas, allOf
inheritance, discriminators, pagination. A construct that cannot be represented
is replaced by free-form JSON or left out, always with a warning that names it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import quote
from dataclasses import dataclass, field, replace

from generator.model import ir
from generator.model import naming
from generator.model.cycles import all_fields, flatten_cyclic_inheritance
from generator.diagnostics import Diagnostic, Diagnostics, Severity
from generator.ingest.document import locate, pointer, resolve_pointer, split_pointer
from generator.model.names import (
    MAX_NAME,
    ClassName,
    Identifier,
    Rename,
    Scope,
    is_identifier,
    class_scope,
    pascal,
    snake,
    words,
    field_scope,
    method_scope,
    parameter_scope,
    resource_module_scope,
    resource_scope,
    suite_module_scope,
    upper_snake,
)
from generator.model.naming import Names, collisions
from generator.ingest.validate import HTTP_METHODS, path_key_error, without_dot_segments

Path_ = tuple[str | int, ...]
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_CLIENT_HEADERS = ("content-type", "accept", "authorization")
# Headers HTTP owns: they frame the message (a Content-Length without its body, a chunked
# encoding that is not there), route it (Host) or steer the connection and proxies. RFC 9110:
# Host 7.2, the connection-specific fields 7.6.1, Content-Length 8.6, Trailer 6.6.2, Expect
# 10.1.1, TE 10.1.4, Proxy-* 11.7. A value from the document is never sent in them.
_HTTP_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "upgrade",
        "te",
        "trailer",
        "keep-alive",
        "proxy-connection",
        "expect",
    }
)
_COLLECTION_FORMATS = ("csv", "ssv", "tsv", "pipes", "multi")
_TEMPLATE_PARAM = re.compile(r"{([^{}/]+)}")


def normalize(
    document: dict,  # type: ignore[type-arg]
    diagnostics: Diagnostics,
    names: Names | Collection[str] = frozenset(),
) -> ir.Api:
    """The IR of a validated document (see validate.py); problems go to diagnostics.

    names are the target's (target.names_for), from which the IR's names of the package, its
    credentials and its environment variables are made. A set of class names instead is what a
    caller that only compares APIs (diff, the changelog) passes: the client's class names, kept
    from models as a generation keeps them; the package's names are then the title's defaults.
    """
    if not isinstance(names, Names):
        title = str(_info(document).get("title") or "")
        names = replace(naming.names_from_title(title), reserved_classes=frozenset(names))
    classes = class_scope(names.reserved_classes | {names.package})
    return _Normalizer(document, diagnostics, classes, names).run()


@dataclass
class _Definition:
    name: str
    schema: dict  # type: ignore[type-arg]
    kind: str  # model, enum, alias (its type is used in place) or any (unusable: free-form JSON)
    class_name: ClassName | None = None


@dataclass
class _Normalizer:
    doc: dict  # type: ignore[type-arg]
    diagnostics: Diagnostics
    classes: Scope
    names: Names
    definitions: dict[str, _Definition] = field(default_factory=dict)
    models: dict[str, ir.Model] = field(default_factory=dict)  # by class name, in creation order
    enums: dict[str, ir.Enum] = field(default_factory=dict)
    enum_by_values: dict[tuple[str, tuple[object, ...]], ClassName] = field(default_factory=dict)
    building: set[str] = field(default_factory=set)  # aliases being resolved (to stop cycles)
    queued: set[str] = field(default_factory=set)  # model class names queued or built
    in_progress: set[str] = field(default_factory=set)  # model class names being built right now
    pending: list[_Definition] = field(
        default_factory=list
    )  # definitions whose models are still to build
    field_names: dict[ClassName, dict[str, Identifier]] = field(
        default_factory=dict
    )  # model → wire → name

    def run(self) -> ir.Api:
        self._declare_definitions()
        for definition in self.definitions.values():
            if definition.kind == "model":
                self._definition_model(definition)
                self._drain()
            elif definition.kind == "enum":
                self._definition_enum(definition)
        resources = self._resources()
        self._drain()
        self._flatten_import_cycles()
        models = naming.with_variants(list(self.models.values()), self.classes, self._report)
        models, enums = naming.with_modules(models, list(self.enums.values()), self._report)
        base_url, schemes = self._base_url(), self._security_schemes()
        return ir.Api(
            title=str(_info(self.doc).get("title") or ""),
            version=str(_info(self.doc).get("version") or ""),
            description=str(_info(self.doc).get("description") or ""),
            base_url=base_url,
            consumes=_strings(self.doc.get("consumes")),
            produces=_strings(self.doc.get("produces")),
            security_schemes=schemes,
            resources=resources,
            models=tuple(models),
            enums=tuple(enums),
            names=naming.package_names(self.names, schemes, self._report),
        )

    def _flatten_import_cycles(self) -> None:
        self.models, removed = flatten_cyclic_inheritance(self.models)
        for child, parent in removed:
            wire = self.models[child].wire_name
            path = tuple(split_pointer(wire)) if wire.startswith("/") else ("definitions", wire)
            self.diagnostics.add(
                Diagnostic(
                    Severity.INFO,
                    "inheritance-flattened",
                    pointer(path),
                    f"{child} has {parent}'s fields instead of inheriting from it: {parent} refers back to {child}, "
                    "and a class cannot be defined before its own base class",
                    "",
                    locate(self.doc, path),
                )
            )

    # -- diagnostics ------------------------------------------------------------------------------

    def warn(self, path: Path_, code: str, message: str, hint: str = "") -> None:
        self.diagnostics.add(
            Diagnostic(Severity.WARNING, code, pointer(path), message, hint, locate(self.doc, path))
        )

    # -- definitions ------------------------------------------------------------------------------

    def _declare_definitions(self) -> None:
        """Classify every definition and claim its class name first, so definitions keep natural names."""
        definitions = self.doc.get("definitions")
        if not isinstance(definitions, dict):
            return
        cyclic = _allof_cycles(definitions)
        for name, schema in definitions.items():
            if not isinstance(schema, dict):
                schema = {}
            if name in cyclic:
                self.warn(
                    ("definitions", name),
                    "allof-cycle",
                    f"definition {name!r} inherits from itself through allOf; it is read as free-form JSON",
                    "break the allOf cycle",
                )
            kind = "any" if name in cyclic else _definition_kind(schema)
            definition = _Definition(name, schema, kind)
            if kind in ("model", "enum"):
                definition.class_name = self.classes.pascal(name)
                self._report_renames(self.classes, ("definitions", name), "definition")
            self.definitions[name] = definition

    def _report_renames(self, scope: Scope, path: Path_, what: str) -> None:
        """Say which names from the document did not become their natural Python name, and why."""
        self._report(scope.drain(), path, what)

    def _report(self, renames: list[Rename], path: Path_, what: str) -> None:
        for rename in renames:
            severity, code, why = _RENAME_REASONS[rename.reason]
            message = f"{what} {rename.text!r} is {rename.name!r} in Python: {why}"
            self.diagnostics.add(
                Diagnostic(severity, code, pointer(path), message, "", locate(self.doc, path))
            )

    def _definition_model(self, definition: _Definition, now: bool = False) -> ir.ModelRef:
        """A reference to a definition's model; built now (a parent is needed at once) or queued."""
        name = definition.class_name
        assert name is not None
        if name not in self.models and name not in self.queued:
            self.queued.add(name)
            self.pending.append(definition)
        if (
            now and name not in self.models and name not in self.in_progress
        ):  # a model that contains its own subtype
            self.in_progress.add(name)
            try:
                self._build_model(
                    name, definition.name, definition.schema, ("definitions", definition.name)
                )
            finally:
                self.in_progress.discard(name)
        return ir.ModelRef(name)

    def _drain(self) -> None:
        """Build every queued model (building one may queue more)."""
        while self.pending:
            definition = self.pending.pop(0)
            if definition.class_name not in self.models:
                self._definition_model(definition, now=True)

    def _definition_enum(self, definition: _Definition) -> ir.EnumRef:
        assert definition.class_name is not None
        if definition.class_name not in self.enums:
            self._add_enum(
                definition.class_name,
                definition.name,
                definition.schema,
                ("definitions", definition.name),
            )
        return ir.EnumRef(definition.class_name, self.enums[definition.class_name].value_kind)

    # -- models ------------------------------------------------------------------------------------

    def _build_model(self, name: ClassName, wire: str, schema: dict, path: Path_) -> None:  # type: ignore[type-arg]
        parents: list[ClassName] = []
        properties: dict[str, tuple[dict, Path_]] = {}  # type: ignore[type-arg]
        required: set[str] = set(_strings(schema.get("required")))
        for index, part in enumerate(schema.get("allOf") or []):
            self._merge_part(part, path + ("allOf", index), parents, properties, required)
        for prop, prop_schema in (schema.get("properties") or {}).items():
            properties[prop] = (
                prop_schema if isinstance(prop_schema, dict) else {},
                path + ("properties", prop),
            )
        inherited = self._inherited_names(parents)
        names = self._field_names(properties, inherited)
        fields = tuple(
            self._field(name, prop, s, p, prop in required, names[prop])
            for prop, (s, p) in properties.items()
        )
        self.field_names[name] = {**inherited, **{f.wire_name: f.name for f in fields}}
        self.models[name] = ir.Model(
            name=name,
            wire_name=wire,
            fields=fields,
            parents=tuple(parents),
            description=str(schema.get("description") or schema.get("title") or ""),
            extra=self._extra(schema, name, path),
            discriminator=self._discriminator(name, wire, schema, path, self.field_names[name]),
        )

    def _merge_part(
        self,
        part: object,
        path: Path_,
        parents: list[ClassName],
        properties: dict,  # type: ignore[type-arg]
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
        for inner_index, inner in enumerate(source.get("allOf") or []):
            self._merge_part(
                inner, path + ("allOf", inner_index), parents, properties, required, seen
            )
        for prop, prop_schema in (source.get("properties") or {}).items():
            properties[prop] = (
                prop_schema if isinstance(prop_schema, dict) else {},
                path + ("properties", prop),
            )
        required.update(_strings(source.get("required")))

    def _inherited_names(self, parents: list[ClassName]) -> dict[str, Identifier]:
        names: dict[str, Identifier] = {}
        for parent in parents:
            names.update(self.field_names.get(parent, {}))
        return names

    def _field_names(self, properties: dict[str, tuple[dict, Path_]], inherited: dict[str, Identifier]) -> dict[str, Identifier]:  # type: ignore[type-arg]
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
            self._report_renames(scope, properties[wire][1], "property")
        return names

    def _field(
        self,
        model: ClassName,
        wire: str,
        schema: dict,  # type: ignore[type-arg]
        path: Path_,
        required: bool,
        name: Identifier,
    ) -> ir.Field:
        read_only = schema.get("readOnly") is True
        type_ = self.type_of(schema, model + _pascal_words(wire), path)
        default, has_default = self._default(schema, type_, path)
        example, has_example = self._example(schema, type_)
        return ir.Field(
            name=name,
            wire_name=wire,
            type=type_,
            required=required and not read_only,
            nullable=_nullable(schema),
            read_only=read_only,
            default=default,
            has_default=has_default,
            description=str(schema.get("description") or schema.get("title") or ""),
            example=example,
            has_example=has_example,
            limits=_limits(schema),
        )

    def _example(self, schema: dict, type_: ir.TypeRef) -> tuple[object, bool]:  # type: ignore[type-arg]
        """The spec's example (or x-example) when it fits the type; tests use it as data."""
        for key in ("example", "x-example"):
            if key in schema and _fits(schema[key], type_, self.enums):
                return schema[key], True
        return None, False

    def _extra(self, schema: dict, name: str, path: Path_) -> ir.TypeRef | None:  # type: ignore[type-arg]
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
        schema: dict,  # type: ignore[type-arg]
        path: Path_,
        names: dict[str, Identifier],
    ) -> ir.Discriminator | None:
        prop = schema.get("discriminator")
        if not isinstance(prop, str):
            return None
        if prop not in names:
            self.warn(
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

    def _subtypes(self, base: str) -> list[_Definition]:
        """Definitions that inherit from base through allOf, directly or not, in document order."""
        found: list[_Definition] = []
        for definition in self.definitions.values():
            if (
                definition.kind == "model"
                and definition.name != base
                and base in _allof_ancestors(self.doc, definition.name)
            ):
                found.append(definition)
        for definition in found:
            self._definition_model(definition)
        return found

    # -- enums -------------------------------------------------------------------------------------

    def _add_enum(self, name: ClassName, wire: str, schema: dict, path: Path_) -> ir.EnumRef:  # type: ignore[type-arg]
        values = _unique(
            [
                v
                for v in schema.get("enum") or []
                if v is not None and not isinstance(v, (dict, list))
            ]
        )
        kind = _enum_kind(values)
        if kind == "str":
            values = _unique([str(v) for v in values])
        scope = Scope(suffix="_")
        members = tuple(ir.EnumMember(scope.upper(str(v)), v) for v in values)
        self._report_renames(scope, path + ("enum",), "enum value")
        self.enums[name] = ir.Enum(name, wire, kind, members, str(schema.get("description") or ""))
        return ir.EnumRef(name, kind)

    def _inline_enum(self, hint: str, schema: dict, path: Path_) -> ir.EnumRef:  # type: ignore[type-arg]
        key = (_pascal_words(hint), tuple(schema.get("enum") or []))
        if key in self.enum_by_values:
            known = self.enum_by_values[key]
            return ir.EnumRef(known, self.enums[known].value_kind)
        name = self.classes.pascal(hint, "Enum")
        self._report(collisions(self.classes), path, "the enum made for the inline schema")
        self.enum_by_values[key] = name
        return self._add_enum(name, pointer(path), schema, path)

    # -- types ---------------------------------------------------------------------------------------

    def _definition_of_ref(self, schema: dict) -> _Definition | None:  # type: ignore[type-arg]
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            return self.definitions.get(_unescape(ref[len("#/definitions/") :]))
        return None

    def type_of(self, schema: object, hint: str, path: Path_) -> ir.TypeRef:
        """The type of a schema; inline objects and enums are hoisted under names made from hint."""
        if not isinstance(schema, dict):
            return ir.AnyValue()
        if "$ref" in schema:
            return self._ref_type(schema, hint, path)
        if schema.get("enum") and _schema_type(schema) in (
            "string",
            "integer",
            "number",
            "boolean",
            None,
        ):
            return self._inline_enum(hint, schema, path)
        kind = _schema_type(schema)
        if kind == "array":
            return ir.ArrayOf(
                self._item_type(schema.get("items"), hint + "Item", path + ("items",))
            )
        if kind == "file":
            return ir.FileData()
        if kind in _PRIMITIVES:
            return ir.Primitive(_PRIMITIVES[kind], str(schema.get("format") or ""))
        if schema.get("properties") or schema.get("allOf"):
            name = self.classes.pascal(hint)
            self._report(collisions(self.classes), path, "the model made for the inline schema")
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
            if isinstance(schema, dict) and _nullable(schema)
            else item
        )

    def _ref_type(self, schema: dict, hint: str, path: Path_) -> ir.TypeRef:  # type: ignore[type-arg]
        definition = self._definition_of_ref(schema)
        if definition is not None and definition.kind == "model":
            return self._definition_model(definition)
        if definition is not None and definition.kind == "enum":
            return self._definition_enum(definition)
        if definition is not None and definition.kind == "any":
            return ir.AnyValue()
        ref = str(schema["$ref"])
        if ref in self.building:
            self.warn(
                path,
                "ref-cycle",
                f"{ref!r} refers to itself without an object in between; it is read as free-form JSON",
            )
            return ir.AnyValue()
        found, target = (
            resolve_pointer(self.doc, split_pointer(ref[1:]))
            if ref.startswith("#/")
            else (False, None)
        )
        if not found:
            return ir.AnyValue()
        self.building.add(ref)
        try:
            target_hint = _pascal_words(ref.rsplit("/", 1)[-1]) if definition is not None else hint
            return self.type_of(target, target_hint, tuple(split_pointer(ref[1:])))
        finally:
            self.building.discard(ref)

    def _default(self, schema: dict, type_: ir.TypeRef, path: Path_) -> tuple[object, bool]:  # type: ignore[type-arg]
        if "default" not in schema:
            return None, False
        value = schema["default"]
        if _fits(value, type_, self.enums):
            return value, True
        self.warn(
            path + ("default",),
            "default-invalid",
            f"the default {value!r} does not fit the type; it is ignored",
            "fix the default or the type",
        )
        return None, False

    # -- operations ----------------------------------------------------------------------------------

    def _resources(self) -> tuple[ir.Resource, ...]:
        grouped: dict[str, list[tuple[Path_, dict, dict]]] = {}  # type: ignore[type-arg]
        paths = self.doc.get("paths") or {}
        for template, item in paths.items():
            if not isinstance(item, dict) or path_key_error(str(template)) is not None:
                continue  # x- extensions, and keys validate refused
            for method, operation in item.items():
                if method in HTTP_METHODS and isinstance(operation, dict):
                    tags = _strings(operation.get("tags"))
                    grouped.setdefault(tags[0] if tags else "default", []).append(
                        (("paths", template, method), item, operation)
                    )
        scopes = _ResourceScopes(
            resource_scope(),
            resource_module_scope(),
            suite_module_scope(self.names.package),
            Scope(),
        )
        return tuple(self._resource(tag, entries, scopes) for tag, entries in grouped.items())

    def _resource_class(self, tag: str, path: Path_) -> ClassName:
        """A resource class name, from the same scope as models so a resource module can import any model."""
        candidate = _pascal_words(tag) or "Default"
        while True:
            name = self.classes.class_name(candidate, tag, suffix="Resource")
            derived = (f"Async{name}", f"{name}WithRawResponse", f"Async{name}WithRawResponse")
            # Tags "HostileClient" and "AsyncHostileClient": the first one's async class is taken.
            if not any(d in self.classes.taken or d in self.classes.reserved for d in derived):
                break
            candidate = name + "Resource"
        self.classes.taken.update(derived)
        renames = collisions(self.classes)
        self._report(renames[-1:], path, "the class of the tag")  # what it became in the end
        return name

    def _resource(self, tag: str, entries: list, scopes: _ResourceScopes) -> ir.Resource:  # type: ignore[type-arg]
        methods = method_scope()
        names = []
        for p, _, op in entries:
            names.append(
                methods.snake(str(op.get("operationId") or _name_from_route(p[2], p[1])), "op")
            )
            self._report_renames(methods, p + ("operationId",), "operationId")
        operations = [
            self._operation(name, p, item, op) for name, (p, item, op) in zip(names, entries)
        ]
        operations = [
            self._with_iterator(op, methods, p) for op, (p, _, _) in zip(operations, entries)
        ]
        operations = _with_constants(operations)
        operations = [
            self._with_contract_test(op, scopes.contract_tests, p)
            for op, (p, _, _) in zip(operations, entries)
        ]
        where = entries[0][0] + ("tags",)
        attribute = scopes.attributes.snake(tag, "resource")
        self._report_renames(scopes.attributes, where, "tag")
        module = scopes.modules.identifier(attribute, tag)
        self._report_renames(scopes.modules, where, "the module of the tag")
        test_module = scopes.tests.identifier(f"test_{attribute}", tag)
        self._report_renames(scopes.tests, where, "the test module of the tag")
        return ir.Resource(
            name=attribute,
            class_name=self._resource_class(tag, where),
            tag=tag,
            description=self._tag_description(tag),
            operations=tuple(operations),
            module=module,
            test_module=test_module,
        )

    def _with_iterator(self, operation: ir.Operation, methods: Scope, path: Path_) -> ir.Operation:
        """A paged operation's page iterator, a method beside it: iter_ and its name."""
        if operation.pagination is None:
            return operation
        iterator = methods.snake("iter_" + operation.name)
        # Users look for it by the operation's name: one taken already is worth a warning (one cut
        # short is no news: the operation's name was, and said so).
        renames = [r for r in methods.drain() if r.reason != "too-long"]
        self._report(renames, path, "the page iterator of the operation")
        return replace(operation, iterator_name=iterator)

    def _with_contract_test(self, op: ir.Operation, tests: Scope, path: Path_) -> ir.Operation:
        """The name of the operation's contract test: one module holds the tests of every
        resource, and each operation may have a second test, its name and _needs_credentials."""
        natural = candidate = f"test_{op.name}"
        while True:
            name = tests.claim(candidate)
            if f"{name}_needs_credentials" not in tests.taken:
                break
            candidate = name + "_"
        tests.taken.add(f"{name}_needs_credentials")
        if name != natural:
            self._report([Rename(natural, name, "clash")], path, "the contract test")
        return replace(op, contract_test=Identifier(name))

    def _tag_description(self, tag: str) -> str:
        for entry in self.doc.get("tags") or []:
            if isinstance(entry, dict) and entry.get("name") == tag:
                return str(entry.get("description") or "")
        return ""

    def _operation(self, name: Identifier, path: Path_, item: dict, operation: dict) -> ir.Operation:  # type: ignore[type-arg]
        method, template = str(path[2]).upper(), str(path[1])
        hint = _pascal_words(str(operation.get("operationId") or "")) or _pascal_words(
            _name_from_route(str(path[2]), template)
        )
        parameters = self._parameters(hint, path, item, operation, template)
        responses = _binary_when_not_json(
            self._responses(hint, path, operation), operation, self.doc
        )
        body_kind, content_type = _body_kind(parameters, operation, self.doc)
        success = _success_type(responses)
        self._drain()  # pagination detection reads the success model's fields
        return ir.Operation(
            name=name,
            operation_id=str(operation.get("operationId") or ""),
            method=method,
            path=_url_template(without_dot_segments(template)),  # validate warned
            summary=str(operation.get("summary") or ""),
            description=str(operation.get("description") or ""),
            deprecated=operation.get("deprecated") is True,
            parameters=parameters,
            body_kind=body_kind,
            content_type=content_type,
            responses=responses,
            success_type=success,
            security=self._security(operation),
            idempotent=method in IDEMPOTENT_METHODS,
            pagination=self._pagination_of(operation, path, parameters, success),
        )

    def _parameters(self, hint: str, path: Path_, item: dict, operation: dict, template: str) -> tuple[ir.Parameter, ...]:  # type: ignore[type-arg]
        merged: dict[tuple[str, str], tuple[dict, Path_]] = {}  # type: ignore[type-arg]
        for owner, owner_path in ((item, path[:2]), (operation, path)):
            for index, raw in enumerate(owner.get("parameters") or []):
                param, param_path = self._resolve_parameter(raw, owner_path + ("parameters", index))
                if param is not None:
                    merged[(str(param.get("name")), str(param.get("in")))] = (param, param_path)
        order = {name: i for i, name in enumerate(_TEMPLATE_PARAM.findall(template))}
        entries = sorted(merged.values(), key=lambda e: _parameter_order(e[0], order))
        scope = parameter_scope()
        return tuple(
            self._parameter(hint, param, param_path, scope) for param, param_path in entries
        )

    def _pagination_of(
        self,
        operation: dict,  # type: ignore[type-arg]
        path: Path_,
        parameters: tuple[ir.Parameter, ...],
        success: ir.TypeRef | None,
    ) -> ir.Pagination | None:
        """Detected pagination, unless the operation's `x-pagination` (set by an overlay) says otherwise:
        `false` turns it off; a mapping (kind, items, limit, offset, page, cursor, next, total) states it.
        """
        override = operation.get("x-pagination")
        if override is False:
            return None
        if not isinstance(override, dict):
            return _pagination(parameters, success, self.models)
        fields = all_fields(success.name, self.models) if isinstance(success, ir.ModelRef) else []
        items = next(
            (
                f
                for f in fields
                if f.wire_name == override.get("items") and isinstance(f.type, ir.ArrayOf)
            ),
            None,
        )
        kind = override.get("kind")
        if (
            items is None
            or not isinstance(items.type, ir.ArrayOf)
            or kind not in ("offset", "page", "cursor")
        ):
            self.warn(
                path + ("x-pagination",),
                "pagination-invalid",
                "x-pagination needs a kind (offset, page or cursor) and the name of an array field of the response as items",
            )
            return _pagination(parameters, success, self.models)
        text = {
            key: str(override.get(key) or "")
            for key in ("limit", "offset", "page", "cursor", "next", "total")
        }
        return ir.Pagination(
            kind,
            items.wire_name,
            items.type.item,
            limit_param=text["limit"],
            offset_param=text["offset"],
            page_param=text["page"],
            cursor_param=text["cursor"],
            next_field=text["next"],
            total_field=text["total"],
        )

    def _resolve_parameter(self, raw: object, path: Path_) -> tuple[dict | None, Path_]:  # type: ignore[type-arg]
        param, path = self._resolve_object(raw, path)
        if param is None or param.get("in") not in ("path", "query", "header", "formData", "body"):
            self.warn(
                path, "parameter-skipped", "this parameter cannot be represented and is left out"
            )
            return None, path
        name = str(param.get("name", ""))
        problem = _header_problem(name, _CLIENT_HEADERS) if param.get("in") == "header" else None
        if problem is not None:
            self.warn(
                path, "parameter-skipped", f"the header parameter {name!r} is left out: {problem}"
            )
            return None, path
        return param, path

    def _parameter(self, hint: str, param: dict, path: Path_, scope: Scope) -> ir.Parameter:  # type: ignore[type-arg]
        location, wire = str(param["in"]), str(param.get("name") or "")
        if location == "body":
            type_ = self.type_of(param.get("schema"), hint + "Body", path + ("schema",))
            name = scope.snake("body")
        else:
            type_ = self.type_of(param, _pascal_words(wire) or hint + "Param", path)
            name = scope.snake(wire, "param")
            self._report_renames(scope, path, "parameter")
        default, has_default = self._default(param, type_, path)
        example, has_example = self._example(param, type_)
        is_array = isinstance(type_, ir.ArrayOf) and location != "body"
        collection = str(param.get("collectionFormat") or "csv") if is_array else ""
        if collection and collection not in _COLLECTION_FORMATS:
            self.warn(
                path + ("collectionFormat",),
                "collection-format",
                f"unknown collectionFormat {collection!r}; csv is used",
            )
            collection = "csv"
        return ir.Parameter(
            name=name,
            wire_name=wire,
            location=location,
            type=type_,
            required=location == "path" or param.get("required") is True,
            default=default,
            has_default=has_default,
            collection_format=collection,
            description=str(param.get("description") or ""),
            example=example,
            has_example=has_example,
            limits=_limits(param),
        )

    def _responses(self, hint: str, path: Path_, operation: dict) -> tuple[ir.Response, ...]:  # type: ignore[type-arg]
        responses = operation.get("responses") or {}
        out = []
        for status, raw in responses.items():
            status = str(status)
            if status.startswith("x-"):
                continue
            if not _STATUS.match(status):
                self.warn(
                    path + ("responses", status),
                    "response-skipped",
                    f"the response {status!r} is left out: a status is three digits from 100 to 599, or default",
                )
                continue
            response, response_path = self._resolve_object(raw, path + ("responses", status))
            schema = response.get("schema") if response else None
            suffix = "Response" if status in ("200", "201") else f"{_pascal_words(status)}Response"
            type_ = (
                self.type_of(schema, hint + suffix, response_path + ("schema",))
                if schema is not None
                else None
            )
            out.append(ir.Response(status, type_, str((response or {}).get("description") or "")))
        return tuple(out)

    def _resolve_object(self, raw: object, path: Path_) -> tuple[dict | None, Path_]:  # type: ignore[type-arg]
        """A parameter or response object, following local $refs; with the path it really sits at."""
        seen: set[str] = set()
        while isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
            ref = raw["$ref"]
            if ref in seen or len(seen) >= _MAX_REF_HOPS:
                self.warn(
                    path,
                    "ref-cycle",
                    f"the $ref {ref!r} leads back to itself; the object is left out",
                    "point the $ref at a real object",
                )
                return None, path
            seen.add(ref)
            tokens = tuple(split_pointer(ref[1:])) if ref.startswith("#/") else ()
            found, raw = resolve_pointer(self.doc, list(tokens)) if tokens else (False, None)
            if not found:
                return None, path
            path = tokens
        return (raw if isinstance(raw, dict) else None), path

    # -- security and server ---------------------------------------------------------------------------

    def _security_schemes(self) -> tuple[ir.SecurityScheme, ...]:
        schemes = []
        for name, raw in (self.doc.get("securityDefinitions") or {}).items():
            scheme = _security_scheme(str(name), raw)
            if scheme is None:
                self.warn(
                    ("securityDefinitions", name),
                    "security-unsupported",
                    f"the security scheme {name!r} is left out: {_scheme_problem(raw)}",
                )
            else:
                schemes.append(scheme)
        return tuple(schemes)

    def _security(self, operation: dict) -> tuple[tuple[str, ...], ...]:  # type: ignore[type-arg]
        requirements = (
            operation["security"] if "security" in operation else self.doc.get("security")
        )
        known = {
            str(name)
            for name, raw in (self.doc.get("securityDefinitions") or {}).items()
            if _security_scheme(str(name), raw)
        }
        out = []
        for requirement in requirements if isinstance(requirements, list) else []:
            if isinstance(requirement, dict):
                names = tuple(str(n) for n in requirement if str(n) in known)
                if names or not requirement:
                    out.append(names)
        return tuple(out)

    def _base_url(self) -> str:
        host = self.doc.get("host")
        if not isinstance(host, str) or not host:
            return ""
        if not _HOST.match(host):
            self.warn(
                ("host",),
                "host-invalid",
                f"the host {host!r} is not a host name with an optional port; "
                "it is left out, so the client needs a base_url",
                "write host as name[:port], e.g. api.example.com",
            )
            return ""
        schemes = [s for s in _strings(self.doc.get("schemes")) if s in ("http", "https")]
        scheme = "https" if "https" in schemes or not schemes else schemes[0]
        base_path = quote(str(self.doc.get("basePath") or "").strip("/"), safe=_PATH_SAFE)
        return f"{scheme}://{host}{'/' + base_path if base_path else ''}"


# A host name, IPv4 or bracketed IPv6 address, and an optional port (RFC 3986's authority without user info).
_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$"
)
# type/subtype and parameters, printable ASCII only: the value goes into a Content-Type header.
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(?:;[\x20-\x7e]*)?$")
_STATUS = re.compile(r"^(?:[1-5][0-9][0-9]|default)$")
_MAX_REF_HOPS = 32  # a chain of $refs longer than this is a loop in all but name
_HEADER_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # RFC 9110's token
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"

# Why a name changed → (severity, code, explanation). Keywords and the generator's own names are
# ordinary (a property called `type` or `from` is everywhere), so they are infos; two names that
# collide, or a name with nothing usable in it, are warnings: users will not find what they look for.
_RENAME_REASONS = {
    "reserved": (
        Severity.INFO,
        "name-reserved",
        "the natural name is a Python keyword or a name the generated code uses itself",
    ),
    "taken": (
        Severity.WARNING,
        "name-collision",
        "another name in the same place already became that Python name",
    ),
    "clash": (
        Severity.INFO,
        "name-collision",
        "a name the generator made from the document's was taken already in the same place",
    ),
    "unusable": (
        Severity.WARNING,
        "name-unusable",
        "it has no ASCII letters or digits, so a stable name was made up",
    ),
    "too-long": (
        Severity.WARNING,
        "name-too-long",
        f"it was cut to {MAX_NAME} characters, with a hash to keep it distinct",
    ),
    "device": (
        Severity.INFO,
        "name-reserved",
        "it is a Windows device name (CON, PRN, AUX, NUL, COM1, LPT1...), which no file may have",
    ),
}

# -- helpers without state


def _url_template(template: str) -> str:
    """The path template with its literal text percent-encoded, so what the client sends is what tests expect."""
    parts = re.split(r"(\{[^{}/]*\})", template)
    return "".join(part if i % 2 else quote(part, safe=_PATH_SAFE) for i, part in enumerate(parts))


def _info(doc: dict) -> dict:  # type: ignore[type-arg]
    info = doc.get("info")
    return info if isinstance(info, dict) else {}


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _unique(values: list) -> list:  # type: ignore[type-arg]
    out: list = []  # type: ignore[type-arg]
    for value in values:
        if not any(value == seen and type(value) is type(seen) for seen in out):
            out.append(value)
    return out


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _pascal_words(text: str) -> str:
    return pascal(text) if words(text) else ""


def _schema_type(schema: dict) -> str | None:  # type: ignore[type-arg]
    kind = schema.get("type")
    if isinstance(kind, list):  # not Swagger 2.0, but seen: ["string", "null"]
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def _limits(schema: dict) -> ir.Limits:  # type: ignore[type-arg]
    def number(key: str) -> float | None:
        value = schema.get(key)
        return (
            float(value)
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


def _nullable(schema: dict) -> bool:  # type: ignore[type-arg]
    kind = schema.get("type")
    return schema.get("x-nullable") is True or (isinstance(kind, list) and "null" in kind)


def _definition_kind(schema: dict) -> str:  # type: ignore[type-arg]
    if "$ref" in schema:
        return "alias"
    kind = _schema_type(schema)
    if schema.get("enum") and kind in ("string", "integer", "number", "boolean", None):
        return "enum"
    if schema.get("properties") or schema.get("allOf") or schema.get("discriminator"):
        return "model"
    if kind == "object" and "additionalProperties" not in schema:
        return "model"
    return "alias"


def _enum_kind(values: list) -> str:  # type: ignore[type-arg]
    if values and all(isinstance(v, bool) for v in values):
        return "bool"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "float"
    return "str"


def _allof_parents(definitions: dict, name: str) -> list[str]:  # type: ignore[type-arg]
    schema = definitions.get(name)
    parents = []
    for part in (schema.get("allOf") or []) if isinstance(schema, dict) else []:
        ref = part.get("$ref") if isinstance(part, dict) else None
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            parents.append(_unescape(ref[len("#/definitions/") :]))
    return parents


def _allof_ancestors(doc: dict, name: str) -> set[str]:  # type: ignore[type-arg]
    definitions = doc.get("definitions") or {}
    seen: set[str] = set()
    stack = list(_allof_parents(definitions, name))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(_allof_parents(definitions, current))
    return seen


def _allof_cycles(definitions: dict) -> set[str]:  # type: ignore[type-arg]
    """Definitions that inherit from themselves through allOf (directly or not)."""
    doc = {"definitions": definitions}
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
        return enum is not None and any(
            m.value == value and type(m.value) is type(value) for m in enum.members
        )
    if isinstance(type_, ir.ArrayOf):
        return isinstance(value, list) and all(_fits(v, type_.item, enums) for v in value)
    if isinstance(type_, ir.MapOf):
        return isinstance(value, dict)
    return isinstance(type_, ir.AnyValue)


def _name_from_route(method: str, template: str) -> str:
    """An operation name for an operation without operationId: method and the path's words."""
    parts = [method]
    for segment in template.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            parts.extend(["by", segment[1:-1]])
        elif segment:
            parts.append(segment)
    return "_".join(parts)


def _parameter_order(param: dict, template_order: dict[str, int]) -> tuple[int, int, int]:  # type: ignore[type-arg]
    if param.get("in") == "path":
        return (0, template_order.get(str(param.get("name")), len(template_order)), 0)
    return (1, 0 if param.get("required") is True else 1, 0)


def _body_kind(parameters: tuple[ir.Parameter, ...], operation: dict, doc: dict) -> tuple[str, str]:  # type: ignore[type-arg]
    consumes = _strings(operation.get("consumes")) or _strings(doc.get("consumes"))
    if any(p.location == "body" for p in parameters):
        json_type = next(
            (c for c in consumes if "json" in c.lower() and _MEDIA_TYPE.match(c)),
            "application/json",
        )
        return "json", json_type
    form = [p for p in parameters if p.location == "formData"]
    if not form:
        return "none", ""
    if any(isinstance(p.type, ir.FileData) for p in form) or (
        consumes and "multipart/form-data" in consumes[0]
    ):
        return "multipart", "multipart/form-data"
    return "form", "application/x-www-form-urlencoded"


def _binary_when_not_json(responses: tuple[ir.Response, ...], operation: dict, doc: dict) -> tuple[ir.Response, ...]:  # type: ignore[type-arg]
    """An operation that produces only non-JSON, non-text media answers with bytes, whatever its schema says
    (Java-made specs describe a download as an "InputStream" object)."""
    produces = _strings(operation.get("produces")) or _strings(doc.get("produces"))
    if not produces or any("json" in p.lower() or p.lower().startswith("text/") for p in produces):
        return responses
    return tuple(
        (
            ir.Response(r.status, ir.FileData(), r.description)
            if r.status.startswith("2") and r.type is not None
            else r
        )
        for r in responses
    )


def _success_type(responses: tuple[ir.Response, ...]) -> ir.TypeRef | None:
    chosen = [r for r in responses if r.status.startswith("2")] or [
        r for r in responses if r.status == "default"
    ]
    options: list[ir.TypeRef] = []
    for response in chosen:
        option: ir.TypeRef = response.type if response.type is not None else ir.NoneValue()
        if option not in options:
            options.append(option)
    if not options or options == [ir.NoneValue()]:
        return None
    return options[0] if len(options) == 1 else ir.UnionOf(tuple(options))


def _security_scheme(name: str, raw: object) -> ir.SecurityScheme | None:
    if not isinstance(raw, dict):
        return None
    description = str(raw.get("description") or "")
    if raw.get("type") == "basic":
        return ir.SecurityScheme(name, "basic", description=description)
    in_query = raw.get("in") == "query" and isinstance(raw.get("name"), str)
    in_header = raw.get("in") == "header" and _api_key_header_problem(raw) is None
    if raw.get("type") == "apiKey" and (in_query or in_header):
        return ir.SecurityScheme(name, "apiKey", str(raw["name"]), str(raw["in"]), description)
    if raw.get("type") == "oauth2":
        return ir.SecurityScheme(name, "bearer", "Authorization", "header", description)
    return None


def _header_problem(name: str, client_headers: tuple[str, ...] = ()) -> str | None:
    """Why a header with this name cannot carry a value from the document, or None."""
    lowered = name.lower()
    if lowered in client_headers:
        return "the client sets it from consumes, produces and security"
    if lowered in _HTTP_HEADERS or lowered.startswith("proxy-"):
        return "HTTP itself sets it (it frames the request or steers the connection or a proxy)"
    if not _HEADER_TOKEN.match(name):
        return "an HTTP header name is letters, digits and !#$%&'*+-.^_`|~ only"
    return None


def _api_key_header_problem(raw: dict) -> str | None:  # type: ignore[type-arg]
    # Authorization is allowed: APIs put their own key schemes in it.
    return _header_problem(str(raw.get("name")))


def _scheme_problem(raw: object) -> str:
    """Why _security_scheme refused raw, for the warning."""
    if isinstance(raw, dict) and raw.get("type") == "apiKey" and raw.get("in") == "header":
        return f"its header {str(raw.get('name'))!r} cannot be used: {_api_key_header_problem(raw)}"
    return "it is not basic, apiKey (in query or header) or oauth2"


_LIMIT = ("limit", "size", "page_size", "per_page", "count", "max_results", "top")
_OFFSET = ("offset", "skip", "start", "start_index", "startindex")
_PAGE = ("page", "page_number", "page_index")
_CURSOR = (
    "cursor",
    "next_token",
    "page_token",
    "continuation_token",
    "marker",
    "after",
    "starting_after",
)
_ITEMS = ("items", "data", "results", "records", "values", "entries", "elements", "content")
_TOTAL = ("total_count", "total", "count", "total_results", "total_items")
_NEXT = ("next", "next_token", "next_cursor", "next_page_token", "cursor", "continuation_token")


def _pagination(
    parameters: tuple[ir.Parameter, ...], success: ir.TypeRef | None, models: dict[str, ir.Model]
) -> ir.Pagination | None:
    """A paged operation takes limit/offset, page/size or a cursor and returns a model with an items array."""
    query = {_key(p.wire_name): p.wire_name for p in parameters if p.location == "query"}
    if not isinstance(success, ir.ModelRef):
        return None
    fields = all_fields(success.name, models)
    items = next(
        (
            f
            for key in _ITEMS
            for f in fields
            if _key(f.wire_name) == key and isinstance(f.type, ir.ArrayOf)
        ),
        None,
    )
    if items is None or not isinstance(items.type, ir.ArrayOf):
        return None
    limit = _first(query, _LIMIT)
    total = next((f.wire_name for key in _TOTAL for f in fields if _key(f.wire_name) == key), "")
    next_field = next(
        (f.wire_name for key in _NEXT for f in fields if _key(f.wire_name) == key), ""
    )
    common = {
        "items_field": items.wire_name,
        "item_type": items.type.item,
        "limit_param": limit,
        "total_field": total,
    }
    if _first(query, _OFFSET) and limit:
        return ir.Pagination("offset", offset_param=_first(query, _OFFSET), **common)  # type: ignore[arg-type]
    if _first(query, _PAGE):
        return ir.Pagination("page", page_param=_first(query, _PAGE), **common)  # type: ignore[arg-type]
    if _first(query, _CURSOR) and next_field:
        return ir.Pagination("cursor", cursor_param=_first(query, _CURSOR), next_field=next_field, **common)  # type: ignore[arg-type]
    return None


def _key(name: str) -> str:
    return snake(name)


def _first(query: dict[str, str], candidates: tuple[str, ...]) -> str:
    return next((query[c] for c in candidates if c in query), "")


def _with_constants(operations: list[ir.Operation]) -> list[ir.Operation]:
    """The module-level constants each operation's method uses: its Route, and its PageSpec.
    Distinct operation names make distinct constants, so none is ever renamed here."""
    constants = Scope()
    return [
        replace(
            op,
            route_constant=constants.identifier(f"_{upper_snake(op.name)}_ROUTE", op.name),
            pages_constant=(
                constants.identifier(f"_{upper_snake(op.name)}_PAGES", op.name)
                if op.pagination
                else None
            ),
        )
        for op in operations
    ]


@dataclass(frozen=True)
class _ResourceScopes:
    """Where the names of each resource are claimed: the client's attributes, the modules of
    resources/ and of tests/."""

    attributes: Scope
    modules: Scope
    tests: Scope
    contract_tests: Scope  # the functions of the contract tests' module
