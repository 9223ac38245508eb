"""Common real input that broke the generator: each document here gives a usable client."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from generator.diagnostics import Diagnostic
from generator.generate import Generation, build
from generator.model.cycles import all_fields
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
    names = re.findall(r"^    (\w+): .*alias=\"(\w+)\"", model, re.MULTILINE)
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
    """Run the generated unit tests (not the contract ones) of the project in folder."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not contract"],
        cwd=folder,
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
    assert "5 passed" in _suite_passes(tmp_path / "out")  # the response parses as A0
