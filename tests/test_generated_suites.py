"""The generated contract suites pass for the OpenAPI petstore examples and the full CallFire v2 document.

Their unit tests pass too, but that is the corpus run's `tests` stage (tests/test_corpus_run.py:
every one of these documents is in the corpus), so here only the contract part runs, against
Prism: the two together are the whole generated suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import corpus
from generator.generate import generate
from generator.target import Target
from tests.conftest import SHARED_SPECS

DOCUMENTS = [
    "oai/petstore.yaml",
    "oai/petstore-minimal.yaml",
    "oai/petstore-simple.yaml",
    "oai/petstore-expanded.yaml",
    "oai/petstore-with-external-docs.yaml",
    "oai/petstore-separate/spec/swagger.yaml",
    "callfire/callfire-v2-full.yaml",
]


@pytest.mark.corpus
@pytest.mark.contract
@pytest.mark.parametrize("document", DOCUMENTS)
def test_generated_suite_passes(document: str, tmp_path: Path, prism_command: list[str]) -> None:
    if not SHARED_SPECS.is_dir():
        pytest.skip("the third-party corpus ../shared/specs is not present")
    assert SHARED_SPECS / document in corpus.documents(SHARED_SPECS)  # its unit tests run there
    # as the corpus runner does, the documents' $refs may read anywhere in the corpus
    generation, _ = generate(
        Target(
            spec=SHARED_SPECS / document,
            output=tmp_path / "out",
            package="corpus_client",
            ref_roots=(SHARED_SPECS,),
        )
    )
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    env = {
        **os.environ,
        "PRISM_BIN": prism_command[0],
        **corpus.PLAIN_PYTEST,
    }  # the generated suite lives outside the repository here
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "-m", "contract"]
        + ["tests"],
        cwd=tmp_path / "out",
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    assert " passed" in run.stdout
    if os.environ.get("CI"):
        assert "skipped" not in run.stdout  # in CI the contract part must really run
