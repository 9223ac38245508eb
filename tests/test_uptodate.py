"""`check` answers from the record of the last run when nothing it depends on changed, and only then."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import generate as generate_module
from generator.render import project as render
from generator.render import testgen
from generator.generate import check, generate
from generator.target import Target
from tests.conftest import ROOT

SPEC = """\
swagger: "2.0"
info: {title: Pets, version: "1.0"}
host: api.example.test
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, type: integer}
      responses:
        "200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/Pet"}}}
definitions:
  Pet:
    type: object
    properties:
      type: {type: string}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Target:
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pets.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "fix.yaml").write_text(
        "overlay: 1.0.0\ninfo: {title: fix, version: '1'}\nactions: []\n", encoding="utf-8"
    )
    target = Target(
        spec=tmp_path / "pets.yaml",
        output=tmp_path / "out",
        overlays=(tmp_path / "fix.yaml",),
        package="pets_client",
    )
    generation, comparison = generate(target)
    assert comparison is not None
    return target


def _forbid_building(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("check regenerated although nothing changed")

    monkeypatch.setattr(generate_module, "build", refuse)


def _builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = generate_module.build

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generate_module, "build", counting)
    return calls


def test_check_after_generate_answers_from_the_record_with_the_same_diagnostics(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    full, _ = check(project)  # a real regeneration
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    _forbid_building(monkeypatch)
    quick, comparison = check(project)
    assert comparison is not None and comparison.up_to_date
    assert list(quick.diagnostics) == list(full.diagnostics)
    assert any(
        d.code == "name-reserved" for d in quick.diagnostics
    )  # `type` → `type_`: an info kept


@pytest.mark.parametrize("change", ["spec", "overlay", "output", "extra output file", "settings"])
def test_any_change_makes_check_regenerate(
    project: Target, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    target = project
    if change == "spec":
        target.spec.write_text(SPEC.replace("Pets", "Pets2"), encoding="utf-8")
    elif change == "overlay":
        target.overlays[0].write_text(
            "overlay: 1.0.0\ninfo: {title: fix, version: '2'}\nactions: []\n", encoding="utf-8"
        )
    elif change == "output":
        readme = target.output / "README.md"
        readme.write_text(readme.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    elif change == "extra output file":
        (target.output / "notes.txt").write_text("mine\n", encoding="utf-8")
    else:
        target = Target(
            spec=target.spec, output=target.output, overlays=target.overlays, package="other_client"
        )
    calls = _builds(monkeypatch)
    _, comparison = check(target)
    assert calls == [1]
    if change != "overlay":  # an overlay with no actions changes nothing the client is made from
        assert comparison is not None and not comparison.up_to_date


def test_a_changed_generator_makes_check_regenerate(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from generator.state import uptodate

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "extra.jinja").write_text("x\n", encoding="utf-8")
    monkeypatch.setattr(uptodate, "_SOURCES", (*uptodate._SOURCES, templates))
    calls = _builds(monkeypatch)
    check(project)
    assert calls == [1]


def test_no_records_when_the_cache_is_off(project: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    calls = _builds(monkeypatch)
    check(project)
    check(project)
    assert calls == [1, 1]


def test_a_damaged_record_only_costs_a_full_check(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for record in (tmp_path / "cache" / "checks").glob("*/*"):
        record.write_text("{not json", encoding="utf-8")
    calls = _builds(monkeypatch)
    _, comparison = check(project)
    assert calls == [1] and comparison is not None and comparison.up_to_date


def test_a_target_given_another_way_finds_the_same_record(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Generated with flags and relative paths, checked through a configuration's named target."""
    import dataclasses

    same = dataclasses.replace(
        project,
        name="pets",
        spec=Path("pets.yaml"),
        output=Path("out"),
        overlays=(Path("fix.yaml"),),
    )
    _forbid_building(monkeypatch)
    _, comparison = check(same)
    assert comparison is not None and comparison.up_to_date


def test_check_after_a_regeneration_of_a_changed_document_answers_from_the_record(
    project: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The regeneration read the previous output's openapi.json (for the changelog); that old file
    is no input of the new output."""
    project.spec.write_text(SPEC.replace("Pets", "Pets, edited"), encoding="utf-8")
    generate(project)
    _forbid_building(monkeypatch)
    _, comparison = check(project)
    assert comparison is not None and comparison.up_to_date


def test_a_regeneration_formats_only_what_changed_and_writes_what_a_fresh_one_would(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project.spec.write_text(
        SPEC.replace("operationId: listPets", "operationId: listPets\n      summary: All pets"),
        encoding="utf-8",
    )
    formatted: list[str] = []
    real = generate_module.format_files

    def recording(files: dict[str, str], *args: object, **kwargs: object) -> dict[str, str]:
        formatted.extend(name for name in files if name.endswith(".py"))
        return real(files, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generate_module, "format_files", recording)
    (project.output / "pets_client" / "_version.py").write_text(
        "# edited by hand\n", encoding="utf-8"
    )
    generation, _ = generate(project)
    assert generation.files is not None
    assert "pets_client/resources/default.py" in formatted  # its docstring changed
    assert "pets_client/_version.py" in formatted  # not what the last run wrote: made again
    assert "pets_client/models/pet.py" not in formatted and len(formatted) < 8
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    fresh = generate_module.build(project)
    assert fresh.files == generation.files


TWO_RESOURCES = """\
swagger: "2.0"
info: {title: Shop, version: "1.0"}
host: api.example.test
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        "200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/Pet"}}}
  /owners:
    get:
      operationId: listOwners
      tags: [owners]
      responses:
        "200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/Owner"}}}
definitions:
  Pet: {type: object, properties: {name: {type: string}}}
  Owner: {type: object, properties: {name: {type: string}}}
"""


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Target:
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    (tmp_path / "shop.yaml").write_text(TWO_RESOURCES, encoding="utf-8")
    target = Target(spec=tmp_path / "shop.yaml", output=tmp_path / "out", package="shop_client")
    assert generate(target)[1] is not None
    return target


def _rendering(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the keyed files each part renders (the others are taken from the output folder)."""
    made: list[str] = []
    for part in ("package", "tests"):
        real = getattr(render.Parts, part)

        def recording(self: render.Parts, skip: object = (), real: Any = real) -> dict[str, str]:
            files: dict[str, str] = real(self, skip)
            keyed = {**self.package_keys(), **self.test_keys()}
            made.extend(sorted(name for name in files if name in keyed))
            return files

        monkeypatch.setattr(render.Parts, part, recording)
    return made


def _regenerated_as_fresh(
    target: Target, monkeypatch: pytest.MonkeyPatch, made: list[str]
) -> list[str]:
    """Regenerate, check the files are what a generation without the cache makes, and return
    the keyed files the regeneration rendered."""
    generation, _ = generate(target)
    rendered = list(made)
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    fresh = generate_module.build(target)
    assert generation.files is not None and fresh.files == generation.files
    return rendered


def test_an_operation_change_renders_only_its_resource_and_the_contract_tests(
    shop: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop.spec.write_text(
        TWO_RESOURCES.replace("operationId: listPets", "operationId: listPets\n      summary: All"),
        encoding="utf-8",
    )
    planned: list[str] = []
    real = testgen.Planner.resource
    monkeypatch.setattr(
        testgen.Planner, "resource", lambda self, r: planned.append(r.name) or real(self, r)
    )
    made = _regenerated_as_fresh(shop, monkeypatch, _rendering(monkeypatch))
    assert made == ["shop_client/resources/pets.py", "tests/test_contract.py", "tests/test_pets.py"]
    assert planned[:1] == ["pets"] and planned[1:] == [
        "pets",
        "owners",
    ]  # then the fresh build, without a cache


def test_a_definition_change_renders_every_keyed_file_again(
    shop: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop.spec.write_text(
        TWO_RESOURCES.replace(
            "Owner: {type: object, properties: {name: {type: string}}}",
            "Owner: {type: object, properties: {name: {type: string}, age: " "{type: integer}}}",
        ),
        encoding="utf-8",
    )
    made = _regenerated_as_fresh(shop, monkeypatch, _rendering(monkeypatch))
    assert set(made) == {
        "shop_client/models/owner.py",
        "shop_client/models/pet.py",
        "shop_client/resources/owners.py",
        "shop_client/resources/pets.py",
        "tests/test_contract.py",
        "tests/test_owners.py",
        "tests/test_pets.py",
    }


def test_a_file_edited_by_hand_is_made_again(shop: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    edited = shop.output / "shop_client" / "resources" / "owners.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "# by hand\n", encoding="utf-8")
    made = _regenerated_as_fresh(shop, monkeypatch, _rendering(monkeypatch))
    assert made == ["shop_client/resources/owners.py"] and "by hand" not in edited.read_text(
        encoding="utf-8"
    )


def test_the_keys_are_the_same_in_every_process() -> None:
    """Keys hash values, never the order of a set (which differs between processes)."""
    code = (
        "import json; from generator.ingest.pipeline import ingest; from generator.model.normalize import normalize; "
        "from generator.diagnostics import Diagnostics; from generator.render.project import Parts; "
        "from generator.target import DEFAULT_TARGET as t, names_for; "
        "d = ingest(t.spec, list(t.overlays)).document; n = names_for(t, d['info']['title']); "
        "p = Parts(normalize(d, Diagnostics(), set(n.reserved_classes)), n, 'spec'); "
        "print(json.dumps([p.package_keys(), p.test_keys()]))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and len(json.loads(runs[0])[0]) > 10
