"""The views of models, enums and resources that their templates print, and the rendering of
each such file (one model, enum, TypedDict, variants alias or resource per call)."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from generator.model import ir
from generator.render import escape
from generator.render.context import Context
from generator.render.types import MODELS_ALIAS, Imports, annotation, body_type, route_type


def render_enum(env: jinja2.Environment, context: Context, enum: ir.Enum) -> str:
    return env.get_template("package/models/enum.py.jinja").render(c=context, enum=enum)


def render_variants(env: jinja2.Environment, context: Context, model: ir.Model) -> str:
    assert model.discriminator is not None
    members = sorted({str(name) for _, name in model.discriminator.mapping})
    base_tag = next(value for value, name in model.discriminator.mapping if name == model.name)
    return env.get_template("package/models/variants.py.jinja").render(
        c=context,
        model=model,
        alias=model.variants,
        base_tag=base_tag,
        members=[(context.modules[n], n) for n in members],
    )


# -- models ----------------------------------------------------------------------------------------------


@dataclass
class _FieldView:
    name: str
    wire_name: str
    annotation: str
    default: str  # Python source of the default, or '' when required
    description: str
    enum_first: bool = False  # an enum member is preferred over the plain value it also accepts
    nullable: bool = False  # None is sent as null (x-nullable); elsewhere a None is refused
    narrows: bool = (
        False  # redeclares an inherited field with another type (allowed by pydantic, not by mypy)
    )

    @property
    def arguments(self) -> list[str]:
        return _field_arguments(self)


def render_model(env: jinja2.Environment, context: Context, model: ir.Model) -> str:
    imports = context.imports(with_variants=False)
    fields = [_field_view(f, imports, context.api) for f in model.fields]
    # pydantic may evaluate inherited fields' annotations in this module: their names must be here too
    inherited_imports = context.imports(with_variants=False)
    inherited = _inherited_annotations(context.api, model, inherited_imports)
    only_inherited = sorted(
        (inherited_imports.classes - imports.classes - set(model.parents) - {model.name})
        | {name for _, name in inherited_imports.stdlib - imports.stdlib}
    )
    imports.merge(inherited_imports)
    for view in fields:
        view.narrows = view.wire_name in inherited and inherited[view.wire_name] != view.annotation
    extra = (
        annotation(model.extra, imports)
        if model.extra is not None and not isinstance(model.extra, ir.AnyValue)
        else ""
    )
    later = sorted(imports.classes - set(model.parents) - {model.name})
    return env.get_template("package/models/model.py.jinja").render(
        c=context,
        model=model,
        fields=fields,
        extra=extra,
        additional=model.extra is not None,
        stdlib=sorted(imports.stdlib),
        parents=[(context.modules[p], p) for p in model.parents],
        only_inherited=only_inherited,
        later=[(context.modules[n], n) for n in later],
    )


def render_dict(env: jinja2.Environment, context: Context, model: ir.Model) -> str:
    """The module of a model's TypedDict. It imports what its annotations name only for type
    checkers: at run time it costs one class, and no model's import pays for it."""
    imports = context.imports(with_variants=False)
    keys = _dict_keys(context.api, model, imports)
    return env.get_template("package/models/dict.py.jinja").render(
        c=context,
        model=model,
        keys=keys,
        not_required=any(not required for _, _, required in keys),
        stdlib=sorted(imports.stdlib),
        classes=[(context.modules[n], n) for n in sorted(imports.classes - {model.dict_name})],
    )


def _dict_keys(api: ir.Api, model: ir.Model, imports: Imports) -> list[tuple[str, str, bool]]:
    """The keys of the model's TypedDict: (Python name, annotation, required) of each field, the
    inherited ones first (a TypedDict cannot narrow a key it inherits: it inherits none)."""
    keys = []
    for f in _all_fields(api, model):
        text = annotation(f.type, imports, "dict")
        if f.nullable and not (text.endswith("| None") or text == "None"):
            text = f"{text} | None"
        keys.append((str(f.name), text, f.required))
    return keys


