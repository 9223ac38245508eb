"""Validate a Swagger 2.0 document and repair what can be repaired safely.

Order matters: our own semantic checks run first and repair the document (each
repair is a warning), then the Swagger 2.0 JSON schema from openapi-spec-validator
checks what is left, so one problem is reported once. The semantic checks read only
values of the shape they expect; a value of the wrong JSON type that the schema
check finds (`parameters: {name: x}`) is left out, and the semantic checks run again
to repair what that left (a path parameter no longer declared), so that no later
stage reads a value of the wrong shape. The validator is run on plain data with
every `$ref` already local and is wrapped: whatever it raises becomes a diagnostic,
never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator
from urllib.parse import quote, unquote

from generator.diagnostics import Diagnostic, Diagnostics, InputError, Severity
from generator.ingest.document import (
    SpecDict,
    locate,
    pointer,
    remove_paths,
    resolve_pointer,
    split_pointer,
)
from generator.ingest.loader import Limits
from generator.ingest.schemacheck import explain, schema_errors
from generator.ingest.values import check_values
from generator.memo import NO_MEMO, Memo

Path_ = tuple[str | int, ...]
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_TEMPLATE_PARAM = re.compile(r"{([^{}/]+)}")


@dataclass
class _Reporter:
    document: SpecDict
    diagnostics: Diagnostics

    def warn(self, path: Path_, code: str, message: str, hint: str = "") -> None:
        self.add(Severity.WARNING, path, code, message, hint)

    def add(self, severity: Severity, path: Path_, code: str, message: str, hint: str = "") -> None:
        self.diagnostics.add(
            Diagnostic(severity, code, pointer(path), message, hint, locate(self.document, path))
        )


def check_version(document: object, source: str) -> SpecDict:
    """The document as a mapping that says `swagger: "2.0"`; raises InputError otherwise."""
    if not isinstance(document, dict):
        kind = "a list" if isinstance(document, list) else f"a {type(document).__name__}"
        raise _fatal(
            document, "not-a-mapping", f"the document is {kind}, not a Swagger 2.0 object", source
        )
    if "openapi" in document and "swagger" not in document:
        raise _fatal(
            document,
            "openapi3",
            f"this is an OpenAPI {document['openapi']} document, not Swagger 2.0",
            source,
            hint="this generator reads Swagger 2.0; convert the document or use an OpenAPI 3 generator",
            path=("openapi",),
        )
    version = document.get("swagger")
    if str(version) not in ("2.0", "2"):
        raise _fatal(
            document,
            "not-swagger2",
            f"'swagger' must be \"2.0\", found {version!r}",
            source,
            hint='a Swagger 2.0 document starts with swagger: "2.0"',
            path=("swagger",),
        )
    assert isinstance(document, SpecDict)
    if version != "2.0":
        document["swagger"] = "2.0"
    return document


def check_counts(document: SpecDict, limits: Limits) -> None:
    """Refuse a document with more operations or definitions than any real API has; raises InputError."""
    paths = document.get("paths")
    operations = (
        sum(
            len([m for m in item if m in HTTP_METHODS])
            for item in paths.values()
            if isinstance(item, dict)
        )
        if isinstance(paths, dict)
        else 0
    )
    definitions = document.get("definitions")
    counted = (
        ("paths", "operations", operations, limits.max_operations),
        (
            "definitions",
            "definitions",
            len(definitions) if isinstance(definitions, dict) else 0,
            limits.max_definitions,
        ),
    )
    for key, what, count, limit in counted:
        if count > limit:
            raise InputError(
                Diagnostic(
                    Severity.ERROR,
                    "too-large",
                    f"/{key}",
                    f"the document has {count:,} {what}; the limit is {limit:,}",
                    "split the API into several documents",
                    locate(document, (key,)),
                )
            )


def _fatal(
    document: object, code: str, message: str, source: str, hint: str = "", path: Path_ = ()
) -> InputError:
    position = locate(document, path)
    if position is None or not position.file:
        from generator.diagnostics import SourcePosition

        position = SourcePosition(source)
    return InputError(Diagnostic(Severity.ERROR, code, pointer(path), message, hint, position))


def validate(
    document: SpecDict, diagnostics: Diagnostics, schema: bool = True, memo: Memo = NO_MEMO
) -> None:
    """Check document, repairing in place; problems go to diagnostics. Without schema, only the
    checks that repair run (the Swagger 2.0 schema check only reports); memo remembers the parts
    the schema check found valid."""
    report = _Reporter(document, diagnostics)
    _run_checks(document, report)
    if schema and _schema_check(document, report, memo):
        _run_checks(document, report)  # repair what leaving values out left (a dangling $ref)


def _run_checks(document: SpecDict, report: _Reporter) -> None:
    """The semantic checks; each repairs what it reports, so a second run reports nothing new."""
    for check in _CHECKS:
        check(document, report)


# -- semantic checks and repairs -------------------------------------------------------------


def _check_schemes(document: SpecDict, report: _Reporter) -> None:
    schemes = document.get("schemes")
    if isinstance(schemes, list) and "http" in schemes and "https" not in schemes:
        report.warn(
            ("schemes",),
            "http-only",
            "the API is served over plain http only",
            "credentials would travel unencrypted; add https to schemes if the API supports it",
        )


def _operations(document: SpecDict) -> Iterator[tuple[Path_, dict[str, Any]]]:
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    for name, item in paths.items():
        if not isinstance(item, dict) or is_extension(name):
            continue
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                yield ("paths", name, method), item[method]


def _parameter_lists(document: SpecDict) -> Iterator[tuple[Path_, list[Any]]]:
    paths = document.get("paths")
    for name, item in (paths.items() if isinstance(paths, dict) else []):
        if is_extension(name):
            continue
        if isinstance(item, dict) and isinstance(item.get("parameters"), list):
            yield ("paths", name, "parameters"), item["parameters"]
    for path, operation in _operations(document):
        if isinstance(operation.get("parameters"), list):
            yield path + ("parameters",), operation["parameters"]


def _all_parameters(document: SpecDict) -> Iterator[tuple[Path_, dict[str, Any]]]:
    for path, params in _parameter_lists(document):
        for index, param in enumerate(params):
            if isinstance(param, dict):
                yield path + (index,), param
    shared = document.get("parameters")
    for name, param in (shared.items() if isinstance(shared, dict) else []):
        if isinstance(param, dict):
            yield ("parameters", name), param


def _check_untyped_parameters(document: SpecDict, report: _Reporter) -> None:
    for path, param in _all_parameters(document):
        if "$ref" in param or param.get("in") == "body" or "type" in param:
            continue
        param["type"] = "string"
        report.warn(
            path,
            "param-untyped",
            f"the {param.get('in', '')} parameter {param.get('name', '')!r} has no type; "
            "it is read as a string",
            "give it a type (an overlay can add one)",
        )


def _check_dangling_refs(document: SpecDict, report: _Reporter) -> None:
    # Whether each definition exists, asked once (Kubernetes: 8,937 references to 700 of them);
    # repairs change what a reference holds, never which definitions there are.
    definitions: dict[str, bool] = {}
    dangling = []
    for path, node in _ref_nodes(document):
        ref = node["$ref"]
        if ref.startswith("#/definitions/") and "/" not in ref[len("#/definitions/") :]:
            if ref not in definitions:
                definitions[ref] = _resolves(document, ref)
            found = definitions[ref]
        else:
            found = ref.startswith("#") and _resolves(document, ref)
        if not found:
            dangling.append((path, node))
    dangling.sort(key=lambda item: [str(t) for t in item[0]])  # reported in document order
    for path, node in dangling:
        ref = node["$ref"]
        if ref.startswith("#"):  # external references were already reported when bundling
            report.warn(
                path,
                "ref-dangling",
                f"the reference {ref!r} names nothing in the document; "
                "it is read as free-form JSON",
                _dangling_hint(document, ref),
            )
        _repair_ref(document, path, node)


def _dangling_hint(document: SpecDict, ref: str) -> str:
    """How to mend a reference: '#definitions/X' most likely meant '#/definitions/X' (a JSON
    pointer after '#' starts with '/', RFC 6901)."""
    meant = "#/" + ref[1:]
    if not ref.startswith("#/") and _resolves(document, meant):
        return f"a JSON pointer starts with '/': write {meant!r} (an overlay can)"
    return "add the definition, or fix the reference with an overlay"


def _ref_nodes(document: SpecDict) -> list[tuple[Path_, dict[str, Any]]]:
    found = []
    stack: list[tuple[Path_, object]] = [((), document)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                found.append((path, node))
            stack.extend(
                (path + (k,), v)
                for k, v in node.items()
                if isinstance(v, (dict, list)) and k != "example" and k != "x-example"
            )
        elif isinstance(node, list):
            stack.extend(
                (path + (i,), v) for i, v in enumerate(node) if isinstance(v, (dict, list))
            )
    return found


def _resolves(document: SpecDict, ref: str) -> bool:
    try:
        tokens = split_pointer(ref[1:])
    except ValueError:
        return False
    return resolve_pointer(document, tokens)[0]


def _repair_ref(document: SpecDict, path: Path_, node: dict[str, Any]) -> None:
    """Make an unresolvable reference harmless for its context."""
    del node["$ref"]
    if len(path) >= 2 and path[-2] == "parameters" and isinstance(path[-1], int):
        node.setdefault("name", f"unresolved{path[-1]}")
        node.setdefault("in", "query")
        node.setdefault("type", "string")
    elif len(path) >= 2 and path[-2] == "responses":
        node.setdefault("description", "")


def _check_path_parameters(document: SpecDict, report: _Reporter) -> None:
    for op_path, operation in _operations(document):
        template = str(op_path[1])
        names = set(_TEMPLATE_PARAM.findall(template))
        declared = _declared_path_params(document, op_path, operation)
        if not isinstance(operation.get("parameters", []), list):
            continue  # the schema check leaves it out, then this check runs again
        for name in sorted(names - declared):
            operation.setdefault("parameters", []).append(
                SpecDict("", {"name": name, "in": "path", "required": True, "type": "string"})
            )
            report.warn(
                op_path,
                "path-param-undeclared",
                f"{{{name}}} in the path is not declared as a parameter; "
                "it is read as a required string",
                "declare it under parameters with in: path",
            )
        _require_path_params(op_path, operation, report)


def _declared_path_params(
    document: SpecDict, op_path: Path_, operation: dict[str, Any]
) -> set[str]:
    item = document["paths"][op_path[1]]
    declared = set()
    for param in _as_list(item.get("parameters")) + _as_list(operation.get("parameters")):
        param = _deref(document, param)
        if isinstance(param, dict) and param.get("in") == "path":
            declared.add(str(param.get("name")))
    return declared


def _require_path_params(op_path: Path_, operation: dict[str, Any], report: _Reporter) -> None:
    for index, param in enumerate(_as_list(operation.get("parameters"))):
        if (
            isinstance(param, dict)
            and param.get("in") == "path"
            and param.get("required") is not True
        ):
            param["required"] = True
            report.warn(
                op_path + ("parameters", index),
                "path-param-optional",
                f"the path parameter {param.get('name')!r} must be required; it is made required",
            )


def _as_list(value: object) -> list[object]:
    """value when it is a list, else an empty one (the schema check reports it)."""
    return value if isinstance(value, list) else []


def _deref(document: SpecDict, node: object) -> object:
    if (
        isinstance(node, dict)
        and isinstance(node.get("$ref"), str)
        and node["$ref"].startswith("#")
    ):
        try:
            return resolve_pointer(document, split_pointer(node["$ref"][1:]))[1]
        except ValueError:
            return None
    return node


def _check_operation_ids(document: SpecDict, report: _Reporter) -> None:
    seen: dict[str, Path_] = {}
    for path, operation in _operations(document):
        op_id = operation.get("operationId")
        if not isinstance(op_id, str):
            continue
        if op_id in seen:
            report.warn(
                path + ("operationId",),
                "duplicate-operation-id",
                f"operationId {op_id!r} is also used at {pointer(seen[op_id])}; the method names will differ",
                "operationIds must be unique",
            )
        else:
            seen[op_id] = path


# The top-level fields every later stage reads, and the JSON type each must have.
_TOP_LEVEL_TYPES: dict[str, tuple[type, str]] = {
    "info": (dict, "a mapping"),
    "paths": (dict, "a mapping"),
    "definitions": (dict, "a mapping"),
    "parameters": (dict, "a mapping"),
    "responses": (dict, "a mapping"),
    "securityDefinitions": (dict, "a mapping"),
    "tags": (list, "a list"),
    "security": (list, "a list"),
    "consumes": (list, "a list"),
    "produces": (list, "a list"),
    "schemes": (list, "a list"),
    "host": (str, "a string"),
    "basePath": (str, "a string"),
}


def _check_top_level_types(document: SpecDict, report: _Reporter) -> None:
    """A top-level field of the wrong kind leaves nothing sensible to generate from: an error."""
    for key, (kind, described) in _TOP_LEVEL_TYPES.items():
        if key in document and not isinstance(document[key], kind):
            report.add(
                Severity.ERROR,
                (key,),
                "wrong-type",
                f"{key!r} must be {described}, not {_json_type(document[key])}",
            )


def _json_type(value: object) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }
    return names.get(
        type(value), next((n for t, n in names.items() if isinstance(value, t)), "a number")
    )


# -- path keys -----------------------------------------------------------------------------------
#
# The client sends base URL + path key, so a key is trusted with where credentials go.

_ENCODED_DOTS = re.compile(r"^(?:\.|%2[eE]){1,2}$")
# Characters a reader, or a URL parser (a backslash is / to WHATWG parsers), takes for more than
# path data. The client sends them percent-encoded, as data, where they cannot move the request.
_MISREAD = re.compile(r"[?#\\\x00-\x1f\x7f-\x9f]|\s")


def is_extension(key: object) -> bool:
    """An `x-` key of the Paths object: a vendor extension, not a path."""
    return isinstance(key, str) and key.startswith("x-")


def path_key_error(key: str) -> str | None:
    """Why the path key cannot follow the base URL in a request, or None when it can.

    A key must start with one `/`: without it the key extends the host name
    (`.evil.example/x`, `@evil.example/x`), and `//evil.example/x` is not a path but a
    network-path reference (RFC 3986 sections 3.3 and 4.2) to whatever resolves it. Servers and
    proxies decode percent-escapes before routing, so `/%2F%2Fevil.example` counts as `//`.
    Placeholders are values of one segment: only the literal text counts.
    """
    literal = _literal(key)
    if not literal.startswith("/"):
        return "it does not start with /, so it would change the host name of the URL"
    if unquote(literal).startswith("//"):
        return "it starts with // (written or percent-encoded), which names a host, not a path"
    return None


def without_dot_segments(key: str) -> str:
    """The path key with its `.` and `..` segments resolved (RFC 3986 section 5.2.4).

    httpx resolves literal dot segments in what it sends, and servers resolve the encoded ones
    (`%2E%2E`, the same characters by RFC 3986 section 6.2.2.2): resolving both here makes the
    path the client sends, the one its tests expect and the one the server routes the same, and
    keeps the path below the base URL.
    """
    segments = key.split("/")
    plain = [
        segment.replace("%2e", ".").replace("%2E", ".") if _ENCODED_DOTS.match(segment) else segment
        for segment in segments
    ]
    return remove_dot_segments("/".join(plain))


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, step by step: A to E move the input buffer to the output."""
    source = path
    output: list[str] = []  # segments, each with the "/" before it
    while source:
        if source.startswith(("../", "./")):  # A
            source = source[source.index("/") + 1 :]
        elif source.startswith("/./") or source == "/.":  # B
            source = "/" + source[3:]
        elif source.startswith("/../") or source == "/..":  # C
            source = "/" + source[4:]
            if output:
                output.pop()
        elif source in (".", ".."):  # D
            source = ""
        else:  # E: the first segment, with the "/" before it
            end = source.find("/", 1)
            end = len(source) if end < 0 else end
            output.append(source[:end])
            source = source[end:]
    return "".join(output)


