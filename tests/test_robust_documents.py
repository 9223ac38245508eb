"""Common real input that broke the generator: each document here gives a usable client."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from generator import corpus
from generator.diagnostics import Diagnostic
from generator.build import build
from generator.generation import Generation
from generator.model import reserved
from generator.model.cycles import all_fields
from generator.render import project
from generator.target import Target


@pytest.mark.parametrize(
    "title", ["Café API", 'Bob\'s "best" API', "back\\slash \u2028 API", "\U0001f600"]
)
def test_any_title_gives_a_valid_pyproject(cli, write, tmp_path: Path, title: str) -> None:  # type: ignore[no-untyped-def]
    quoted = title.replace("\\", "\\\\").replace('"', '\\"').replace("\u2028", "\\u2028")
    spec = write(
        "api.yaml", f'swagger: "2.0"\ninfo: {{title: "{quoted}", version: "1"}}\npaths: {{}}\n'
    )
    result = cli("generate", spec, "-o", tmp_path / "out", "--package", "api_client")
    assert result.code == 0, result.err
    project = tomllib.loads((tmp_path / "out" / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]
    assert project["description"] == f"Typed Python client for {title}"


def test_a_json_document_with_an_object_default(cli, write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """JSON is read with the json module, whose dicts once broke the keys that let files be reused."""
    spec = write(
        "api.json",
        '{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {},'
        ' "definitions": {"M": {"type": "object", "properties":'
        ' {"p": {"type": "object", "default": {"a": 1}}}}}}',
    )
    result = cli("generate", spec, "-o", tmp_path / "out", "--package", "t_client")
    assert result.code == 0, result.err
    assert (tmp_path / "out" / "t_client" / "models" / "m.py").is_file()


def test_a_flattened_field_and_an_own_field_of_one_python_name(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    """A child whose parent refers back to it gets the parent's fields as its own (see
    model/cycles.py); one named like an own field (petName, pet_name) once made a class with one
    attribute twice, and generated tests that passed the same keyword twice."""
    spec = (
        Path(__file__).parent / "random_documents" / "flattened_field_named_like_an_own_field.json"
    )
    result = cli("generate", spec, "-o", tmp_path / "out", "--package", "r_client")
    assert result.code == 0, result.err
    for path in (tmp_path / "out").rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")  # no keyword given twice
    model = (tmp_path / "out" / "r_client" / "models" / "a_child.py").read_text(encoding="utf-8")
    names = _fields_and_wire_names(model, "AChild")
    assert sorted(wire for _, wire in names) == ["child", "petName", "pet_name"]
    assert len({name for name, _ in names}) == 3


# -- documents that once cost minutes, gigabytes, or a client that failed its own tests --------


def _document(**parts: object) -> dict[str, object]:
    return {
        "swagger": "2.0",
        "info": {"title": "Robust", "version": "1"},
        "host": "api.example.test",
        "schemes": ["https"],
        "paths": parts.pop("paths", {}),
        **parts,
    }


def _get(operation_id: str, schema: object = None, **operation: object) -> dict[str, object]:
    response: dict[str, object] = {"description": "ok"}
    if schema is not None:
        response["schema"] = schema
    return {"get": {"operationId": operation_id, "responses": {"200": response}, **operation}}


def _generated(spec: Path, folder: Path, package: str) -> Generation:
    """Build spec's client and write it to folder (nothing is installed)."""
    generation = build(Target(spec=spec, output=folder, package=package))
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    for name, text in generation.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return generation