def _all_fields(api: ir.Api, model: ir.Model) -> list[ir.Field]:
    """A model's fields and its parents', by wire name; a redeclared field keeps its latest form.
    Each model is walked once (an allOf diamond reaches one 2**n ways; a cycle adds nothing)."""
    by_name = {m.name: m for m in api.models}
    done: dict[str, dict[str, ir.Field]] = {}

    def fields(of: ir.Model) -> dict[str, ir.Field]:
        if of.name not in done:
            done[of.name] = {}
            found: dict[str, ir.Field] = {}
            for parent in of.parents:
                if parent in by_name:
                    found.update(fields(by_name[parent]))
            found.update((f.wire_name, f) for f in of.fields)
            done[of.name] = found
        return done[of.name]

    return list(fields(model).values())


def _inherited_annotations(api: ir.Api, model: ir.Model, imports: Imports) -> dict[str, str]:
    """The annotations of the fields model inherits, by wire name."""
    by_name = {m.name: m for m in api.models}
    found: dict[str, str] = {}
    stack, seen = list(model.parents), set(model.parents)
    while stack:
        parent = by_name.get(stack.pop())
        if parent is not None:
            stack.extend(p for p in parent.parents if p not in seen)
            seen.update(parent.parents)
            for f in parent.fields:
                found.setdefault(f.wire_name, _field_view(f, imports, api).annotation)
    return found


def _field_view(f: ir.Field, imports: Imports, api: ir.Api) -> _FieldView:
    text = annotation(f.type, imports)
    optional = not f.required
    if f.nullable or optional:
        text = text if text.endswith("| None") or text == "None" else f"{text} | None"
    if f.has_default and _scalar_default(f):
        default = escape.python_value(f.default)
    elif optional:
        default = "None"
    else:
        default = ""
    return _FieldView(
        f.name,
        f.wire_name,
        text,
        default,
        f.description,
        enum_first=_has_enum(f.type),
        nullable=f.nullable,
    )


def _field_arguments(view: _FieldView) -> list[str]:
    """The arguments of a field's ``Field(...)``, as source.

    The wire name is the alias for reading and for writing, but not ``alias``: type checkers take
    a field specifier's ``alias`` for the parameter's name in ``__init__`` (PEP 681), and users
    build models with the Python names."""
    arguments = [f"default={view.default}"] if view.default else []
    if view.wire_name != view.name:
        wire = escape.string_literal(view.wire_name)
        arguments += [f"validation_alias={wire}", f"serialization_alias={wire}"]
    if view.description:
        arguments.append(f"description={escape.string_literal(view.description)}")
    if view.enum_first:
        arguments.append('union_mode="left_to_right"')
    if view.nullable:
        arguments.append('json_schema_extra={"x-nullable": True}')
    return arguments


def _has_enum(type_: ir.TypeRef) -> bool:
    if isinstance(type_, ir.EnumRef):
        return True
    if isinstance(type_, ir.UnionOf):
        return any(_has_enum(t) for t in type_.options)
    return False


def _scalar_default(f: ir.Field) -> bool:
    """A default printed as a literal: plain scalars only (a date's default is text, not a date)."""
    if isinstance(f.type, ir.Primitive) and f.type.format in ("date", "date-time"):
        return False
    return isinstance(f.type, (ir.Primitive, ir.EnumRef)) and isinstance(
        f.default, (str, int, float, bool)
    )


# -- resources ---------------------------------------------------------------------------------------------


@dataclass
class _ParamView:
    name: str
    wire_name: str
    location: str
    annotation: str
    required: bool
    description: str
    default_note: str  # printed after the description: the server's default, how a body is sent
    uploads: bool  # sent as file parts (see ir.Parameter.uploads)

    @property
    def doc(self) -> str:
        """Its line in the docstring: the description (or what it is), then the note."""
        described = (self.description or f"The {self.location} parameter {self.wire_name}").rstrip()
        if not self.default_note:
            return described
        stop = "" if described.endswith((".", "!", "?", ":")) else "."
        return f"{described}{stop} {self.default_note}"


