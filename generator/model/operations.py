"""Paths → resources and operations: parameters, request bodies, responses, and the names of
everything a resource defines (its class, attribute, modules, methods, page iterators, constants
and contract tests)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

from generator.ingest.document import resolve_pointer, split_pointer
from generator.ingest.validate import HTTP_METHODS, path_key_error, without_dot_segments
from generator.model import ir
from generator.model.context import Context
from generator.model.jsonvalues import (
    JSONObject,
    Path_,
    as_list,
    as_object,
    iterated,
    strings,
    text,
)
from generator.model.names import (
    ClassName,
    Identifier,
    Rename,
    Scope,
    method_scope,
    parameter_scope,
    resource_module_scope,
    resource_scope,
    suite_module_scope,
    upper_snake,
)
from generator.model.naming import collisions
from generator.model.pagination import pagination_of
from generator.model.schemas import Example, Schemas, pascal_words
from generator.model.security import CLIENT_HEADERS, PATH_SAFE, header_problem, security

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
# Header parameters that carry an idempotency key (draft-ietf-httpapi-idempotency-key-header),
# compared lower-case with _ read as -.
IDEMPOTENCY_KEY_HEADERS = frozenset({"idempotency-key", "x-idempotency-key"})
_COLLECTION_FORMATS = ("csv", "ssv", "tsv", "pipes", "multi")
_TEMPLATE_PARAM = re.compile(r"{([^{}/]+)}")
# type/subtype and parameters, printable ASCII only: the value goes into a Content-Type header.
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(?:;[\x20-\x7e]*)?$")
_STATUS = re.compile(r"^(?:[1-5][0-9][0-9]|default)$")
_MAX_REF_HOPS = 32  # a chain of $refs longer than this is a loop in all but name

OperationPath = tuple[str, str, str]  # ("paths", template, method)
_Entry = tuple[OperationPath, JSONObject, JSONObject]  # where, the path item, the operation


def resources(ctx: Context, schemas: Schemas) -> tuple[ir.Resource, ...]:
    """The document's operations, grouped by their first tag, in document order."""
    return _Operations(ctx, schemas).resources()


@dataclass(frozen=True)
class _ResourceScopes:
    """Where the names of each resource are claimed: the client's attributes, the modules of
    resources/ and of tests/."""

    attributes: Scope
    modules: Scope
    tests: Scope
    contract_tests: Scope  # the functions of the contract tests' module


