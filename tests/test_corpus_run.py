"""The corpus runner over ../shared/specs: every real document passes every stage (slow; CI runs it).

One test per document, each through the runner's own `run_document` (generate, compile, style,
import, mypy --strict, the generated unit tests), so that pytest-xdist spreads the documents over
the workers. The command itself (`corpus DIR --jobs N --report FILE`: its table, report and exit
code) is tested on a small folder in tests/test_corpus_runner.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import corpus
from tests.conftest import SHARED_SPECS, corpus_id

DOCUMENTS = corpus.documents(SHARED_SPECS) if SHARED_SPECS.is_dir() else []


@pytest.fixture
def shared_mypy_cache(mypy_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner's mypy stage with the worker's cache (tests/conftest.py), kept from one document
    to the next.

    The runner gives each document a new, empty cache, so each `mypy --strict` checks httpx,
    pydantic and the standard library again before the package (most of its time for a small
    document). Here the command is the runner's own, only `--cache-dir` names the worker's cache:
    mypy's incremental mode rechecks every module whose source or dependencies changed (each
    package is new), so the verdict is the same.
    """
    run = corpus._run

    def run_with_shared_cache(
        command: list[str], cwd: Path, timeout: int = 900, env: dict[str, str] | None = None
    ) -> str:
        if command[1:3] == ["-m", "mypy"] and "--cache-dir" in command:
            command = list(command)
            command[command.index("--cache-dir") + 1] = str(mypy_cache)
        return run(command, cwd, timeout, env)

    monkeypatch.setattr(corpus, "_run", run_with_shared_cache)


@pytest.mark.corpus
@pytest.mark.parametrize("spec", DOCUMENTS, ids=corpus_id)
def test_corpus_document_passes_every_stage(
    spec: Path, shared_specs: Path, shared_mypy_cache: None
) -> None:
    row = corpus.run_document(spec, shared_specs)
    assert row.ok, f"{row.name}: {row.stages}: {row.detail}"
    assert list(row.stages) == list(corpus.STAGES)


@pytest.mark.corpus
def test_the_corpus_holds_at_least_50_documents(shared_specs: Path) -> None:
    assert len(corpus.documents(shared_specs)) >= 50
