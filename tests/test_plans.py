"""Planned tests kept in the cache folder come back equal, on the resource's own operations."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from generator.state import plans
from generator.render import testgen
from generator.diagnostics import Diagnostics
from generator.model.normalize import normalize
from generator.ingest.pipeline import ingest
from generator.target import DEFAULT_TARGET, names_for


@pytest.fixture
def planned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[object, list[testgen.OperationTests]]]:
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path))
    document = ingest(DEFAULT_TARGET.spec, list(DEFAULT_TARGET.overlays)).document
    assert document is not None
    names = names_for(DEFAULT_TARGET, str(document["info"]["title"]))
    api = normalize(document, Diagnostics(), set(names.reserved_classes))
    planner = testgen.Planner(api, [])
    return [(resource, planner.resource(resource)) for resource in api.resources]


def test_kept_plans_equal_the_planned_ones(
    planned: list[tuple[object, list[testgen.OperationTests]]],
) -> None:
    plans.keep({f"key-{index}": tests for index, (_, tests) in enumerate(planned)})
    for index, (resource, tests) in enumerate(planned):
        again = plans.kept(f"key-{index}", resource)  # type: ignore[arg-type]
        assert again == tests and all(a.op is t.op for a, t in zip(again, tests))
    assert plans.kept("another key", planned[0][0]) is None  # type: ignore[arg-type]


def test_a_damaged_or_foreign_entry_is_planned_again(
    planned: list[tuple[object, list[testgen.OperationTests]]], tmp_path: Path
) -> None:
    resource, tests = planned[0]
    plans.keep({"key": tests})
    fewer = dataclasses.replace(resource, operations=resource.operations[1:])  # type: ignore[type-var, attr-defined]
    assert plans.kept("key", fewer) is None  # plans for other operations are never put on these
    (path,) = (tmp_path / "plans").glob("*/*")
    path.write_bytes(path.read_bytes()[:100])
    assert plans.kept("key", resource) is None  # type: ignore[arg-type]