@dataclass(frozen=True)
class _Operations:
    """Nothing of its own but a memo: what it makes goes into the resources it returns."""

    ctx: Context
    schemas: Schemas
    # what a shared parameter (#/parameters/...) is but its name, by its path and type name:
    # Kubernetes' 47 are used 6,010 times, and making each use again was a tenth of normalize
    shared: dict[tuple[Path_, str], dict[str, Any]] = field(default_factory=dict)

    def resources(self) -> tuple[ir.Resource, ...]:
        grouped: dict[str, list[_Entry]] = {}
        for template, item in as_object(self.ctx.doc.get("paths")).items():
            if not isinstance(item, dict) or path_key_error(str(template)) is not None:
                continue  # x- extensions, and keys validate refused
            for method, operation in item.items():
                if method in HTTP_METHODS and isinstance(operation, dict):
                    tags = strings(operation.get("tags"))
                    grouped.setdefault(tags[0] if tags else "default", []).append(
                        (("paths", template, method), item, operation)
                    )
        scopes = _ResourceScopes(
            resource_scope(),
            resource_module_scope(),
            suite_module_scope(self.ctx.names.package),
            Scope(),
        )
        return tuple(self._resource(tag, entries, scopes) for tag, entries in grouped.items())

    def _resource_class(self, tag: str, path: Path_) -> ClassName:
        """A resource class name, from the same scope as models so a resource module can import any model."""
        classes = self.ctx.classes
        candidate = pascal_words(tag) or "Default"
        while True:
            name = classes.class_name(candidate, tag, suffix="Resource")
            derived = tuple(
                f"{prefix}{name}{suffix}"
                for prefix in ("", "Async")
                for suffix in ("", "WithRawResponse", "WithStreamingResponse")
            )[1:]
            # Tags "HostileClient" and "AsyncHostileClient": the first one's async class is taken.
            if not any(d in classes.taken or d in classes.reserved for d in derived):
                break
            candidate = name + "Resource"
        classes.taken.update(derived)
        renames = collisions(classes)
        self.ctx.report(renames[-1:], path, "the class of the tag")  # what it became in the end
        return name

    def _resource(self, tag: str, entries: list[_Entry], scopes: _ResourceScopes) -> ir.Resource:
        methods = method_scope()
        names = []
        for p, _, op in entries:
            names.append(
                methods.snake(text(op.get("operationId") or _name_from_route(p[2], p[1])), "op")
            )
            self.ctx.report_renames(methods, p + ("operationId",), "operationId")
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
        self.ctx.report_renames(scopes.attributes, where, "tag")
        module = scopes.modules.identifier(attribute, tag)
        self.ctx.report_renames(scopes.modules, where, "the module of the tag")
        test_module = scopes.tests.identifier(f"test_{attribute}", tag)
        self.ctx.report_renames(scopes.tests, where, "the test module of the tag")
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
        self.ctx.report(renames, path, "the page iterator of the operation")
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
            self.ctx.report([Rename(natural, name, "clash")], path, "the contract test")
        return replace(op, contract_test=Identifier(name))

    def _tag_description(self, tag: str) -> str:
        for index, entry in enumerate(as_list(self.ctx.doc.get("tags"))):
            if isinstance(entry, dict) and entry.get("name") == tag:
                return self.ctx.prose(entry.get("description"), ("tags", index, "description"))
        return ""

    # -- one operation ------------------------------------------------------------------------------

    def _operation(
        self, name: Identifier, path: OperationPath, item: JSONObject, operation: JSONObject
    ) -> ir.Operation:
        method, template = str(path[2]).upper(), str(path[1])
        hint = pascal_words(text(operation.get("operationId"))) or pascal_words(
            _name_from_route(str(path[2]), template)
        )
        as_is = _sent_as_is(operation, self.ctx.doc)
        parameters = self._parameters(hint, path, item, operation, template, as_is)
        responses = _binary_when_not_json(
            self._responses(hint, path, operation), operation, self.ctx.doc
        )
        body_kind, content_type = _body_kind(parameters, operation, self.ctx.doc, as_is)
        success = _success_type(responses)
        self.schemas.drain()  # pagination detection reads the success model's fields
        return ir.Operation(
            name=name,
            operation_id=text(operation.get("operationId")),
            method=method,
            path=_url_template(without_dot_segments(template)),  # validate warned
            summary=self.ctx.prose(operation.get("summary"), path + ("summary",)),
            description=self.ctx.prose(operation.get("description"), path + ("description",)),
            deprecated=operation.get("deprecated") is True,
            parameters=parameters,
            body_kind=body_kind,
            content_type=content_type,
            responses=responses,
            success_type=success,
            security=security(self.ctx, operation),
            idempotent=method in IDEMPOTENT_METHODS,
            pagination=pagination_of(self.ctx, operation, path, parameters, success),
            long_running=self._long_running(operation, path),
            idempotency_header=_idempotency_header(parameters),
        )

    def _long_running(self, operation: JSONObject, path: OperationPath) -> bool:
        """Azure's x-ms-long-running-operation: said in the docstring, and as an info."""
        if operation.get("x-ms-long-running-operation") is not True:
            return False
        self.ctx.info(
            path + ("x-ms-long-running-operation",),
            "long-running-not-polled",
            "the operation is long-running: its method returns the first response (often 202) "
            "and does not poll for the result",
            "poll the URL its Azure-AsyncOperation or Location header names",
        )
        return True

    def _parameters(
        self,
        hint: str,
        path: OperationPath,
        item: JSONObject,
        operation: JSONObject,
        template: str,
        as_is: str,
    ) -> tuple[ir.Parameter, ...]:
        merged: dict[tuple[str, str], tuple[JSONObject, Path_]] = {}
        owners: tuple[tuple[JSONObject, Path_], ...] = ((item, path[:2]), (operation, path))
        for owner, owner_path in owners:
            for index, raw in enumerate(iterated(owner.get("parameters"))):
                param, param_path = self._resolve_parameter(raw, owner_path + ("parameters", index))
                if param is not None:
                    merged[(str(param.get("name")), str(param.get("in")))] = (param, param_path)
        order = {name: i for i, name in enumerate(_TEMPLATE_PARAM.findall(template))}
        entries = sorted(merged.values(), key=lambda e: _parameter_order(e[0], order))
        scope = parameter_scope()
        return tuple(
            self._parameter(hint, param, param_path, scope, as_is) for param, param_path in entries
        )

    def _resolve_parameter(self, raw: object, path: Path_) -> tuple[JSONObject | None, Path_]:
        param, path = self._resolve_object(raw, path)
        if param is None or param.get("in") not in ("path", "query", "header", "formData", "body"):
            self.ctx.warn(
                path, "parameter-skipped", "this parameter cannot be represented and is left out"
            )
            return None, path
        name = str(param.get("name", ""))
        problem = header_problem(name, CLIENT_HEADERS) if param.get("in") == "header" else None
        if problem is not None:
            self.ctx.warn(
                path, "parameter-skipped", f"the header parameter {name!r} is left out: {problem}"
            )
            return None, path
        return param, path

    def _parameter(
        self, hint: str, param: JSONObject, path: Path_, scope: Scope, as_is: str
    ) -> ir.Parameter:
        location, wire = str(param["in"]), text(param.get("name"))
        if location == "body":
            facts = self._facts(param, path, location, hint + "Body", as_is)
            name = scope.snake("body")
        else:
            type_hint = pascal_words(wire) or hint + "Param"
            key = (path, type_hint)  # a shared parameter sits at one path, for every operation
            if path[0] != "parameters":
                facts = self._facts(param, path, location, type_hint)
            elif key not in self.shared:
                facts = self.shared[key] = self._facts(param, path, location, type_hint)
            else:
                facts = self.shared[key]
            name = scope.snake(wire, "param")
            self.ctx.report_renames(scope, path, "parameter")
        return ir.Parameter(name=name, wire_name=wire, location=location, **facts)

    def _facts(
        self, param: JSONObject, path: Path_, location: str, type_hint: str, as_is: str = ""
    ) -> dict[str, Any]:
        """All a parameter is but its Python name: the same for every operation that shares it.
        A body sent as_is (a media type other than JSON) is text or bytes, whatever its schema
        says: no client could send the object a schema describes as XML or a file."""
        if location == "body" and as_is:
            type_: ir.TypeRef = ir.Primitive("str") if _is_text(as_is) else ir.FileData()
        elif location == "body":
            type_ = self.schemas.type_of(param.get("schema"), type_hint, path + ("schema",))
        else:
            type_ = self.schemas.type_of(param, type_hint, path)
        default, has_default = self.schemas.default(param, type_, path)
        example, has_example = self.schemas.example(param, type_)
        is_array = isinstance(type_, ir.ArrayOf) and location != "body"
        collection = text(param.get("collectionFormat") or "csv") if is_array else ""
        if collection and collection not in _COLLECTION_FORMATS:
            self.ctx.warn(
                path + ("collectionFormat",),
                "collection-format",
                f"unknown collectionFormat {collection!r}; csv is used",
            )
            collection = "csv"
        return dict(
            type=type_,
            required=location == "path" or param.get("required") is True,
            default=default,
            has_default=has_default,
            collection_format=collection,
            description=self.ctx.prose(param.get("description"), path + ("description",)),
            example=example,
            has_example=has_example,
            limits=self.schemas.limits_of(param, path),
        )

    def _responses(
        self, hint: str, path: OperationPath, operation: JSONObject
    ) -> tuple[ir.Response, ...]:
        out = []
        for status, raw in as_object(operation.get("responses")).items():
            status = str(status)
            if status.startswith("x-"):
                continue
            if not _STATUS.match(status):
                self.ctx.warn(
                    path + ("responses", status),
                    "response-skipped",
                    f"the response {status!r} is left out: a status is three digits from 100 to 599, or default",
                )
                continue
            response, response_path = self._resolve_object(raw, path + ("responses", status))
            schema = response.get("schema") if response else None
            suffix = "Response" if status in ("200", "201") else f"{pascal_words(status)}Response"
            type_ = (
                self.schemas.type_of(schema, hint + suffix, response_path + ("schema",))
                if schema is not None
                else None
            )
            self._note_examples(response or {}, type_, response_path)
            about = self.ctx.prose(
                (response or {}).get("description"), response_path + ("description",)
            )
            out.append(ir.Response(status, type_, about))
        return tuple(out)

    def _note_examples(self, response: JSONObject, type_: ir.TypeRef | None, path: Path_) -> None:
        """A response's examples by media type: the JSON ones are its body (a mock server
        answers with them)."""
        for media, value in as_object(response.get("examples")).items():
            if type_ is not None and _is_json(media):
                self.schemas.examples[path + ("examples", media)] = Example(
                    value, type_, ir.NO_LIMITS, False
                )

    def _resolve_object(self, raw: object, path: Path_) -> tuple[JSONObject | None, Path_]:
        """A parameter or response object, following local $refs; with the path it really sits at."""
        seen: set[str] = set()
        while isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
            ref = raw["$ref"]
            if ref in seen or len(seen) >= _MAX_REF_HOPS:
                self.ctx.warn(
                    path,
                    "ref-cycle",
                    f"the $ref {ref!r} leads back to itself; the object is left out",
                    "point the $ref at a real object",
                )
                return None, path
            seen.add(ref)
            tokens = tuple(split_pointer(ref[1:])) if ref.startswith("#/") else ()
            found, raw = resolve_pointer(self.ctx.doc, list(tokens)) if tokens else (False, None)
            if not found:
                return None, path
            path = tokens
        return (raw if isinstance(raw, dict) else None), path