def _suite_passes(folder: Path) -> str:
    """Run the generated unit tests (not the contract ones) of the project in folder; the
    runtime's own tests (reserved.RUNTIME_TEST_MODULES) are left out: they are the same in every
    package, and the counts these tests check are of what the document made."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not contract"]
        + [f"--ignore=tests/{module}.py" for module in reserved.RUNTIME_TEST_MODULES],
        cwd=folder,
        env={**os.environ, **corpus.PLAIN_PYTEST},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    return run.stdout


def _codes(generation: Generation, code: str) -> list[Diagnostic]:
    return [d for d in generation.diagnostics if d.code == code]


def test_allof_diamonds_thirty_levels_deep_generate_in_seconds(tmp_path: Path) -> None:
    """A_i inherits B_i and C_i, both of which inherit A_(i+1): every model was walked once per
    path through the diamonds (2**20 times at 20 levels: 84 s), three times over."""
    levels, definitions = 30, {}
    for i in range(levels):
        below = {"$ref": f"#/definitions/A{i + 1}"}
        definitions[f"A{i}"] = {
            "allOf": [{"$ref": f"#/definitions/B{i}"}, {"$ref": f"#/definitions/C{i}"}]
        }
        definitions[f"B{i}"] = {"allOf": [below], "properties": {f"b{i}": {"type": "string"}}}
        definitions[f"C{i}"] = {"allOf": [below], "properties": {f"c{i}": {"type": "integer"}}}
    definitions[f"A{levels}"] = {"type": "object", "properties": {"leaf": {"type": "string"}}}
    spec = tmp_path / "diamonds.json"
    document = _document(paths={"/a": _get("getA", {"$ref": "#/definitions/A0"})})
    spec.write_text(json.dumps({**document, "definitions": definitions}), encoding="utf-8")
    started = time.monotonic()
    generation = _generated(spec, tmp_path / "out", "diamonds")
    assert time.monotonic() - started < 30  # exponential before: 2**30 walks never end
    assert generation.api is not None
    models = {m.name: m for m in generation.api.models}
    names = [f.wire_name for f in all_fields("A0", models)]
    expected = {"leaf"} | {f"{k}{i}" for k in "bc" for i in range(levels)}
    assert sorted(names) == sorted(expected)  # each field once, though reached 2**30 ways
    assert models["A0"].parents == ("B0", "C0") and models["A0"].fields == ()
    # the response parses as A0: the package's 33 tests, the operation's 10, the README's 7
    assert "50 passed" in _suite_passes(tmp_path / "out")


def _enum_document(tmp_path: Path, name: str, *schemas: dict[str, object]) -> Path:
    """Each schema as a definition E<i>, the response of one operation and a query parameter."""
    definitions = {f"E{i}": schema for i, schema in enumerate(schemas)}
    paths = {
        f"/e{i}": _get(
            f"getE{i}",
            {"$ref": f"#/definitions/E{i}"},
            parameters=[{"in": "query", "name": "q", "required": True, **schema}],
        )
        for i, schema in enumerate(schemas)
    }
    spec = tmp_path / name
    spec.write_text(json.dumps({**_document(paths=paths), "definitions": definitions}))
    return spec


def _members(generation: Generation, name: str) -> list[tuple[str, object]]:
    assert generation.api is not None
    (enum,) = [e for e in generation.api.enums if e.name == name]
    return [(m.name, m.value) for m in enum.members]


_ROUND_TRIP = """
import json, sys
from robust_enums.models import E0
assert issubclass(E0, float), E0.__mro__
assert E0(1) is E0(1.0) is E0.VALUE_1 and E0(0) is E0.VALUE_0, list(E0)
assert [json.loads(json.dumps(m.value)) for m in E0] == [1, 0]  # JSON: 1.0 == 1
print(sorted(m.name for m in E0))
"""


def test_a_number_enum_keeps_numbers_once_and_leaves_booleans_out(tmp_path: Path) -> None:
    """Booleans are not numbers (JSON Schema), and 1 and 1.0 are one JSON value: the enum of
    [1, 1.0, true, 0, false, 0.0] was a str enum of six members, "True" among them."""
    spec = _enum_document(
        tmp_path, "enums.json", {"type": "number", "enum": [1, 1.0, True, 0, False, 0.0]}
    )
    generation = _generated(spec, tmp_path / "out", "robust_enums")
    assert _members(generation, "E0") == [("VALUE_1", 1.0), ("VALUE_0", 0.0)]
    assert generation.api is not None
    assert {e.value_kind for e in generation.api.enums} == {"float"}  # the parameter's too
    warnings = _codes(generation, "enum-invalid")
    assert {w.pointer for w in warnings} == {
        "/definitions/E0/enum",
        "/paths/~1e0/get/parameters/0/enum",
    }
    assert all("true, false" in w.message and "left out" in w.message for w in warnings)
    run = subprocess.run(
        [sys.executable, "-c", _ROUND_TRIP],
        cwd=tmp_path / "out",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip() == "['VALUE_0', 'VALUE_1']"
    _suite_passes(tmp_path / "out")


def test_enum_values_of_another_type_are_read_as_the_type_or_left_out(tmp_path: Path) -> None:
    spec = _enum_document(
        tmp_path,
        "enums.json",
        {"type": "integer", "enum": ["0", "16", 2, 2.0, 2.5, True, "x"]},
        {"type": "string", "enum": [1, True, "a"]},
        {"type": "boolean", "enum": [True, 1, "false"]},
        {"type": "integer", "enum": [True, False]},  # nothing usable: a plain integer
        {"enum": [1, 1.5, "a"]},  # no type: the first value's (a number)
    )
    generation = _generated(spec, tmp_path / "out", "robust_enums")
    assert _members(generation, "E0") == [("VALUE_0", 0), ("VALUE_16", 16), ("VALUE_2", 2)]
    assert _members(generation, "E1") == [("VALUE_1", "1"), ("TRUE", "true"), ("A", "a")]
    assert _members(generation, "E2") == [("TRUE", True)]
    assert _members(generation, "E4") == [("VALUE_1", 1.0), ("VALUE_1_5", 1.5)]
    assert generation.api is not None
    assert "E3" not in {e.name for e in generation.api.enums}
    messages = {(w.pointer, w.message) for w in _codes(generation, "enum-invalid")}
    assert (
        "/definitions/E0/enum",
        'the enum values "0", "16" are read as integers: ' "the type 'integer' says so",
    ) in messages
    assert any(p == "/definitions/E3/enum" and "true, false" in m for p, m in messages)
    _suite_passes(tmp_path / "out")


def test_negative_enum_values_have_names_of_their_own(tmp_path: Path) -> None:
    """-1 and 1 were both VALUE_1 (the sign is no word): one of them became VALUE_1_2."""
    spec = _enum_document(
        tmp_path,
        "negative.json",
        {"type": "integer", "enum": [-1, 1, 0, -20]},
        {"type": "number", "enum": [-1.5, 1.5, -2]},
    )
    generation = _generated(spec, tmp_path / "out", "robust_enums")
    assert _members(generation, "E0") == [
        ("NEGATIVE_1", -1),
        ("VALUE_1", 1),
        ("VALUE_0", 0),
        ("NEGATIVE_20", -20),
    ]
    assert _members(generation, "E1") == [
        ("NEGATIVE_1_5", -1.5),
        ("VALUE_1_5", 1.5),
        ("NEGATIVE_2", -2.0),
    ]
    assert not [d for d in _codes(generation, "name-collision") if d.pointer.endswith("/enum")]
    _suite_passes(tmp_path / "out")


# PEP 263: a comment on line 1 or 2 that matches this declares the file's encoding.
_PEP_263 = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)


@pytest.mark.parametrize(
    "spec_name",
    ["coding=utf-7/api.yaml", "coding=unicode_escape/api.yaml", "v/coding:latin-1.yaml"],
)
def test_a_spec_path_never_declares_the_encoding_of_generated_files(
    tmp_path: Path, spec_name: str
) -> None:
    """The header comment names the spec: with `coding=utf-7` in its path it was an encoding
    declaration (SyntaxError on import), and under unicode_escape escapes were undone."""
    spec = tmp_path / spec_name
    spec.parent.mkdir(parents=True)
    title = "Café # -*- coding: utf-7 -*- \\\\n"
    document = _document(
        paths={
            "/a": _get(
                "getA",
                {"type": "string"},
                parameters=[{"in": "query", "name": "q", "type": "string", "default": "a\\nb"}],
            )
        }
    )
    spec.write_text(json.dumps({**document, "info": {"title": title, "version": "1"}}))
    folder = tmp_path / "out"
    _generated(spec, folder, "enc_client")
    python = sorted(folder.rglob("*.py"))
    assert len(python) > 20
    for path in python:
        for line in path.read_text(encoding="utf-8").splitlines()[:2]:
            assert not _PEP_263.match(line), (path, line)
    header = (folder / "enc_client" / "__init__.py").read_text(encoding="utf-8").splitlines()[0]
    assert spec_name.replace(":", "\\x3a").replace("=", "\\x3d") in header
    _suite_passes(folder)


VOLUME = {
    "type": "object",
    "required": ["Name"],
    "properties": {
        "Name": {"type": "string", "example": "tardis"},
        # Docker Engine's Volume.Status: its example is no map of objects
        "Status": {
            "type": "object",
            "additionalProperties": {"type": "object"},
            "example": {"hello": "world"},
        },
        "Size": {"type": "integer", "example": "64"},
    },
    "example": {"Name": "tardis", "Status": {"hello": "world"}},
}
VOLUME_PATHS = {
    "/volumes/{name}": _get(
        "volumeInspect",
        {"$ref": "#/definitions/Volume"},
        parameters=[
            {"in": "path", "name": "name", "type": "string", "required": True},
            {"in": "query", "name": "q", "type": "string", "maxLength": 3, "x-example": "long"},
            {"in": "query", "name": "n", "type": "integer", "x-example": 7},
        ],
    )
}
INVALID_EXAMPLES = {
    "/definitions/Volume/example",
    "/definitions/Volume/properties/Status/example",
    "/definitions/Volume/properties/Size/example",
    "/paths/~1volumes~1{name}/get/parameters/1/x-example",
}


def _volume_client(tmp_path: Path) -> Generation:
    spec = tmp_path / "volumes.json"
    document = {
        **_document(paths=VOLUME_PATHS),
        "definitions": {"Volume": VOLUME},
        "produces": ["application/json"],  # without it Prism has no body to answer with
    }
    spec.write_text(json.dumps(document), encoding="utf-8")
    return _generated(spec, tmp_path / "out", "volumes")


def test_an_example_that_contradicts_its_schema_is_no_test_data(tmp_path: Path) -> None:
    """The generated tests answered with Status = {"hello": "world"}, and the client rightly
    rejected it (Status is a map of objects)."""
    generation = _volume_client(tmp_path)
    warnings = _codes(generation, "example-invalid")
    assert {w.pointer for w in warnings} == INVALID_EXAMPLES
    status = next(w for w in warnings if w.pointer.endswith("Status/example"))
    assert '"world" is not an object (at /hello)' in status.message
    assert status.position is not None and status.position.line > 0
    published = json.loads((tmp_path / "out" / "openapi.json").read_text(encoding="utf-8"))
    volume = published["definitions"]["Volume"]
    assert "example" not in volume and "example" not in volume["properties"]["Status"]
    assert volume["properties"]["Name"]["example"] == "tardis"  # a valid one stays
    assert published["paths"]["/volumes/{name}"]["get"]["parameters"][2]["x-example"] == 7
    tests = (tmp_path / "out" / "tests" / "test_default.py").read_text(encoding="utf-8")
    assert "hello" not in tests and "n=7" in tests
    _suite_passes(tmp_path / "out")


@pytest.mark.contract
def test_a_mock_server_never_answers_with_an_invalid_example(
    tmp_path: Path, prism_command: list[str]
) -> None:
    """Prism answers with the document's examples: openapi.json is what it reads."""
    _volume_client(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "contract"],
        cwd=tmp_path / "out",
        env={**os.environ, **corpus.PLAIN_PYTEST, "PRISM_BIN": prism_command[0]},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    assert "1 passed" in run.stdout


