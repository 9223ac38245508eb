"""A consumer of the generated CallFire client, written as its users write it, passes `mypy --strict`
and pyright in strict mode, with no pydantic plugin: every model built with its Python field names,
and every body that names a model given as a dict keyed by Python names."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build
from generator.model import ir
from generator.target import DEFAULT_TARGET
from tests.conftest import ROOT

GENERATED = ROOT / "generated"


@functools.lru_cache(maxsize=1)
def callfire_api() -> ir.Api:
    generation = build(DEFAULT_TARGET)
    assert generation.api is not None, [d.render() for d in generation.diagnostics]
    return generation.api


class Consumer:
    """Python source that uses the package: values of IR types, as literals users would write."""

    def __init__(self, api: ir.Api) -> None:
        self.api = api
        self.models = {m.name: m for m in api.models}
        self.enums = {e.name: e for e in api.enums}
        self.classes: set[str] = set()
        self.datetime = False  # whether a value needs the datetime module

    def fields(self, name: str) -> list[ir.Field]:
        """Own and inherited fields, by wire name (a redeclared field keeps its latest form)."""
        model = self.models[name]
        found: dict[str, ir.Field] = {}
        for parent in model.parents:
            found.update((f.wire_name, f) for f in self.fields(parent))
        found.update((f.wire_name, f) for f in model.fields)
        return list(found.values())

    def model(self, name: str, depth: int = 0, as_dict: bool = False) -> str:
        """The model built with every field (only the required ones deeper down) by Python name, or
        the same as a dict literal keyed by Python names."""
        chosen = [f for f in self.fields(name) if depth <= 1 or f.required]
        values = [(f.name, self.value(f.type, depth + 1, as_dict)) for f in chosen]
        if as_dict:
            return "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in values) + "}"
        self.classes.add(name)
        return f"{name}(" + ", ".join(f"{k}={v}" for k, v in values) + ")"

    def value(self, type_: ir.TypeRef, depth: int, as_dict: bool = False) -> str:
        if isinstance(type_, ir.Primitive):
            if type_.format == "date":
                self.datetime = True
                return "datetime.date(2024, 1, 2)"
            if type_.format == "date-time":
                self.datetime = True
                return "datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)"
            return {"int": "1", "float": "1.5", "bool": "True"}.get(type_.kind, '"text"')
        if isinstance(type_, ir.EnumRef):
            enum = self.enums[type_.name]
            if not enum.members:
                return '"value"'
            self.classes.add(enum.name)
            return f"{enum.name}.{enum.members[0].name}"
        if isinstance(type_, ir.ArrayOf):
            return f"[{self.value(type_.item, depth + 1, as_dict)}]"
        if isinstance(type_, ir.MapOf):
            return f'{{"key": {self.value(type_.value, depth + 1, as_dict)}}}'
        if isinstance(type_, ir.ModelRef):
            return self.model(type_.name, depth, as_dict)
        if isinstance(type_, ir.UnionOf):
            first = next(o for o in type_.options if not isinstance(o, ir.NoneValue))
            return self.value(first, depth, as_dict)
        if isinstance(type_, ir.FileData):
            return 'b"content"'
        return '{"any": 1}'

    def call(self, resource: ir.Resource, op: ir.Operation) -> str:
        """The operation called with its required parameters; its body as a dict of Python names."""
        arguments: list[str] = []
        for p in op.parameters:
            if p.required or p.location == "body":
                value = self.value(p.type, 0, as_dict=p.location == "body")
                arguments.append(value if p.location == "path" else f"{p.name}={value}")
        return f"client.{resource.name}.{op.name}({', '.join(arguments)})"


def _names_a_model(type_: ir.TypeRef) -> bool:
    if isinstance(type_, ir.ModelRef):
        return True
    if isinstance(type_, ir.ArrayOf):
        return _names_a_model(type_.item)
    if isinstance(type_, ir.MapOf):
        return _names_a_model(type_.value)
    return False


def consumer_source(api: ir.Api, package: str) -> str:
    consumer = Consumer(api)
    built = [f"    value_{i} = {consumer.model(m.name)}" for i, m in enumerate(api.models)]
    built += [f"    assert value_{i}.to_wire() is not None" for i in range(len(api.models))]
    calls = [
        f"    {consumer.call(resource, op)}"
        for resource in api.resources
        for op in resource.operations
        if any(p.location == "body" and _names_a_model(p.type) for p in op.parameters)
    ]
    assert calls, "the document has an operation whose body is a model"
    imports = [f"from {package}.models import {name}" for name in sorted(consumer.classes)]
    client_class = api.names.client_class
    return "\n".join(
        [
            "# pyright: strict",
            "from __future__ import annotations",
            "",
            *(["import datetime", ""] if consumer.datetime else []),
            f"from {package} import {client_class}",
            *imports,
            "",
            "",
            "def build_models() -> None:",
            *built,
            "",
            "",
            f"def send_dict_bodies(client: {client_class}) -> None:",
            *calls,
            "",
            "",
            "build_models()",
            "",
        ]
    )


@pytest.fixture(scope="module")
def consumer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("consumer")
    path = folder / "consumer.py"
    path.write_text(consumer_source(callfire_api(), "callfire_client"), encoding="utf-8")
    return path


def test_the_consumer_runs(consumer: Path) -> None:
    """The Python names are accepted at run time too (and a model sends its wire names)."""
    env = {**os.environ, "PYTHONPATH": str(GENERATED)}
    run = subprocess.run(
        [sys.executable, str(consumer)],
        capture_output=True,
        text=True,
        env=env,
        cwd=consumer.parent,
    )
    assert run.returncode == 0, run.stderr[-3000:]


def test_the_consumer_passes_mypy_strict(consumer: Path) -> None:
    env = {**os.environ, "MYPYPATH": str(GENERATED)}
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", consumer.name],
        cwd=consumer.parent,
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]


def test_the_consumer_passes_pyright_strict(consumer: Path) -> None:
    config = {
        "typeCheckingMode": "strict",
        "extraPaths": [str(GENERATED)],
        "include": [consumer.name],
        "pythonVersion": "3.10",
    }
    (consumer.parent / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, consumer.name],
        cwd=consumer.parent,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]


MISTAKES = """\
# pyright: strict
from callfire_client import CallFire


def send(client: CallFire) -> None:
    client.calls.send_calls(body=[{"phone_numbr": "1"}])
    client.calls.send_calls(body=[{"contact_id": "not a number"}])
    client.calls.send_calls(body=[{"phone_number": None}])
    client.calls.create_call_broadcast(body={"recipients": [{"phone_numbr": "1"}]})
"""


def _errors_by_line(output: str, name: str) -> set[int]:
    return {
        int(line.split(f"{name}:", 1)[1].split(":", 1)[0])
        for line in output.splitlines()
        if f"{name}:" in line and "error" in line
    }


def test_both_checkers_catch_mistakes_in_dict_bodies(tmp_path: Path) -> None:
    """A body given as a dict is typed: each line of MISTAKES is an error to both checkers."""
    path = tmp_path / "mistakes.py"
    path.write_text(MISTAKES, encoding="utf-8")
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(GENERATED)},
    )
    config = {"typeCheckingMode": "strict", "extraPaths": [str(GENERATED)]}
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    pyright = subprocess.run(
        [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    expected = {6, 7, 8, 9}
    assert _errors_by_line(mypy.stdout, path.name) == expected, mypy.stdout
    assert _errors_by_line(pyright.stdout, path.name) == expected, pyright.stdout
