"""The generated tests can fail: break the generated client on purpose, one thing at a time, and watch them go red."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BREAKS = {
    # a query serialization: multi becomes csv
    "query-multi": (
        "callfire_client/resources/calls.py",
        '"id": "multi"',
        '"id": "csv"',
        "test_find_calls_all_args",
    ),
    # booleans as Python spells them
    "query-boolean": (
        "callfire_client/_runtime/_serialize.py",
        'return "true" if value else "false"',
        "return str(value)",
        "test_find_calls_all_args",
    ),
    # a path template
    "path-template": (
        "callfire_client/resources/calls.py",
        'path="/calls/broadcasts"',
        'path="/calls/broadcast"',
        "test_find_call_broadcasts_required_args",
    ),
    # a body field alias
    "body-alias": (
        "callfire_client/models/call_broadcast.py",
        'alias="fromNumber"',
        'alias="from_number"',
        "test_create_call_broadcast_all_args",
    ),
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("pristine") / "generated"
    shutil.copytree(
        ROOT / "generated", copy, ignore=shutil.ignore_patterns("__pycache__", ".mypy_cache")
    )
    return copy


def run_generated_unit_tests(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not contract",
            "tests",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
    )


def test_the_unbroken_client_passes(pristine: Path) -> None:
    run = run_generated_unit_tests(pristine)
    assert run.returncode == 0, run.stdout[-3000:]


@pytest.mark.parametrize("name", list(BREAKS))
def test_a_broken_client_fails_its_generated_tests(
    pristine: Path, tmp_path: Path, name: str
) -> None:
    relative, old, new, failing_test = BREAKS[name]
    broken = tmp_path / "generated"
    shutil.copytree(pristine, broken)
    target = broken / relative
    source = target.read_text()
    assert old in source, f"the break {name!r} no longer applies to {relative}"
    target.write_text(source.replace(old, new))
    run = run_generated_unit_tests(broken)
    assert run.returncode == 1, run.stdout[-3000:]
    assert " failed" in run.stdout
    if failing_test:
        assert (
            f"{failing_test} " in run.stdout
            or f"{failing_test}\n" in run.stdout
            or failing_test in run.stdout
        )
