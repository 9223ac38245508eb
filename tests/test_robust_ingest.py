"""Broken or hostile documents end in diagnostics, never in an internal error, and in bounded time,
memory and output (issue 19). Each document is checked with `validate` and with `generate`:
`validate` once said "usable" of documents that `generate` then crashed on."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from generator.diagnostics import Severity
from generator.ingest.document import resolve_pointer, split_pointer
from generator.ingest.loader import Limits
from generator.ingest.options import Options
from generator.ingest.pipeline import ingest
from tests.conftest import CliResult, run_isolated

Cli = Callable[..., CliResult]
HEAD = 'swagger: "2.0"\ninfo: {title: T, version: "1"}\n'


def validate_and_generate(cli: Cli, spec: Path, output: Path) -> tuple[list[Any], CliResult]:
    """validate's diagnostics (as JSON) and generate's result; neither may be an internal error."""
    validated = cli("validate", spec, "--format", "json")
    generated = cli("generate", spec, "-o", output, "--package", "r_client")
    for result in (validated, generated):
        assert "internal error" not in result.err, result.err[-2000:]
    assert validated.code == generated.code, (validated.out, generated.err)
    found: list[Any] = json.loads(validated.out)
    return found, generated


# -- numbers Python cannot hold ------------------------------------------------------------------

DIGITS = "9" * 5000  # Python converts at most 4,300 digits between text and int


@pytest.mark.parametrize(
    "name, text",
    [
        ("extension.yaml", HEAD + f"paths: {{}}\nx-count: {DIGITS}\n"),
        (
            "default.yaml",
            HEAD + "paths:\n  /a:\n    get:\n      parameters: [{name: q, in: query, "
            f"type: integer, default: {DIGITS}}}]\n      responses: {{'200': {{description: ok}}}}\n",
        ),
        ("hex.yaml", HEAD + f"paths: {{}}\nx-count: 0x{'f' * 5000}\n"),
        (
            "plain.json",
            '{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {},\n'
            f' "x-count": {DIGITS}}}',
        ),
    ],
)
def test_an_integer_of_thousands_of_digits_is_refused_where_it_is(  # type: ignore[no-untyped-def]
    cli: Cli, write, tmp_path: Path, name: str, text: str
) -> None:
    found, generated = validate_and_generate(cli, write(name, text), tmp_path / "out")
    assert generated.code == 1
    [refused] = found
    assert (refused["severity"], refused["code"]) == ("error", "too-large")
    assert "5,000 digits" in refused["message"]
    lines = text.splitlines()
    assert refused["line"] == next(
        n for n, line in enumerate(lines, 1) if "99999" in line or "fffff" in line
    )


# -- values of the wrong shape, and values no client can use ---------------------------------------

RESPONSES = "      responses: {'200': {description: ok}}\n"


def operation(parameters: str, responses: str = RESPONSES, path: str = "/a") -> str:
    get = f"paths:\n  {path}:\n    get:\n      operationId: op\n"
    return HEAD + get + f"      parameters: {parameters}\n" + responses


SHAPES = {
    # Swagger 2.0: an operation's parameters are a list; a path item's too
    "parameters-mapping": (
        operation("{name: x}"),
        "schema-violation",
        "/paths/~1a/get/parameters",
    ),
    "path-item-parameters-true": (
        HEAD + "paths:\n  /a:\n    parameters: true\n    get:\n" + RESPONSES,
        "schema-violation",
        "/paths/~1a/parameters",
    ),
    # the Responses Object maps status codes to responses
    "responses-list": (
        operation("[]", "      responses: [1]\n"),
        "schema-violation",
        "/paths/~1a/get/responses",
    ),
    # properties maps names to schemas
    "properties-list": (
        HEAD + "paths: {}\ndefinitions:\n  M: {type: object, properties: [1]}\n",
        "schema-violation",
        "/definitions/M/properties",
    ),
    # maximum is a JSON number: 310 digits are one, but no float (every limit is compared as one)
    "maximum-310-digits": (
        operation(f"[{{name: q, in: query, type: number, maximum: {'9' * 310}}}]"),
        "value-unusable",
        "/paths/~1a/get/parameters/0/maximum",
    ),
    # JSON has no infinite number: YAML's .inf has no place in a Swagger (JSON) document
    "minimum-infinite": (
        operation("[{name: q, in: query, type: integer, minimum: .inf}]"),
        "value-unusable",
        "/paths/~1a/get/parameters/0/minimum",
    ),
    # a query parameter is a string, a number, a boolean or an array: never an object
    "query-enum-of-objects": (
        operation("[{name: q, in: query, type: string, enum: [{a: 1}]}]"),
        "value-unusable",
        "/paths/~1a/get/parameters/0/enum",
    ),
    "enum-with-an-array": (
        HEAD + "paths: {}\ndefinitions:\n  M: {enum: [x, [1]]}\n",
        "value-unusable",
        "/definitions/M/enum/1",
    ),
    # a $ref may make a schema of any mapping, an extension's too
    "enum-reached-through-an-extension": (
        operation("[{name: b, in: body, schema: {$ref: '#/x-schemas/E'}}]").replace(
            "paths:", "x-schemas:\n  E: {type: string, enum: [x, [1]]}\npaths:"
        ),
        "value-unusable",
        "/x-schemas/E/enum/1",
    ),
}


@pytest.mark.parametrize("case", SHAPES)
def test_a_value_of_the_wrong_shape_or_unusable_is_left_out_with_a_warning(  # type: ignore[no-untyped-def]
    cli: Cli, write, tmp_path: Path, case: str
) -> None:
    text, code, where = SHAPES[case]
    found, generated = validate_and_generate(cli, write("api.yaml", text), tmp_path / "out")
    assert generated.code == 0, generated.err
    [left_out] = [d for d in found if d["code"] == code]
    assert (left_out["severity"], left_out["pointer"]) == ("warning", where)
    assert "left out" in left_out["message"] and left_out["line"]
    effective = json.loads((tmp_path / "out" / "openapi.json").read_text(encoding="utf-8"))
    assert not resolve_pointer(effective, split_pointer(where))[0], "still in openapi.json"
    for source in (tmp_path / "out").rglob("*.py"):
        compile(source.read_text(encoding="utf-8"), str(source), "exec")


def test_a_path_parameter_declared_in_a_misshapen_list_is_still_declared(cli: Cli, write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The parameters left out, {x} is declared as the undeclared are: a required string."""
    text = operation("{name: x}", path="/a/{x}")
    found, generated = validate_and_generate(cli, write("api.yaml", text), tmp_path / "out")
    assert generated.code == 0
    assert "path-param-undeclared" in [d["code"] for d in found]
    effective = json.loads((tmp_path / "out" / "openapi.json").read_text(encoding="utf-8"))
    assert effective["paths"]["/a/{x}"]["get"]["parameters"] == [
        {"name": "x", "in": "path", "required": True, "type": "string"}
    ]


