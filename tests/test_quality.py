"""The generator's own code stays typed and clean."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_generator_passes_mypy_strict() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "generator"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_generator_passes_pyflakes() -> None:
    made = (
        ROOT / "generator" / "ingest" / "swagger2_fastcheck.py"
    )  # fastjsonschema's code, as it makes it
    files = [
        str(p)
        for folder in ("generator", "tests")
        for p in sorted((ROOT / folder).rglob("*.py"))
        if p != made
    ]
    run = subprocess.run(
        [sys.executable, "-m", "pyflakes", *files], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_generator_and_tests_are_in_blacks_style() -> None:
    """The pinned black (pyproject.toml: line length 100), as for the code the generator makes."""
    run = subprocess.run(
        [sys.executable, "-m", "black", "--check", "--quiet", "generator", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr + "\nrun: python -m black generator tests"