@dataclass
class _OperationView:
    op: ir.Operation
    route: str  # module-level constant name
    pages: str  # module-level PageSpec constant name ('' when not paged)
    positional: list[_ParamView]
    keyword: list[_ParamView]
    returns: str
    query_formats: dict[str, str]
    form_formats: dict[str, str]
    path_formats: dict[str, str]
    required: list[tuple[str, str]]  # (location, wire name): None for them is refused
    success: list[tuple[str, str]]
    errors: list[tuple[str, str]]
    item: str  # the paged item annotation
    body_type: str  # what the runtime makes the body's dicts into ('' when it names no model)

    def located(self, location: str) -> list[_ParamView]:
        return [p for p in self.positional + self.keyword if p.location == location]

    @property
    def files(self) -> list[_ParamView]:
        return [p for p in self.located("formData") if p.uploads]

    @property
    def form(self) -> list[_ParamView]:
        return [p for p in self.located("formData") if p not in self.files]

    @property
    def body(self) -> _ParamView | None:
        found = self.located("body")
        return found[0] if found else None


def render_resource(env: jinja2.Environment, context: Context, resource: ir.Resource) -> str:
    imports = context.imports(with_variants=True)
    views = [_operation_view(op, imports) for op in resource.operations]
    return env.get_template("package/resources/resource.py.jinja").render(
        c=context,
        resource=resource,
        operations=views,
        stdlib=sorted(imports.stdlib),
        classes=[(context.modules[n], n) for n in sorted(imports.classes)],
        runtime=sorted(imports.runtime),
        models_alias=MODELS_ALIAS if imports.lazy else "",
    )


def _operation_view(op: ir.Operation, imports: Imports) -> _OperationView:
    params = [_param_view(p, imports, op) for p in op.parameters]
    positional = [p for p in params if p.location == "path"]
    keyword = [p for p in params if p.location != "path"]
    keyword.sort(key=lambda p: not p.required)  # required keywords first, for readability
    formats = {p.wire_name: p.collection_format for p in op.parameters if p.collection_format}
    return _OperationView(
        op=op,
        route=op.route_constant,
        pages=op.pages_constant or "",
        positional=positional,
        keyword=keyword,
        returns=annotation(op.success_type, imports, "response"),
        query_formats={k: v for k, v in formats.items() if _location(op, k) == "query"},
        form_formats={k: v for k, v in formats.items() if _location(op, k) == "formData"},
        path_formats={k: v for k, v in formats.items() if _location(op, k) == "path"},
        required=[
            (p.location, p.wire_name) for p in op.parameters if p.required and p.location != "path"
        ],
        success=[
            (r.status, route_type(r.type, imports))
            for r in op.responses
            if r.status.startswith("2") or r.status == "default"
        ],
        errors=[
            (r.status, route_type(r.type, imports))
            for r in op.responses
            if r.status[:1] in ("4", "5") or r.status == "default"
        ],
        item=annotation(op.pagination.item_type, imports, "response") if op.pagination else "",
        body_type=next(
            (body_type(p.type, imports) for p in op.parameters if p.location == "body"), ""
        ),
    )


# How a body the operation consumes as text or bytes is sent (by whether it is bytes).
_SENT_AS_IS = {
    False: "Sent as it is, as {}.",
    True: "Sent as it is, as {}: bytes, a Path, a binary file, or a (name, content, type) tuple "
    "whose type replaces that one.",
}


def _location(op: ir.Operation, wire_name: str) -> str:
    return next((p.location for p in op.parameters if p.wire_name == wire_name), "")


def _param_view(p: ir.Parameter, imports: Imports, op: ir.Operation) -> _ParamView:
    text = annotation(p.type, imports, "param")
    if not p.required:
        text = f"{text} | None"
    note = f"The server's default is {escape.python_value(p.default)}." if p.has_default else ""
    if p.location == "body" and op.body_kind == "raw":
        note = _SENT_AS_IS[isinstance(p.type, ir.FileData)].format(op.content_type)
    return _ParamView(
        p.name, p.wire_name, p.location, text, p.required, p.description, note, p.uploads
    )