def _literal(key: str) -> str:
    """The key with each {placeholder} as one plain segment character."""
    return _TEMPLATE_PARAM.sub("p", key)


def _check_path_keys(document: SpecDict, report: _Reporter) -> None:
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    refused = []
    for key in paths:
        if is_extension(key):
            continue
        problem = path_key_error(str(key))
        if problem is not None:
            refused.append(key)
            report.add(
                Severity.ERROR,
                ("paths", key),
                "path-invalid",
                f"the path {key!r} is not a path the client can send: {problem}",
                "a path starts with a single / (e.g. /items/{id})",
            )
        else:
            _check_plain_path(str(key), report)
    for key in refused:  # later checks, and the schema check, need not read them again
        del paths[key]


def _check_plain_path(key: str, report: _Reporter) -> None:
    resolved = without_dot_segments(key)
    if resolved != key:
        lost = sorted(set(_TEMPLATE_PARAM.findall(key)) - set(_TEMPLATE_PARAM.findall(resolved)))
        names = ", ".join("{" + name + "}" for name in lost)
        dropped = f"; the value of {names} is not sent" if lost else ""
        report.warn(
            ("paths", key),
            "path-dot-segment",
            f"the path {key!r} has . or .. segments: it is sent as {resolved!r}{dropped}",
            "write the path as it is sent",
        )
    misread = sorted(set(_MISREAD.findall(_literal(key))))
    if misread:
        report.warn(
            ("paths", key),
            "path-escaped",
            f"the path {key!r} holds {', '.join(map(repr, misread))}, which a URL path "
            f"cannot hold as they are: they are sent percent-encoded "
            f"({', '.join(quote(char) for char in misread)}), as part of the path",
            "a query or a header goes in parameters, not in the path",
        )


