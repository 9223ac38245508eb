"""The README's command examples run as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.conftest import ROOT

# The set-up blocks create the virtual environment and run this very suite: CI runs them itself.
SET_UP = "python3 -m venv"


def shell_examples() -> list[str]:
    blocks = re.findall(
        r"^```sh\n(.*?)^```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S | re.M
    )
    return [block for block in blocks if not block.startswith(SET_UP)]


def test_the_readme_has_examples_for_each_workflow() -> None:
    text = "\n".join(shell_examples())
    for command in ("validate", "generate", "check", "diff", "--templates", "pip install"):
        assert command in text, command


def test_every_shell_example_in_the_readme_runs_as_written(tmp_path: Path) -> None:
    """In a copy of the repository, one block after another, with `python` the interpreter running the tests."""
    caches = shutil.ignore_patterns("__pycache__", ".mypy_cache")  # other tests may be writing them
    for name in ("spec", "generated", "pyproject.toml"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=caches)
        else:
            shutil.copy(source, tmp_path / name)
    venv = (
        tmp_path / "venv"
    )  # what the examples install goes here, not into the environment running the tests
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    inner = next(venv.glob("lib/python*/site-packages"))
    (inner / "outer.pth").write_text(
        f"import site; site.addsitedir({sysconfig.get_path('purelib')!r})\n"
    )
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    for block in shell_examples():
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert (
            run.returncode == 0
        ), f"{block}\n--- stdout\n{run.stdout[-2000:]}\n--- stderr\n{run.stderr[-3000:]}"
    assert (tmp_path / "build/callfire/callfire_client").is_dir()
    assert (tmp_path / "build/custom/README.md").read_text().startswith("# callfire-client\n")
    assert (tmp_path / "api-changes.md").read_text().startswith("# API changes")
