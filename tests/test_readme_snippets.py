"""The generated README's examples use the API's real names, and the generated tests/test_readme.py
runs every one of them against a mock server: all pass, and a broken example fails."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.generate import generate
from generator.target import Target
from tests.conftest import ROOT, SHARED_SPECS

GENERATED = ROOT / "generated"
# what each client's README shows by example (a feature its API cannot show is said in words)
EVERYWHERE = {"quickstart", "options", "errors", "retries", "logging", "raw", "async_client"}
SHARED = {
    "oai/petstore-expanded.yaml": EVERYWHERE,
    "callfire/callfire-v2-full.yaml": EVERYWHERE | {"auth", "pagination", "streaming"},
}


def _blocks(readme: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)\n```$", readme, re.S | re.M)


def _snippets(module: Path) -> dict[str, str]:
    """The examples a generated tests/test_readme.py runs, by feature (its _SNIPPETS table)."""
    constants: dict[str, str] = {}
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                constants[node.targets[0].id] = node.value.value
        elif isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "_SNIPPETS":
            assert isinstance(node.value, ast.Dict)
            return {
                ast.literal_eval(key): constants[value.id]  # type: ignore[arg-type]
                for key, value in zip(node.value.keys, node.value.values)
                if isinstance(value, ast.Name)
            }
    raise AssertionError(f"{module} has no _SNIPPETS")


def _run(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_readme.py"],
        cwd=folder,
        capture_output=True,
        text=True,
    )


def _check(folder: Path, features: set[str]) -> None:
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "<resource>" not in readme and "<operation>" not in readme
    snippets = _snippets(folder / "tests" / "test_readme.py")
    assert set(snippets) == features
    # every example of the README is run, and nothing else
    assert sorted(_blocks(readme)) == sorted(snippets.values())
    run = _run(folder)
    assert run.returncode == 0, run.stdout[-4000:]
    assert f"{len(snippets)} passed" in run.stdout, run.stdout[-2000:]


def test_callfire_readme_examples_all_run() -> None:
    _check(GENERATED, EVERYWHERE | {"auth", "pagination"})
    readme = (GENERATED / "README.md").read_text(encoding="utf-8")
    assert "for item in client.calls.iter_find_call" in readme
    assert "        async for item in client.calls.iter_find_calls(limit=100):" in readme
    assert "This API declares no operation that answers with a binary body" in readme


@pytest.mark.corpus
@pytest.mark.parametrize("document", sorted(SHARED))
def test_shared_documents_readme_examples_all_run(document: str, tmp_path: Path) -> None:
    if not SHARED_SPECS.is_dir():
        pytest.skip("the third-party corpus ../shared/specs is not present")
    generation, _ = generate(
        Target(
            spec=SHARED_SPECS / document,
            output=tmp_path / "out",
            package="corpus_client",
            ref_roots=(SHARED_SPECS,),
        )
    )
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    _check(tmp_path / "out", SHARED[document])


def _broken(tmp_path: Path, feature: str, old: str, new: str) -> subprocess.CompletedProcess[str]:
    """Run CallFire's README tests with one example changed in the generated test module."""
    folder = tmp_path / "generated"
    shutil.copytree(GENERATED, folder, ignore=shutil.ignore_patterns("__pycache__"))
    module = folder / "tests" / "test_readme.py"
    text = module.read_text(encoding="utf-8")
    start = text.index(f"_EXAMPLE_{feature.upper()} = ")
    end = text.index("\n", start)
    assert old in text[start:end]
    module.write_text(text[:start] + text[start:end].replace(old, new) + text[end:])
    assert new in _snippets(module)[feature]
    return _run(folder)


@pytest.mark.parametrize(
    ("feature", "old", "new"),
    [
        ("raw", ".find_calls(", ".find_callz("),  # a method the resource does not have
        ("pagination", ".iter_find_call", ".iter_find_kall"),
        ("errors", "except BadRequestError", "except ConflictError"),  # not the error it sends
        ("async_client", "async with AsyncCallFire", "with AsyncCallFire"),  # not a sync client
        ("async_client", "async for item in", "for item in"),  # an async pager is not iterable
    ],
)
def test_a_broken_example_fails_its_generated_test(
    tmp_path: Path, feature: str, old: str, new: str
) -> None:
    run = _broken(tmp_path, feature, old, new)
    assert run.returncode == 1, run.stdout[-2000:]
    assert "1 failed" in run.stdout and f"test_readme_example_runs[{feature}]" in run.stdout