# -- helpers without state


def _url_template(template: str) -> str:
    """The path template with its literal text percent-encoded, so what the client sends is what tests expect."""
    parts = re.split(r"(\{[^{}/]*\})", template)
    return "".join(part if i % 2 else quote(part, safe=PATH_SAFE) for i, part in enumerate(parts))


def _name_from_route(method: str, template: str) -> str:
    """An operation name for an operation without operationId: method and the path's words."""
    parts = [method]
    for segment in template.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            parts.extend(["by", segment[1:-1]])
        elif segment:
            parts.append(segment)
    return "_".join(parts)


def _idempotency_header(parameters: tuple[ir.Parameter, ...]) -> str:
    """The wire name of the header parameter that carries an idempotency key, or ''."""
    return next(
        (
            p.wire_name
            for p in parameters
            if p.location == "header"
            and p.wire_name.lower().replace("_", "-") in IDEMPOTENCY_KEY_HEADERS
        ),
        "",
    )


def _parameter_order(param: JSONObject, template_order: dict[str, int]) -> tuple[int, int, int]:
    if param.get("in") == "path":
        return (0, template_order.get(str(param.get("name")), len(template_order)), 0)
    return (1, 0 if param.get("required") is True else 1, 0)


def _body_kind(
    parameters: tuple[ir.Parameter, ...], operation: JSONObject, doc: JSONObject, as_is: str
) -> tuple[str, str]:
    consumes = strings(operation.get("consumes")) or strings(doc.get("consumes"))
    if as_is and any(p.location == "body" for p in parameters):
        return "raw", as_is
    if any(p.location == "body" for p in parameters):
        json_type = next(
            (c for c in consumes if "json" in c.lower() and _MEDIA_TYPE.match(c)),
            "application/json",
        )
        return "json", json_type
    form = [p for p in parameters if p.location == "formData"]
    if not form:
        return "none", ""
    if any(p.uploads for p in form) or (consumes and "multipart/form-data" in consumes[0]):
        return "multipart", "multipart/form-data"
    return "form", "application/x-www-form-urlencoded"


