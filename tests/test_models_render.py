"""Generated models: discriminated unions, recursion, required/optional/nullable, and a large real document."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Iterator

import httpx
import pydantic
import pytest

from generator.generate import generate
from generator.target import Target

ZOO = """\
swagger: "2.0"
info: {title: Zoo, version: "1"}
host: zoo.example
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/Pet"}}}
definitions:
  Pet:
    type: object
    discriminator: petType
    required: [petType, name]
    properties:
      petType: {type: string}
      name: {type: string}
      nickname: {type: string, x-nullable: true}
      born: {type: string, format: date}
      id: {type: integer, readOnly: true}
      best_friend: {$ref: "#/definitions/Pet"}
  Cat:
    allOf: [{$ref: "#/definitions/Pet"}, {properties: {meow: {type: boolean}}}]
  Dog:
    x-discriminator-value: doggo
    allOf: [{$ref: "#/definitions/Pet"}, {properties: {pack: {type: array, items: {$ref: "#/definitions/Dog"}}}}]
  Tree:
    type: object
    required: [label]
    properties:
      label: {type: string}
      parent: {$ref: "#/definitions/Tree"}
      children: {type: array, items: {$ref: "#/definitions/Tree"}}
      note: {type: string, x-nullable: true}
    additionalProperties: {type: integer}
"""


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("zoo")
    spec = root / "zoo.yaml"
    spec.write_text(ZOO)
    generation, _ = generate(Target(spec=spec, output=root / "out", package="zoo_client"))
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    sys.path.insert(0, str(root / "out"))
    try:
        yield importlib.import_module("zoo_client")
    finally:
        sys.path.remove(str(root / "out"))


def test_the_generated_zoo_passes_mypy_strict(zoo: ModuleType) -> None:
    folder = Path(zoo.__file__).parent.parent
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "zoo_client"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout


def test_responses_parse_into_the_subtype_the_discriminator_names(zoo: ModuleType) -> None:
    from zoo_client.models import Cat, Dog, Pet

    payload = [
        {"petType": "Cat", "name": "c", "meow": True},
        {"petType": "doggo", "name": "d", "pack": [{"petType": "doggo", "name": "e"}]},
        {"petType": "Parrot", "name": "p", "wings": 2},
    ]
    client = zoo.Zoo(transport=httpx.MockTransport(lambda r: httpx.Response(200, json=payload)))
    pets = client.default.list_pets()
    assert [type(p) for p in pets] == [Cat, Dog, Pet]
    assert pets[0].meow is True and pets[1].pack[0].name == "e"
    assert pets[2].model_extra == {"wings": 2}  # an unknown subtype still parses, nothing lost


def test_required_optional_nullable_and_read_only(zoo: ModuleType) -> None:
    from zoo_client.models import Pet

    with pytest.raises(pydantic.ValidationError):
        Pet.model_validate({"petType": "Pet"})  # name is required
    pet = Pet(pet_type="Pet", name="n")  # readOnly id is not required when sending
    assert pet.to_wire() == {
        "petType": "Pet",
        "name": "n",
    }  # optional fields left out, not sent as null
    explicit = Pet(pet_type="Pet", name="n", nickname=None)
    assert explicit.to_wire() == {
        "petType": "Pet",
        "name": "n",
        "nickname": None,
    }  # nullable: null is sent
    assert (
        Pet.model_validate({"petType": "Pet", "name": "n", "born": "2020-02-29"}).born.isoformat()
        == "2020-02-29"
    )


def test_recursive_models_and_typed_additional_properties(zoo: ModuleType) -> None:
    from zoo_client.models import Tree

    tree = Tree.model_validate(
        {"label": "root", "children": [{"label": "a", "children": [{"label": "b"}]}], "extra": 3}
    )
    assert tree.children[0].children[0].label == "b"
    assert tree.model_extra == {"extra": 3}
    with pytest.raises(pydantic.ValidationError):
        Tree.model_validate({"label": "root", "extra": "not an integer"})


@pytest.mark.corpus
def test_the_full_callfire_v2_document_generates_and_passes_mypy_strict(
    shared_specs: Path, tmp_path: Path
) -> None:
    generation, _ = generate(
        Target(
            spec=shared_specs / "callfire" / "callfire-v2-full.yaml",
            output=tmp_path / "out",
            package="callfire_v2_client",
        )
    )
    assert generation.files is not None and not generation.diagnostics.has_errors
    assert (
        sum(1 for name in generation.files if name.startswith("callfire_v2_client/resources/")) > 5
    )
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "callfire_v2_client"],
        cwd=tmp_path / "out",
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-3000:]