def _size(path: Path) -> int:
    """The bytes of a file, or of every file in a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _document_tests_size(tests: Path) -> int:
    """The bytes of the tests a document made: the runtime's own test modules, the same in every
    package whatever its document, left out (as _suite_passes leaves them out of the counts)."""
    runtime = sum(_size(tests / f"{module}.py") for module in reserved.RUNTIME_TEST_MODULES)
    return _size(tests) - runtime


HUGE_CONSTRAINTS = {
    "/x": _get(
        "getX",
        {"$ref": "#/definitions/Reply"},
        parameters=[
            {
                "in": "query",
                "name": "q",
                "type": "string",
                "required": True,
                "minLength": 400_000_000,
            },
            {"in": "query", "name": "n", "type": "integer", "minimum": 10**400},
            {"in": "query", "name": "m", "type": "integer", "minimum": 10, "maximum": 5},
            {"in": "query", "name": "k", "type": "string", "minLength": 20, "maxLength": 30},
        ],
    ),
    "/y": _get(
        "getY",
        {"$ref": "#/definitions/Reply"},
        parameters=[{"in": "query", "name": "k", "type": "string", "minLength": 40}],
    ),
}
REPLY = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": {"type": "string", "minLength": 400_000_000}},
}


def _constrained_client(tmp_path: Path) -> Generation:
    spec = tmp_path / "huge.json"
    document = _document(paths=HUGE_CONSTRAINTS)
    document.update(definitions={"Reply": REPLY}, produces=["application/json"])
    spec.write_text(json.dumps(document), encoding="utf-8")
    return _generated(spec, tmp_path / "out", "huge")


def test_test_data_stays_small_whatever_the_constraints(tmp_path: Path) -> None:
    """A 230-byte document asking for minLength 400000000 ran 156 s into a MemoryError (with
    5000000: 34 MB of tests)."""
    started = time.monotonic()
    generation = _constrained_client(tmp_path)
    assert time.monotonic() - started < 30
    assert _document_tests_size(tmp_path / "out" / "tests") < 100_000
    warnings = _codes(generation, "example-constraint")
    assert {w.pointer for w in warnings} == {
        "/paths/~1x/get/parameters/0/minLength",
        "/paths/~1x/get/parameters/2/minimum",
        "/definitions/Reply/properties/text/minLength",
    }
    # no float holds 10**400: the bound is left out (ingest's value-unusable), nothing to keep to
    unusable = _codes(generation, "value-unusable")
    assert [w.pointer for w in unusable] == ["/paths/~1x/get/parameters/1/minimum"]
    assert all(w.position is not None and w.position.line > 0 for w in warnings)
    contract = (tmp_path / "out" / "tests" / "test_contract.py").read_text(encoding="utf-8")
    skipped = re.findall(r"@pytest.mark.skip\([^)]*\)\s*def (\w+)", contract)
    assert skipped == ["test_get_x"]  # getY's request keeps to minLength 40: it is sent
    assert "x" * 40 in contract and "x" * 1025 not in contract
    output = _suite_passes(tmp_path / "out")
    assert "60 passed" in output, output  # 33 of the package, 10 for each operation, 7 README


@pytest.mark.contract
def test_a_constraint_small_data_cannot_meet_skips_only_the_contract_test(
    tmp_path: Path, prism_command: list[str]
) -> None:
    _constrained_client(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "-m", "contract"],
        cwd=tmp_path / "out",
        env={**os.environ, **corpus.PLAIN_PYTEST, "PRISM_BIN": prism_command[0]},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    assert "1 passed, 1 skipped" in run.stdout and "minLength 400000000" in run.stdout


def _nested(width: int, depth: int, required: bool) -> dict[str, object]:
    """Models M0..M(depth-1), each with width properties of the next model."""
    definitions = {}
    for level in range(depth):
        below = {"$ref": f"#/definitions/M{level + 1}"} if level < depth - 1 else {"type": "string"}
        properties = {f"p{i}": below for i in range(width)}
        definitions[f"M{level}"] = {"type": "object", "properties": properties}
        if required:
            definitions[f"M{level}"]["required"] = list(properties)
    paths = {
        "/m": _get("getM", {"$ref": "#/definitions/M0"}),
        "/n": _get("getN", {"type": "string"}),
    }
    return {**_document(paths=paths), "definitions": definitions}


def test_test_data_stays_small_however_wide_and_deep_the_models(tmp_path: Path) -> None:
    """30 optional properties on each of 5 levels were 30**4 objects in the tests; 6 required
    ones on each of 9 levels can never be small: those tests are skipped, and say why."""
    for name, width, depth, required in (("wide", 30, 5, False), ("deep", 6, 9, True)):
        spec = tmp_path / f"{name}.json"
        spec.write_text(json.dumps(_nested(width, depth, required)), encoding="utf-8")
        generation = _generated(spec, tmp_path / name, name)
        assert _document_tests_size(tmp_path / name / "tests") < 200_000, name
        notes = _codes(generation, "example-constraint")
        output = _suite_passes(tmp_path / name)
        if required:
            assert [n.pointer for n in notes] == ["/paths/~1m/get"]
            assert "'getM'" in notes[0].message and notes[0].position is not None
            assert "50 passed, 10 skipped" in output, output
        else:
            assert notes == [] and "60 passed" in output, output


def _long_description_document(tmp_path: Path) -> Path:
    """A 1 MB description on a $ref'd parameter that 50 operations take (97 MB of client once)."""
    description = "word " * 200_000
    document = _document(
        paths={
            f"/op{i}": _get(f"op{i}", parameters=[{"$ref": "#/parameters/p"}]) for i in range(50)
        }
    )
    parameter = {"in": "query", "name": "p", "type": "string", "description": description}
    spec = tmp_path / "long.json"
    spec.write_text(json.dumps({**document, "parameters": {"p": parameter}}), encoding="utf-8")
    return spec