def _is_json(media: str) -> bool:
    return "json" in media.lower()


def _sent_as_is(operation: JSONObject, doc: JSONObject) -> str:
    """The media type an operation's body is sent in as given (text or bytes): the first it
    consumes, when it consumes no JSON type; '' when the body is JSON (the default)."""
    consumes = strings(operation.get("consumes")) or strings(doc.get("consumes"))
    usable = [media for media in consumes if _MEDIA_TYPE.match(media)]
    if not usable or any(_is_json(media) for media in consumes):
        return ""
    first = usable[0].split(";")[0].strip().lower()
    return "" if first in _FORM_TYPES else usable[0]


_FORM_TYPES = (
    "application/x-www-form-urlencoded",
    "multipart/form-data",
)  # formData's, not a body's


def _is_text(media: str) -> bool:
    """Whether a body of this media type is text (sent UTF-8 encoded) rather than bytes."""
    essence = media.split(";")[0].strip().lower()
    return essence.startswith("text/") or essence.endswith(("/xml", "+xml"))


def _binary_when_not_json(
    responses: tuple[ir.Response, ...], operation: JSONObject, doc: JSONObject
) -> tuple[ir.Response, ...]:
    """An operation that produces only non-JSON, non-text media answers with bytes, whatever its schema says
    (Java-made specs describe a download as an "InputStream" object)."""
    produces = strings(operation.get("produces")) or strings(doc.get("produces"))
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
