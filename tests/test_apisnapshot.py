"""The API kept with each generation gives the changelog the same previous API as re-reading it."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from generator.state import apisnapshot
from generator.output import history
from generator.generate import build, generate
from generator.model.ir import Api, Resource
from generator.target import Target
from tests.test_uptodate import SPEC, TWO_RESOURCES

# A change the changelog reports: a new required parameter (breaking) and a new field.
EDITED = SPEC.replace(
    "- {name: limit, in: query, type: integer}",
    "- {name: limit, in: query, type: integer}\n        - {name: owner, in: query, type: string, required: true}",
).replace("type: {type: string}", "type: {type: string}\n      age: {type: integer}")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Target:
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    (tmp_path / "pets.yaml").write_text(SPEC, encoding="utf-8")
    target = Target(
        spec=tmp_path / "pets.yaml", output=tmp_path / "out", package="pets_client", version="bump"
    )
    generation, comparison = generate(target)
    assert comparison is not None and generation.api is not None
    return target


def _digests(api: Api) -> apisnapshot.Digests:
    return apisnapshot.Digests(b"shared", {r.name: r.name.encode() for r in api.resources})


def _derivations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Records each time the previous API is derived from openapi.json rather than taken from the snapshot."""
    derived: list[Path] = []
    real = history.previous_document

    def counting(path: Path) -> object:
        derived.append(path)
        return real(path)

    monkeypatch.setattr(history, "previous_document", counting)
    return derived


def test_a_regeneration_uses_the_kept_api_and_writes_what_deriving_it_would(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    copy = Target(
        spec=project.spec, output=tmp_path / "copy", package="pets_client", version="bump"
    )
    shutil.copytree(project.output, copy.output)
    project.spec.write_text(EDITED, encoding="utf-8")
    derived = _derivations(monkeypatch)
    with_snapshot = build(project)
    assert derived == []  # the snapshot answered
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    without = build(copy)
    assert derived == [copy.output / "openapi.json"]
    assert with_snapshot.files is not None and with_snapshot.files == without.files
    changelog = with_snapshot.files["CHANGELOG.md"]
    assert "## 2.0.0" in changelog and "owner" in changelog and "age" in changelog


def test_a_damaged_snapshot_is_derived_again(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    entries = list((tmp_path / "cache" / "api").glob("*/*"))
    assert len(entries) == 1
    entries[0].write_bytes(b"not an entry")
    project.spec.write_text(EDITED, encoding="utf-8")
    derived = _derivations(monkeypatch)
    generation = build(project)
    assert derived == [project.output / "openapi.json"]
    assert generation.files is not None and "## 2.0.0" in generation.files["CHANGELOG.md"]


def test_a_snapshot_belongs_to_its_bytes_and_reserved_names(project: Target) -> None:
    written = (project.output / "openapi.json").read_bytes()
    reserved = frozenset({"Pets", "AsyncPets"})
    assert apisnapshot.kept(written, reserved) is not None
    assert apisnapshot.kept(written + b" ", reserved) is None
    assert apisnapshot.kept(written, frozenset({"Other"})) is None


def test_only_the_newest_snapshots_are_kept(project: Target, tmp_path: Path) -> None:
    generation = build(project)
    assert generation.api is not None
    for number in range(apisnapshot.KEPT + 3):
        apisnapshot.keep(
            f"{number}".encode(), frozenset(), generation.api, _digests(generation.api)
        )
    assert len(list((tmp_path / "cache" / "api").glob("*/*"))) == apisnapshot.KEPT
    assert apisnapshot.kept(f"{apisnapshot.KEPT + 2}".encode(), frozenset()) is not None


def test_nothing_is_kept_when_the_cache_is_off(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    generation = build(project)
    assert generation.api is not None
    apisnapshot.keep(b"{}", frozenset(), generation.api, _digests(generation.api))
    assert apisnapshot.kept(b"{}", frozenset()) is None


def test_a_damaged_part_is_derived_again(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for part in (tmp_path / "cache" / "api-parts").glob("*/*"):
        part.write_bytes(b"not an entry")
    project.spec.write_text(EDITED, encoding="utf-8")
    derived = _derivations(monkeypatch)
    generation = build(project)
    assert derived == [project.output / "openapi.json"]
    assert generation.files is not None and "## 2.0.0" in generation.files["CHANGELOG.md"]


def test_when_only_a_resource_changed_only_its_previous_version_is_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The changelog compares the changed resources alone, and says what comparing everything says."""
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    (tmp_path / "shop.yaml").write_text(TWO_RESOURCES, encoding="utf-8")
    target = Target(
        spec=tmp_path / "shop.yaml", output=tmp_path / "out", package="shop_client", version="bump"
    )
    assert generate(target)[1] is not None
    copy = dataclasses.replace(target, output=tmp_path / "copy")
    shutil.copytree(target.output, copy.output)
    target.spec.write_text(
        TWO_RESOURCES.replace(
            "operationId: listPets", "operationId: listPets\n      deprecated: true"
        ),
        encoding="utf-8",
    )
    loaded: list[type] = []
    real = apisnapshot._load
    monkeypatch.setattr(
        apisnapshot, "_load", lambda digest, kind: loaded.append(kind) or real(digest, kind)
    )
    derived = _derivations(monkeypatch)
    partial = build(target)
    assert loaded == [Resource] and derived == []  # the previous pets resource, nothing else
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    whole = build(copy)
    assert derived == [copy.output / "openapi.json"]
    assert partial.files is not None and whole.files is not None
    assert partial.files["CHANGELOG.md"] == whole.files["CHANGELOG.md"]
    assert (
        "## 1.1.0" in partial.files["CHANGELOG.md"] and "list_pets" in partial.files["CHANGELOG.md"]
    )
