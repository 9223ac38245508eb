"""The generated tests can fail: break the generated client on purpose, one thing at a time, and watch them go red."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import corpus
from tests.conftest import ROOT

BREAKS = {
    # a query serialization: multi becomes csv
    "query-multi": (
        "callfire_client/resources/calls.py",
        '"id": "multi"',
        '"id": "csv"',
        "test_all_args[find_calls]",
    ),
    # booleans as Python spells them
    "query-boolean": (
        "callfire_client/_runtime/_serialize.py",
        'return "true" if value else "false"',
        "return str(value)",
        "test_all_args[find_calls]",
    ),
    # a path template
    "path-template": (
        "callfire_client/resources/calls.py",
        'path="/calls/broadcasts"',
        'path="/calls/broadcast"',
        "test_required_args[find_call_broadcasts]",
    ),
    # a body field alias
    "body-alias": (
        "callfire_client/models/call_broadcast.py",
        'alias="fromNumber"',
        'alias="from_number"',
        "test_all_args[create_call_broadcast]",
    ),
    # a POST sent again after a 500, which the server may have acted on
    "post-retried-after-500": (
        "callfire_client/_runtime/_retry.py",
        "return retry_safe and status_code in RETRYABLE_STATUSES",
        "return status_code in RETRYABLE_STATUSES",
        "test_retries[send_calls-500]",
    ),
    # a POST sent again after a read timeout
    "post-retried-after-a-read-timeout": (
        "callfire_client/_runtime/_retry.py",
        "return retry_safe and isinstance(exc, _MAYBE_SENT)",
        "return isinstance(exc, _MAYBE_SENT)",
        "test_retries[create_call_broadcast-read-timeout]",
    ),
    # a with_options copy that closes the pool it borrowed
    "copy-closes-the-pool": (
        "callfire_client/_runtime/_client.py",
        "clone._owns_http = False",
        "clone._owns_http = self._owns_http",
        "test_a_copy_shares_the_pool_and_closing_it_leaves_the_pool_open",
    ),
    # a base URL's trailing slash kept: https://example.test//items/1
    "base-url-slash": (
        "callfire_client/_runtime/_client.py",
        'url = options.base_url.rstrip("/") + encode_path',
        "url = options.base_url + encode_path",
        "test_a_base_url_with_or_without_a_trailing_slash",
    ),
    # a known total reached no longer ends the walk
    "total-ignored": (
        "callfire_client/_runtime/_pagination.py",
        "(total is not None and offset >= total)",
        "False",
        "test_pages_until_the_total[find_calls]",
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
        env={**os.environ, **corpus.PLAIN_PYTEST},
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
