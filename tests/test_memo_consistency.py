"""The memo only saves work: after any edit, a run that reuses what earlier runs kept (files
made from one model, enum or resource, formatted text, the previous API) writes exactly what a
run without any memo writes. Each edit below changes something a kept file is made from
without changing the part the file is named after, the way a key that leaves out an input
would go wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.formatting import formatter
from generator.memo import INLINE
from generator.render import testgen
from generator.state import fork

PETS = """\
swagger: "2.0"
info: {title: Pets, version: "1"}
host: pets.example
basePath: /v1
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      description: Lists pets.
      parameters: [{name: kind, in: query, type: string, enum: [cat, dog]}]
      responses: {"200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/Dog"}}}}
  /owners:
    get:
      operationId: listOwners
      tags: [owners]
      responses: {"200": {description: ok, schema: {$ref: "#/definitions/Owner"}}}
definitions:
  Animal: {type: object, required: [name], properties: {name: {type: string}}}
  Dog:
    allOf:
      - $ref: "#/definitions/Animal"
      - {type: object, properties: {barks: {type: boolean}}}
  Owner: {type: object, properties: {pet: {$ref: "#/definitions/Dog"}, size: {$ref: "#/definitions/Size"}}}
  Size: {type: string, enum: [small, large]}
"""

EDITS = {
    "a parent's field (the child's module declares the inherited annotations)": (
        "name: {type: string}}}",
        'name: {$ref: "#/definitions/Size"}}}',  # which Dog's module must then import
    ),
    "the model an operation returns (its tests' data)": (
        "barks: {type: boolean}",
        "barks: {type: string, minLength: 3}",
    ),
    "an enum the tests send": ("enum: [small, large]", "enum: [tiny, huge]"),
    "the base URL (the tests' expected URLs)": ("basePath: /v1", "basePath: /v2"),
    "a description": ("Lists pets.", "Lists every pet."),
    "a model's name (every module that imports it)": ("Owner", "Keeper"),
    "data too large to test (a note made while the tests are planned)": (
        "  Size: {type: string, enum: [small, large]}",
        "  Size: {type: object, required: [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9],"
        " properties: {"
        + ", ".join(f"a{i}: {{$ref: '#/definitions/W1'}}" for i in range(10))
        + "}}\n"
        + "".join(
            f"  W{n}: {{type: object, required: [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9],"
            " properties: {"
            + ", ".join(f"b{i}: {{$ref: '#/definitions/W{n + 1}'}}" for i in range(10))
            + "}}\n"
            for n in (1, 2, 3)
        )
        + "  W4: {type: string}",
    ),
}


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("edit", EDITS, ids=list(range(len(EDITS))))
def test_a_run_with_the_memo_writes_what_a_run_without_it_writes(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    old, new = EDITS[edit]
    assert old in PETS
    outputs, notes = {}, {}
    for name, cache in (("kept", str(tmp_path / "cache")), ("plain", "off")):
        monkeypatch.setenv("GENERATOR_CACHE", cache)
        monkeypatch.setattr(formatter, "_formatted", {})  # each as a new process
        spec, out = tmp_path / "pets.yaml", tmp_path / name  # the header names the document
        edited = PETS.replace(old, new)
        # then a description edit, after which most files come from the memo
        for text in (PETS, edited, edited.replace("Lists pets.", "Lists all pets.")):
            spec.write_text(text, encoding="utf-8")
            monkeypatch.setattr(formatter, "_formatted", {})
            result = cli("generate", spec, "-o", out)
            assert result.code == 0
        outputs[name] = _files(out)
        notes[name] = [line for line in result.err.splitlines() if "[" in line]
    assert outputs["kept"] == outputs["plain"]
    assert notes["kept"] == notes["plain"]  # the diagnostics too


def test_a_file_the_memo_kept_is_not_made_again(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    spec, out = tmp_path / "pets.yaml", tmp_path / "out"
    spec.write_text(PETS, encoding="utf-8")
    assert cli("generate", spec, "-o", out).code == 0
    spec.write_text(PETS.replace("Lists pets.", "Lists every pet."), encoding="utf-8")
    monkeypatch.setattr(formatter, "_formatted", {})
    made: list[str] = []
    real = formatter._formatted_file

    def counting(path: str, file, laid_out, key, kept):  # type: ignore[no-untyped-def]
        if kept is None:
            made.append(path)
        return real(path, file, laid_out, key, kept)

    monkeypatch.setattr(formatter, "_formatted_file", counting)
    planned: list[str] = []
    plan = testgen.Planner.resource

    def planning(self, resource):  # type: ignore[no-untyped-def]
        planned.append(resource.name)
        return plan(self, resource)

    monkeypatch.setattr(testgen.Planner, "resource", planning)
    monkeypatch.setattr(fork, "parallel", lambda: INLINE)  # the tests are planned in this process
    assert cli("generate", spec, "-o", out).code == 0
    assert planned == []  # the tests print no description: they and their notes were kept
    assert "tests/test_pets.py" not in made
    # only the files the description is printed in, and those that list every file
    assert made and all(
        p.endswith(("resources/pets.py", "_version.py", "__init__.py"))
        or "/" not in p.removeprefix("pets_client/")
        for p in made
    ), made
    assert not any(p.startswith("pets_client/models/") for p in made)
