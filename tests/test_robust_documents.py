"""Common real input that broke the generator: each document here gives a usable client."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest


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
