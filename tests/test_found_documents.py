"""Documents made small from real ones on which a generated client or its suite once failed.

Each file in tests/found_documents/ says where it comes from. Each goes through every stage of the
corpus runner (generate, compile, style, import, mypy --strict, the generated unit tests): the
generated suite is what failed on them, so that stage is the test.
"""

from __future__ import annotations

import ast
import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from generator import corpus
from generator.generate import generate
from generator.target import Target

FOUND = Path(__file__).resolve().parent / "found_documents"
DATES = FOUND / "dates_files_and_json_types.yaml"


@pytest.mark.parametrize("spec", sorted(FOUND.glob("*.yaml")), ids=lambda path: path.name)
def test_a_found_document_passes_every_stage(spec: Path, shared_mypy_cache: None) -> None:
    row = corpus.run_document(spec, FOUND)
    assert row.ok, f"{row.name}: {row.stages}: {row.detail}"


@pytest.fixture(scope="module")
def dates_suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("found") / "out"
    generation, _ = generate(Target(spec=DATES, output=out, package="found_client"))
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    return out


def _expected_query(suite: Path, operation: str) -> dict[str, str]:
    """The query the generated test of operation expects (its first Expect), by name."""
    tree = ast.parse((suite / "tests" / "test_default.py").read_text(encoding="utf-8"))
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "Expect":
            method, path, query = (ast.literal_eval(arg) for arg in call.args[:3])
            if path.startswith(operation):
                return dict(query)
    raise AssertionError(f"no Expect for {operation}")


def test_date_time_examples_are_expected_as_the_instants_they_name(dates_suite: Path) -> None:
    query = _expected_query(dates_suite, "/moments/2024-02-29")
    # RFC 3339 5.6: ".5" is half a second; "-02:00" two hours behind UTC; "t" the same as "T".
    minus_two = datetime.timezone(datetime.timedelta(hours=-2))
    at = datetime.datetime.fromisoformat(query["at"])
    assert at == datetime.datetime(2024, 1, 2, 3, 4, 5, 500_000, tzinfo=minus_two)
    assert at.utcoffset() == datetime.timedelta(hours=-2)  # the offset kept, not converted
    assert query["utc"] == "2024-01-02T03:04:05Z"  # UTC written as pydantic writes it in a model
    assert query["days"] == "2024-01-02,2024-02-29"


def test_the_generated_tests_pass_dates_typed_as_the_signatures_say(
    dates_suite: Path, mypy_cache: Path
) -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "tests/test_default.py"],
        cwd=dates_suite,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout[-3000:]