def test_an_enum_keeps_its_usable_values(cli: Cli, write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = HEAD + "paths: {}\ndefinitions:\n  M: {enum: [[1], x, .nan, 'y']}\n"
    found, generated = validate_and_generate(cli, write("api.yaml", text), tmp_path / "out")
    assert generated.code == 0
    assert sorted(d["pointer"] for d in found) == [
        "/definitions/M/enum/0",
        "/definitions/M/enum/2",
    ]
    effective = json.loads((tmp_path / "out" / "openapi.json").read_text(encoding="utf-8"))
    assert effective["definitions"]["M"]["enum"] == ["x", "y"]


def test_strict_mode_refuses_what_is_left_out(cli: Cli, write) -> None:  # type: ignore[no-untyped-def]
    for text, _, _ in SHAPES.values():
        result = cli("validate", write("api.yaml", text), "--strict")
        assert result.code == 1 and "internal error" not in result.err


# -- diagnostics stay bounded ---------------------------------------------------------------------


def test_a_list_used_as_a_key_through_an_alias_is_refused_as_one_written_there(  # type: ignore[no-untyped-def]
    cli: Cli, write, tmp_path: Path
) -> None:
    """Its key was the text of the whole list: 300 keys of 300 KB, 117 MB of diagnostics."""
    items = ", ".join(f"item{i:05d}" for i in range(30_000))
    definitions = "".join(f"  D{i}:\n    properties: {{*big : {{type: 5}}}}\n" for i in range(300))
    text = HEAD + f"x-big: &big [{items}]\npaths: {{}}\ndefinitions:\n" + definitions
    found, generated = validate_and_generate(cli, write("api.yaml", text), tmp_path / "out")
    assert generated.code == 1 and len(generated.err) < 2_000
    [refused] = found
    assert (refused["code"], refused["line"]) == ("unsupported-key", 7)


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_diagnostics_quoting_a_huge_key_many_times_stay_small(  # type: ignore[no-untyped-def]
    cli: Cli, write, tmp_path: Path, output_format: str
) -> None:
    """A 100 KB key in 300 pointers: each diagnostic is cut, and 100 of one code are shown."""
    definitions = "".join(f"  D{i}:\n    properties: {{*big : {{type: 5}}}}\n" for i in range(300))
    text = HEAD + f"x-big: &big {'k' * 100_000}\npaths: {{}}\ndefinitions:\n" + definitions
    spec = write("api.yaml", text)
    result = cli("validate", spec, "--format", output_format)
    assert result.code == 0 and "internal error" not in result.err
    printed = result.out + result.err
    assert len(printed) < 300_000  # 30 MB before
    if output_format == "json":
        listed = json.loads(result.out)
        assert len(listed) == 101 and listed[-1]["message"] == "… and 200 more, not shown"
        assert all(len(d["pointer"]) <= 500 and len(d["message"]) <= 1_000 for d in listed)
    else:
        assert (
            "warnings (300):" in printed and "… and 200 more warning[schema-violation]" in printed
        )
    generated = cli("generate", spec, "-o", tmp_path / "out", "--package", "r_client")
    assert generated.code == 0 and len(generated.err) < 600_000


# -- what references and overlays add stays within the loader's limits ----------------------------


def path_items_referring_to(file: str, count: int) -> str:
    items = "".join(f"  /p{i}: {{$ref: '{file}'}}\n" for i in range(count))
    return HEAD + "paths:\n" + items


def write_path_item(path: Path, entries: int) -> None:
    """A path item of about 2 * entries + 6 nodes (its extension holds the bulk)."""
    item = {
        "get": {"responses": {"200": {"description": "ok"}}},
        "x-bulk": [{"n": i} for i in range(entries)],
    }
    path.write_text(json.dumps(item), encoding="utf-8")


def test_each_copy_of_a_referenced_file_counts_towards_the_node_limit(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The loader counts each file; a path item (or a parameter) put in place of its reference is
    copied once per reference, and the copies count too."""
    write_path_item(tmp_path / "item.json", 500)  # about 1,000 nodes
    spec = write("api.yaml", path_items_referring_to("item.json", 20))
    limits = Limits(max_nodes=10_000)
    result = ingest(spec, options=Options(limits=limits))
    [refused] = result.diagnostics
    assert (refused.severity, refused.code) == (Severity.ERROR, "too-large")
    assert refused.pointer.startswith("/paths/~1p") and "10,000 nodes" in refused.message
    assert refused.position is not None and refused.position.file.endswith("api.yaml")
    assert refused.position.line == int(refused.pointer.rsplit("p", 1)[1]) + 4
    assert ingest(spec, options=Options(limits=Limits(max_nodes=30_000))).ok


def test_a_schema_referenced_many_times_is_copied_and_counted_once(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "Big.json").write_text(
        json.dumps({"type": "object", "x-bulk": [{"n": i} for i in range(500)]}), encoding="utf-8"
    )
    responses = "".join(
        f"  /p{i}:\n    get:\n      responses: {{'200': {{description: ok, schema: {{$ref: Big.json}}}}}}\n"
        for i in range(20)
    )
    spec = write("api.yaml", HEAD + "paths:\n" + responses)
    assert ingest(spec, options=Options(limits=Limits(max_nodes=10_000))).ok


def test_200_references_to_a_100000_node_file_are_refused_in_seconds(tmp_path: Path) -> None:
    """At the default limit (3,000,000 nodes): 20 million nodes, 2 GB and two minutes before."""
    write_path_item(tmp_path / "item.json", 50_000)
    spec = tmp_path / "api.yaml"
    spec.write_text(path_items_referring_to("item.json", 200), encoding="utf-8")
    started = time.monotonic()
    run = run_isolated("validate", spec, "--format", "json")  # 20 s and 2 GiB at most
    assert time.monotonic() - started < 15
    assert run.returncode == 1
    [refused] = json.loads(run.stdout)
    assert refused["code"] == "too-large" and "3,000,000 nodes" in refused["message"]


def test_a_reference_whose_copy_would_nest_too_deep_is_refused(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file of 127 levels reads; placed under definitions (2 levels), it would make 129."""
    deep: dict[str, object] = {}
    for _ in range(126):
        deep = {"a": deep}
    (tmp_path / "Deep.json").write_text(json.dumps(deep), encoding="utf-8")
    spec = write(
        "api.yaml", HEAD + "paths: {}\ndefinitions:\n  A: {properties: {p: {$ref: Deep.json}}}\n"
    )
    result = ingest(spec)
    [refused] = result.diagnostics
    assert (refused.code, refused.pointer) == ("too-deep", "/definitions/A/properties/p")
    assert "129 levels" in refused.message and refused.position is not None
    assert refused.position.line == 5


def nest(levels: int) -> str:
    return "{a: " * (levels - 1) + "{}" + "}" * (levels - 1)


def chained_overlay(last: int) -> str:
    """Two actions: 60 levels under info, then last levels more at their bottom (62 deep)."""
    return (
        "overlay: 1.0.0\ninfo: {title: deeper, version: '1'}\nactions:\n"
        f"  - target: $.info\n    update: {{x-deep: {nest(61)}}}\n"
        f"  - target: \"$.info['x-deep']{'.a' * 60}\"\n    update: {nest(last)}\n"
    )


def test_an_overlay_that_would_nest_the_document_too_deep_is_refused_at_its_action(  # type: ignore[no-untyped-def]
    cli: Cli, write, tmp_path: Path
) -> None:
    """The bottom of the first update is 62 levels down: 67 more make 129, one past the loader's
    limit, so that openapi.json would not read back (diff refused one of 1,450 levels)."""
    spec = write("api.yaml", HEAD + "paths: {}\n")
    overlay = write("deeper.yaml", chained_overlay(67))
    result = cli("generate", spec, "--overlay", overlay, "-o", tmp_path / "out", "--package", "d")
    assert result.code == 1 and "internal error" not in result.err
    assert not (tmp_path / "out").exists()
    found = json.loads(cli("validate", spec, "--overlay", overlay, "--format", "json").out)
    [refused] = found
    assert (refused["code"], refused["pointer"]) == ("too-deep", "/actions/1")
    assert (
        refused["message"].startswith("overlay action 2: ") and "129 levels" in refused["message"]
    )
    assert refused["file"].endswith("deeper.yaml") and refused["line"] == 6


def test_an_overlay_result_at_the_nesting_limit_reads_back(cli: Cli, write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = write("api.yaml", HEAD + "paths: {}\n")
    overlay = write("deeper.yaml", chained_overlay(66))  # 128 levels: the limit itself
    result = cli("generate", spec, "--overlay", overlay, "-o", tmp_path / "out", "--package", "d")
    assert result.code == 0, result.err
    assert cli("diff", tmp_path / "out" / "openapi.json", spec).code == 0
