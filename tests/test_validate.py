"""Semantic checks, their repairs, strict mode, and the schema validator's messages."""

from __future__ import annotations

import pytest

from generator.ingest.options import Options
from generator.ingest.pipeline import ingest


def spec_with(write, paths: str, extra: str = ""):  # type: ignore[no-untyped-def]
    return write(
        "s.yaml",
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\nschemes: [https]\n"
        + extra
        + "paths:\n"
        + paths,
    )


def test_untyped_parameter_becomes_a_string_with_a_warning(write) -> None:  # type: ignore[no-untyped-def]
    spec = spec_with(
        write,
        "  /a:\n    get:\n      parameters:\n        - {name: q, in: query}\n"
        "      responses: {'200': {description: ok}}\n",
    )
    result = ingest(spec)
    assert result.ok
    [warning] = result.diagnostics.items
    assert (warning.code, warning.pointer) == ("param-untyped", "/paths/~1a/get/parameters/0")
    assert str(warning.position).endswith("s.yaml:8:11")
    assert result.document is not None
    assert result.document["paths"]["/a"]["get"]["parameters"][0]["type"] == "string"


def test_strict_mode_reports_the_same_problems_as_errors(write) -> None:  # type: ignore[no-untyped-def]
    spec = spec_with(
        write,
        "  /a:\n    get:\n      parameters:\n        - {name: q, in: query}\n"
        "      responses: {'200': {description: ok}}\n",
    )
    lenient, strict = ingest(spec), ingest(spec, options=Options(strict=True))
    assert not strict.ok and strict.document is None
    assert [(d.code, d.pointer) for d in strict.diagnostics] == [
        (d.code, d.pointer) for d in lenient.diagnostics
    ]
    assert {d.severity.value for d in strict.diagnostics} == {"error"}


def test_dangling_reference_becomes_free_form(write) -> None:  # type: ignore[no-untyped-def]
    spec = spec_with(
        write,
        "  /a:\n    post:\n      parameters:\n        - {name: b, in: body, schema: {$ref: '#/definitions/nope'}}\n"
        "      responses: {'200': {description: ok, schema: {$ref: '#/definitions/Fine'}}}\n",
        "definitions:\n  Fine: {type: object}\n",
    )
    result = ingest(spec)
    assert result.diagnostics.codes() == ["ref-dangling"]
    assert result.document is not None
    assert result.document["paths"]["/a"]["post"]["parameters"][0]["schema"] == {}


def test_a_pointer_without_its_slash_is_named_in_the_hint(write) -> None:  # type: ignore[no-untyped-def]
    # prance's recursion fixtures write '#definitions/X': RFC 6901 pointers start with '/'.
    spec = spec_with(
        write,
        "  /a:\n    get:\n      responses: {'200': {description: ok, schema: {$ref: '#definitions/Fine'}}}\n",
        "definitions:\n  Fine: {type: object}\n",
    )
    [found] = ingest(spec).diagnostics.items
    assert (found.code, found.pointer) == ("ref-dangling", "/paths/~1a/get/responses/200/schema")
    assert "write '#/definitions/Fine'" in found.hint
    [other] = ingest(
        spec_with(write, " {}\n", "definitions:\n  A: {$ref: '#definitions/B'}\n")
    ).diagnostics.items
    assert other.hint == "add the definition, or fix the reference with an overlay"


def test_http_only_is_noted(write) -> None:  # type: ignore[no-untyped-def]
    spec = write(
        "s.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\nschemes: [http]\npaths: {}\n"
    )
    result = ingest(spec)
    assert result.ok and result.diagnostics.codes() == ["http-only"]
    assert result.diagnostics.items[0].pointer == "/schemes"


def test_undeclared_path_parameter_is_added(write) -> None:  # type: ignore[no-untyped-def]
    spec = spec_with(
        write, "  /pets/{petId}:\n    get:\n      responses: {'200': {description: ok}}\n"
    )
    result = ingest(spec)
    assert result.diagnostics.codes() == ["path-param-undeclared"]
    assert result.document is not None
    assert result.document["paths"]["/pets/{petId}"]["get"]["parameters"] == [
        {"name": "petId", "in": "path", "required": True, "type": "string"}
    ]


def test_path_level_parameters_count_as_declared(write) -> None:  # type: ignore[no-untyped-def]
    spec = spec_with(
        write,
        "  /pets/{petId}:\n    parameters:\n      - {name: petId, in: path, required: true, type: integer}\n"
        "    get:\n      responses: {'200': {description: ok}}\n",
    )
    assert ingest(spec).diagnostics.codes() == []


def test_duplicate_operation_ids_warn(write) -> None:  # type: ignore[no-untyped-def]
    spec = spec_with(
        write,
        "  /a:\n    get: {operationId: same, responses: {'200': {description: ok}}}\n"
        "  /b:\n    get: {operationId: same, responses: {'200': {description: ok}}}\n",
    )
    result = ingest(spec)
    assert result.diagnostics.codes() == ["duplicate-operation-id"]
    assert result.diagnostics.items[0].pointer == "/paths/~1b/get/operationId"


def test_schema_violations_name_the_specific_problem(write) -> None:  # type: ignore[no-untyped-def]
    spec = spec_with(
        write,
        "  /a:\n    get:\n      parameters:\n        - {name: q, in: cookie, type: string}\n"
        "      responses: {'200': {description: ok}}\n",
    )
    result = ingest(spec)
    [violation] = result.diagnostics.items
    assert violation.code == "schema-violation"
    assert violation.pointer.startswith("/paths/~1a/get/parameters/0")
    assert "cookie" in violation.message
    assert "'$ref' is a required property" not in violation.message


@pytest.mark.parametrize("version", ["'2.0'", "2.0"])
def test_swagger_version_as_number_or_string(write, version: str) -> None:  # type: ignore[no-untyped-def]
    spec = write("s.yaml", f"swagger: {version}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n")
    result = ingest(spec)
    assert result.ok and result.document is not None and result.document["swagger"] == "2.0"