def test_a_long_description_is_cut_in_docstrings(tmp_path: Path) -> None:
    generation = _generated(_long_description_document(tmp_path), tmp_path / "out", "long")
    (warning,) = _codes(generation, "description-truncated")
    assert warning.pointer == "/parameters/p/description"
    assert "1,000,000 characters" in warning.message and "65,536" in warning.message
    assert _size(tmp_path / "out") < 10_000_000  # 97 MB before
    assert _size(tmp_path / "out") - _size(tmp_path / "out" / "openapi.json") < 8_000_000
    resource = (tmp_path / "out" / "long" / "resources" / "default.py").read_text(encoding="utf-8")
    assert resource.count("word " * 13_107 + "w [...]") == 100  # sync and async, 50 each
    _suite_passes(tmp_path / "out")


def test_a_client_past_the_output_limit_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli  # type: ignore[no-untyped-def]
) -> None:
    """What the descriptions would make is counted before rendering, the whole after it."""
    spec = _long_description_document(tmp_path)
    # below what the descriptions predict (6.x MB), then between that and the whole (8.0 MB)
    for limit, holds in ((1_000_000, "would hold 6,"), (7_500_000, "holds 8,")):
        monkeypatch.setattr(project, "OUTPUT_LIMIT", limit)
        result = cli("generate", spec, "-o", tmp_path / "out", "--package", "long")
        assert result.code == 1 and not (tmp_path / "out").exists()
        assert "error[output-too-large] the client " + holds in result.err, result.err
        assert f"{spec}: error[output-too-large]" in result.err


def _fields_and_wire_names(source: str, class_name: str) -> list[tuple[str, str]]:
    """(field, wire name) of each field of a generated model class: its serialization alias, or
    its own name when it has none."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    name, wire = item.target.id, item.target.id
                    if isinstance(item.value, ast.Call):
                        for keyword in item.value.keywords:
                            if keyword.arg == "serialization_alias":
                                wire = ast.literal_eval(keyword.value)
                    found.append((name, wire))
    return found