def _check_values(document: SpecDict, report: _Reporter) -> None:
    check_values(document, report.warn)


_CHECKS: list[Callable[[SpecDict, _Reporter], None]] = [
    _check_top_level_types,
    _check_path_keys,
    _check_schemes,
    _check_untyped_parameters,
    _check_dangling_refs,
    _check_path_parameters,
    _check_operation_ids,
    _check_values,
]


# -- the Swagger 2.0 JSON schema ---------------------------------------------------------------


def _schema_check(document: SpecDict, report: _Reporter, memo: Memo) -> bool:
    """Report what breaks the Swagger 2.0 schema; a value of the wrong JSON type (a list where a
    mapping belongs) is left out, so that no later stage reads it. Whether any was."""
    try:
        errors = schema_errors(document, memo)
    except RecursionError:
        report.add(
            Severity.ERROR,
            (),
            "validator-crash",
            "the schema validator ran out of stack on this document",
        )
        return False
    except (
        Exception
    ) as exc:  # noqa: BLE001 - the validator's own failures must not become tracebacks
        report.add(
            Severity.ERROR,
            (),
            "validator-crash",
            f"the schema validator failed: {type(exc).__name__}: {exc}",
        )
        return False
    wrong_type = []
    for error in sorted(errors, key=lambda e: [str(t) for t in e.absolute_path]):
        reason = explain(error)
        message = reason.message
        if reason.wrong_type and reason.path:
            wrong_type.append(reason.path)
            message += "; it is left out"
        report.warn(
            reason.path,
            "schema-violation",
            message,
            "see the Swagger 2.0 specification for this object",
        )
    remove_paths(document, wrong_type)
    return bool(wrong_type)
