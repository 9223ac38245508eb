"""The generator's own code, and the runtime it copies into every client, stay typed and clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

RUNTIME = ROOT / "templates" / "runtime"


def test_generator_passes_mypy_strict() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "generator"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_generator_passes_pyflakes() -> None:
    made = (  # fastjsonschema's code and Jinja's, as they make them
        ROOT / "generator" / "ingest" / "swagger2_fastcheck.py",
        ROOT / "generator" / "render" / "compiled_templates.py",
    )
    files = [
        str(p)
        for folder in ("generator", "tests")
        for p in sorted((ROOT / folder).rglob("*.py"))
        if p not in made
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


# templates/runtime/ is plain Python, copied (after a header line) into every generated package as
# `<package>/_runtime/`: it is checked here as the source it is.


def runtime_package(root: Path) -> None:
    """templates/runtime as the `_runtime` of a package `demo`, as a generated package holds it:
    the runtime imports `.._version` from the package around it."""
    package = root / "demo"
    shutil.copytree(RUNTIME, package / "_runtime", ignore=shutil.ignore_patterns("__pycache__"))
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "_version.py").write_text(
        '__version__ = "1.0.0"\nPACKAGE_NAME = "demo"\n', encoding="utf-8"
    )


def test_runtime_passes_mypy_strict(tmp_path: Path) -> None:
    runtime_package(tmp_path)
    # The oldest Python a generated package supports (its pyproject.toml: >= 3.10).
    mypy = ["mypy", "--strict", "--python-version", "3.10", "--no-incremental", "-p", "demo"]
    run = subprocess.run(
        [sys.executable, "-m", *mypy], cwd=tmp_path, capture_output=True, text=True
    )
    report = (run.stdout + run.stderr).replace("demo/_runtime/", "templates/runtime/")
    assert run.returncode == 0, report


def test_runtime_passes_pyflakes() -> None:
    modules = sorted(str(p) for p in RUNTIME.glob("*.py"))
    assert len(modules) > 10, modules
    run = subprocess.run(
        [sys.executable, "-m", "pyflakes", *modules], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_runtime_is_in_blacks_style() -> None:
    """The generator copies the runtime as it is: it must already be what black makes of it
    (black as the generator runs it: line length 100, Python 3.10; pyproject.toml says the same)."""
    run = subprocess.run(
        [sys.executable, "-m", "black", "--check", "--quiet", "-l", "100", "-t", "py310", RUNTIME],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr + "\nrun: python -m black templates/runtime"
